//! The declarative operations: `ensure` creates a secret, adds a revision or changes its
//! description only when they differ from what is asked, and `ensure_access` grants and revokes
//! only what differs. What they send is checked call by call: a secret already as described
//! gets no write at all.

mod common;
#[path = "common/proxy.rs"]
mod proxy;

use common::secrets::{
    content, keys, last_arg, last_params, no_io, not_found, secrets_calls, secrets_methods_during,
};
use common::{connect, within};
use juju_secrets::testing::TestController;
use juju_secrets::{
    AccessAction, AccessChange, Client, Ensured, ErrorKind, NewSecret, SecretContent, SecretInfo,
    SecretUri, ShowOptions,
};
use proxy::{plain_controller, through_proxy};
use serde_json::{json, Value};

/// `db`, with a description.
fn db(password: &str) -> NewSecret {
    NewSecret::new("db", content(&[("user", "admin"), ("password", password)]))
        .description("database")
}

fn show(client: &mut Client, secret: &SecretUri) -> SecretInfo {
    let options = ShowOptions::new().reveal().list_revisions();
    client.secrets().show(secret, &options).unwrap()
}

fn password(info: &SecretInfo) -> String {
    let content = info.content.as_ref().unwrap().as_ref().unwrap();
    content
        .get("password")
        .unwrap()
        .as_str()
        .unwrap()
        .to_owned()
}

#[test]
fn ensure_creates_a_missing_secret() {
    within(|| {
        let controller = TestController::start().unwrap();
        let mut client = connect(&controller);
        let (ensured, methods) =
            secrets_methods_during(&controller, || client.secrets().ensure(&db("one")));
        let uri = match ensured.unwrap() {
            Ensured::Created(uri) => uri,
            other => panic!("expected Created, got {other:?}"),
        };
        assert_eq!(methods, ["ListSecrets", "CreateSecrets"]);
        let calls = secrets_calls(&controller);
        // Looked up by name, without revealing anything.
        assert_eq!(
            calls[calls.len() - 2].params(),
            &json!({"show-secrets": false, "filter": {"label": "db"}})
        );
        assert_eq!(
            last_arg(&controller, "CreateSecrets"),
            json!({
                "label": "db",
                "description": "database",
                "content": {"data": {"password": "b25l", "user": "YWRtaW4="}},
                "owner-tag": "",
            })
        );
        let info = show(&mut client, &uri);
        assert_eq!(info.name.as_deref(), Some("db"));
        assert_eq!(info.description.as_deref(), Some("database"));
        assert_eq!((info.latest_revision, password(&info)), (1, "one".into()));
    })
}

#[test]
fn ensure_of_a_secret_as_described_writes_nothing() {
    within(|| {
        let controller = TestController::start().unwrap();
        let mut client = connect(&controller);
        let created = client.secrets().ensure(&db("one")).unwrap();
        assert!(matches!(created, Ensured::Created(_)), "{created:?}");

        // The same secret, its keys given in another order: the content is the same.
        let reordered = NewSecret::new("db", content(&[("password", "one"), ("user", "admin")]))
            .description("database");
        for wanted in [db("one"), reordered] {
            let (ensured, methods) =
                secrets_methods_during(&controller, || client.secrets().ensure(&wanted));
            assert_eq!(ensured.unwrap(), Ensured::Unchanged(created.uri().clone()));
            // Only the look-up: no UpdateSecrets, no CreateSecrets.
            assert_eq!(methods, ["ListSecrets"]);
        }
        let info = show(&mut client, created.uri());
        assert_eq!(info.latest_revision, 1);
        assert_eq!(info.description.as_deref(), Some("database"));
    })
}

