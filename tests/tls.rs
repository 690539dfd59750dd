//! TLS: the controller's CA, the server name, and the explicit plain-websocket escape hatch.

mod common;

use std::io;
use std::net::{Shutdown, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use common::{connect, listener, options, options_without_endpoint, within, PROMPTLY, SHORT};
use juju_secrets::testing::{Fault, TestController};
use juju_secrets::{Client, ConnectOptions, Error, JUJU_SERVER_NAME};

/// A TCP relay to the controller that counts the connections made through it: how a test sees
/// whether the client tried a second TLS handshake.
struct CountingRelay {
    endpoint: String,
    accepted: Arc<AtomicUsize>,
}

impl CountingRelay {
    fn to(upstream: String) -> CountingRelay {
        let (listener, endpoint) = listener();
        let accepted = Arc::new(AtomicUsize::new(0));
        let count = Arc::clone(&accepted);
        thread::spawn(move || {
            for client in listener.incoming() {
                let Ok(client) = client else { return };
                count.fetch_add(1, Ordering::SeqCst);
                let Ok(controller) = TcpStream::connect(&upstream) else {
                    return;
                };
                pipe(&client, &controller);
                pipe(&controller, &client);
            }
        });
        CountingRelay { endpoint, accepted }
    }

    /// The connections accepted so far. A client's connections are all accepted by the time
    /// its connect returns: each handshake needs the relay to pass its bytes on.
    fn connections(&self) -> usize {
        self.accepted.load(Ordering::SeqCst)
    }
}

/// Copies `from` to `to` until `from` ends (or 20 s pass), then ends `to`'s writing side.
fn pipe(from: &TcpStream, to: &TcpStream) {
    let (mut from, mut to) = (from.try_clone().unwrap(), to.try_clone().unwrap());
    thread::spawn(move || {
        let _ = from.set_read_timeout(Some(Duration::from_secs(20)));
        let _ = io::copy(&mut from, &mut to);
        let _ = to.shutdown(Shutdown::Write);
    });
}

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
fn the_certificate_is_verified_as_juju_apiserver_whatever_the_endpoint() {
    within(|| {
        let controller = TestController::start().unwrap();
        assert!(controller.endpoint().starts_with("127.0.0.1:"));
        assert_eq!(JUJU_SERVER_NAME, "juju-apiserver");
        let mut client = connect(&controller);
        client.ping().unwrap();
        // The same controller reached by a host name: still verified as juju-apiserver.
        let port = controller.endpoint().rsplit_once(':').unwrap().1.to_owned();
        let by_name = options_without_endpoint(&controller)
            .endpoint(format!("localhost:{port}"))
            .build()
            .unwrap();
        Client::connect(&by_name).unwrap().ping().unwrap();
        // A public host name the certificate lacks changes nothing while the CA verifies it:
        // one connection, no second handshake.
        let relay = CountingRelay::to(controller.endpoint());
        let public = options_without_endpoint(&controller)
            .endpoint(&relay.endpoint)
            .public_hostname("juju.example.com")
            .build()
            .unwrap();
        assert_eq!(public.public_hostname(), Some("juju.example.com"));
        Client::connect(&public).unwrap().ping().unwrap();
        assert_eq!(relay.connections(), 1);
    })
}

#[test]
fn a_certificate_without_the_name_juju_apiserver_is_refused() {
    within(|| {
        // Signed by the right CA, but valid only for wrong-server-name.example.
        let controller = TestController::builder()
            .fault(Fault::WrongServerName)
            .start()
            .unwrap();
        let message = expect_tls_error(
            &options(&controller).build().unwrap(),
            &controller.endpoint(),
        );
        assert!(message.contains("hostname mismatch"), "{message}");
        assert!(
            message.contains("check the controller's ca-cert"),
            "{message}"
        );
        assert!(controller.calls().is_empty());
    })
}

#[test]
fn a_failed_public_hostname_fallback_reports_the_ca_failure() {
    within(|| {
        // The certificate carries the public host name, but no public CA signed it: verifying
        // against the CA fails (wrong name), and so does the second try against the system's
        // roots. The first failure is the one reported.
        let controller = TestController::builder()
            .fault(Fault::WrongServerName)
            .start()
            .unwrap();
        let relay = CountingRelay::to(controller.endpoint());
        let settings = options_without_endpoint(&controller)
            .endpoint(&relay.endpoint)
            .public_hostname("wrong-server-name.example")
            .build()
            .unwrap();
        let message = expect_tls_error(&settings, &relay.endpoint);
        assert!(message.contains("certificate verify failed"), "{message}");
        assert!(message.contains("hostname mismatch"), "{message}");
        assert!(!message.contains("local issuer"), "{message}");
        assert!(
            message.contains("check the controller's ca-cert"),
            "{message}"
        );
        // The fallback was tried: a second connection, for the second handshake.
        assert_eq!(relay.connections(), 2);
        assert!(controller.calls().is_empty());
    })
}

#[test]
fn a_reset_is_no_certificate_problem_and_gets_no_public_hostname_fallback() {
    within(|| {
        let controller = TestController::builder()
            .fault(Fault::ResetTlsHandshake)
            .start()
            .unwrap();
        let relay = CountingRelay::to(controller.endpoint());
        let settings = options_without_endpoint(&controller)
            .endpoint(&relay.endpoint)
            .public_hostname("juju.example.com")
            .build()
            .unwrap();
        let message = expect_tls_error(&settings, &relay.endpoint);
        assert!(message.contains("API port"), "{message}");
        assert_eq!(relay.connections(), 1);
    })
}

#[test]
fn without_a_ca_the_system_roots_decide() {
    within(|| {
        // No CA given: the certificate must chain to a system root as the public host name,
        // and the test controller's CA is none of them.
        let controller = TestController::start().unwrap();
        let settings = ConnectOptions::builder()
            .endpoint(controller.endpoint())
            .model_uuid(controller.model_uuid())
            .password(controller.password())
            .public_hostname("localhost")
            .connect_timeout(SHORT)
            .build()
            .unwrap();
        let message = expect_tls_error(&settings, &controller.endpoint());
        assert!(message.contains("certificate verify failed"), "{message}");
        assert!(controller.calls().is_empty());
    })
}

#[test]
fn a_ca_that_is_not_pem_is_a_config_error_from_build() {
    within(|| {
        let controller = TestController::start().unwrap();
        let garbled = "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n";
        for ca in ["not a certificate", garbled] {
            // Refused before any connection could be tried.
            let err = options(&controller).ca_cert(ca).build().unwrap_err();
            let Error::Config(message) = &err else {
                panic!("{ca:?}: expected a config error, got {err:?}");
            };
            assert!(
                message.contains("the controller CA certificate is not valid PEM"),
                "{message}"
            );
        }
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
