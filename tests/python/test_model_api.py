"""The guide through python-libjuju's high-level API: Model.connect (which also needs
ModelConfig, Client.WatchAll, AllWatcher and, on a second connection, ModelManager.ModelInfo),
then add_secret, list_secrets, grant_secret, revoke_secret, update_secret and remove_secret,
called the way python-libjuju's own behaviour allows (see test_libjuju_bugs.py for the rest)."""

import asyncio
import time

from juju.model import Model

from judge import URI, find, model, revealed, run, unique


def test_model_connect_describes_the_model(controller):
    async def body():
        async with model(controller) as m:
            assert m.is_connected()
            assert m.uuid == controller.model_uuid
            assert m.name == controller.model_name
            info = m.info
            assert info.type_ == "iaas"
            assert info.owner_tag == f"user-{controller.user}"
            assert str(info.agent_version) == "3.6.4"
            assert info.provider_type == "lxd"
            assert info.life == "alive"
            assert [u.user for u in info.users] == [controller.user]
            # The first AllWatcher.Next described an empty model.
            assert m.applications == {}
            assert m.machines == {}
            config = await m.get_config()
            assert config["uuid"].value == controller.model_uuid
            # The watcher's held Next does not stop other calls.
            assert await m.list_secrets() is not None
            started = time.monotonic()
        # disconnect stopped the AllWatcher (AllWatcher.Stop answered) without waiting.
        assert time.monotonic() - started < 5

    run(body())


def test_model_connect_from_the_client_store(controller, monkeypatch):
    monkeypatch.setenv("JUJU_DATA", controller.juju_data)
    monkeypatch.delenv("JUJU_CONTROLLER", raising=False)
    monkeypatch.delenv("JUJU_MODEL", raising=False)

    async def body():
        for args in [(), (f"test-controller:{controller.user}/{controller.model_name}",)]:
            m = Model()
            await m.connect(*args)
            try:
                assert m.uuid == controller.model_uuid
                assert m.name == controller.model_name
            finally:
                await m.disconnect()

    run(body())


def test_websocket_pings_are_answered_while_a_next_is_held(controller):
    async def body():
        async with model(controller) as m:
            # The AllWatcher's second Next is held by now; the socket must still answer pings.
            await asyncio.sleep(0.2)
            pong = await m.connection()._ws.ping()
            await asyncio.wait_for(pong, 5)

    run(body())


def test_the_guide(controller):
    async def body():
        async with model(controller) as m:
            name = unique("db-creds")
            uri = await m.add_secret(
                name, ["user=app", "password=s3cr3t"], info="database credentials"
            )
            assert URI.fullmatch(uri), uri

            secret = await find(m, label=name)
            assert secret.uri == uri
            assert secret.description == "database credentials"
            assert revealed(secret) == {"user": "app", "password": "s3cr3t"}

            await m.grant_secret(name, "mysql")
            secret = await find(m, show=False, label=name)
            assert [a.target_tag for a in secret.access] == ["application-mysql"]
            await m.revoke_secret(name, "mysql")
            secret = await find(m, show=False, label=name)
            assert not secret.access

            # update_secret sends name and description whether given or not (see
            # test_libjuju_bug_update_secret_clears_name_and_description): pass both.
            await m.update_secret(
                name, ["user=app", "password=n3w"], new_name=name, info="database credentials"
            )
            secret = await find(m, label=name)
            assert secret.latest_revision == 2
            assert secret.description == "database credentials"
            assert revealed(secret) == {"user": "app", "password": "n3w"}

            renamed = unique("renamed")
            await m.update_secret(name, new_name=renamed, info="renamed")
            secret = await find(m, show=False, uri=uri)
            assert (secret.label, secret.description) == (renamed, "renamed")
            assert secret.latest_revision == 2

            await m.remove_secret(renamed, revision=1)
            secret = await find(m, show=False, uri=uri)
            assert [r.revision for r in secret.revisions] == [2]
            await m.remove_secret(renamed)
            assert await m.list_secrets(filter={"uri": uri}) == []

    run(body())


def test_add_secret_from_a_yaml_file(controller, tmp_path):
    path = tmp_path / "creds.yaml"
    path.write_text("user: app\npassword#base64: czNjcjN0\n")

    async def body():
        async with model(controller) as m:
            name = unique()
            await m.add_secret(name, ["user=overridden"], file=str(path))
            secret = await find(m, label=name)
            # Keys from the file win over the arguments'.
            assert revealed(secret) == {"user": "app", "password": "s3cr3t"}

    run(body())
