//! Controllers older than Juju 3.3 (`Secrets` v1 only) and controllers without the facade: reads
//! work where they can, every write is refused before any I/O, since Juju's v1 stubs would answer
//! a write with an empty success.

mod common;

use common::secrets::{content, name, no_io};
use common::{connect, within};
use juju_secrets::testing::TestController;
use juju_secrets::{
    Client, Error, NewSecret, Result, SecretFilter, SecretUpdate, SecretUri, ShowOptions,
};
use serde_json::json;

/// A named operation to try.
type Write = (&'static str, fn(&mut Client) -> Result<()>);

/// Every write operation, with arguments that would otherwise be fine.
fn writes() -> Vec<Write> {
    vec![
        ("add", |c| {
            c.secrets()
                .add("db", &content(&[("password", "p")]), None)
                .map(drop)
        }),
        ("add_many", |c| {
            let new = NewSecret {
                name: "db".into(),
                content: content(&[("password", "p")]),
                description: None,
            };
            c.secrets().add_many(&[new]).map(drop)
        }),
        ("update", |c| {
            c.secrets()
                .update(&name("db"), &SecretUpdate::new().description("d"))
        }),
        ("update_many", |c| {
            let change = (name("db"), SecretUpdate::new().name("db-2"));
            c.secrets().update_many(&[change]).map(drop)
        }),
        ("remove", |c| c.secrets().remove(&name("db"), None)),
        ("remove_revisions", |c| {
            c.secrets().remove_revisions(&name("db"), &[1])
        }),
        ("remove_many", |c| {
            c.secrets().remove_many(&[(name("db"), vec![])]).map(drop)
        }),
        ("grant", |c| {
            c.secrets().grant(&name("db"), &["mysql"]).map(drop)
        }),
        ("revoke", |c| {
            c.secrets().revoke(&name("db"), &["mysql"]).map(drop)
        }),
    ]
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
        let controller = TestController::builder()
            .secrets_versions(&[1])
            .server_version("3.2.4")
            .start()
            .unwrap();
        let mut client = connect(&controller);

        let all = client.secrets().list(&SecretFilter::all(), true).unwrap();
        assert!(all.is_empty());
        let call = controller.calls().pop().unwrap();
        assert_eq!((call.method(), call.version()), ("ListSecrets", 1));
        assert_eq!(call.params(), &json!({"show-secrets": true, "filter": {}}));
        let unknown = SecretUri::parse("secret:d0q6g3l9h5s9k8a6s0rg").unwrap();
        let err = client
            .secrets()
            .show(&unknown.into(), &ShowOptions::default())
            .unwrap_err();
        assert!(
            err.code().is_some(),
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
        client.secrets().list(&SecretFilter::all(), false).unwrap();
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
        let err = no_io(&controller, || {
            client.secrets().list(&SecretFilter::all(), false)
        });
        let message = unsupported("list", err.unwrap_err());
        assert!(message.contains("Secrets"), "{message}");
        let err = no_io(&controller, || {
            client.secrets().show(&name("db"), &ShowOptions::default())
        });
        unsupported("show", err.unwrap_err());
        let err = no_io(&controller, || {
            client.secrets().get_value(&name("db"), "password")
        });
        unsupported("get_value", err.unwrap_err());
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
        let value = secrets
            .get_value(&juju_secrets::SecretRef::name("second"), "token")
            .unwrap();
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
        let err = secrets
            .show(
                &juju_secrets::SecretRef::name("third"),
                &ShowOptions::default(),
            )
            .unwrap_err();
        assert_eq!(err.code(), Some(juju_secrets::ErrorCode::NotFound), "{err}");
    })
}
