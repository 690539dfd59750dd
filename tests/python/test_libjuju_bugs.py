"""python-libjuju 3.6.1.3 bugs and divergences met while driving the test controller. Each test
SHOWS one: it asserts python-libjuju's actual (wrong) behaviour, so a fixed python-libjuju makes
it fail and the test can go. Nothing here works around a bug silently.

Sources: python-libjuju juju/model/__init__.py (add/update/remove/grant/revoke_secret),
juju/secrets.py (create_secret_data, read_secret_data, encode_values_base64),
juju/client/connection.py (Connection.rpc).
"""

import pytest
from juju.errors import JujuAPIError, JujuError

from judge import b64, find, model, revealed, run, secrets_facade, unique


def test_libjuju_bug_update_secret_clears_name_and_description(controller):
    """update_secret always sends `label` and `description`, "" when not given; Juju takes a
    present "" as "set to empty", so updating only the content wipes both."""

    async def body():
        async with model(controller) as m:
            name = unique()
            uri = await m.add_secret(name, ["password=one"], info="keep me")
            await m.update_secret(name, ["password=two"])
            secret = await find(m, uri=uri)
            assert revealed(secret) == {"password": "two"}
            assert secret.label is None
            assert secret.description is None

    run(body())


def test_libjuju_bug_update_secret_cannot_address_a_secret_by_uri(controller):
    """update_secret sends its first argument as `existing-label` only."""

    async def body():
        async with model(controller) as m:
            uri = await m.add_secret(unique(), ["password=one"])
            with pytest.raises(JujuError) as caught:
                await m.update_secret(uri, ["password=two"], new_name="x", info="y")
            assert caught.value.errors == [f'secret "{uri}" not found']

    run(body())


def test_libjuju_bug_remove_secret_by_uri_is_sent_as_a_name(controller):
    """remove_secret's docstring takes "ID|name", but it sends the identifier as `label`."""

    async def body():
        async with model(controller) as m:
            uri = await m.add_secret(unique(), ["password=one"])
            with pytest.raises(JujuError) as caught:
                await m.remove_secret(uri)
            assert caught.value.errors == [f'secret "{uri}" not found']
            assert (await find(m, show=False, uri=uri)).uri == uri

    run(body())


def test_libjuju_bug_grant_and_revoke_by_uri_are_sent_as_a_name(controller):
    """grant_secret and revoke_secret also send "ID|name" as `label`: a URI is an unknown name."""

    async def body():
        async with model(controller) as m:
            uri = await m.add_secret(unique(), ["password=one"])
            for call in (m.grant_secret, m.revoke_secret):
                with pytest.raises(JujuAPIError) as caught:
                    await call(uri, "mysql")
                assert caught.value.message == f'secret "{uri}" not found'
                assert caught.value.error_code == "not found"

    run(body())


def test_libjuju_bug_grant_and_revoke_with_two_applications_fail_after_succeeding(controller):
    """The results are one per application, but grant_secret and revoke_secret insist on exactly
    one, and then build `JujuAPIError("expected 1 result, got 2")`, which expects a reply dict and
    so raises TypeError instead. The grant (or revoke) has happened by then."""

    async def body():
        async with model(controller) as m:
            name = unique()
            await m.add_secret(name, ["password=one"])
            with pytest.raises(TypeError, match="string indices"):
                await m.grant_secret(name, "mysql", "wordpress")
            secret = await find(m, show=False, label=name)
            assert sorted(a.target_tag for a in secret.access) == [
                "application-mysql",
                "application-wordpress",
            ]
            with pytest.raises(TypeError, match="string indices"):
                await m.revoke_secret(name, "mysql", "wordpress")
            assert not (await find(m, show=False, label=name)).access

    run(body())


def test_libjuju_bug_rpc_drops_error_codes_and_the_other_items_results(controller):
    """Connection.rpc raises a plain JujuError (messages only) as soon as one item of a bulk
    reply has an error: the codes the controller sent and the other items' results are lost."""

    async def body():
        async with secrets_facade(controller) as facade:
            taken, fresh = unique(), unique()
            content = {"data": {"token": b64("t")}}
            await facade.CreateSecrets(args=[{"content": content, "label": taken}])
            with pytest.raises(JujuError) as caught:
                await facade.CreateSecrets(
                    args=[
                        {"content": content, "label": fresh},
                        {"content": content, "label": taken},
                    ]
                )
            assert type(caught.value) is JujuError
            assert caught.value.errors == [f'secret with name "{taken}" already exists']
            # The first secret was created, but its URI never reached the caller.
            assert (await find(facade, show=False, label=fresh)).label == fresh

    run(body())


def test_libjuju_bug_file_suffix_is_stripped_as_a_character_set(controller, tmp_path):
    """create_secret_data removes `#file` with str.rstrip, which strips any trailing `#`, `f`,
    `i`, `l`, `e`: `profile#file` becomes `pro`, `config-file#file` the invalid `config-`."""
    path = tmp_path / "value.txt"
    path.write_text("contents")

    async def body():
        async with model(controller) as m:
            name = unique()
            await m.add_secret(name, [f"profile#file={path}"])
            assert revealed(await find(m, label=name)) == {"pro": "contents"}
            with pytest.raises(ValueError, match="Not valid key: config-$"):
                await m.add_secret(unique(), [f"config-file#file={path}"])

    run(body())


def test_libjuju_bug_old_5kib_value_limit(controller):
    """python-libjuju still enforces the original 5 KiB per value (Juju 3.6 takes 1 MB of base64
    per value), and measures characters, not bytes."""

    async def body():
        async with model(controller) as m:
            with pytest.raises(ValueError, match="too large: 6000 bytes"):
                await m.add_secret(unique(), ["big=" + "x" * 6000])
            # 10000 bytes of UTF-8 pass: only 5000 characters.
            name = unique()
            await m.add_secret(name, ["wide=" + "é" * 5000])
            assert revealed(await find(m, label=name)) == {"wide": "é" * 5000}
        async with secrets_facade(controller) as facade:
            # The controller itself takes the 6000-byte value.
            name = unique()
            big = {"big": b64("x" * 6000)}
            await facade.CreateSecrets(args=[{"content": {"data": big}, "label": name}])
            assert revealed(await find(facade, label=name)) == {"big": "x" * 6000}

    run(body())


def test_libjuju_bug_non_string_file_values_crash(controller, tmp_path):
    """read_secret_data does not stringify YAML scalars as the juju CLI does: an int value
    crashes with TypeError, and a file that is not a mapping with AttributeError."""
    numbers = tmp_path / "numbers.yaml"
    numbers.write_text("port: 5432\n")
    listing = tmp_path / "list.yaml"
    listing.write_text("- a\n- b\n")

    async def body():
        async with model(controller) as m:
            with pytest.raises(TypeError):
                await m.add_secret(unique(), [], file=str(numbers))
            with pytest.raises(AttributeError):
                await m.add_secret(unique(), [], file=str(listing))

    run(body())


def test_libjuju_bug_remove_secret_sends_revision_zero(controller):
    """remove_secret(revision=0) sends `revisions: [0]` (revisions start at 1) and the
    controller's not-found error comes back without its code."""

    async def body():
        async with model(controller) as m:
            name = unique()
            await m.add_secret(name, ["password=one"])
            with pytest.raises(JujuError) as caught:
                await m.remove_secret(name, revision=0)
            assert caught.value.errors == [
                "cannot delete any of revisions [0] - revisions not found"
            ]

    run(body())
