//! Answers the client cannot make sense of, rewritten by a proxy (`tests/common/proxy.rs`): no
//! test controller fault gives them. A write answered with the wrong number of results, or a
//! create answered with a URI that does not parse, may or may not have happened, so each is
//! `Error::OutcomeUnknown` (a protocol error inside), never a success: it is sent once, it did
//! happen, and the connection stays usable. A read answered badly is a plain protocol error,
//! which names what was wrong without quoting it.

mod common;
#[path = "common/proxy.rs"]
mod proxy;

use common::secrets::{content, secrets_calls};
use common::within;
use juju_secrets::testing::TestController;
use juju_secrets::{Client, Error, ListOptions, NewSecret, SecretUpdate, ShowOptions};
use proxy::{plain_controller, through_proxy};
use serde_json::{json, Value};

/// Rewrites the `results` of every answer to `method` with `change`.
fn on_results(
    method: &'static str,
    change: impl Fn(&mut Vec<Value>) + Send + 'static,
) -> impl FnMut(&str, &mut Value) + Send + 'static {
    move |m, answer| {
        if m == method {
            let results = answer.pointer_mut("/response/results");
            change(
                results
                    .and_then(Value::as_array_mut)
                    .expect("a results list"),
            );
        }
    }
}

/// A client connected through a proxy that rewrites answers with `rewrite`.
fn connect(
    controller: &TestController,
    rewrite: impl FnMut(&str, &mut Value) + Send + 'static,
) -> Client {
    Client::connect(&through_proxy(controller, rewrite).build().unwrap()).unwrap()
}

/// Checks that `err` is `OutcomeUnknown` for `Secrets.<method>` with a protocol error inside,
/// and returns the cause's message.
fn outcome_unknown(err: Error, method: &str) -> String {
    let message = err.to_string();
    match err {
        Error::OutcomeUnknown { operation, cause } => {
            assert_eq!(operation, format!("Secrets.{method}"));
            assert!(message.contains("check the secret"), "{message}");
            match *cause {
                Error::Protocol(cause) => cause,
                other => panic!("expected a protocol error inside, got {other:?}"),
            }
        }
        other => panic!("expected OutcomeUnknown, got {other:?}"),
    }
}

/// How many times `method` reached the controller.
fn sent(controller: &TestController, method: &str) -> usize {
    secrets_calls(controller)
        .iter()
        .filter(|c| c.method() == method)
        .count()
}

#[test]
fn a_create_answered_with_no_result_is_outcome_unknown_and_happened() {
    within(|| {
        let controller = plain_controller();
        let mut client = connect(&controller, on_results("CreateSecrets", Vec::clear));
        let new = NewSecret::new("db", content(&[("password", "s3cr3t")]));
        let err = client.secrets().add(&new).unwrap_err();
        let cause = outcome_unknown(err, "CreateSecrets");
        assert!(cause.contains("0 results for 1 items"), "{cause}");
        assert_eq!(sent(&controller, "CreateSecrets"), 1);
        // It was created, once, and the connection still works.
        let listed = client.secrets().list(&ListOptions::new()).unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].name.as_deref(), Some("db"));
        client.ping().unwrap();
    })
}

#[test]
fn a_batch_answered_with_fewer_results_is_outcome_unknown() {
    within(|| {
        let controller = plain_controller();
        let mut client = connect(&controller, on_results("CreateSecrets", |r| r.truncate(1)));
        let batch = [
            NewSecret::new("one", content(&[("token", "1")])),
            NewSecret::new("two", content(&[("token", "2")])),
        ];
        let err = client.secrets().add_many(&batch).unwrap_err();
        let cause = outcome_unknown(err, "CreateSecrets");
        assert!(cause.contains("1 results for 2 items"), "{cause}");
        assert_eq!(sent(&controller, "CreateSecrets"), 1);
        assert_eq!(client.secrets().list(&ListOptions::new()).unwrap().len(), 2);
    })
}

