//! Nothing is lost: a write whose request may have reached the controller is never re-sent, and
//! when its answer is lost the error says the outcome is unknown and how to check it.

mod common;

use common::faults::{assert_fails_fast, assert_usable, connect, controller, IMPATIENT, PATIENT};
use common::secrets::{content, name, secrets_calls};
use common::within;
use juju_secrets::testing::{Fault, TestController};
use juju_secrets::{Client, Error, ListOptions, NewSecret, SecretRef, SecretUpdate};

/// One write of each kind, all on the secret `db`.
type Write = fn(&mut Client) -> juju_secrets::Result<()>;

fn writes() -> Vec<(&'static str, Write)> {
    vec![
        ("CreateSecrets", |c| {
            let value = content(&[("password", "s3cr3t")]);
            c.secrets().add(&NewSecret::new("db", value)).map(drop)
        }),
        ("UpdateSecrets", |c| {
            let change = SecretUpdate::new().description("rotated");
            c.secrets().update(name("db"), &change)
        }),
        ("RemoveSecrets", |c| c.secrets().remove(name("db"))),
        ("GrantSecret", |c| {
            c.secrets().grant(name("db"), &["mysql"]).map(drop)
        }),
        ("RevokeSecret", |c| {
            c.secrets().revoke(name("db"), &["mysql"]).map(drop)
        }),
    ]
}

/// Checks that `err` says the outcome of `method` is unknown, with `cause` behind it.
fn outcome_unknown(err: Error, method: &str, cause: fn(&Error) -> bool) {
    let text = err.to_string();
    match err {
        Error::OutcomeUnknown {
            operation,
            cause: behind,
        } => {
            assert_eq!(operation, format!("Secrets.{method}"));
            assert!(cause(&behind), "{method}: {behind:?}");
        }
        other => panic!("{method}: expected an unknown outcome, got {other:?}"),
    }
    assert!(text.contains("may or may not have taken effect"), "{text}");
    assert!(text.contains("list it by name"), "{text}");
}

/// A controller with the secret `db` (granted to mysql) that faults on the connection's
/// request 2: the write under test.
fn prepared(fault: Fault) -> TestController {
    let controller = TestController::start().unwrap();
    let mut client = connect(&controller, PATIENT);
    let value = content(&[("password", "s3cr3t")]);
    client.secrets().add(&NewSecret::new("db", value)).unwrap();
    client.secrets().grant(name("db"), &["mysql"]).unwrap();
    controller.set_fault(Some(fault)).unwrap();
    controller.clear_calls();
    controller
}

/// How often `method` was recorded.
fn sent(controller: &TestController, method: &str) -> usize {
    let calls = secrets_calls(controller);
    calls.iter().filter(|c| c.method() == method).count()
}

#[test]
fn a_write_cut_off_by_the_controller_is_outcome_unknown_and_not_resent() {
    within(|| {
        for (method, write) in writes() {
            // (The create is refused, as `db` exists: only its answer is lost.)
            let controller = prepared(Fault::CloseFrame(2));
            let mut client = connect(&controller, PATIENT);
            let err = write(&mut client).unwrap_err();
            outcome_unknown(err, method, |e| matches!(e, Error::ConnectionClosed(_)));
            assert_fails_fast(&mut client, &controller);
            assert_eq!(sent(&controller, method), 1, "{method} was re-sent");
        }
    })
}

#[test]
fn a_create_whose_answer_was_lost_happened_once_and_listing_by_name_shows_it() {
    within(|| {
        let controller = controller(Fault::CloseFrame(2));
        let mut client = connect(&controller, PATIENT);
        let value = content(&[("password", "s3cr3t")]);
        let err = client
            .secrets()
            .add(&NewSecret::new("db", value))
            .unwrap_err();
        outcome_unknown(err, "CreateSecrets", |e| {
            matches!(e, Error::ConnectionClosed(_))
        });
        // What the message says to do: connect again and list by name.
        controller.set_fault(None).unwrap();
        let mut again = connect(&controller, PATIENT);
        let found = again
            .secrets()
            .list(&ListOptions::new().secret("db"))
            .unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(sent(&controller, "CreateSecrets"), 1);
    })
}

#[test]
fn a_write_that_times_out_is_outcome_unknown_and_the_connection_stays() {
    within(|| {
        for (method, write) in writes().into_iter().skip(1) {
            let controller = prepared(Fault::Slow {
                request: 2,
                delay: std::time::Duration::from_secs(30),
            });
            let mut client = connect(&controller, IMPATIENT);
            let err = write(&mut client).unwrap_err();
            outcome_unknown(err, method, |e| matches!(e, Error::Timeout { .. }));
            assert_usable(&mut client);
            assert_eq!(sent(&controller, method), 1, "{method} was re-sent");
        }
    })
}

#[test]
fn a_create_that_times_out_is_not_resent_and_happened() {
    within(|| {
        let controller = controller(Fault::Slow {
            request: 2,
            delay: std::time::Duration::from_secs(30),
        });
        let mut client = connect(&controller, IMPATIENT);
        let value = content(&[("password", "s3cr3t")]);
        let err = client
            .secrets()
            .add(&NewSecret::new("db", value))
            .unwrap_err();
        outcome_unknown(err, "CreateSecrets", |e| matches!(e, Error::Timeout { .. }));
        // The same connection still works, and the secret is there, once.
        let found = client
            .secrets()
            .list(&ListOptions::new().secret("db"))
            .unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(sent(&controller, "CreateSecrets"), 1);
    })
}

#[test]
fn a_bad_answer_to_a_write_is_outcome_unknown_too() {
    within(|| {
        for fault in [
            Fault::NonJson(2),
            Fault::WrongShape(2),
            Fault::CloseAfterResponses(1),
        ] {
            let controller = controller(fault.clone());
            let mut client = connect(&controller, PATIENT);
            let value = content(&[("password", "s3cr3t")]);
            let err = client
                .secrets()
                .add(&NewSecret::new("db", value))
                .unwrap_err();
            let cause = match fault {
                Fault::CloseAfterResponses(_) => {
                    |e: &Error| matches!(e, Error::ConnectionClosed(_))
                }
                _ => |e: &Error| matches!(e, Error::Protocol(_)),
            };
            outcome_unknown(err, "CreateSecrets", cause);
            assert!(sent(&controller, "CreateSecrets") <= 1);
        }
    })
}

#[test]
fn a_write_on_a_connection_already_closed_is_not_sent_and_says_closed() {
    within(|| {
        let controller = controller(Fault::CloseFrame(2));
        let mut client = connect(&controller, PATIENT);
        client.ping().unwrap_err();
        let value = content(&[("password", "s3cr3t")]);
        let err = client
            .secrets()
            .add(&NewSecret::new("db", value))
            .unwrap_err();
        // Nothing was sent, so the outcome is known: nothing happened.
        assert!(matches!(err, Error::ConnectionClosed(_)), "{err:?}");
        assert_eq!(sent(&controller, "CreateSecrets"), 0);
        let err = client
            .secrets()
            .update(SecretRef::name("db"), &SecretUpdate::new().description("x"))
            .unwrap_err();
        assert!(matches!(err, Error::ConnectionClosed(_)), "{err:?}");
    })
}
