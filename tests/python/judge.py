"""Helpers of the python-libjuju judge: connecting through python-libjuju's own API, running a
coroutine with a deadline, unique secret names, base64."""

import asyncio
import base64
import contextlib
import dataclasses
import itertools
import os
import pathlib
import re

from juju.client.client import SecretsFacade
from juju.client.connection import Connection
from juju.model import Model

ROOT = pathlib.Path(__file__).resolve().parents[2]
EXAMPLES = pathlib.Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target")) / "debug" / "examples"

# No test may take longer than this, so nothing hangs CI.
TIMEOUT = 30

# A secret URI as the test controller issues them (Juju's classic 20-character ids).
URI = re.compile(r"secret:[0-9a-v]{19}[0g]")

_names = itertools.count(1)


@dataclasses.dataclass(frozen=True)
class Controller:
    """What the standalone test controller printed about itself, and its CA certificate."""

    endpoint: str
    model_uuid: str
    model_name: str
    user: str
    password: str
    cacert: str
    juju_data: str

    def credentials(self):
        return {
            "endpoint": self.endpoint,
            "username": self.user,
            "password": self.password,
            "cacert": self.cacert,
        }


def run(coroutine):
    """Runs a coroutine on a fresh event loop, failing it after TIMEOUT seconds."""
    return asyncio.run(asyncio.wait_for(coroutine, TIMEOUT))


def unique(prefix="secret"):
    """A secret name no other test uses (all tests share one model)."""
    return f"{prefix}-{next(_names)}"


def b64(text):
    return base64.b64encode(text.encode()).decode()


def unb64(text):
    return base64.b64decode(text).decode()


async def connect(controller, model=True):
    """A python-libjuju Connection to the model, or (model=False) to the controller."""
    uuid = controller.model_uuid if model else None
    return await Connection.connect(uuid=uuid, **controller.credentials())


@contextlib.asynccontextmanager
async def secrets_facade(controller):
    """python-libjuju's generated Secrets facade (v2) on a fresh model connection."""
    connection = await connect(controller)
    try:
        yield SecretsFacade.from_connection(connection)
    finally:
        await connection.close()


@contextlib.asynccontextmanager
async def model(controller):
    """A python-libjuju Model, connected the documented way (endpoint, uuid, credentials)."""
    m = Model()
    await m.connect(uuid=controller.model_uuid, **controller.credentials())
    try:
        yield m
    finally:
        await m.disconnect()


async def find(where, show=True, **filter_):
    """The one ListSecretResult matching `filter_` (`label=` or `uri=`), through a Model's
    `list_secrets` or a Secrets facade's `ListSecrets`."""
    if isinstance(where, Model):
        results = await where.list_secrets(filter=filter_, show_secrets=show)
    else:
        results = (await where.ListSecrets(filter_=filter_, show_secrets=show)).results
    assert len(results) == 1, results
    return results[0]


def revealed(secret):
    """A ListSecretResult's revealed content, decoded."""
    return {key: unb64(value) for key, value in secret.value.data.items()}