#[test]
fn an_update_answered_with_an_extra_result_is_outcome_unknown() {
    within(|| {
        let controller = plain_controller();
        controller.insert_secret("db", &[("password", b"one".as_slice())]);
        let twice = |r: &mut Vec<Value>| r.push(r[0].clone());
        let mut client = connect(&controller, on_results("UpdateSecrets", twice));
        let update = SecretUpdate::new().content(content(&[("password", "two")]));
        let err = client.secrets().update("db", &update).unwrap_err();
        let cause = outcome_unknown(err, "UpdateSecrets");
        assert!(cause.contains("2 results for 1 items"), "{cause}");

        // `ensure` writes through `update`, and says the same.
        let wanted = NewSecret::new("db", content(&[("password", "three")]));
        let err = client.secrets().ensure(&wanted).unwrap_err();
        outcome_unknown(err, "UpdateSecrets");
        assert_eq!(sent(&controller, "UpdateSecrets"), 2);
        let value = client.secrets().get_value("db", "password").unwrap();
        assert_eq!(value.as_str(), Some("three"));
    })
}

#[test]
fn a_remove_answered_without_results_is_outcome_unknown() {
    within(|| {
        let controller = plain_controller();
        controller.insert_secret("db", &[("password", b"one".as_slice())]);
        let none = |m: &str, answer: &mut Value| {
            if m == "RemoveSecrets" {
                answer["response"] = json!({});
            }
        };
        let mut client = connect(&controller, none);
        let err = client.secrets().remove("db").unwrap_err();
        let cause = outcome_unknown(err, "RemoveSecrets");
        assert!(cause.contains("0 results for 1 items"), "{cause}");
        assert_eq!(sent(&controller, "RemoveSecrets"), 1);
        assert!(client
            .secrets()
            .list(&ListOptions::new())
            .unwrap()
            .is_empty());
    })
}

#[test]
fn grants_and_revokes_answered_for_fewer_applications_are_outcome_unknown() {
    within(|| {
        let controller = plain_controller();
        controller.insert_secret("db", &[("password", b"one".as_slice())]);
        let first_only = |m: &str, answer: &mut Value| {
            if m == "GrantSecret" || m == "RevokeSecret" {
                let results = answer["response"]["results"].as_array_mut().unwrap();
                results.truncate(1);
            }
        };
        let mut client = connect(&controller, first_only);
        let mut secrets = client.secrets();
        let err = secrets.grant("db", &["mysql", "wordpress"]).unwrap_err();
        let cause = outcome_unknown(err, "GrantSecret");
        assert!(cause.contains("1 results for 2 items"), "{cause}");
        let info = secrets.show("db", &ShowOptions::new()).unwrap();
        let granted: Vec<&str> = info.granted_applications().collect();
        assert_eq!(granted, ["mysql", "wordpress"]);

        let err = secrets.revoke("db", &["mysql", "wordpress"]).unwrap_err();
        outcome_unknown(err, "RevokeSecret");
        // `ensure_access` grants and revokes the same way, and says the same.
        let err = secrets
            .ensure_access("db", &["ubuntu", "mysql"])
            .unwrap_err();
        outcome_unknown(err, "GrantSecret");
        assert_eq!(
            (
                sent(&controller, "GrantSecret"),
                sent(&controller, "RevokeSecret")
            ),
            (2, 1)
        );
    })
}

