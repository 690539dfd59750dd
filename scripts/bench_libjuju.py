"""python-libjuju's side of scripts/bench-compare.sh, and the table it prints.

    python bench_libjuju.py CONTROLLER_JSON run WORKLOAD N   # one JSON line out
    python bench_libjuju.py summarize RESULTS_JSONL           # the Markdown table

The workloads are those of examples/bench-client.rs, call for call: python-libjuju's own
Connection.connect (endpoint, uuid, username, password, cacert) and its generated SecretsFacade
and PingerFacade, with values base64-decoded as ours decodes them. Set-up and clean-up are not
timed. Each run prints {"impl": "python", "workload": ..., "seconds": [one per repetition]}.
"""

import asyncio
import base64
import json
import os
import statistics
import sys
import time

BIG_VALUE_RAW = 750_000


def small_data():
    return {
        "user": base64.b64encode(b"bench-app").decode(),
        "password": base64.b64encode(b"s3cr3t-bench-value").decode(),
    }


async def connect(controller):
    from juju.client.connection import Connection

    with open(controller["ca_cert_path"], encoding="utf-8") as ca:
        cacert = ca.read()
    return await Connection.connect(
        endpoint=controller["endpoint"],
        uuid=controller["model_uuid"],
        username=controller["user"],
        password=controller["password"],
        cacert=cacert,
    )


def reveal(result):
    return {k: base64.b64decode(v) for k, v in result.value.data.items()}


async def create(facade, items):
    """items: (name, data) pairs; returns the URIs, failing on any item's error."""
    args = [{"content": {"data": data}, "label": name} for name, data in items]
    reply = await facade.CreateSecrets(args=args)
    return [r.result for r in reply.results]


async def remove(facade, uris):
    if uris:
        await facade.RemoveSecrets(args=[{"uri": uri} for uri in uris])


async def workload(controller, name, n):
    from juju.client.client import PingerFacade, SecretsFacade

    prefix = f"python-{os.getpid()}-{name}"
    conn = await connect(controller)
    secrets = SecretsFacade.from_connection(conn)
    times = []

    async def timed(coroutine):
        started = time.perf_counter()
        result = await coroutine
        times.append(time.perf_counter() - started)
        return result

    try:
        if name == "connect":
            for _ in range(n):
                other = await timed(connect(controller))
                await other.close()
        elif name == "ping":
            pinger = PingerFacade.from_connection(conn)
            for _ in range(n):
                await timed(pinger.Ping())
        elif name in ("add", "big_add"):
            data = small_data()
            if name == "big_add":
                data = {"data": base64.b64encode(b"v" * BIG_VALUE_RAW).decode()}
            for i in range(n):
                uris = await timed(create(secrets, [(f"{prefix}-{i}", data)]))
                await remove(secrets, uris)
        elif name in ("show", "big_reveal"):
            key, data = "password", small_data()
            if name == "big_reveal":
                key, data = "data", {"data": base64.b64encode(b"v" * BIG_VALUE_RAW).decode()}
            uris = await create(secrets, [(prefix, data)])

            async def get():
                found = await secrets.ListSecrets(filter_={"label": prefix}, show_secrets=True)
                return reveal(found.results[0])[key]

            for _ in range(n):
                await timed(get())
            await remove(secrets, uris)
        elif name == "list1000":
            uris = await create(secrets, [(f"{prefix}-{i}", small_data()) for i in range(1000)])

            async def list_all():
                found = await secrets.ListSecrets(show_secrets=True)
                assert len(found.results) == 1000, "other secrets in the model"
                return [reveal(r) for r in found.results]

            for _ in range(n):
                await timed(list_all())
            await remove(secrets, uris)
        elif name in ("create100_batch", "create100_single"):
            for i in range(n):
                items = [(f"{prefix}-{i}-{j}", small_data()) for j in range(100)]
                if name == "create100_batch":
                    uris = await timed(create(secrets, items))
                else:

                    async def singles():
                        found = []
                        for item in items:
                            found += await create(secrets, [item])
                        return found

                    uris = await timed(singles())
                await remove(secrets, uris)
        else:
            raise SystemExit(f"unknown workload {name!r}")
    finally:
        await conn.close()
    return times


def summarize(path):
    """Medians per workload and implementation over every repetition of every run, the ratio
    python ÷ rust, and the exec -> value -> exit lines (wall seconds, peak RSS in KiB)."""
    samples = {}
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            samples.setdefault(row["workload"], {}).setdefault(row["impl"], []).extend(
                row["seconds"]
            )
    print("| workload | ours (median) | python-libjuju (median) | python ÷ ours | repetitions |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for workload, by_impl in samples.items():
        rust, python = by_impl.get("rust", []), by_impl.get("python", [])
        if not rust or not python:
            continue
        r, p = statistics.median(rust), statistics.median(python)
        print(
            f"| {workload} | {fmt(r)} | {fmt(p)} | {p / r:.1f} | {len(rust)} + {len(python)} |"
        )


def fmt(seconds):
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds * 1e6:.0f} µs"


def main():
    if sys.argv[1:2] == ["summarize"]:
        summarize(sys.argv[2])
        return
    controller_path, command, name, n = sys.argv[1:5]
    if command != "run":
        raise SystemExit(f"unknown command {command!r}")
    with open(controller_path, encoding="utf-8") as f:
        controller = json.load(f)
    times = asyncio.run(asyncio.wait_for(workload(controller, name, int(n)), 600))
    print(json.dumps({"impl": "python", "workload": name, "seconds": times}))


if __name__ == "__main__":
    main()
