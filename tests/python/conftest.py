"""Fixtures of the python-libjuju judge: one standalone test controller for the whole session.

The controller is `target/debug/examples/test-controller` (built by scripts/python-judge.sh). It
prints one JSON line describing itself, writes a client store into a temporary JUJU_DATA
directory, and serves until it is killed at the end of the session.
"""

import json
import os
import select
import subprocess

import pytest

from judge import EXAMPLES, TIMEOUT, Controller


@pytest.fixture(scope="session")
def controller(tmp_path_factory):
    binary = EXAMPLES / "test-controller"
    if not binary.exists():
        pytest.fail(f"{binary} is missing: run `cargo build --examples --all-features` first")
    juju_data = tmp_path_factory.mktemp("juju-data")
    process = subprocess.Popen(
        [str(binary), "--juju-data", str(juju_data)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        ready, _, _ = select.select([process.stdout], [], [], TIMEOUT)
        if not ready:
            pytest.fail(f"the test controller printed nothing within {TIMEOUT} s")
        line = json.loads(process.stdout.readline())
        with open(line["ca_cert_path"], encoding="utf-8") as ca:
            cacert = ca.read()
        yield Controller(
            endpoint=line["endpoint"],
            model_uuid=line["model_uuid"],
            model_name=line["model_name"],
            user=line["user"],
            password=line["password"],
            cacert=cacert,
            juju_data=line["juju_data"],
        )
    finally:
        process.kill()
        process.wait()


@pytest.fixture
def juju_env(controller):
    """The environment for the Rust CLI example: JUJU_DATA is the controller's client store."""
    env = dict(os.environ)
    env.pop("JUJU_CONTROLLER", None)
    env.pop("JUJU_MODEL", None)
    env["JUJU_DATA"] = controller.juju_data
    return env