#[test]
fn a_create_answered_with_an_unusable_uri_is_outcome_unknown() {
    within(|| {
        let controller = plain_controller();
        let unusable = |results: &mut Vec<Value>| {
            let last = results.last_mut().unwrap();
            last["result"] = json!("https://example.com/not-a-secret");
        };
        let mut client = connect(&controller, on_results("CreateSecrets", unusable));
        let mut secrets = client.secrets();
        let err = secrets
            .add(&NewSecret::new("db", content(&[("token", "1")])))
            .unwrap_err();
        let cause = outcome_unknown(err, "CreateSecrets");
        assert!(cause.contains("not a secret URI"), "{cause}");

        // In a batch, only the item with the unusable URI is unknown.
        let batch = [
            NewSecret::new("one", content(&[("token", "1")])),
            NewSecret::new("two", content(&[("token", "2")])),
        ];
        let mut results = secrets.add_many(&batch).unwrap().into_iter();
        let one = results.next().unwrap().unwrap();
        outcome_unknown(results.next().unwrap().unwrap_err(), "CreateSecrets");
        assert!(results.next().is_none());
        let info = secrets.show("one", &ShowOptions::new()).unwrap();
        assert_eq!(info.uri, one);
        assert_eq!(secrets.list(&ListOptions::new()).unwrap().len(), 3);
    })
}

#[test]
fn a_read_answered_badly_is_a_plain_protocol_error() {
    within(|| {
        let controller = plain_controller();
        controller.insert_secret("db", &[("password", b"one".as_slice())]);
        let unusable = |results: &mut Vec<Value>| {
            results[0]["uri"] = json!("https://example.com/not-a-secret");
        };
        let mut client = connect(&controller, on_results("ListSecrets", unusable));
        let err = client.secrets().list(&ListOptions::new()).unwrap_err();
        assert!(matches!(err, Error::Protocol(_)), "{err:?}");
        let err = client
            .secrets()
            .show("db", &ShowOptions::new())
            .unwrap_err();
        assert!(matches!(err, Error::Protocol(_)), "{err:?}");
        // `ensure` only reads before it writes: no write was sent.
        let wanted = NewSecret::new("db", content(&[("password", "two")]));
        let err = client.secrets().ensure(&wanted).unwrap_err();
        assert!(matches!(err, Error::Protocol(_)), "{err:?}");
        assert_eq!(sent(&controller, "UpdateSecrets"), 0);
        client.ping().unwrap();
    })
}

#[test]
fn a_revealed_value_that_is_not_base64_is_named_by_its_key_only() {
    within(|| {
        let controller = plain_controller();
        controller.insert_secret("db", &[("password", b"one".as_slice())]);
        let garbled = |results: &mut Vec<Value>| {
            results[0]["value"] = json!({"data": {"password": "val-Garbled-5150!"}});
        };
        let mut client = connect(&controller, on_results("ListSecrets", garbled));
        let err = client.secrets().get_value("db", "password").unwrap_err();
        let message = format!("{err} {err:?}");
        assert!(matches!(err, Error::Protocol(_)), "{err:?}");
        assert!(message.contains("key `password`"), "{message}");
        assert!(!message.contains("Garbled"), "{message}");
        client.ping().unwrap();
    })
}

/// The crate promises that errors decoding the controller's answers never quote what it sent
/// (`src/lib.rs`, "Security"; `sensitive::unquoted`): a URI that does not parse, in a create's
/// answer or in a list's, is not repeated.
#[test]
fn errors_about_the_controllers_uris_do_not_quote_them() {
    within(|| {
        let controller = plain_controller();
        let marker = "secret:Marker-7081/x/y";
        let unusable = move |method: &str, answer: &mut Value| {
            let field = match method {
                "CreateSecrets" => "result",
                "ListSecrets" => "uri",
                _ => return,
            };
            for result in answer["response"]["results"].as_array_mut().unwrap() {
                result[field] = json!(marker);
            }
        };
        let mut client = connect(&controller, unusable);
        let new = NewSecret::new("db", content(&[("token", "1")]));
        let created = client.secrets().add(&new).unwrap_err();
        let listed = client.secrets().list(&ListOptions::new()).unwrap_err();
        for err in [created, listed] {
            let message = format!("{err} {err:?}");
            assert!(!message.contains("Marker-7081"), "{message}");
            assert!(!message.contains("invalid input"), "{message}");
        }
    })
}
