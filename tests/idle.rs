//! Long-lived clients, without background threads: a call after an idle spell pings first and,
//! when the connection turned out dead (the controller side dropped it), reconnects before
//! sending; a request already written is never sent again.

mod common;

use std::thread;
use std::time::{Duration, Instant};

use common::{options, within, PROMPTLY};
use juju_secrets::testing::{Fault, TestController};
use juju_secrets::{Client, Error, ListOptions, NewSecret, SecretContent, SecretRef};

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

/// A new secret named `name`.
fn secret(name: &str) -> NewSecret {
    NewSecret::new(name, content())
}

/// How many logins reached the controller: one per connection.
fn logins(controller: &TestController) -> usize {
    let calls = controller.calls();
    calls
        .iter()
        .filter(|c| (c.facade(), c.method()) == ("Admin", "Login"))
        .count()
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
        client.secrets().add(&secret("before")).unwrap();
        thread::sleep(IDLE);
        // The write goes out on the new connection, once.
        client.secrets().add(&secret("after")).unwrap();
        let names: Vec<String> = client
            .secrets()
            .list(&ListOptions::new())
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
        client.secrets().add(&secret("kept")).unwrap();
        // Right after an answer the connection is not idle: no ping.
        client.secrets().get(SecretRef::name("kept")).unwrap();
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
        let err = client.secrets().add(&secret("lost")).unwrap_err();
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
        let err = client.secrets().add(&secret("never")).unwrap_err();
        // Reconnecting failed before the write was sent: the outcome is known.
        assert!(!matches!(err, Error::OutcomeUnknown { .. }), "{err:?}");
        assert!(matches!(err, Error::Io { .. }), "{err:?}");
        assert_eq!(methods(&controller), ["Login"]);
    })
}

#[test]
fn a_client_broken_by_a_fault_is_not_revived_when_idle() {
    within(|| {
        // The answer to request 2 is not JSON: the stream cannot be trusted any more.
        let controller = TestController::builder()
            .fault(Fault::NonJson(2))
            .start()
            .unwrap();
        let options = options(&controller)
            .idle_ping_after(Some(Duration::from_millis(50)))
            .build()
            .unwrap();
        let mut client = Client::connect(&options).unwrap();
        let err = client.secrets().list(&ListOptions::new()).unwrap_err();
        assert!(matches!(err, Error::Protocol(_)), "{err:?}");
        // Idle long enough for an idle check, which a broken client must not make: its calls
        // fail at once, and no new connection reaches the controller.
        thread::sleep(Duration::from_millis(300));
        let before = controller.calls().len();
        for _ in 0..2 {
            let started = Instant::now();
            let err = client.ping().unwrap_err();
            assert!(matches!(err, Error::ConnectionClosed(_)), "{err:?}");
            assert!(
                started.elapsed() < Duration::from_millis(100),
                "not at once"
            );
            let err = client.secrets().add(&secret("never")).unwrap_err();
            assert!(matches!(err, Error::ConnectionClosed(_)), "{err:?}");
            thread::sleep(Duration::from_millis(100));
        }
        assert_eq!(controller.calls().len(), before, "something was sent");
        assert_eq!(logins(&controller), 1);
    })
}

#[test]
fn without_timeouts_a_dropped_connection_is_still_replaced() {
    within(|| {
        let controller = dropping_controller();
        // `Duration::MAX`: no deadline for the idle check's reconnect nor for the call.
        let options = options(&controller)
            .connect_timeout(Duration::MAX)
            .call_timeout(Duration::MAX)
            .idle_ping_after(Some(Duration::from_millis(100)))
            .build()
            .unwrap();
        let mut client = Client::connect(&options).unwrap();
        thread::sleep(IDLE);
        let started = Instant::now();
        client.secrets().add(&secret("after")).unwrap();
        assert!(started.elapsed() < PROMPTLY, "took {:?}", started.elapsed());
        assert_eq!(methods(&controller), ["Login", "Login", "CreateSecrets"]);
        assert_eq!(logins(&controller), 2);
    })
}
