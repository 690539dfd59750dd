//! TLS: the controller's CA, the server name, and the explicit plain-websocket escape hatch.

mod common;

use std::time::Instant;

use common::{connect, options, options_without_endpoint, within, PROMPTLY};
use juju_secrets::testing::TestController;
use juju_secrets::{Client, ConnectOptions, Error, JUJU_SERVER_NAME};

fn expect_tls_error(settings: &ConnectOptions, endpoint: &str) -> String {
    let err = Client::connect(settings).unwrap_err();
    match err {
        Error::Tls {
            endpoint: failed,
            message,
        } => {
            assert_eq!(failed, endpoint);
            assert!(!message.is_empty());
            message
        }
        other => panic!("expected a TLS error, got {other:?}"),
    }
}

#[test]
fn a_ca_that_did_not_sign_the_certificate_is_refused_before_any_data() {
    within(|| {
        let controller = TestController::start().unwrap();
        let other = TestController::start().unwrap();
        let options = options(&controller)
            .ca_cert(other.ca_cert().unwrap())
            .build()
            .unwrap();
        expect_tls_error(&options, &controller.endpoint());
        assert!(controller.calls().is_empty(), "{:?}", controller.calls());
        assert!(other.calls().is_empty());
    })
}

#[test]
fn default_server_name_matches_though_the_endpoint_is_an_ip() {
    within(|| {
        let controller = TestController::start().unwrap();
        assert!(controller.endpoint().starts_with("127.0.0.1:"));
        let mut client = connect(&controller);
        client.ping().unwrap();
        // The same, spelled out.
        let explicit = options(&controller)
            .server_name(JUJU_SERVER_NAME)
            .build()
            .unwrap();
        Client::connect(&explicit).unwrap().ping().unwrap();
        // Another name the certificate carries.
        let localhost = options(&controller)
            .server_name("localhost")
            .build()
            .unwrap();
        Client::connect(&localhost).unwrap().ping().unwrap();
    })
}

#[test]
fn a_server_name_the_certificate_lacks_is_refused() {
    within(|| {
        let controller = TestController::start().unwrap();
        let options = options(&controller)
            .server_name("other-name")
            .build()
            .unwrap();
        expect_tls_error(&options, &controller.endpoint());
        assert!(controller.calls().is_empty());
    })
}

#[test]
fn a_ca_that_is_not_pem_is_a_config_error() {
    within(|| {
        let controller = TestController::start().unwrap();
        let options = options(&controller)
            .ca_cert("not a certificate")
            .build()
            .unwrap();
        let err = Client::connect(&options).unwrap_err();
        assert!(matches!(err, Error::Config(_)), "{err:?}");
        assert!(controller.calls().is_empty());
    })
}

#[test]
fn plain_websocket_only_when_asked_for() {
    within(|| {
        let controller = TestController::builder()
            .insecure_plain_websocket(true)
            .start()
            .unwrap();
        assert_eq!(controller.ca_cert(), None);
        let mut client = Client::connect(
            &options(&controller)
                .insecure_plain_websocket(true)
                .build()
                .unwrap(),
        )
        .unwrap();
        client.ping().unwrap();
        assert_eq!(controller.calls().len(), 2);
    })
}

#[test]
fn a_tls_client_against_a_plain_controller_fails_promptly() {
    within(|| {
        let controller = TestController::builder()
            .insecure_plain_websocket(true)
            .start()
            .unwrap();
        let options = options_without_endpoint(&controller)
            .endpoint(controller.endpoint())
            .insecure_plain_websocket(false)
            .build()
            .unwrap();
        let started = Instant::now();
        let err = Client::connect(&options).unwrap_err();
        assert!(started.elapsed() < PROMPTLY, "took {:?}", started.elapsed());
        assert!(matches!(err, Error::Tls { .. }), "{err:?}");
        assert!(controller.calls().is_empty());
    })
}

#[test]
fn a_plain_client_against_a_tls_controller_fails_promptly() {
    within(|| {
        let controller = TestController::start().unwrap();
        let options = options(&controller)
            .insecure_plain_websocket(true)
            .build()
            .unwrap();
        let started = Instant::now();
        let err = Client::connect(&options).unwrap_err();
        assert!(started.elapsed() < PROMPTLY, "took {:?}", started.elapsed());
        assert!(!matches!(err, Error::Timeout { .. }), "{err:?}");
        assert!(
            matches!(err, Error::WebSocket(_) | Error::Io { .. }),
            "{err:?}"
        );
        assert!(controller.calls().is_empty());
    })
}
