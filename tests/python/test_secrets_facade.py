"""Every Secrets v2 method through python-libjuju's generated facade (juju.client.client.
SecretsFacade), on a connection made by python-libjuju's Connection.connect.

python-libjuju's Connection.rpc turns replies into exceptions two ways, and the tests assert both:
- a request-level error (`"error"` in the envelope) raises JujuAPIError, which keeps the message,
  the `error-code` and the (empty) `response`;
- any per-item error in `results` raises a plain JujuError holding only the messages: codes and
  the other items' results are dropped (see test_libjuju_bugs.py).
"""

import hashlib
import json

import pytest
from juju.errors import JujuAPIError, JujuError

from judge import URI, b64, find, revealed, run, secrets_facade, unique


def checksum(data):
    """Juju's content checksum: hex SHA-256 of the compact, key-sorted JSON of the base64 map."""
    text = json.dumps(data, separators=(",", ":"), sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def test_create_then_list_and_reveal(controller):
    async def body():
        async with secrets_facade(controller) as facade:
            name = unique()
            data = {"user": b64("app"), "password": b64("s3cr3t")}
            created = await facade.CreateSecrets(
                args=[{"content": {"data": data}, "label": name, "description": "db creds"}]
            )
            [item] = created.results
            assert item.error is None
            assert URI.fullmatch(item.result), item.result

            secret = await find(facade, label=name)
            assert secret.uri == item.result
            assert secret.label == name
            assert secret.description == "db creds"
            assert secret.owner_tag == f"model-{controller.model_uuid}"
            assert secret.version == 1
            assert secret.latest_revision == 1
            assert secret.latest_revision_checksum == checksum(data)
            assert [(r.revision, r.backend_name) for r in secret.revisions] == [(1, "internal")]
            assert secret.create_time and secret.update_time
            assert not secret.access  # absent on the wire; python-libjuju makes it []
            assert revealed(secret) == {"user": "app", "password": "s3cr3t"}

    run(body())


def test_list_filters_and_hides_values_unless_asked(controller):
    async def body():
        async with secrets_facade(controller) as facade:
            name = unique()
            created = await facade.CreateSecrets(
                args=[{"content": {"data": {"token": b64("1")}}, "label": name}]
            )
            uri = created.results[0].result
            secret = await find(facade, show=False, uri=uri)
            assert secret.label == name
            assert secret.value is None
            nothing = await facade.ListSecrets(filter_={"label": unique()}, show_secrets=True)
            assert nothing.results == []
            everything = await facade.ListSecrets(show_secrets=False)
            assert uri in [s.uri for s in everything.results]

    run(body())


def test_update_makes_revisions_and_changes_metadata(controller):
    async def body():
        async with secrets_facade(controller) as facade:
            name = unique()
            created = await facade.CreateSecrets(
                args=[{"content": {"data": {"password": b64("one")}}, "label": name}]
            )
            uri = created.results[0].result

            new = {"password": b64("two")}
            updated = await facade.UpdateSecrets(
                args=[{"existing-label": name, "content": {"data": new}}]
            )
            assert [r.error for r in updated.results] == [None]
            secret = await find(facade, uri=uri)
            assert secret.latest_revision == 2
            assert [r.revision for r in secret.revisions] == [1, 2]
            assert revealed(secret) == {"password": "two"}

            # By URI, metadata only: no new revision.
            await facade.UpdateSecrets(args=[{"uri": uri, "description": "now described"}])
            # The same content again is a no-op (Juju 3.6 compares checksums).
            await facade.UpdateSecrets(args=[{"uri": uri, "content": {"data": new}}])
            secret = await find(facade, uri=uri)
            assert secret.description == "now described"
            assert secret.label == name
            assert secret.latest_revision == 2

            # An older revision stays readable.
            listed = await facade.ListSecrets(
                filter_={"uri": uri, "revision": 1}, show_secrets=True
            )
            assert revealed(listed.results[0]) == {"password": "one"}

    run(body())


def test_update_with_nothing_to_change_is_refused(controller):
    async def body():
        async with secrets_facade(controller) as facade:
            name = unique()
            await facade.CreateSecrets(args=[{"content": {"data": {"a-key": b64("v")}}, "label": name}])
            with pytest.raises(JujuError) as caught:
                await facade.UpdateSecrets(args=[{"existing-label": name}])
            assert caught.value.errors == ["at least one attribute to update must be specified"]

    run(body())


def test_grant_and_revoke_answer_per_application(controller):
    async def body():
        async with secrets_facade(controller) as facade:
            name = unique()
            created = await facade.CreateSecrets(
                args=[{"content": {"data": {"token": b64("t")}}, "label": name}]
            )
            uri = created.results[0].result
            granted = await facade.GrantSecret(applications=["mysql", "wordpress"], label=name)
            assert [r.error for r in granted.results] == [None, None]
            secret = await find(facade, uri=uri)
            assert sorted((a.target_tag, a.scope_tag, a.role) for a in secret.access) == [
                ("application-mysql", f"model-{controller.model_uuid}", "view"),
                ("application-wordpress", f"model-{controller.model_uuid}", "view"),
            ]

            revoked = await facade.RevokeSecret(applications=["mysql"], uri=uri)
            assert [r.error for r in revoked.results] == [None]
            secret = await find(facade, uri=uri)
            assert [a.target_tag for a in secret.access] == ["application-wordpress"]

            # Revoking what was never granted, or from an unknown application, succeeds.
            revoked = await facade.RevokeSecret(applications=["mysql", "nope"], uri=uri)
            assert [r.error for r in revoked.results] == [None, None]

    run(body())


def test_grant_to_an_unknown_application_fails_for_that_application(controller):
    async def body():
        async with secrets_facade(controller) as facade:
            name = unique()
            created = await facade.CreateSecrets(
                args=[{"content": {"data": {"token": b64("t")}}, "label": name}]
            )
            uri = created.results[0].result
            with pytest.raises(JujuError) as caught:
                await facade.GrantSecret(applications=["nope"], label=name)
            assert caught.value.errors == [
                f'cannot change access to "{uri}" for "nope": '
                'invalid subject reference: remote application "nope" not found'
            ]

    run(body())


def test_remove_a_revision_then_the_secret(controller):
    async def body():
        async with secrets_facade(controller) as facade:
            name = unique()
            created = await facade.CreateSecrets(
                args=[{"content": {"data": {"token": b64("1")}}, "label": name}]
            )
            uri = created.results[0].result
            await facade.UpdateSecrets(args=[{"uri": uri, "content": {"data": {"token": b64("2")}}}])

            removed = await facade.RemoveSecrets(args=[{"uri": uri, "revisions": [1]}])
            assert [r.error for r in removed.results] == [None]
            secret = await find(facade, uri=uri)
            assert [r.revision for r in secret.revisions] == [2]

            removed = await facade.RemoveSecrets(args=[{"label": name}])
            assert [r.error for r in removed.results] == [None]
            gone = await facade.ListSecrets(filter_={"uri": uri})
            assert gone.results == []

            with pytest.raises(JujuError) as caught:
                await facade.RemoveSecrets(args=[{"uri": uri}])
            assert caught.value.errors == [f'secret "{uri}" not found']

    run(body())


def test_a_taken_name_fails_that_item_without_its_code(controller):
    async def body():
        async with secrets_facade(controller) as facade:
            name = unique()
            arg = {"content": {"data": {"token": b64("t")}}, "label": name}
            await facade.CreateSecrets(args=[arg])
            with pytest.raises(JujuError) as caught:
                await facade.CreateSecrets(args=[arg])
            # The controller said `"code": "already exists"`; python-libjuju keeps only the text.
            assert type(caught.value) is JujuError
            assert caught.value.errors == [f'secret with name "{name}" already exists']

    run(body())


def test_request_level_errors_keep_their_code(controller):
    async def body():
        async with secrets_facade(controller) as facade:
            with pytest.raises(JujuAPIError) as caught:
                await facade.ListSecrets(filter_={"uri": "http:abc"})
            error = caught.value
            assert error.message == 'secret URI scheme "http" not valid'
            assert error.error_code == "not valid"
            # Juju writes an empty response even on errors; JujuAPIError reads it unconditionally.
            assert error.response == {}

            with pytest.raises(JujuAPIError) as caught:
                await facade.GrantSecret(applications=["mysql"])
            assert caught.value.message == "must specify either URI or name"
            assert caught.value.error_code is None

    run(body())
