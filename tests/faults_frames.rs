//! Bad answers: frames that are not Juju responses, answers that are late, misaddressed, of the
//! wrong shape or too large. A frame the client cannot trust the stream after (not JSON, binary,
//! no request id, too large, over 1 MiB alone) leaves the connection unusable; a late, misaddressed or misshapen
//! answer leaves it usable, and the next call always gets its own answer, never a stale one.

mod common;

use std::thread;
use std::time::Duration;

use common::faults::{
    assert_fails_fast, assert_usable, connect, controller, options, promptly, protocol, IMPATIENT,
    PATIENT,
};
use common::secrets::content;
use common::within;
use juju_secrets::testing::{Fault, TestController};
use juju_secrets::{Client, Error, ListOptions, NewSecret};

/// Request 2 of a connection (the first after login) meets the fault; it is a ListSecrets, whose
/// answer has a shape to get wrong.
fn list(client: &mut Client) -> juju_secrets::Result<Vec<juju_secrets::SecretInfo>> {
    client.secrets().list(&ListOptions::new())
}

#[test]
fn a_frame_that_is_not_json_makes_the_connection_unusable() {
    within(|| {
        let controller = controller(Fault::NonJson(2));
        let mut client = connect(&controller, PATIENT);
        let message = protocol(promptly("the call", || list(&mut client).unwrap_err()));
        assert!(message.contains("not a Juju API response"), "{message}");
        assert_fails_fast(&mut client, &controller);
    })
}

#[test]
fn a_binary_frame_makes_the_connection_unusable() {
    within(|| {
        let controller = controller(Fault::Binary(2));
        let mut client = connect(&controller, PATIENT);
        let message = protocol(promptly("the call", || list(&mut client).unwrap_err()));
        assert!(message.contains("binary frame"), "{message}");
        assert_fails_fast(&mut client, &controller);
    })
}

#[test]
fn json_without_a_request_id_makes_the_connection_unusable() {
    within(|| {
        let controller = controller(Fault::NoRequestId(2));
        let mut client = connect(&controller, PATIENT);
        let message = protocol(promptly("the call", || list(&mut client).unwrap_err()));
        assert!(message.contains("without a request-id"), "{message}");
        assert_fails_fast(&mut client, &controller);
    })
}

#[test]
fn an_answer_of_the_wrong_shape_is_a_protocol_error_and_the_connection_stays() {
    within(|| {
        let controller = controller(Fault::WrongShape(2));
        let mut client = connect(&controller, PATIENT);
        let message = protocol(promptly("the call", || list(&mut client).unwrap_err()));
        assert!(
            message.contains("Secrets.ListSecrets does not have the expected shape"),
            "{message}"
        );
        assert_usable(&mut client);
        assert!(list(&mut client).unwrap().is_empty());
    })
}

#[test]
fn an_answer_under_another_request_id_times_out_and_is_never_taken_for_the_next() {
    within(|| {
        // Request 2's answer (to a ping) comes as the answer to request 3, which will be a list.
        let controller = with_kept_secret(Fault::WrongRequestId(2));
        let mut client = connect(&controller, IMPATIENT);
        let err = promptly("the call", || client.ping().unwrap_err());
        match &err {
            Error::Timeout { context, .. } => {
                assert_eq!(context, "waiting for the answer to Pinger.Ping");
            }
            other => panic!("expected a timeout, got {other:?}"),
        }
        let listed = list(&mut client).unwrap();
        assert_eq!(
            listed.len(),
            1,
            "the next call got the stale answer: {listed:?}"
        );
        assert_eq!(listed[0].name.as_deref(), Some("kept"));
    })
}

#[test]
fn a_response_to_a_request_never_sent_is_skipped() {
    within(|| {
        let controller = controller(Fault::UnsentResponse(2));
        let mut client = connect(&controller, PATIENT);
        promptly("the call", || client.ping()).unwrap();
        assert_usable(&mut client);
    })
}

/// A controller with the secret `kept`, injecting `fault` from now on.
fn with_kept_secret(fault: Fault) -> TestController {
    let controller = TestController::start().unwrap();
    let value = content(&[("token", "t0k3n")]);
    let mut client = connect(&controller, PATIENT);
    client
        .secrets()
        .add(&NewSecret::new("kept", value))
        .unwrap();
    controller.set_fault(Some(fault)).unwrap();
    controller
}

/// A controller holding the answer to request 2 (a ping) until the next request arrives, or for
/// `delay`: the answer to request 3 (a list, showing the secret `kept`) must be its own.
fn slow_then_list(delay: Duration, pause: Duration) {
    let controller = with_kept_secret(Fault::Slow { request: 2, delay });
    let mut client = connect(&controller, IMPATIENT);
    let err = promptly("the slow call", || client.ping().unwrap_err());
    let text = err.to_string();
    match err {
        Error::Timeout { context, after } => {
            assert_eq!(context, "waiting for the answer to Pinger.Ping");
            assert_eq!(after, IMPATIENT);
            assert!(
                text.starts_with(
                    "timed out after 500ms while waiting for the answer to Pinger.Ping"
                ),
                "{text}"
            );
        }
        other => panic!("expected a timeout, got {other:?}"),
    }
    thread::sleep(pause);
    let listed = promptly("the next call", || list(&mut client)).unwrap();
    assert_eq!(
        listed.len(),
        1,
        "the next call got the stale answer: {listed:?}"
    );
    assert_eq!(listed[0].name.as_deref(), Some("kept"));
    assert_usable(&mut client);
}

