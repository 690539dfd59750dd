//! Faults of the connection itself: the controller hangs up (after some answers, or with a close
//! frame mid-call), resets or never speaks during the TLS handshake, or serves a bad certificate.
//! Each gives its documented error promptly; a client whose connection ended fails fast on every
//! later call with `ConnectionClosed`.

mod common;

use std::time::Duration;

use common::faults::{
    assert_fails_fast, closed, connect, controller, options, promptly, IMPATIENT, PATIENT,
};
use common::within;
use juju_secrets::testing::Fault;
use juju_secrets::{Client, Error};

#[test]
fn closing_tcp_after_some_responses_ends_the_connection() {
    within(|| {
        // Login (1) and one ping (2) are answered, then the controller hangs up.
        let controller = controller(Fault::CloseAfterResponses(2));
        let mut client = connect(&controller, PATIENT);
        client.ping().unwrap();
        let err = promptly("the call after the hang-up", || client.ping().unwrap_err());
        let message = closed(err);
        assert!(message.contains("Pinger.Ping"), "{message}");
        assert_fails_fast(&mut client, &controller);
        // The controller saw the third request or not (a race with its hang-up); never a fourth.
        assert!(controller.calls().len() <= 3, "{:?}", controller.calls());
    })
}

#[test]
fn closing_tcp_right_after_login_fails_the_first_call() {
    within(|| {
        let controller = controller(Fault::CloseAfterResponses(1));
        let mut client = connect(&controller, PATIENT);
        closed(promptly("the first call", || client.ping().unwrap_err()));
        assert_fails_fast(&mut client, &controller);
    })
}

#[test]
fn a_close_frame_mid_call_ends_the_connection_with_its_reason() {
    within(|| {
        let controller = controller(Fault::CloseFrame(3));
        let mut client = connect(&controller, PATIENT);
        client.ping().unwrap();
        let message = closed(promptly("the closed call", || client.ping().unwrap_err()));
        assert!(
            message.contains("closed the connection during Pinger.Ping"),
            "{message}"
        );
        assert!(message.contains("close frame on request 3"), "{message}");
        assert_fails_fast(&mut client, &controller);
        // The request was carried out: the controller recorded it.
        assert_eq!(controller.calls().len(), 3);
    })
}

#[test]
fn a_close_frame_instead_of_the_login_answer_fails_connect() {
    within(|| {
        let controller = controller(Fault::CloseFrame(1));
        let err = promptly("connect", || {
            Client::connect(&options(&controller, PATIENT)).unwrap_err()
        });
        closed(err);
    })
}

#[test]
fn a_reset_during_the_tls_handshake_is_a_tls_error() {
    within(|| {
        let controller = controller(Fault::ResetTlsHandshake);
        let err = promptly("connect", || {
            Client::connect(&options(&controller, PATIENT)).unwrap_err()
        });
        assert!(matches!(err, Error::Tls { .. }), "{err:?}");
        // A reset is no certificate problem: the advice points at the endpoint, not the CA.
        let text = err.to_string();
        assert!(text.contains("API port"), "{text}");
        assert!(!text.contains("ca-cert"), "{text}");
        assert!(controller.calls().is_empty());
        // Without the fault, the same controller serves again.
        controller.set_fault(None).unwrap();
        connect(&controller, PATIENT).ping().unwrap();
    })
}

#[test]
fn a_server_that_never_speaks_tls_times_out() {
    within(|| {
        let controller = controller(Fault::Silent);
        let timeout = Duration::from_millis(300);
        let settings = controller
            .connect_options_builder()
            .connect_timeout(timeout)
            .build()
            .unwrap();
        let err = promptly("connect", || Client::connect(&settings).unwrap_err());
        let text = err.to_string();
        match err {
            Error::Timeout { context, after } => {
                let endpoint = controller.endpoint();
                assert_eq!(
                    context,
                    format!("waiting for the TLS handshake with {endpoint}")
                );
                assert_eq!(after, timeout);
                assert!(text.contains(&format!("while {context}")), "{text}");
            }
            other => panic!("expected a timeout, got {other:?}"),
        }
        assert!(controller.calls().is_empty());
    })
}

/// Connects to a controller serving a bad certificate: a TLS error, before anything is sent.
fn tls_error(fault: Fault) -> String {
    let controller = controller(fault);
    let err = promptly("connect", || {
        Client::connect(&options(&controller, IMPATIENT)).unwrap_err()
    });
    assert!(controller.calls().is_empty(), "{:?}", controller.calls());
    match err {
        Error::Tls { endpoint, message } => {
            assert_eq!(endpoint, controller.endpoint());
            message
        }
        other => panic!("expected a TLS error, got {other:?}"),
    }
}

#[test]
fn a_certificate_from_another_ca_is_refused() {
    within(|| {
        let message = tls_error(Fault::ForeignCa);
        assert!(message.contains("certificate verify failed"), "{message}");
        assert!(
            message.contains("check the controller's ca-cert"),
            "{message}"
        );
        assert!(message.contains("unable to get local issuer"), "{message}");
    })
}

#[test]
fn a_certificate_for_another_name_is_refused() {
    within(|| {
        let message = tls_error(Fault::WrongServerName);
        assert!(message.contains("certificate verify failed"), "{message}");
        assert!(message.contains("hostname mismatch"), "{message}");
    })
}

#[test]
fn an_expired_certificate_is_refused() {
    within(|| {
        let message = tls_error(Fault::ExpiredCertificate);
        assert!(message.contains("expired"), "{message}");
    })
}

#[test]
fn a_fault_set_later_strikes_new_connections_only() {
    within(|| {
        let controller = controller(Fault::CloseAfterResponses(1));
        controller.set_fault(None).unwrap();
        let mut healthy = connect(&controller, PATIENT);
        controller
            .set_fault(Some(Fault::ExpiredCertificate))
            .unwrap();
        healthy.ping().unwrap();
        let err = Client::connect(&options(&controller, PATIENT)).unwrap_err();
        assert!(matches!(err, Error::Tls { .. }), "{err:?}");
        controller.set_fault(None).unwrap();
        connect(&controller, PATIENT).ping().unwrap();
    })
}