#[test]
fn ensure_agrees_with_the_controllers_checksum_of_a_secret_it_did_not_write() {
    within(|| {
        let controller = TestController::start().unwrap();
        let uri = controller.insert_secret(
            "api",
            &[
                ("token", b"t0ken".as_slice()),
                ("cert", b"\xff\x00-bytes".as_slice()),
            ],
        );
        let mut client = connect(&controller);
        let raw = SecretContent::from_pairs([
            ("token", b"t0ken".to_vec()),
            ("cert", b"\xff\x00-bytes".to_vec()),
        ])
        .unwrap();
        let wanted = NewSecret::new("api", raw);
        let (ensured, methods) =
            secrets_methods_during(&controller, || client.secrets().ensure(&wanted));
        assert_eq!(ensured.unwrap().uri().to_string(), uri);
        assert_eq!(methods, ["ListSecrets"]);
    })
}

#[test]
fn ensure_with_new_content_adds_only_a_revision() {
    within(|| {
        let controller = TestController::start().unwrap();
        let mut client = connect(&controller);
        let uri = client.secrets().add(&db("one")).unwrap();
        let (ensured, methods) =
            secrets_methods_during(&controller, || client.secrets().ensure(&db("two")));
        assert_eq!(ensured.unwrap(), Ensured::Updated(uri.clone()));
        assert_eq!(methods, ["ListSecrets", "UpdateSecrets"]);
        // By URI, with the content alone: no description, no name.
        let arg = last_arg(&controller, "UpdateSecrets");
        assert_eq!(keys(&arg), ["content", "existing-label", "uri"]);
        assert_eq!(
            (&arg["uri"], &arg["existing-label"]),
            (&json!(uri.to_string()), &json!(""))
        );
        assert_eq!(
            arg["content"],
            json!({"data": {"password": "dHdv", "user": "YWRtaW4="}})
        );
        let info = show(&mut client, &uri);
        assert_eq!((info.latest_revision, password(&info)), (2, "two".into()));
        assert_eq!(info.description.as_deref(), Some("database"));
    })
}

#[test]
fn ensure_with_a_new_description_changes_only_it() {
    within(|| {
        let controller = TestController::start().unwrap();
        let mut client = connect(&controller);
        let uri = client.secrets().add(&db("one")).unwrap();
        let wanted = db("one").description("new words");
        let (ensured, methods) =
            secrets_methods_during(&controller, || client.secrets().ensure(&wanted));
        assert_eq!(ensured.unwrap(), Ensured::Updated(uri.clone()));
        assert_eq!(methods, ["ListSecrets", "UpdateSecrets"]);
        assert_eq!(
            last_arg(&controller, "UpdateSecrets"),
            json!({"uri": uri.to_string(), "existing-label": "", "description": "new words"})
        );
        let info = show(&mut client, &uri);
        assert_eq!(info.description.as_deref(), Some("new words"));
        assert_eq!((info.latest_revision, password(&info)), (1, "one".into()));
    })
}

#[test]
fn ensure_with_both_changes_sends_one_update() {
    within(|| {
        let controller = TestController::start().unwrap();
        let mut client = connect(&controller);
        let uri = client.secrets().add(&db("one")).unwrap();
        let wanted = db("two").description("new words");
        let (ensured, methods) =
            secrets_methods_during(&controller, || client.secrets().ensure(&wanted));
        assert_eq!(ensured.unwrap(), Ensured::Updated(uri.clone()));
        assert_eq!(methods, ["ListSecrets", "UpdateSecrets"]);
        let arg = last_arg(&controller, "UpdateSecrets");
        assert_eq!(
            keys(&arg),
            ["content", "description", "existing-label", "uri"]
        );
        let info = show(&mut client, &uri);
        assert_eq!(info.description.as_deref(), Some("new words"));
        assert_eq!((info.latest_revision, password(&info)), (2, "two".into()));
    })
}

