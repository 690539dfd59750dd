//! Granting and revoking applications' access: one result per application, the single-object
//! request, applications that do not exist, and revokes that change nothing.

mod common;

use common::secrets::{content, invalid, last_params, name, no_io, not_found};
use common::{connect, within};
use juju_secrets::testing::TestController;
use juju_secrets::{Client, ErrorKind, IntoSecretRef, NewSecret, SecretUri, ShowOptions};
use serde_json::json;

fn granted(client: &mut Client, secret: impl IntoSecretRef) -> Vec<String> {
    let info = client.secrets().show(secret, &ShowOptions::new()).unwrap();
    info.granted_applications().map(str::to_owned).collect()
}

fn add_db(client: &mut Client) -> SecretUri {
    client
        .secrets()
        .add(&NewSecret::new("db", content(&[("password", "p")])))
        .unwrap()
}

#[test]
fn grant_reports_each_application() {
    within(|| {
        let controller = TestController::start().unwrap();
        let mut client = connect(&controller);
        let uri = add_db(&mut client);
        let results = client.secrets().grant("db", &["mysql", "nope"]).unwrap();
        // One object, not wrapped in `args`.
        assert_eq!(
            last_params(&controller, "GrantSecret"),
            json!({"uri": "", "label": "db", "applications": ["mysql", "nope"]})
        );
        assert_eq!(results.len(), 2);
        assert_eq!(results[0].0, "mysql");
        assert!(results[0].1.is_ok(), "{results:?}");
        assert_eq!(results[1].0, "nope");
        let err = results[1].1.as_ref().unwrap_err();
        assert_eq!(err.kind(), Some(ErrorKind::NotFound), "{err:?}");
        let message = &err.api().unwrap().message;
        assert!(
            message.contains("\"nope\"") && message.contains(&uri.to_string()),
            "{message}"
        );

        assert_eq!(granted(&mut client, "db"), ["mysql"]);
        let info = client.secrets().show("db", &ShowOptions::new()).unwrap();
        let grant = &info.access[0];
        assert_eq!(grant.target, "application-mysql");
        assert_eq!(grant.scope, format!("model-{}", controller.model_uuid()));
        assert_eq!(grant.role, "view");
    })
}

#[test]
fn grant_by_uri_is_idempotent() {
    within(|| {
        let controller = TestController::start().unwrap();
        let mut client = connect(&controller);
        let uri = add_db(&mut client);
        // Applications as owned strings, the secret as a typed URI.
        let apps = vec![String::from("mysql"), String::from("wordpress")];
        for _ in 0..2 {
            let results = client.secrets().grant(&uri, &apps).unwrap();
            assert!(results.iter().all(|(_, r)| r.is_ok()), "{results:?}");
        }
        assert_eq!(
            last_params(&controller, "GrantSecret"),
            json!({"uri": uri.to_string(), "label": "", "applications": ["mysql", "wordpress"]})
        );
        assert_eq!(granted(&mut client, &uri), ["mysql", "wordpress"]);
    })
}

#[test]
fn grant_to_an_unknown_secret_is_not_found() {
    within(|| {
        let controller = TestController::start().unwrap();
        let mut client = connect(&controller);
        add_db(&mut client);
        let mut secrets = client.secrets();
        // By name the whole call fails ...
        let m = not_found(secrets.grant("nope", &["mysql"]).unwrap_err());
        assert!(m.contains("\"nope\""), "{m}");
        // ... by URI each application's grant does, as in Juju.
        let unknown = SecretUri::parse("secret:d0q6g3l9h5s9k8a6s0rg").unwrap();
        let results = secrets.grant(unknown, &["mysql", "ubuntu"]).unwrap();
        assert_eq!(results.len(), 2);
        for (app, result) in &results {
            let err = result.as_ref().unwrap_err();
            assert_eq!(err.kind(), Some(ErrorKind::NotFound), "{app}: {err:?}");
        }
        assert!(granted(&mut client, "db").is_empty());
    })
}

#[test]
fn no_applications_are_refused_before_any_io() {
    within(|| {
        let controller = TestController::start().unwrap();
        let mut client = connect(&controller);
        add_db(&mut client);
        let mut secrets = client.secrets();
        let none: &[&str] = &[];
        let err = no_io(&controller, || secrets.grant("db", none)).unwrap_err();
        assert!(invalid(err).contains("application"));
        let err = no_io(&controller, || secrets.grant("db", &["mysql", " "])).unwrap_err();
        assert!(invalid(err).contains("application"));
        let err = no_io(&controller, || secrets.revoke("db", none)).unwrap_err();
        invalid(err);
        let err = no_io(&controller, || secrets.revoke(name("db"), &[""])).unwrap_err();
        assert!(invalid(err).contains("application"));
    })
}

#[test]
fn revoke_removes_access_and_tolerates_none() {
    within(|| {
        let controller = TestController::start().unwrap();
        let mut client = connect(&controller);
        add_db(&mut client);
        client
            .secrets()
            .grant("db", &["mysql", "wordpress"])
            .unwrap();
        let results = client.secrets().revoke("db", &["mysql"]).unwrap();
        assert_eq!(
            last_params(&controller, "RevokeSecret"),
            json!({"uri": "", "label": "db", "applications": ["mysql"]})
        );
        assert_eq!(results.len(), 1);
        assert!(results[0].1.is_ok(), "{results:?}");
        assert_eq!(granted(&mut client, "db"), ["wordpress"]);

        // Revoking an application without a grant, or that does not exist, succeeds.
        let results = client
            .secrets()
            .revoke("db", &["ubuntu", "mysql", "nope"])
            .unwrap();
        let apps: Vec<&str> = results.iter().map(|(a, _)| a.as_str()).collect();
        assert_eq!(apps, ["ubuntu", "mysql", "nope"]);
        assert!(results.iter().all(|(_, r)| r.is_ok()), "{results:?}");
        assert_eq!(granted(&mut client, "db"), ["wordpress"]);

        client.secrets().revoke(name("db"), &["wordpress"]).unwrap();
        assert!(granted(&mut client, "db").is_empty());
        // Revoking on an unknown name fails the call, as grant does.
        not_found(client.secrets().revoke("nope", &["mysql"]).unwrap_err());
    })
}
