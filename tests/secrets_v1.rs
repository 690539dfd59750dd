//! Controllers older than Juju 3.3 (`Secrets` v1 only) and controllers without the facade: reads
//! work where they can, every write is refused before any I/O, since Juju's v1 stubs would answer
//! a write with an empty success.

mod common;

use common::secrets::{content, name, no_io, secrets_methods_during};
use common::{connect, within};
use juju_secrets::testing::TestController;
use juju_secrets::{
    Client, Error, ErrorKind, ListOptions, NewSecret, Removal, Result, SecretUpdate, SecretUri,
    ShowOptions,
};
use serde_json::json;

/// A named operation to try.
type Write = (&'static str, fn(&mut Client) -> Result<()>);

/// Every write operation, with arguments that would otherwise be fine.
fn writes() -> Vec<Write> {
    vec![
        ("add", |c| {
            let new = NewSecret::new("db", content(&[("password", "p")]));
            c.secrets().add(&new).map(drop)
        }),
        ("add_many", |c| {
            let new = NewSecret::new("db", content(&[("password", "p")]));
            c.secrets().add_many(&[new]).map(drop)
        }),
        ("update", |c| {
            c.secrets()
                .update("db", &SecretUpdate::new().description("d"))
        }),
        ("update_many", |c| {
            let change = (name("db"), SecretUpdate::new().name("db-2"));
            c.secrets().update_many(&[change]).map(drop)
        }),
        ("remove", |c| c.secrets().remove("db")),
        ("remove_revisions", |c| {
            c.secrets().remove_revisions("db", &[1])
        }),
        ("remove_many", |c| {
            let removals = [
                Removal::secret(name("db")),
                Removal::revisions(name("db"), [1]),
            ];
            c.secrets().remove_many(&removals).map(drop)
        }),
        ("grant", |c| c.secrets().grant("db", &["mysql"]).map(drop)),
        ("revoke", |c| c.secrets().revoke("db", &["mysql"]).map(drop)),
    ]
}

/// A controller as Juju 3.1 and 3.2 were: Secrets v1 only.
fn juju_3_2() -> TestController {
    TestController::builder()
        .secrets_versions(&[1])
        .server_version("3.2.4")
        .start()
        .unwrap()
}

fn unsupported(what: &str, err: Error) -> String {
    match err {
        Error::Unsupported(_) => err.to_string(),
        other => panic!("{what}: expected Unsupported, got {other:?}"),
    }
}

#[test]
fn a_v1_controller_lists_but_refuses_every_write_before_any_io() {
    within(|| {
        let controller = juju_3_2();
        let mut client = connect(&controller);

        let all = client.secrets().list(&ListOptions::new().reveal()).unwrap();
        assert!(all.is_empty());
        let call = controller.calls().pop().unwrap();
        assert_eq!((call.method(), call.version()), ("ListSecrets", 1));
        assert_eq!(call.params(), &json!({"show-secrets": true, "filter": {}}));
        let unknown = SecretUri::parse("secret:d0q6g3l9h5s9k8a6s0rg").unwrap();
        let err = client
            .secrets()
            .show(unknown, &ShowOptions::new())
            .unwrap_err();
        assert_eq!(
            err.kind(),
            Some(ErrorKind::NotFound),
            "a controller answer, not a refusal: {err:?}"
        );

        for (what, write) in writes() {
            let err = no_io(&controller, || write(&mut client)).unwrap_err();
            let message = unsupported(what, err);
            assert!(message.contains("Juju 3.3"), "{what}: {message}");
            assert!(message.contains("3.2.4"), "{what}: {message}");
        }
        assert!(controller
            .calls()
            .iter()
            .all(|c| c.method() != "CreateSecrets"));
        // Still connected and usable.
        client.ping().unwrap();
        client.secrets().list(&ListOptions::new()).unwrap();
    })
}

#[test]
fn a_controller_without_secrets_is_unsupported() {
    within(|| {
        let controller = TestController::builder()
            .secrets_versions(&[])
            .start()
            .unwrap();
        let mut client = connect(&controller);
        let err = no_io(&controller, || client.secrets().list(&ListOptions::new()));
        let message = unsupported("list", err.unwrap_err());
        assert!(message.contains("Secrets"), "{message}");
        let err = no_io(&controller, || {
            client.secrets().show("db", &ShowOptions::new())
        });
        unsupported("show", err.unwrap_err());
        let err = no_io(&controller, || client.secrets().get_value("db", "password"));
        unsupported("get_value", err.unwrap_err());
        let wanted = NewSecret::new("db", content(&[("password", "p")]));
        let err = no_io(&controller, || client.secrets().ensure(&wanted));
        unsupported("ensure", err.unwrap_err());
        let err = no_io(&controller, || {
            client.secrets().ensure_access("db", &["mysql"])
        });
        unsupported("ensure_access", err.unwrap_err());
        for (what, write) in writes() {
            let err = no_io(&controller, || write(&mut client)).unwrap_err();
            unsupported(what, err);
        }
        assert!(controller.calls().iter().all(|c| c.facade() != "Secrets"));
        client.ping().unwrap();
    })
}

#[test]
fn show_by_name_on_v1_finds_that_secret_though_v1_ignores_the_name_filter() {
    within(|| {
        let controller = TestController::builder()
            .secrets_versions(&[1])
            .start()
            .unwrap();
        controller.insert_secret("first", &[("token", b"one".as_slice())]);
        controller.insert_secret("second", &[("token", b"two".as_slice())]);
        let mut client = connect(&controller);
        let mut secrets = client.secrets();

        // The controller lists everything whatever the name asked for...
        let value = secrets.get_value("second", "token").unwrap();
        let call = controller.calls().pop().unwrap();
        assert_eq!(call.params()["filter"]["label"], json!("second"));
        assert_eq!(
            call.response["response"]["results"]
                .as_array()
                .unwrap()
                .len(),
            2
        );
        // ...and the client keeps only the secret with that name.
        assert_eq!(value.as_bytes(), b"two");
        let err = secrets.show("third", &ShowOptions::new()).unwrap_err();
        assert_eq!(err.kind(), Some(ErrorKind::NotFound), "{err}");
    })
}

#[test]
fn ensure_on_a_v1_controller_is_refused_before_any_io() {
    within(|| {
        let controller = juju_3_2();
        controller.insert_secret("db", &[("password", b"p".as_slice())]);
        let mut client = connect(&controller);
        let mut secrets = client.secrets();

        // Like every write, on a controller without user secrets: even one already as
        // described, since what to write is only known after looking.
        let same = NewSecret::new("db", content(&[("password", "p")]));
        let changed = NewSecret::new("db", content(&[("password", "q")]));
        let new = NewSecret::new("new", content(&[("password", "q")]));
        for wanted in [&same, &changed, &new] {
            let (err, methods) =
                secrets_methods_during(&controller, || secrets.ensure(wanted).unwrap_err());
            let message = unsupported(wanted.name(), err);
            assert!(message.contains("Juju 3.3"), "{message}");
            assert!(methods.is_empty(), "{}: {methods:?}", wanted.name());
        }
        let (err, methods) = secrets_methods_during(&controller, || {
            secrets.ensure_access("db", &["mysql"]).unwrap_err()
        });
        unsupported("ensure_access", err);
        assert!(methods.is_empty(), "{methods:?}");
        let value = secrets.get_value("db", "password").unwrap();
        assert_eq!(value.as_bytes(), b"p");
    })
}
