//! Listing and showing secrets: with and without values, filtered by name or URI, one revision
//! revealed, options refused before any I/O, and secrets that do not exist.

mod common;

use common::secrets::{content, invalid, last_params, name, no_io, not_found, revisions, text};
use common::{connect, within};
use juju_secrets::testing::TestController;
use juju_secrets::{
    Client, ListOptions, NewSecret, SecretRef, SecretUpdate, SecretUri, ShowOptions,
};
use serde_json::json;

/// Adds `db` (two keys, a description) and `api` (one key).
fn two_secrets(client: &mut Client) -> (SecretUri, SecretUri) {
    let mut secrets = client.secrets();
    let db = content(&[("user", "admin"), ("password", "db-pass")]);
    let db = secrets
        .add(&NewSecret::new("db", db).description("database"))
        .unwrap();
    let api = secrets
        .add(&NewSecret::new("api", content(&[("token", "api-token")])))
        .unwrap();
    (db, api)
}

#[test]
fn list_without_reveal_has_no_values() {
    within(|| {
        let controller = TestController::start().unwrap();
        let mut client = connect(&controller);
        let (db, api) = two_secrets(&mut client);
        let all = client.secrets().list(&ListOptions::new()).unwrap();
        assert_eq!(
            last_params(&controller, "ListSecrets"),
            json!({"show-secrets": false, "filter": {}})
        );
        let uris: Vec<_> = all.iter().map(|s| s.uri.clone()).collect();
        assert_eq!(uris, [db, api]);
        assert!(all.iter().all(|s| s.content.is_none()), "{all:?}");
        assert_eq!(all[0].name.as_deref(), Some("db"));
        assert_eq!(all[0].description.as_deref(), Some("database"));
        assert_eq!(all[1].description, None);
        assert_eq!(revisions(&all[0]), [1]);
        assert_eq!(all[0].revisions[0].backend.as_deref(), Some("internal"));
        assert!(all[0]
            .latest_checksum
            .as_ref()
            .is_some_and(|c| c.len() == 64));
        assert!(all[0].created.is_some() && all[0].updated.is_some());
    })
}

#[test]
fn list_with_reveal_decodes_values() {
    within(|| {
        let controller = TestController::start().unwrap();
        let mut client = connect(&controller);
        two_secrets(&mut client);
        let all = client.secrets().list(&ListOptions::new().reveal()).unwrap();
        assert_eq!(
            last_params(&controller, "ListSecrets"),
            json!({"show-secrets": true, "filter": {}})
        );
        let db = all[0].content.clone().expect("revealed").unwrap();
        assert_eq!(db.keys().collect::<Vec<_>>(), ["password", "user"]);
        assert_eq!(
            (text(&db, "user"), text(&db, "password")),
            ("admin".into(), "db-pass".into())
        );
        let api = all[1].content.clone().expect("revealed").unwrap();
        assert_eq!(text(&api, "token"), "api-token");
    })
}

#[test]
fn filters_by_name_and_by_uri() {
    within(|| {
        let controller = TestController::start().unwrap();
        let mut client = connect(&controller);
        let (db, api) = two_secrets(&mut client);
        let mut secrets = client.secrets();

        let by_name = secrets.list(&ListOptions::new().secret("api")).unwrap();
        assert_eq!(
            last_params(&controller, "ListSecrets"),
            json!({"show-secrets": false, "filter": {"label": "api"}})
        );
        assert_eq!(by_name.len(), 1);
        assert_eq!(by_name[0].uri, api);

        // A typed URI, the URI as text and a reference to it: the same `uri` filter.
        for options in [
            ListOptions::new().secret(db.clone()),
            ListOptions::new().secret(&db),
            ListOptions::new().secret(db.to_string()),
            ListOptions::new().secret(SecretRef::from(&db)),
        ] {
            let by_uri = secrets.list(&options).unwrap();
            assert_eq!(
                last_params(&controller, "ListSecrets")["filter"],
                json!({"uri": db.to_string()})
            );
            assert_eq!(by_uri.len(), 1);
            assert_eq!(by_uri[0].name.as_deref(), Some("db"));
        }

        // A URI and a name together are no longer expressible: the last secret named is the
        // one listed, and only it goes on the wire.
        let last_wins = ListOptions::new().secret(&db).secret("api");
        let listed = secrets.list(&last_wins).unwrap();
        assert_eq!(
            last_params(&controller, "ListSecrets")["filter"],
            json!({"label": "api"})
        );
        assert_eq!(
            listed.iter().map(|s| s.uri.clone()).collect::<Vec<_>>(),
            [api]
        );
        let none = ListOptions::new().secret("nope");
        assert!(secrets.list(&none).unwrap().is_empty());
    })
}

#[test]
fn show_by_name_or_uri() {
    within(|| {
        let controller = TestController::start().unwrap();
        let mut client = connect(&controller);
        let (db, _) = two_secrets(&mut client);
        let mut secrets = client.secrets();
        let by_name = secrets.show("db", &ShowOptions::new()).unwrap();
        let by_uri = secrets.show(&db, &ShowOptions::new()).unwrap();
        assert_eq!(by_name, by_uri);
        assert_eq!(
            secrets.show(name("db"), &ShowOptions::new()).unwrap(),
            by_uri
        );
        assert_eq!(by_name.uri, db);
        assert_eq!(by_name.content, None);
        assert!(
            by_name.revisions.is_empty(),
            "revisions only when asked for"
        );

        let options = ShowOptions::new().reveal().list_revisions();
        let full = secrets.show("db", &options).unwrap();
        assert_eq!(revisions(&full), [1]);
        let value = full.content.unwrap().unwrap();
        assert_eq!(text(&value, "password"), "db-pass");
    })
}

