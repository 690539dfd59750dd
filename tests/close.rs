//! Ending a connection: `close()` and `Drop` end it cleanly, and quietly when the controller is
//! already gone.

mod common;

use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread;
use std::time::{Duration, Instant};

use common::{connect, listener, options_without_endpoint, within, PROMPTLY};
use juju_secrets::testing::TestController;
use juju_secrets::{Client, Error};

/// A TCP relay between one client and the controller, reporting each direction's bytes when
/// that direction ends: this is how a test sees the controller end a connection.
struct Relay {
    endpoint: String,
    ended: Receiver<(Side, Vec<u8>)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Client,
    Controller,
}

impl Relay {
    fn to(upstream: String) -> Relay {
        let (listener, endpoint) = listener();
        let (tx, ended) = mpsc::channel();
        thread::spawn(move || {
            let (client, _) = listener.accept().unwrap();
            let controller = TcpStream::connect(upstream).unwrap();
            pipe(Side::Client, &client, &controller, tx.clone());
            pipe(Side::Controller, &controller, &client, tx);
        });
        Relay { endpoint, ended }
    }

    /// What each side sent, once both directions ended.
    fn wait_for_end(&self) -> (Vec<u8>, Vec<u8>) {
        let (mut client, mut controller) = (None, None);
        for _ in 0..2 {
            let (side, bytes) = self
                .ended
                .recv_timeout(PROMPTLY)
                .expect("the connection did not end");
            match side {
                Side::Client => client = Some(bytes),
                Side::Controller => controller = Some(bytes),
            }
        }
        (client.unwrap(), controller.unwrap())
    }
}

fn pipe(side: Side, from: &TcpStream, to: &TcpStream, ended: Sender<(Side, Vec<u8>)>) {
    let (mut from, mut to) = (from.try_clone().unwrap(), to.try_clone().unwrap());
    thread::spawn(move || {
        from.set_read_timeout(Some(Duration::from_secs(20)))
            .unwrap();
        let mut seen = Vec::new();
        let mut buf = [0; 4096];
        while let Ok(n @ 1..) = from.read(&mut buf) {
            seen.extend_from_slice(&buf[..n]);
            if to.write_all(&buf[..n]).is_err() {
                break;
            }
        }
        let _ = to.shutdown(Shutdown::Write);
        let _ = ended.send((side, seen));
    });
}

/// A client's websocket close frame without a status: FIN + opcode 8, masked, empty payload.
fn ends_with_client_close_frame(bytes: &[u8]) -> bool {
    bytes.len() >= 6 && bytes[bytes.len() - 6..bytes.len() - 4] == [0x88, 0x80]
}

#[test]
fn close_sends_a_close_frame_and_the_controller_ends_the_connection() {
    within(|| {
        let controller = TestController::builder()
            .insecure_plain_websocket(true)
            .start()
            .unwrap();
        let relay = Relay::to(controller.endpoint());
        let options = options_without_endpoint(&controller)
            .endpoint(&relay.endpoint)
            .build()
            .unwrap();
        let mut client = Client::connect(&options).unwrap();
        client.ping().unwrap();
        let started = Instant::now();
        client.close().unwrap();
        assert!(started.elapsed() < PROMPTLY);

        let (sent, received) = relay.wait_for_end();
        assert!(ends_with_client_close_frame(&sent), "{sent:?}");
        // The controller answered with its own close frame before hanging up.
        assert_eq!(received[received.len() - 2..], [0x88, 0x00], "{received:?}");
        // The controller is still serving others.
        connect(&controller).ping().unwrap();
    })
}

#[test]
fn close_over_tls_ends_the_connection() {
    within(|| {
        let controller = TestController::start().unwrap();
        let relay = Relay::to(controller.endpoint());
        let options = options_without_endpoint(&controller)
            .endpoint(&relay.endpoint)
            .build()
            .unwrap();
        let mut client = Client::connect(&options).unwrap();
        client.ping().unwrap();
        client.close().unwrap();
        let (sent, received) = relay.wait_for_end();
        assert!(!sent.is_empty() && !received.is_empty());
    })
}

#[test]
fn drop_closes_quietly() {
    within(|| {
        let controller = TestController::builder()
            .insecure_plain_websocket(true)
            .start()
            .unwrap();
        let relay = Relay::to(controller.endpoint());
        let options = options_without_endpoint(&controller)
            .endpoint(&relay.endpoint)
            .build()
            .unwrap();
        let mut client = Client::connect(&options).unwrap();
        client.ping().unwrap();
        let started = Instant::now();
        drop(client);
        assert!(started.elapsed() < PROMPTLY);
        let (sent, _) = relay.wait_for_end();
        assert!(ends_with_client_close_frame(&sent), "{sent:?}");
    })
}

#[test]
fn drop_and_close_after_the_controller_stopped_are_quiet() {
    within(|| {
        let mut controller = TestController::start().unwrap();
        let dropped = connect(&controller);
        let closed = connect(&controller);
        controller.stop();
        let started = Instant::now();
        drop(dropped);
        closed.close().unwrap();
        assert!(started.elapsed() < PROMPTLY);
    })
}

#[test]
fn calls_after_the_controller_stopped_fail_as_closed() {
    within(|| {
        let mut controller = TestController::start().unwrap();
        let mut client = connect(&controller);
        controller.stop();
        let err = client.ping().unwrap_err();
        assert!(matches!(err, Error::ConnectionClosed(_)), "{err:?}");
        // And every later call, without touching the socket again.
        let err = client.ping().unwrap_err();
        assert!(matches!(err, Error::ConnectionClosed(_)), "{err:?}");
    })
}
