//! Updating secrets: only what is set is sent (never `""` for "unchanged"), identical content
//! makes no revision, auto-prune drops old revisions, and batches report each item.

mod common;

use common::secrets::{
    content, invalid, keys, last_arg, last_params, name, no_io, not_found, revisions, text,
};
use common::{connect, within};
use juju_secrets::testing::TestController;
use juju_secrets::{
    Client, ErrorKind, IntoSecretRef, NewSecret, SecretContent, SecretInfo, SecretUpdate,
    SecretUri, ShowOptions,
};
use serde_json::json;

/// Adds `db` with a description and one value.
fn add_db(client: &mut Client) -> SecretUri {
    let db = NewSecret::new("db", content(&[("password", "one")])).description("database");
    client.secrets().add(&db).unwrap()
}

fn show(client: &mut Client, secret: impl IntoSecretRef) -> SecretInfo {
    let options = ShowOptions::new().reveal().list_revisions();
    client.secrets().show(secret, &options).unwrap()
}

fn password(info: &SecretInfo) -> String {
    text(info.content.as_ref().unwrap().as_ref().unwrap(), "password")
}

#[test]
fn only_the_name_sends_only_the_name() {
    within(|| {
        let controller = TestController::start().unwrap();
        let mut client = connect(&controller);
        let uri = add_db(&mut client);
        client
            .secrets()
            .update("db", &SecretUpdate::new().name("db-2"))
            .unwrap();
        let arg = last_arg(&controller, "UpdateSecrets");
        assert_eq!(
            arg,
            json!({"uri": "", "existing-label": "db", "label": "db-2"})
        );

        let info = show(&mut client, "db-2");
        assert_eq!(info.uri, uri);
        assert_eq!(info.description.as_deref(), Some("database"));
        assert_eq!((info.latest_revision, password(&info)), (1, "one".into()));
        not_found(
            client
                .secrets()
                .show("db", &ShowOptions::new())
                .unwrap_err(),
        );
    })
}

#[test]
fn only_the_description_sends_only_the_description() {
    within(|| {
        let controller = TestController::start().unwrap();
        let mut client = connect(&controller);
        let uri = add_db(&mut client);
        client
            .secrets()
            .update(&uri, &SecretUpdate::new().description("new words"))
            .unwrap();
        let arg = last_arg(&controller, "UpdateSecrets");
        assert_eq!(
            arg,
            json!({"uri": uri.to_string(), "existing-label": "", "description": "new words"})
        );
        let info = show(&mut client, &uri);
        assert_eq!(info.name.as_deref(), Some("db"));
        assert_eq!(info.description.as_deref(), Some("new words"));
        assert_eq!((info.latest_revision, password(&info)), (1, "one".into()));

        // An explicit empty description is sent, and clears it.
        client
            .secrets()
            .update(uri.to_string(), &SecretUpdate::new().description(""))
            .unwrap();
        let arg = last_arg(&controller, "UpdateSecrets");
        assert_eq!(
            arg,
            json!({"uri": uri.to_string(), "existing-label": "", "description": ""})
        );
        assert_eq!(show(&mut client, &uri).description, None);
    })
}

#[test]
fn only_content_sends_only_content() {
    within(|| {
        let controller = TestController::start().unwrap();
        let mut client = connect(&controller);
        add_db(&mut client);
        let update = SecretUpdate::new().content(content(&[("password", "two")]));
        client.secrets().update("db", &update).unwrap();
        let arg = last_arg(&controller, "UpdateSecrets");
        assert_eq!(keys(&arg), ["content", "existing-label", "uri"]);
        assert_eq!(arg["content"], json!({"data": {"password": "dHdv"}}));

        let info = show(&mut client, "db");
        assert_eq!(info.name.as_deref(), Some("db"));
        assert_eq!(info.description.as_deref(), Some("database"));
        assert_eq!(info.latest_revision, 2);
        assert_eq!(revisions(&info), [1, 2]);
        assert_eq!(password(&info), "two");
    })
}