#[test]
fn ensure_without_a_description_leaves_it_alone() {
    within(|| {
        let controller = TestController::start().unwrap();
        let mut client = connect(&controller);
        let uri = client.secrets().add(&db("one")).unwrap();
        let bare = |password: &str| {
            NewSecret::new("db", content(&[("user", "admin"), ("password", password)]))
        };
        // No description, or an empty one (which is none): nothing to write.
        for wanted in [bare("one"), bare("one").description("")] {
            let (ensured, methods) =
                secrets_methods_during(&controller, || client.secrets().ensure(&wanted));
            assert_eq!(ensured.unwrap(), Ensured::Unchanged(uri.clone()));
            assert_eq!(methods, ["ListSecrets"]);
        }
        // New content without a description: the update does not touch it.
        let (ensured, methods) =
            secrets_methods_during(&controller, || client.secrets().ensure(&bare("two")));
        assert_eq!(ensured.unwrap(), Ensured::Updated(uri.clone()));
        assert_eq!(methods, ["ListSecrets", "UpdateSecrets"]);
        let arg = last_arg(&controller, "UpdateSecrets");
        assert_eq!(arg.get("description"), None, "{arg}");
        let info = show(&mut client, &uri);
        assert_eq!(info.description.as_deref(), Some("database"));
        assert_eq!(info.latest_revision, 2);
    })
}

#[test]
fn content_too_large_in_total_is_refused_before_any_io() {
    within(|| {
        let controller = TestController::start().unwrap();
        let mut client = connect(&controller);
        client.secrets().add(&db("one")).unwrap();
        // Each value fits; together they are 1,000,004 bytes of base64.
        let over = SecretContent::from_pairs([
            ("first", vec![7u8; 375_000]),
            ("second", vec![7u8; 375_003]),
        ])
        .unwrap();
        for name in ["db", "new"] {
            let wanted = NewSecret::new(name, over.clone());
            let err = no_io(&controller, || client.secrets().ensure(&wanted)).unwrap_err();
            assert!(
                matches!(&err, juju_secrets::Error::InvalidInput(m) if m.contains("1000004")),
                "{err:?}"
            );
        }
    })
}

/// Lists without `latest-revision-checksum`, as controllers before Juju 3.6 do.
fn without_checksums(method: &str, answer: &mut Value) {
    if method == "ListSecrets" {
        if let Some(results) = answer["response"]["results"].as_array_mut() {
            for result in results {
                result
                    .as_object_mut()
                    .unwrap()
                    .remove("latest-revision-checksum");
            }
        }
    }
}

#[test]
fn without_checksums_ensure_compares_the_revealed_content() {
    within(|| {
        let controller = plain_controller();
        let uri = controller.insert_secret("db", &[("password", b"one".as_slice())]);
        let settings = through_proxy(&controller, without_checksums)
            .build()
            .unwrap();
        let mut client = Client::connect(&settings).unwrap();
        let wanted = |password: &str| NewSecret::new("db", content(&[("password", password)]));

        let (ensured, methods) =
            secrets_methods_during(&controller, || client.secrets().ensure(&wanted("one")));
        assert_eq!(ensured.unwrap().uri().to_string(), uri);
        assert!(matches!(
            client.secrets().ensure(&wanted("one")).unwrap(),
            Ensured::Unchanged(_)
        ));
        // The look-up, then the latest revision revealed by URI.
        assert_eq!(methods, ["ListSecrets", "ListSecrets"]);
        assert_eq!(
            last_params(&controller, "ListSecrets"),
            json!({"show-secrets": true, "filter": {"uri": uri}})
        );

        let (ensured, methods) =
            secrets_methods_during(&controller, || client.secrets().ensure(&wanted("two")));
        assert!(matches!(ensured.unwrap(), Ensured::Updated(_)));
        assert_eq!(methods, ["ListSecrets", "ListSecrets", "UpdateSecrets"]);
        let value = client.secrets().get_value("db", "password").unwrap();
        assert_eq!(value.as_str(), Some("two"));
    })
}

