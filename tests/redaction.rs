//! Passwords never show: not in Debug output, not in any error this file can provoke.

mod common;

use std::fmt::{Debug, Display};
use std::time::Duration;

use common::{listener, options, options_without_endpoint, refused_endpoint, within};
use juju_secrets::testing::{Fault, TestController};
use juju_secrets::{Call, Client, ConnectOptions, Error, ListOptions};
use serde_json::{json, Value};

const PASSWORD: &str = "pw-Quokka-7731-distinctive";
const WRONG: &str = "pw-Wombat-4412-distinctive";

fn controller() -> TestController {
    TestController::builder()
        .password(PASSWORD)
        .start()
        .unwrap()
}

fn assert_hidden(what: &str, text: &str) {
    for secret in [PASSWORD, WRONG] {
        assert!(!text.contains(secret), "{what} shows a password: {text}");
    }
}

fn assert_error_hidden(err: &(impl Display + Debug)) {
    assert_hidden("Display", &err.to_string());
    assert_hidden("Debug", &format!("{err:?}"));
}

/// Connects with `settings`, expecting an error, and checks it shows no password.
fn connect_error(settings: &ConnectOptions) -> Error {
    let err = Client::connect(settings).unwrap_err();
    assert_error_hidden(&err);
    err
}

#[test]
fn options_and_client_debug_hide_the_password() {
    within(|| {
        let controller = controller();
        let settings = options(&controller).build().unwrap();
        let text = format!("{settings:?}");
        assert_hidden("options", &text);
        assert!(text.contains(controller.model_uuid()), "{text}");
        assert_hidden("builder", &format!("{:?}", options(&controller)));

        let mut client = Client::connect(&settings).unwrap();
        let text = format!("{client:?}");
        assert_hidden("client", &text);
        assert!(text.contains(&controller.endpoint()), "{text}");
        assert_hidden("client options", &format!("{:?}", client.options()));
        assert_hidden("login info", &format!("{:?}", client.login_info()));
        client.ping().unwrap();
        assert_hidden("recorded calls", &format!("{:?}", controller.calls()));
    })
}

#[test]
fn login_errors_hide_the_password() {
    within(|| {
        let controller = controller();
        let err = connect_error(&options(&controller).password(WRONG).build().unwrap());
        assert!(err.api().is_some(), "{err:?}");
        connect_error(&options(&controller).user("nobody").build().unwrap());
        let unknown_model = options(&controller)
            .model_uuid("7e6d5c4b-3a29-4f18-8e7d-6c5b4a392817")
            .build()
            .unwrap();
        connect_error(&unknown_model);
        // A model name the controller does not list, found out after a controller login.
        let unknown_name = ConnectOptions::builder()
            .endpoint(controller.endpoint())
            .model_name("no-such-model")
            .user(controller.user())
            .password(PASSWORD)
            .ca_cert(controller.ca_cert().unwrap())
            .build()
            .unwrap();
        let err = connect_error(&unknown_name);
        assert!(matches!(err, Error::UnknownModel(_)), "{err:?}");
        assert_hidden("recorded calls", &format!("{:?}", controller.calls()));
    })
}

#[test]
fn transport_errors_hide_the_password() {
    within(|| {
        let controller = controller();
        let other = TestController::start().unwrap();
        let wrong_ca = options(&controller)
            .ca_cert(other.ca_cert().unwrap())
            .build()
            .unwrap();
        assert!(matches!(connect_error(&wrong_ca), Error::Tls { .. }));
        // A certificate for another name: verified as `juju-apiserver`, and again as the
        // public host name against the system's roots; neither error shows the password.
        controller.set_fault(Some(Fault::WrongServerName)).unwrap();
        let err = connect_error(&options(&controller).build().unwrap());
        assert!(matches!(err, Error::Tls { .. }), "{err:?}");
        let public = options(&controller)
            .public_hostname("other-name.example")
            .build()
            .unwrap();
        let err = connect_error(&public);
        assert!(matches!(err, Error::Tls { .. }), "{err:?}");
        controller.set_fault(None).unwrap();
        let plain = options(&controller)
            .insecure_plain_websocket(true)
            .build()
            .unwrap();
        connect_error(&plain);

        let all_refused = options_without_endpoint(&controller)
            .endpoints([refused_endpoint(), refused_endpoint()])
            .build()
            .unwrap();
        let err = connect_error(&all_refused);
        assert!(matches!(err, Error::AllEndpointsFailed(_)), "{err:?}");

        let (silent, endpoint) = listener();
        let timeout = Duration::from_millis(300);
        let timing_out = options_without_endpoint(&controller)
            .endpoint(endpoint)
            .connect_timeout(timeout)
            .build()
            .unwrap();
        let err = connect_error(&timing_out);
        assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
        drop(silent);
    })
}

#[test]
fn call_errors_hide_the_password() {
    within(|| {
        let controller = controller();
        let mut client = Client::connect(&options(&controller).build().unwrap()).unwrap();
        // Even a password passed as a call's params does not come back in the error.
        let params = json!({"credentials": PASSWORD, "other": WRONG});
        let err = client
            .call::<_, Value>(Call::read("Pinger", 1, "Nope"), &params)
            .unwrap_err();
        assert!(err.api().is_some(), "{err:?}");
        assert_error_hidden(&err);
        let err = client
            .call::<_, Value>(Call::write("Pinger", 1, "Nope"), &params)
            .unwrap_err();
        assert!(err.api().is_some(), "{err:?}");
        assert_error_hidden(&err);
        // A facade the controller does not offer, and a version it does not: refused unsent.
        let before = controller.calls().len();
        let err = client
            .call::<_, Value>(Call::read("Foo", 1, "Bar"), &params)
            .unwrap_err();
        assert!(matches!(err, Error::Unsupported(_)), "{err:?}");
        assert_error_hidden(&err);
        let err = client
            .call::<_, Value>(Call::write("Pinger", 99, "Ping"), &params)
            .unwrap_err();
        assert!(matches!(err, Error::Unsupported(_)), "{err:?}");
        assert_error_hidden(&err);
        assert_eq!(controller.calls().len(), before, "a refused call was sent");
        assert_eq!(client.facade_version("Foo"), None);

        // The facade an operation needs, missing (`require_facade` before it was private).
        let bare = TestController::builder()
            .password(PASSWORD)
            .secrets_versions(&[])
            .start()
            .unwrap();
        let mut client = Client::connect(&options(&bare).build().unwrap()).unwrap();
        let err = client.secrets().list(&ListOptions::new()).unwrap_err();
        assert!(matches!(err, Error::Unsupported(_)), "{err:?}");
        assert_error_hidden(&err);
    })
}