#[test]
fn a_late_answer_arriving_during_the_next_call_is_skipped() {
    // The late answer is sent when the next request arrives, so it comes while that call waits.
    within(|| slow_then_list(Duration::from_secs(30), Duration::ZERO))
}

#[test]
fn a_late_answer_waiting_before_the_next_call_is_skipped() {
    // The late answer is sent after 2 s, and is already waiting when the next call starts.
    within(|| slow_then_list(Duration::from_secs(2), Duration::from_secs(3)))
}

#[test]
fn an_oversized_frame_is_message_too_large_and_the_connection_unusable() {
    within(|| {
        let controller = controller(Fault::Oversized {
            request: 2,
            bytes: 256 * 1024,
        });
        let settings = controller
            .connect_options_builder()
            .call_timeout(PATIENT)
            .max_message_size(64 * 1024)
            .build()
            .unwrap();
        let mut client = Client::connect(&settings).unwrap();
        let err = promptly("the call", || list(&mut client).unwrap_err());
        match &err {
            Error::MessageTooLarge { limit, .. } => assert_eq!(*limit, 64 * 1024),
            other => panic!("expected message too large, got {other:?}"),
        }
        assert!(err.to_string().contains("max_message_size"), "{err}");
        assert_fails_fast(&mut client, &controller);
    })
}

#[test]
fn a_frame_over_one_mebibyte_is_a_protocol_error_and_the_connection_unusable() {
    within(|| {
        // Well under the default maximum message size (64 MiB), but in one frame.
        let controller = controller(Fault::BigFrame(2));
        let mut client = connect(&controller, PATIENT);
        let message = protocol(promptly("the call", || list(&mut client).unwrap_err()));
        assert!(
            message.contains("websocket frame of 1048577 bytes"),
            "{message}"
        );
        assert!(
            message.contains("1048576 this client accepts in one frame"),
            "{message}"
        );
        assert_fails_fast(&mut client, &controller);
    })
}

#[test]
fn the_default_maximum_fits_a_reveal_of_many_one_megabyte_secrets() {
    within(|| {
        let controller = juju_secrets::testing::TestController::start().unwrap();
        let mut client = connect(&controller, PATIENT);
        // 750,000 raw bytes: 1,000,000 bytes of base64, the largest value Juju takes.
        let big = vec![b'x'; 750_000];
        for n in 0..8 {
            let value = juju_secrets::SecretContent::from_pairs([("blob", big.clone())]).unwrap();
            client
                .secrets()
                .add(&NewSecret::new(format!("big-{n}"), value))
                .unwrap();
        }
        let revealed = client.secrets().list(&ListOptions::new().reveal()).unwrap();
        assert_eq!(revealed.len(), 8);
        let blob = revealed[7].content.as_ref().unwrap().as_ref().unwrap();
        assert_eq!(blob.get("blob").unwrap().len(), 750_000);
        // The same reveal over a smaller limit is refused, naming the limit.
        let small = controller
            .connect_options_builder()
            .call_timeout(PATIENT)
            .max_message_size(4_000_000)
            .build()
            .unwrap();
        let mut client = Client::connect(&small).unwrap();
        let err = client
            .secrets()
            .list(&ListOptions::new().reveal())
            .unwrap_err();
        assert!(
            matches!(
                err,
                Error::MessageTooLarge {
                    limit: 4_000_000,
                    ..
                }
            ),
            "{err:?}"
        );
        assert_fails_fast(&mut client, &controller);
    })
}

#[test]
fn each_bad_answer_to_the_login_fails_connect_with_the_same_error() {
    within(|| {
        for fault in [
            Fault::NonJson(1),
            Fault::Binary(1),
            Fault::NoRequestId(1),
            Fault::WrongShape(1),
        ] {
            let controller = controller(fault.clone());
            let err = promptly("connect", || {
                Client::connect(&options(&controller, PATIENT)).unwrap_err()
            });
            assert!(matches!(err, Error::Protocol(_)), "{fault}: {err:?}");
        }
        let slow = controller(Fault::WrongRequestId(1));
        let settings = slow
            .connect_options_builder()
            .connect_timeout(IMPATIENT)
            .build()
            .unwrap();
        let err = promptly("connect", || Client::connect(&settings).unwrap_err());
        match &err {
            Error::Timeout { context, after } => {
                assert_eq!(context, &format!("logging in at {}", slow.endpoint()));
                assert_eq!(*after, IMPATIENT);
            }
            other => panic!("expected a timeout, got {other:?}"),
        }
    })
}