#[test]
fn show_reveals_an_older_revision_when_asked() {
    within(|| {
        let controller = TestController::start().unwrap();
        let mut client = connect(&controller);
        two_secrets(&mut client);
        let mut secrets = client.secrets();
        let update = SecretUpdate::new().content(content(&[("password", "new-pass")]));
        secrets.update("db", &update).unwrap();

        let old = ShowOptions::new().reveal().at_revision(1).list_revisions();
        let info = secrets.show("db", &old).unwrap();
        assert_eq!(
            last_params(&controller, "ListSecrets"),
            json!({"show-secrets": true, "filter": {"label": "db", "revision": 1}})
        );
        assert_eq!(info.latest_revision, 2);
        // Juju lists only the revision asked for (GetSecretRevision instead of all of them).
        assert_eq!(revisions(&info), [1]);
        let value = info.content.unwrap().unwrap();
        assert_eq!(text(&value, "password"), "db-pass");
        assert_eq!(text(&value, "user"), "admin");

        let latest = ShowOptions::new().reveal();
        let value = secrets
            .show("db", &latest)
            .unwrap()
            .content
            .unwrap()
            .unwrap();
        assert_eq!(value.keys().collect::<Vec<_>>(), ["password"]);
        assert_eq!(text(&value, "password"), "new-pass");

        // A revision that does not exist fails the whole call, at the controller.
        let missing = ShowOptions::new().at_revision(9);
        not_found(secrets.show("db", &missing).unwrap_err());
        // Revision 0 never exists: refused before any I/O.
        let zero = ShowOptions::new().at_revision(0);
        let err = no_io(&controller, || secrets.show("db", &zero)).unwrap_err();
        assert!(invalid(err).contains("revision 0"));
    })
}

#[test]
fn an_unknown_secret_is_not_found() {
    within(|| {
        let controller = TestController::start().unwrap();
        let mut client = connect(&controller);
        two_secrets(&mut client);
        let mut secrets = client.secrets();
        let m = not_found(secrets.show("nope", &ShowOptions::new()).unwrap_err());
        assert!(m.contains("\"nope\""), "{m}");
        let unknown = SecretUri::parse("secret:d0q6g3l9h5s9k8a6s0rg").unwrap();
        let m = not_found(secrets.show(unknown, &ShowOptions::new()).unwrap_err());
        assert!(m.contains("secret:d0q6g3l9h5s9k8a6s0rg"), "{m}");
    })
}

#[test]
fn list_reveals_one_secret_at_a_revision() {
    within(|| {
        let controller = TestController::start().unwrap();
        let mut client = connect(&controller);
        two_secrets(&mut client);
        let mut secrets = client.secrets();
        let update = SecretUpdate::new().content(content(&[("password", "new-pass")]));
        secrets.update("db", &update).unwrap();

        let old = ListOptions::new().secret("db").at_revision(1).reveal();
        let listed = secrets.list(&old).unwrap();
        assert_eq!(
            last_params(&controller, "ListSecrets"),
            json!({"show-secrets": true, "filter": {"label": "db", "revision": 1}})
        );
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].latest_revision, 2);
        let value = listed[0].content.clone().expect("revealed").unwrap();
        assert_eq!(text(&value, "password"), "db-pass");

        // Without reveal: the revision goes on the wire, no content comes back.
        let listed = secrets
            .list(&ListOptions::new().secret("db").at_revision(2))
            .unwrap();
        assert_eq!(
            last_params(&controller, "ListSecrets"),
            json!({"show-secrets": false, "filter": {"label": "db", "revision": 2}})
        );
        assert_eq!(listed[0].content, None);
        // A revision the secret lacks fails the call, at the controller.
        let missing = ListOptions::new().secret("db").at_revision(9);
        not_found(secrets.list(&missing).unwrap_err());
    })
}

#[test]
fn list_options_that_name_nothing_are_refused_before_any_io() {
    within(|| {
        let controller = TestController::start().unwrap();
        let mut client = connect(&controller);
        two_secrets(&mut client);
        let mut secrets = client.secrets();

        // Text that is no secret's URI nor name: refused by `list`, not by the builder.
        for bad in ["secret:", "secret:a b", "secret://not-a-uuid/abc", "", "  "] {
            let options = ListOptions::new().secret(bad).reveal();
            let err = no_io(&controller, || secrets.list(&options)).unwrap_err();
            let message = invalid(err);
            if bad.starts_with("secret:") {
                assert!(message.contains(&format!("{bad:?}")), "{bad:?}: {message}");
            }
            let owned = ListOptions::new().secret(bad.to_owned());
            invalid(no_io(&controller, || secrets.list(&owned)).unwrap_err());
        }
        // An empty name given as a reference is refused as well.
        let unnamed = ListOptions::new().secret(name(""));
        invalid(no_io(&controller, || secrets.list(&unnamed)).unwrap_err());

        // A revision is of one secret: without one it is refused, revealed or not.
        for options in [
            ListOptions::new().at_revision(1),
            ListOptions::new().at_revision(1).reveal(),
        ] {
            let err = no_io(&controller, || secrets.list(&options)).unwrap_err();
            let message = invalid(err);
            assert!(message.contains("ListOptions::secret"), "{message}");
        }
        // Revision 0 never exists, with or without a secret.
        for options in [
            ListOptions::new().secret("db").at_revision(0),
            ListOptions::new().at_revision(0),
        ] {
            let err = no_io(&controller, || secrets.list(&options)).unwrap_err();
            assert!(invalid(err).contains("revision"));
        }
        // The refusals left the client usable.
        assert_eq!(secrets.list(&ListOptions::new()).unwrap().len(), 2);
    })
}