#[test]
fn a_name_taken_after_the_look_up_is_not_overwritten() {
    within(|| {
        let controller = plain_controller();
        controller.insert_secret("db", &[("password", b"theirs".as_slice())]);
        // The first look-up finds nothing, as if another client created `db` just after it.
        let mut first = true;
        let racing = move |method: &str, answer: &mut Value| {
            if method == "ListSecrets" && std::mem::take(&mut first) {
                answer["response"]["results"] = json!([]);
            }
        };
        let settings = through_proxy(&controller, racing).build().unwrap();
        let mut client = Client::connect(&settings).unwrap();
        let wanted = NewSecret::new("db", content(&[("password", "mine")]));
        let (ensured, methods) =
            secrets_methods_during(&controller, || client.secrets().ensure(&wanted));
        let err = ensured.unwrap_err();
        assert_eq!(err.kind(), Some(ErrorKind::AlreadyExists), "{err:?}");
        assert_eq!(methods, ["ListSecrets", "CreateSecrets"]);
        let value = client.secrets().get_value("db", "password").unwrap();
        assert_eq!(value.as_str(), Some("theirs"));
    })
}

/// Each change as (application, action, whether it succeeded).
fn summary(changes: &[AccessChange]) -> Vec<(&str, AccessAction, bool)> {
    changes
        .iter()
        .map(|c| (c.application.as_str(), c.action, c.result.is_ok()))
        .collect()
}

fn granted(client: &mut Client) -> Vec<String> {
    let info = client.secrets().show("db", &ShowOptions::new()).unwrap();
    info.granted_applications().map(str::to_owned).collect()
}

/// A controller with `db` granted to `apps`, a client, and `db`'s URI.
fn db_granted_to(apps: &[&str]) -> (TestController, Client, String) {
    let controller = TestController::start().unwrap();
    let uri = controller.insert_secret("db", &[("password", b"p".as_slice())]);
    let mut client = connect(&controller);
    if !apps.is_empty() {
        client.secrets().grant("db", apps).unwrap();
    }
    (controller, client, uri)
}

#[test]
fn ensure_access_grants_what_is_missing() {
    within(|| {
        let (controller, mut client, uri) = db_granted_to(&[]);
        let (changes, methods) = secrets_methods_during(&controller, || {
            client
                .secrets()
                .ensure_access("db", &["mysql", "wordpress"])
        });
        let changes = changes.unwrap();
        assert_eq!(
            summary(&changes),
            [
                ("mysql", AccessAction::Grant, true),
                ("wordpress", AccessAction::Grant, true)
            ]
        );
        assert_eq!(methods, ["ListSecrets", "GrantSecret"]);
        // One call for all of them, by the URI the look-up found.
        assert_eq!(
            last_params(&controller, "GrantSecret"),
            json!({"uri": uri, "label": "", "applications": ["mysql", "wordpress"]})
        );
        assert_eq!(granted(&mut client), ["mysql", "wordpress"]);
    })
}

#[test]
fn ensure_access_revokes_what_is_not_named() {
    within(|| {
        let (controller, mut client, uri) = db_granted_to(&["mysql", "wordpress"]);
        let (changes, methods) = secrets_methods_during(&controller, || {
            client.secrets().ensure_access(&uri, &["wordpress"])
        });
        assert_eq!(
            summary(&changes.unwrap()),
            [("mysql", AccessAction::Revoke, true)]
        );
        assert_eq!(methods, ["ListSecrets", "RevokeSecret"]);
        assert_eq!(
            last_params(&controller, "RevokeSecret"),
            json!({"uri": uri, "label": "", "applications": ["mysql"]})
        );
        assert_eq!(granted(&mut client), ["wordpress"]);
    })
}