#[test]
fn identical_content_makes_no_new_revision() {
    within(|| {
        let controller = TestController::start().unwrap();
        let mut client = connect(&controller);
        add_db(&mut client);
        let before = show(&mut client, "db");
        let same = SecretUpdate::new().content(content(&[("password", "one")]));
        client.secrets().update("db", &same).unwrap();
        // It was sent (the controller decides), and succeeded as a no-op.
        assert!(last_arg(&controller, "UpdateSecrets")
            .get("content")
            .is_some());
        let after = show(&mut client, "db");
        assert_eq!(after.latest_revision, 1);
        assert_eq!(revisions(&after), [1]);
        assert_eq!(after.latest_checksum, before.latest_checksum);
    })
}

#[test]
fn an_update_that_changes_nothing_is_refused_before_any_io() {
    within(|| {
        let controller = TestController::start().unwrap();
        let mut client = connect(&controller);
        add_db(&mut client);
        let mut secrets = client.secrets();
        let err = no_io(&controller, || secrets.update("db", &SecretUpdate::new()));
        assert!(invalid(err.unwrap_err()).contains("changes nothing"));
        let err = no_io(&controller, || {
            secrets.update(name("db"), &SecretUpdate::new().name(""))
        });
        assert!(invalid(err.unwrap_err()).contains("name"));
        let empty = SecretUpdate::new().content(SecretContent::new());
        let err = no_io(&controller, || secrets.update("db", &empty));
        assert!(invalid(err.unwrap_err()).contains("empty"));
    })
}

#[test]
fn renaming_to_a_taken_name_is_already_exists() {
    within(|| {
        let controller = TestController::start().unwrap();
        let mut client = connect(&controller);
        add_db(&mut client);
        let mut secrets = client.secrets();
        secrets
            .add(&NewSecret::new("other", content(&[("token", "t")])))
            .unwrap();
        let err = secrets
            .update("other", &SecretUpdate::new().name("db"))
            .unwrap_err();
        assert_eq!(err.kind(), Some(ErrorKind::AlreadyExists), "{err:?}");
        assert_eq!(
            err.api().unwrap().message,
            "secret with name \"db\" already exists"
        );
        // Re-setting a secret's own name is fine (Juju 3.6).
        secrets
            .update("db", &SecretUpdate::new().name("db"))
            .unwrap();
        assert!(secrets.show("other", &ShowOptions::new()).is_ok());
    })
}

#[test]
fn updating_an_unknown_secret_is_not_found() {
    within(|| {
        let controller = TestController::start().unwrap();
        let mut client = connect(&controller);
        add_db(&mut client);
        let mut secrets = client.secrets();
        let change = SecretUpdate::new().description("x");
        let m = not_found(secrets.update("nope", &change).unwrap_err());
        assert!(m.contains("\"nope\""), "{m}");
        let unknown = SecretUri::parse("secret:d0q6g3l9h5s9k8a6s0rg").unwrap();
        not_found(secrets.update(unknown, &change).unwrap_err());
    })
}

#[test]
fn auto_prune_drops_old_revisions() {
    within(|| {
        let controller = TestController::start().unwrap();
        let mut client = connect(&controller);
        add_db(&mut client);
        for value in ["two", "three", "four"] {
            let update = SecretUpdate::new().content(content(&[("password", value)]));
            client.secrets().update("db", &update).unwrap();
        }
        assert_eq!(revisions(&show(&mut client, "db")), [1, 2, 3, 4]);

        client
            .secrets()
            .update("db", &SecretUpdate::new().auto_prune(true))
            .unwrap();
        let arg = last_arg(&controller, "UpdateSecrets");
        assert_eq!(
            arg,
            json!({"uri": "", "existing-label": "db", "auto-prune": true})
        );
        let info = show(&mut client, "db");
        assert_eq!((info.latest_revision, revisions(&info)), (4, vec![4]));
        assert_eq!(password(&info), "four");

        // It stays on: the next new revision replaces the last.
        let update = SecretUpdate::new().content(content(&[("password", "five")]));
        client.secrets().update("db", &update).unwrap();
        assert_eq!(revisions(&show(&mut client, "db")), [5]);
    })
}

