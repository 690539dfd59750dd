//! Helpers for the fault tests: a controller injecting one fault, timing, and the two things a
//! client may be after a fault: still usable, or failing fast with `ConnectionClosed`.

use std::time::{Duration, Instant};

use juju_secrets::testing::{Fault, TestController};
use juju_secrets::{Client, ConnectOptions, Error, ListOptions};

use super::PROMPTLY;

/// The call timeout of tests whose fault must be noticed at once, not by a timeout: far above
/// [`PROMPTLY`], so an error within `PROMPTLY` cannot be a timeout.
pub const PATIENT: Duration = Duration::from_secs(20);

/// The call timeout of tests whose fault ends in a timeout.
pub const IMPATIENT: Duration = Duration::from_millis(500);

/// A test controller injecting `fault` on every connection.
pub fn controller(fault: Fault) -> TestController {
    TestController::builder().fault(fault).start().unwrap()
}

/// Settings for the controller's default model with the given call timeout.
pub fn options(controller: &TestController, call_timeout: Duration) -> ConnectOptions {
    controller
        .connect_options_builder()
        .connect_timeout(PATIENT)
        .call_timeout(call_timeout)
        .build()
        .unwrap()
}

/// Connects with the given call timeout.
pub fn connect(controller: &TestController, call_timeout: Duration) -> Client {
    Client::connect(&options(controller, call_timeout)).unwrap()
}

/// Runs `body`, checking that it returns within [`PROMPTLY`].
pub fn promptly<T>(what: &str, body: impl FnOnce() -> T) -> T {
    let started = Instant::now();
    let result = body();
    let took = started.elapsed();
    assert!(took < PROMPTLY, "{what} took {took:?}");
    result
}

/// Checks that every later call fails at once with `ConnectionClosed`, sending nothing.
pub fn assert_fails_fast(client: &mut Client, controller: &TestController) {
    let before = controller.calls().len();
    for _ in 0..3 {
        let started = Instant::now();
        let err = client.ping().unwrap_err();
        assert!(matches!(err, Error::ConnectionClosed(_)), "{err:?}");
        assert!(started.elapsed() < Duration::from_millis(100), "not fast");
        let err = client.secrets().list(&ListOptions::new()).unwrap_err();
        assert!(matches!(err, Error::ConnectionClosed(_)), "{err:?}");
    }
    assert_eq!(controller.calls().len(), before, "something was sent");
}

/// Checks that the client still works: a ping gets its answer.
pub fn assert_usable(client: &mut Client) {
    client.ping().expect("the connection is still usable");
}

/// Checks that `err` is `Error::Protocol` and returns its message.
pub fn protocol(err: Error) -> String {
    match err {
        Error::Protocol(message) => message,
        other => panic!("expected a protocol error, got {other:?}"),
    }
}

/// Checks that `err` is `Error::ConnectionClosed` and returns its message.
pub fn closed(err: Error) -> String {
    match err {
        Error::ConnectionClosed(message) => message,
        other => panic!("expected connection closed, got {other:?}"),
    }
}
