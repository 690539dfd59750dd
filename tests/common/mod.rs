//! Shared by the integration tests: a watchdog so no test can hang, settings with short
//! timeouts, and addresses for fault cases.
#![allow(dead_code)] // each test file uses only some of these

use std::net::TcpListener;
use std::panic;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread;
use std::time::Duration;

use juju_secrets::testing::TestController;
use juju_secrets::{Client, ConnectOptions, ConnectOptionsBuilder};

/// How long a whole test may run before the watchdog fails it.
pub const WATCHDOG: Duration = Duration::from_secs(60);

/// Connect and call timeouts for tests that expect an answer.
pub const SHORT: Duration = Duration::from_secs(5);

/// A generous bound for "returned promptly" (machines are noisy).
pub const PROMPTLY: Duration = Duration::from_secs(5);

/// Runs `body` on its own thread and fails the test if it does not finish within [`WATCHDOG`].
/// A panic in `body` (a failed assertion) is passed on unchanged.
pub fn within<T, F>(body: F) -> T
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    let (done, result) = mpsc::channel();
    let handle = thread::spawn(move || {
        let _ = done.send(body());
    });
    match result.recv_timeout(WATCHDOG) {
        Ok(value) => {
            let _ = handle.join();
            value
        }
        Err(RecvTimeoutError::Disconnected) => match handle.join() {
            Err(payload) => panic::resume_unwind(payload),
            Ok(()) => unreachable!("the test body ended without a result or a panic"),
        },
        Err(RecvTimeoutError::Timeout) => panic!("test hung: not finished after {WATCHDOG:?}"),
    }
}

/// The controller's settings for its default model, with short timeouts.
pub fn options(controller: &TestController) -> ConnectOptionsBuilder {
    controller
        .connect_options_builder()
        .connect_timeout(SHORT)
        .call_timeout(SHORT)
}

/// Like [`options`], but with no endpoint yet, so a test can choose them and their order.
pub fn options_without_endpoint(controller: &TestController) -> ConnectOptionsBuilder {
    let mut builder = ConnectOptions::builder()
        .model_uuid(controller.model_uuid())
        .user(controller.user())
        .password(controller.password())
        .connect_timeout(SHORT)
        .call_timeout(SHORT);
    match controller.ca_cert() {
        Some(ca) => builder = builder.ca_cert(ca),
        None => builder = builder.insecure_plain_websocket(true),
    }
    builder
}

/// Connects to the controller's default model with short timeouts.
pub fn connect(controller: &TestController) -> Client {
    Client::connect(&options(controller).build().expect("valid options"))
        .expect("connecting to the test controller")
}

/// A loopback `host:port` where nothing listens: connecting is refused.
pub fn refused_endpoint() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("binding a port");
    let endpoint = listener.local_addr().expect("local address").to_string();
    drop(listener);
    endpoint
}

/// A listener and its `host:port`, for servers written in a test.
pub fn listener() -> (TcpListener, String) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("binding a port");
    let endpoint = listener.local_addr().expect("local address").to_string();
    (listener, endpoint)
}

/// Helpers for the `secrets_*` test files.
pub mod secrets;

/// Helpers for the `faults*` test files.
pub mod faults;

/// Finding (and building) the examples, for tests that run them as processes.
pub mod examples;

/// Temporary directories, removed on drop.
pub mod temp;

/// Examples run as processes, with a timeout.
pub mod process;

/// This crate's warnings, captured.
pub mod warnings;

/// A websocket of our own to the test controller, verified like the client's (its CA, the name
/// `juju-apiserver`), for tests that speak the wire protocol by hand.
pub fn raw_websocket(
    controller: &TestController,
    path: &str,
) -> tungstenite::WebSocket<native_tls::TlsStream<std::net::TcpStream>> {
    let tcp = std::net::TcpStream::connect(controller.endpoint()).unwrap();
    tcp.set_read_timeout(Some(SHORT)).unwrap();
    tcp.set_write_timeout(Some(SHORT)).unwrap();
    let ca = native_tls::Certificate::from_pem(controller.ca_cert().unwrap().as_bytes()).unwrap();
    let tls = native_tls::TlsConnector::builder()
        .add_root_certificate(ca)
        .disable_built_in_roots(true)
        .build()
        .unwrap()
        .connect("juju-apiserver", tcp)
        .unwrap();
    let url = format!("wss://{}{path}", controller.endpoint());
    tungstenite::client(url.as_str(), tls).unwrap().0
}
