//! Listing and showing secrets: with and without values, filtered by name or URI, one revision
//! revealed, and secrets that do not exist.

mod common;

use common::secrets::{content, invalid, last_params, name, no_io, not_found, revisions, text};
use common::{connect, within};
use juju_secrets::testing::TestController;
use juju_secrets::{Client, SecretFilter, SecretRef, SecretUpdate, SecretUri, ShowOptions};
use serde_json::json;

/// Adds `db` (two keys, a description) and `api` (one key).
fn two_secrets(client: &mut Client) -> (SecretUri, SecretUri) {
    let mut secrets = client.secrets();
    let db = content(&[("user", "admin"), ("password", "db-pass")]);
    let db = secrets.add("db", &db, Some("database")).unwrap();
    let api = secrets
        .add("api", &content(&[("token", "api-token")]), None)
        .unwrap();
    (db, api)
}

#[test]
fn list_without_reveal_has_no_values() {
    within(|| {
        let controller = TestController::start().unwrap();
        let mut client = connect(&controller);
        let (db, api) = two_secrets(&mut client);
        let all = client.secrets().list(&SecretFilter::all(), false).unwrap();
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
        let all = client.secrets().list(&SecretFilter::all(), true).unwrap();
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

        let by_name = secrets
            .list(&SecretFilter::all().name("api"), false)
            .unwrap();
        assert_eq!(
            last_params(&controller, "ListSecrets")["filter"],
            json!({"label": "api"})
        );
        assert_eq!(by_name.len(), 1);
        assert_eq!(by_name[0].uri, api);

        let by_uri = secrets
            .list(&SecretFilter::all().uri(db.clone()), false)
            .unwrap();
        assert_eq!(
            last_params(&controller, "ListSecrets")["filter"],
            json!({"uri": db.to_string()})
        );
        assert_eq!(by_uri.len(), 1);
        assert_eq!(by_uri[0].name.as_deref(), Some("db"));

        let both = SecretFilter::all().uri(db.clone()).name("api");
        assert!(
            secrets.list(&both, false).unwrap().is_empty(),
            "filters are ANDed"
        );
        let none = SecretFilter::all().name("nope");
        assert!(secrets.list(&none, false).unwrap().is_empty());
    })
}

#[test]
fn show_by_name_or_uri() {
    within(|| {
        let controller = TestController::start().unwrap();
        let mut client = connect(&controller);
        let (db, _) = two_secrets(&mut client);
        let mut secrets = client.secrets();
        let by_name = secrets.show(&name("db"), &ShowOptions::default()).unwrap();
        let by_uri = secrets
            .show(&SecretRef::from(&db), &ShowOptions::default())
            .unwrap();
        assert_eq!(by_name, by_uri);
        assert_eq!(by_name.uri, db);
        assert_eq!(by_name.content, None);
        assert!(
            by_name.revisions.is_empty(),
            "revisions only when asked for"
        );

        let options = ShowOptions {
            reveal: true,
            revisions: true,
            ..ShowOptions::default()
        };
        let full = secrets.show(&name("db"), &options).unwrap();
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
        secrets.update(&name("db"), &update).unwrap();

        let old = ShowOptions {
            reveal: true,
            revision: Some(1),
            revisions: true,
        };
        let info = secrets.show(&name("db"), &old).unwrap();
        assert_eq!(
            last_params(&controller, "ListSecrets"),
            json!({"show-secrets": true, "filter": {"label": "db", "revision": 1}})
        );
        assert_eq!(info.latest_revision, 2);
        assert_eq!(revisions(&info), [1, 2]);
        let value = info.content.unwrap().unwrap();
        assert_eq!(text(&value, "password"), "db-pass");
        assert_eq!(text(&value, "user"), "admin");

        let latest = ShowOptions {
            reveal: true,
            ..ShowOptions::default()
        };
        let value = secrets
            .show(&name("db"), &latest)
            .unwrap()
            .content
            .unwrap()
            .unwrap();
        assert_eq!(value.keys().collect::<Vec<_>>(), ["password"]);
        assert_eq!(text(&value, "password"), "new-pass");

        // A revision that does not exist fails the whole call, at the controller.
        let missing = ShowOptions {
            revision: Some(9),
            ..ShowOptions::default()
        };
        not_found(secrets.show(&name("db"), &missing).unwrap_err());
        // Revision 0 never exists: refused before any I/O.
        let zero = ShowOptions {
            revision: Some(0),
            ..ShowOptions::default()
        };
        let err = no_io(&controller, || secrets.show(&name("db"), &zero)).unwrap_err();
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
        let m = not_found(
            secrets
                .show(&name("nope"), &ShowOptions::default())
                .unwrap_err(),
        );
        assert!(m.contains("\"nope\""), "{m}");
        let unknown = SecretUri::parse("secret:d0q6g3l9h5s9k8a6s0rg").unwrap();
        let m = not_found(
            secrets
                .show(&unknown.into(), &ShowOptions::default())
                .unwrap_err(),
        );
        assert!(m.contains("secret:d0q6g3l9h5s9k8a6s0rg"), "{m}");
    })
}
