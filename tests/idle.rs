//! Long-lived clients, without background threads: a call after an idle spell pings first and,
//! when the connection turned out dead (the controller side dropped it), reconnects before
//! sending; a request already written is never sent again.

mod common;

use std::thread;
use std::time::Duration;

use common::{options, within};
use juju_secrets::testing::TestController;
use juju_secrets::{Client, Error, SecretContent, SecretFilter, SecretRef};

/// How long the test controller lets a connection stay quiet.
const DROP_AFTER: Duration = Duration::from_millis(300);

/// Comfortably past [`DROP_AFTER`], so the controller has hung up.
const IDLE: Duration = Duration::from_millis(900);

fn dropping_controller() -> TestController {
    TestController::builder()
        .drop_idle_after(DROP_AFTER)
        .start()
        .unwrap()
}

fn methods(controller: &TestController) -> Vec<String> {
    let calls = controller.calls();
    calls.iter().map(|c| c.method().to_owned()).collect()
}

fn content() -> SecretContent {
    SecretContent::from_args(&["token=abc"]).unwrap()
}

#[test]
fn a_call_after_the_connection_was_dropped_reconnects_and_succeeds() {
    within(|| {
        let controller = dropping_controller();
        let options = options(&controller)
            .idle_ping_after(Some(Duration::from_millis(100)))
            .build()
            .unwrap();
        let mut client = Client::connect(&options).unwrap();
        client.secrets().add("before", &content(), None).unwrap();
        thread::sleep(IDLE);
        // The write goes out on the new connection, once.
        client.secrets().add("after", &content(), None).unwrap();
        let names: Vec<String> = client
            .secrets()
            .list(&SecretFilter::default(), false)
            .unwrap()
            .into_iter()
            .filter_map(|s| s.name)
            .collect();
        assert_eq!(names, ["before", "after"]);
        assert_eq!(
            methods(&controller),
            [
                "Login",
                "CreateSecrets",
                // The dropped connection answered nothing to its ping: not recorded.
                "Login",
                "CreateSecrets",
                "ListSecrets",
            ]
        );
        assert_eq!(client.endpoint(), controller.endpoint());
        client.close().unwrap();
    })
}

#[test]
fn an_idle_but_live_connection_is_pinged_and_kept() {
    within(|| {
        let controller = TestController::start().unwrap();
        let options = options(&controller)
            .idle_ping_after(Some(Duration::from_millis(50)))
            .build()
            .unwrap();
        let mut client = Client::connect(&options).unwrap();
        thread::sleep(Duration::from_millis(200));
        client.secrets().add("kept", &content(), None).unwrap();
        // Right after an answer the connection is not idle: no ping.
        client.secrets().get(&SecretRef::name("kept")).unwrap();
        assert_eq!(
            methods(&controller),
            ["Login", "Ping", "CreateSecrets", "ListSecrets"]
        );
    })
}

#[test]
fn a_write_on_a_dead_connection_is_not_retried() {
    within(|| {
        let controller = dropping_controller();
        let options = options(&controller).idle_ping_after(None).build().unwrap();
        let mut client = Client::connect(&options).unwrap();
        thread::sleep(IDLE);
        let err = client.secrets().add("lost", &content(), None).unwrap_err();
        let Error::OutcomeUnknown { operation, .. } = &err else {
            panic!("expected OutcomeUnknown, got {err:?}");
        };
        assert_eq!(operation, "Secrets.CreateSecrets");
        // Without idle checks nothing reconnects: later calls fail without I/O.
        let later = client.ping().unwrap_err();
        assert!(matches!(later, Error::ConnectionClosed(_)), "{later:?}");
        assert_eq!(methods(&controller), ["Login"]);
    })
}

#[test]
fn when_the_controller_is_gone_the_call_fails_unsent() {
    within(|| {
        let mut controller = TestController::start().unwrap();
        let options = options(&controller)
            .idle_ping_after(Some(Duration::from_millis(50)))
            .build()
            .unwrap();
        let mut client = Client::connect(&options).unwrap();
        controller.stop();
        thread::sleep(Duration::from_millis(200));
        let err = client.secrets().add("never", &content(), None).unwrap_err();
        // Reconnecting failed before the write was sent: the outcome is known.
        assert!(!matches!(err, Error::OutcomeUnknown { .. }), "{err:?}");
        assert!(matches!(err, Error::Io { .. }), "{err:?}");
        assert_eq!(methods(&controller), ["Login"]);
    })
}
