"""Wire details python-libjuju depends on: the Login result, facade negotiation on model and
controller connections, error frames, websocket keep-alive, and TLS as python-libjuju does it."""

import asyncio
import socket
import ssl

import pytest
from juju.client.client import Entity, ModelManagerFacade
from juju.client.connection import Connection
from juju.errors import JujuAPIError, JujuError

from judge import connect, run


def test_model_login_reports_a_3x_server_and_the_facades_model_connect_needs(controller):
    async def body():
        connection = await connect(controller)
        try:
            # Connector.connect refuses a server whose major version differs from its own (3).
            assert connection.info["server-version"] == "3.6.4"
            assert connection.info["model-tag"] == f"model-{controller.model_uuid}"
            assert connection.info["user-info"]["identity"] == f"user-{controller.user}"
            # python-libjuju keeps the highest version both sides know.
            assert connection.facades == {
                "AllWatcher": 3,
                "Client": 8,
                "ModelConfig": 3,
                "Pinger": 1,
                "Secrets": 2,
            }
        finally:
            await connection.close()

    run(body())


def test_controller_login_offers_controller_facades_only(controller):
    async def body():
        connection = await connect(controller, model=False)
        try:
            assert "model-tag" not in connection.info
            assert connection.facades == {"ModelManager": 10, "Pinger": 1}
            with pytest.raises(JujuAPIError) as caught:
                await connection.rpc({"type": "Secrets", "request": "ListSecrets", "version": 2})
            error = caught.value
            assert error.message == 'facade "Secrets" not supported for controller API connection'
            assert error.error_code == "not supported"
            assert error.response == {}
        finally:
            await connection.close()

    run(body())


def test_model_info_hides_unknown_models_behind_permission_denied(controller):
    async def body():
        connection = await connect(controller, model=False)
        try:
            facade = ModelManagerFacade.from_connection(connection)
            known = await facade.ModelInfo(entities=[Entity(f"model-{controller.model_uuid}")])
            assert known.results[0].result.name == controller.model_name
            with pytest.raises(JujuError) as caught:
                unknown = "model-00000000-0000-4000-8000-000000000000"
                await facade.ModelInfo(entities=[Entity(unknown)])
            assert caught.value.errors == ["permission denied"]
        finally:
            await connection.close()

    run(body())


def test_error_frames_carry_an_empty_response(controller):
    async def body():
        connection = await connect(controller)
        try:
            with pytest.raises(JujuAPIError) as caught:
                await connection.rpc({"type": "Pinger", "request": "Nope", "version": 1})
            error = caught.value
            assert error.message == "no such request - method Pinger(1).Nope is not implemented"
            assert error.error_code == "not implemented"
            assert error.response == {}
            assert error.request_id > 1  # Login was 1
        finally:
            await connection.close()

    run(body())


def test_a_wrong_password_is_unauthorized(controller):
    async def body():
        credentials = dict(controller.credentials(), password="wrong")
        with pytest.raises(JujuAPIError) as caught:
            await Connection.connect(uuid=controller.model_uuid, **credentials)
        assert caught.value.message == "invalid entity name or password"
        assert caught.value.error_code == "unauthorized access"

    run(body())


def test_websocket_pings_are_answered(controller):
    async def body():
        # python-libjuju's websockets client pings every 20 s and drops the connection when a
        # pong is 20 s late; check the controller answers promptly, here directly.
        connection = await connect(controller)
        try:
            pong = await connection._ws.ping()
            await asyncio.wait_for(pong, 5)
            assert connection.is_open
        finally:
            await connection.close()

    run(body())


def test_libjuju_divergence_tls_hostname_is_not_checked(controller):
    """Like a real controller's, the test controller's certificate names `juju-apiserver`, not
    the address clients dial. The Go client verifies `juju-apiserver`; python-libjuju turns
    hostname checking off whenever it is given a CA, and only that lets it connect."""
    host, port = controller.endpoint.rsplit(":", 1)

    def handshake(server_hostname, check_hostname):
        context = ssl.create_default_context(cadata=controller.cacert)
        context.check_hostname = check_hostname
        with socket.create_connection((host, int(port)), timeout=5) as tcp:
            with context.wrap_socket(tcp, server_hostname=server_hostname):
                pass

    handshake("juju-apiserver", True)
    with pytest.raises(ssl.SSLCertVerificationError):
        handshake(host, True)
    handshake(host, False)
    assert Connection()._get_ssl(controller.cacert).check_hostname is False