#[test]
fn update_many_reports_each_item() {
    within(|| {
        let controller = TestController::start().unwrap();
        let mut client = connect(&controller);
        add_db(&mut client);
        let mut secrets = client.secrets();
        secrets
            .add(&NewSecret::new("api", content(&[("token", "t1")])))
            .unwrap();
        let batch = [
            (
                name("db"),
                SecretUpdate::new().content(content(&[("password", "two")])),
            ),
            (name("nope"), SecretUpdate::new().description("x")),
            (name("api"), SecretUpdate::new().name("api-2")),
        ];
        let results = secrets.update_many(&batch).unwrap();
        assert_eq!(results.len(), 3);
        assert!(results[0].is_ok() && results[2].is_ok(), "{results:?}");
        let err = results[1].as_ref().unwrap_err();
        assert_eq!(err.kind(), Some(ErrorKind::NotFound), "{err:?}");
        assert_eq!(
            last_params(&controller, "UpdateSecrets")["args"]
                .as_array()
                .unwrap()
                .len(),
            3
        );

        let value = secrets.get_value("db", "password").unwrap();
        assert_eq!(value.as_str(), Some("two"));
        assert!(secrets.show("api-2", &ShowOptions::new()).is_ok());

        // One invalid item stops the whole batch before any I/O.
        let batch = [
            (name("db"), SecretUpdate::new().description("fine")),
            (name("api-2"), SecretUpdate::new()),
        ];
        let err = no_io(&controller, || secrets.update_many(&batch)).unwrap_err();
        invalid(err);
        let info = secrets.show("db", &ShowOptions::new()).unwrap();
        assert_eq!(info.description.as_deref(), Some("database"));
    })
}

#[test]
fn every_kind_of_argument_addresses_the_update() {
    within(|| {
        let controller = TestController::start().unwrap();
        let mut client = connect(&controller);
        let uri = add_db(&mut client);
        let text = uri.to_string();
        let by_name = ("", "db");
        let by_uri = (text.as_str(), "");
        let mut secrets = client.secrets();
        let update = |what: &str, result: juju_secrets::Result<()>, (uri, label): (&str, &str)| {
            result.unwrap_or_else(|e| panic!("{what}: {e:?}"));
            let arg = last_arg(&controller, "UpdateSecrets");
            assert_eq!(
                arg,
                json!({"uri": uri, "existing-label": label, "description": what}),
                "{what}"
            );
        };
        let change = |what: &str| SecretUpdate::new().description(what);
        update(
            "&str name",
            secrets.update("db", &change("&str name")),
            by_name,
        );
        update(
            "&str URI",
            secrets.update(text.as_str(), &change("&str URI")),
            by_uri,
        );
        update(
            "&str id",
            secrets.update(uri.id(), &change("&str id")),
            by_uri,
        );
        update(
            "String",
            secrets.update(text.clone(), &change("String")),
            by_uri,
        );
        update("&String", secrets.update(&text, &change("&String")), by_uri);
        update(
            "&SecretUri",
            secrets.update(&uri, &change("&SecretUri")),
            by_uri,
        );
        update(
            "SecretUri",
            secrets.update(uri.clone(), &change("SecretUri")),
            by_uri,
        );
        let by_ref = name("db");
        update(
            "&SecretRef",
            secrets.update(&by_ref, &change("&SecretRef")),
            by_name,
        );
        update(
            "SecretRef",
            secrets.update(by_ref, &change("SecretRef")),
            by_name,
        );
        let info = secrets.show("db", &ShowOptions::new()).unwrap();
        assert_eq!(info.description.as_deref(), Some("SecretRef"));
    })
}