#[test]
fn ensure_access_as_described_changes_nothing() {
    within(|| {
        let (controller, mut client, _) = db_granted_to(&["mysql", "wordpress"]);
        let owned = vec![String::from("wordpress"), String::from("mysql")];
        for apps in [
            vec!["wordpress", "mysql"],
            vec!["mysql", "wordpress", "mysql"],
        ] {
            let (changes, methods) =
                secrets_methods_during(&controller, || client.secrets().ensure_access("db", &apps));
            assert!(changes.unwrap().is_empty(), "{apps:?}");
            assert_eq!(methods, ["ListSecrets"], "{apps:?}");
        }
        let (changes, methods) =
            secrets_methods_during(&controller, || client.secrets().ensure_access("db", &owned));
        assert!(changes.unwrap().is_empty());
        assert_eq!(methods, ["ListSecrets"]);
        assert_eq!(granted(&mut client), ["mysql", "wordpress"]);
    })
}

#[test]
fn ensure_access_grants_first_one_change_per_application() {
    within(|| {
        let (controller, mut client, uri) = db_granted_to(&["mysql"]);
        let (changes, methods) = secrets_methods_during(&controller, || {
            client
                .secrets()
                .ensure_access("db", &["wordpress", "ubuntu", "wordpress"])
        });
        assert_eq!(
            summary(&changes.unwrap()),
            [
                ("wordpress", AccessAction::Grant, true),
                ("ubuntu", AccessAction::Grant, true),
                ("mysql", AccessAction::Revoke, true),
            ]
        );
        assert_eq!(methods, ["ListSecrets", "GrantSecret", "RevokeSecret"]);
        let calls = secrets_calls(&controller);
        assert_eq!(
            calls[calls.len() - 2].params(),
            &json!({"uri": uri, "label": "", "applications": ["wordpress", "ubuntu"]})
        );
        assert_eq!(
            last_params(&controller, "RevokeSecret"),
            json!({"uri": uri, "label": "", "applications": ["mysql"]})
        );
        assert_eq!(granted(&mut client), ["wordpress", "ubuntu"]);
    })
}

#[test]
fn ensure_access_reports_each_application_refused() {
    within(|| {
        let (_controller, mut client, _) = db_granted_to(&[]);
        let changes = client
            .secrets()
            .ensure_access("db", &["mysql", "nope"])
            .unwrap();
        assert_eq!(
            summary(&changes),
            [
                ("mysql", AccessAction::Grant, true),
                ("nope", AccessAction::Grant, false)
            ]
        );
        let err = changes[1].result.as_ref().unwrap_err();
        assert_eq!(err.kind(), Some(ErrorKind::NotFound), "{err:?}");
        assert!(err.to_string().contains("\"nope\""), "{err}");
        assert_eq!(granted(&mut client), ["mysql"]);
    })
}

#[test]
fn ensure_access_to_nobody_revokes_everyone() {
    within(|| {
        let (controller, mut client, _) = db_granted_to(&["mysql", "wordpress"]);
        let nobody: &[&str] = &[];
        let changes = client.secrets().ensure_access("db", nobody).unwrap();
        assert_eq!(
            summary(&changes),
            [
                ("mysql", AccessAction::Revoke, true),
                ("wordpress", AccessAction::Revoke, true)
            ]
        );
        assert!(granted(&mut client).is_empty());
        let (changes, methods) =
            secrets_methods_during(&controller, || client.secrets().ensure_access("db", nobody));
        assert!(changes.unwrap().is_empty());
        assert_eq!(methods, ["ListSecrets"]);
    })
}

#[test]
fn ensure_access_to_an_unknown_secret_is_not_found() {
    within(|| {
        let (controller, mut client, _) = db_granted_to(&[]);
        let (result, methods) = secrets_methods_during(&controller, || {
            client.secrets().ensure_access("nope", &["mysql"])
        });
        let m = not_found(result.unwrap_err());
        assert!(m.contains("\"nope\""), "{m}");
        assert_eq!(methods, ["ListSecrets"]);
        let unknown = "secret:d0q6g3l9h5s9k8a6s0rg";
        not_found(
            client
                .secrets()
                .ensure_access(unknown, &["mysql"])
                .unwrap_err(),
        );
        assert!(granted(&mut client).is_empty());
    })
}
