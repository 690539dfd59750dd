"""Rust and Python on the same model: secrets written by this crate (through the CLI example
`juju-secrets`, connecting via JUJU_DATA) are read by python-libjuju, and the other way round.

The CLI's contract: `add-secret NAME KEY=VALUE... [--info TEXT]` prints the URI alone;
`show-secret NAME|URI --reveal --format json` prints `{"<id>": {..., "content": {KEY: VALUE}}}`.
"""

import json
import subprocess

import pytest

from judge import EXAMPLES, TIMEOUT, URI, find, model, revealed, run, unique


def cli(env, *args):
    binary = EXAMPLES / "juju-secrets"
    if not binary.exists():
        pytest.fail(f"{binary} is missing: run `cargo build --examples --all-features` first")
    done = subprocess.run(
        [str(binary), *args], env=env, capture_output=True, text=True, timeout=TIMEOUT
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_secret_added_by_rust_is_read_by_python(controller, juju_env):
    name = unique("from-rust")
    uri = cli(juju_env, "add-secret", name, "user=app", "password=s3cr3t", "--info", "by rust")
    uri = uri.strip()
    assert URI.fullmatch(uri), uri

    async def body():
        async with model(controller) as m:
            secret = await find(m, uri=uri)
            assert (secret.label, secret.description) == (name, "by rust")
            assert revealed(secret) == {"user": "app", "password": "s3cr3t"}
            await m.update_secret(name, ["password=from-python"], new_name=name, info="by rust")

    run(body())
    shown = json.loads(cli(juju_env, "show-secret", uri, "--reveal", "--format", "json"))
    [(key, secret)] = shown.items()
    assert f"secret:{key}" == uri
    assert secret["revision"] == 2
    # An update replaces the whole content.
    assert secret["content"] == {"password": "from-python"}


def test_a_secret_added_by_python_is_read_by_rust(controller, juju_env):
    name = unique("from-python")

    async def body():
        async with model(controller) as m:
            return await m.add_secret(name, ["token=abc", "cert=line1\nline2"], info="by python")

    uri = run(body())
    shown = json.loads(cli(juju_env, "show-secret", name, "--reveal", "--format", "json"))
    [(key, secret)] = shown.items()
    assert f"secret:{key}" == uri
    assert secret["name"] == name
    assert secret["description"] == "by python"
    assert secret["revision"] == 1
    assert secret["content"] == {"token": "abc", "cert": "line1\nline2"}

    cli(juju_env, "grant-secret", name, "mysql,wordpress")
    cli(juju_env, "update-secret", name, "token=rotated")

    async def check():
        async with model(controller) as m:
            secret = await find(m, uri=uri)
            assert secret.latest_revision == 2
            assert revealed(secret) == {"token": "rotated"}
            assert sorted(a.target_tag for a in secret.access) == [
                "application-mysql",
                "application-wordpress",
            ]
            # The Rust client sent no name or description: both are kept (unlike
            # test_libjuju_bug_update_secret_clears_name_and_description).
            assert (secret.label, secret.description) == (name, "by python")
            await m.remove_secret(name)

    run(check())
    shown = subprocess.run(
        [str(EXAMPLES / "juju-secrets"), "show-secret", uri],
        env=juju_env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert shown.returncode == 1
    assert "not found" in shown.stderr
