//! Connecting to servers that never finish answering: silent, holding, slow or chatty peers
//! at each step (TLS, websocket handshake, login) give `Error::Timeout`, never a hang. The
//! whole connect shares one connect timeout, and `Duration::MAX` means no timeout at all.

mod common;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::mpsc::{self, Receiver};
use std::thread;
use std::time::{Duration, Instant};

use common::{listener, options, within, PROMPTLY};
use juju_secrets::testing::{Fault, TestController};
use juju_secrets::{Client, ConnectOptions, Error, ListOptions};
use serde_json::json;

fn fault_options(endpoint: &str, timeout: Duration) -> juju_secrets::ConnectOptionsBuilder {
    ConnectOptions::builder()
        .endpoint(endpoint)
        .model_uuid("0b3f2a1e-5d4c-4b3a-9f8e-7d6c5b4a3f2e")
        .password("any-password")
        .connect_timeout(timeout)
        .call_timeout(timeout)
}

/// Connects, expecting a timeout within a generous bound of `timeout`; returns its context,
/// which the message gives as a sentence: "timed out after 300ms while <context>".
fn expect_connect_timeout(options: &ConnectOptions, timeout: Duration) -> String {
    let started = Instant::now();
    let err = Client::connect(options).unwrap_err();
    assert!(started.elapsed() < PROMPTLY, "took {:?}", started.elapsed());
    let text = err.to_string();
    match err {
        Error::Timeout { context, after } => {
            assert_eq!(after, timeout);
            let sentence = format!("timed out after {timeout:?} while {context}");
            assert!(text.starts_with(&sentence), "{text}");
            context
        }
        other => panic!("expected a timeout, got {other:?}"),
    }
}

#[test]
fn silent_tls_server_times_out() {
    within(|| {
        // Listening but never accepting: TCP connects (the kernel's backlog), nothing answers.
        let (listener, endpoint) = listener();
        let timeout = Duration::from_millis(300);
        let options = fault_options(&endpoint, timeout).build().unwrap();
        let context = expect_connect_timeout(&options, timeout);
        assert_eq!(
            context,
            format!("waiting for the TLS handshake with {endpoint}")
        );
        drop(listener);
    })
}

#[test]
fn server_that_accepts_and_holds_times_out() {
    within(|| {
        let (listener, endpoint) = listener();
        let held = hold_one(listener);
        let timeout = Duration::from_millis(300);
        let options = fault_options(&endpoint, timeout).build().unwrap();
        let context = expect_connect_timeout(&options, timeout);
        assert_eq!(
            context,
            format!("waiting for the TLS handshake with {endpoint}")
        );
        // The client gave up and hung up (having sent its TLS hello, unless a loaded machine
        // let the deadline pass before that).
        let hello = held.recv_timeout(PROMPTLY).expect("the client hung up");
        assert!(hello.is_empty() || hello[0] == 0x16, "{hello:?}");
    })
}

#[test]
fn silent_websocket_handshake_times_out() {
    within(|| {
        let (listener, endpoint) = listener();
        let held = hold_one(listener);
        let timeout = Duration::from_millis(300);
        let options = fault_options(&endpoint, timeout)
            .insecure_plain_websocket(true)
            .build()
            .unwrap();
        let context = expect_connect_timeout(&options, timeout);
        assert_eq!(
            context,
            format!("waiting for the websocket handshake with {endpoint}")
        );
        let request = held.recv_timeout(PROMPTLY).expect("the client hung up");
        assert!(
            request.is_empty() || request.starts_with(b"GET /model/"),
            "{request:?}"
        );
    })
}

#[test]
fn unanswered_login_times_out() {
    within(|| {
        let (listener, endpoint) = listener();
        // Completes the websocket handshake, then reads frames and never answers them.
        let frames = thread::spawn(move || {
            let (tcp, _) = listener.accept().unwrap();
            tcp.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
            let mut ws = tungstenite::accept(tcp).unwrap();
            let mut texts = Vec::new();
            while let Ok(message) = ws.read() {
                if let tungstenite::Message::Text(text) = message {
                    texts.push(text.to_string());
                }
            }
            texts
        });
        let timeout = Duration::from_millis(300);
        let options = fault_options(&endpoint, timeout)
            .insecure_plain_websocket(true)
            .build()
            .unwrap();
        let context = expect_connect_timeout(&options, timeout);
        assert_eq!(context, format!("logging in at {endpoint}"));
        let texts = frames.join().unwrap();
        assert_eq!(texts.len(), 1, "{texts:?}");
        assert!(texts[0].contains(r#""request":"Login""#), "{}", texts[0]);
    })
}

#[test]
fn a_login_answered_only_with_pings_and_stale_replies_times_out() {
    within(|| {
        let (listener, endpoint) = listener();
        // Keeps the connection busy without ever answering the login: a websocket ping and a
        // reply to a request never sent, every 50 ms, for up to 10 s.
        let server = thread::spawn(move || {
            let (tcp, _) = listener.accept().unwrap();
            tcp.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
            let mut ws = tungstenite::accept(tcp).unwrap();
            let login = ws.read().unwrap();
            assert!(login.to_text().unwrap().contains("Login"), "{login:?}");
            let started = Instant::now();
            while started.elapsed() < Duration::from_secs(10) {
                let stale = json!({"request-id": 99, "response": {}}).to_string();
                let sent = ws
                    .send(tungstenite::Message::Ping(Vec::new().into()))
                    .and_then(|()| ws.send(tungstenite::Message::text(stale)));
                if sent.is_err() {
                    break;
                }
                thread::sleep(Duration::from_millis(50));
            }
        });
        let timeout = Duration::from_millis(300);
        let options = fault_options(&endpoint, timeout)
            .insecure_plain_websocket(true)
            .build()
            .unwrap();
        let context = expect_connect_timeout(&options, timeout);
        assert_eq!(context, format!("logging in at {endpoint}"));
        server.join().unwrap();
    })
}

/// Accepts one connection, reads the client's first bytes, then sends `prefix` and endless
/// filler one byte every 200 ms (for up to 10 s): a peer that is slow, not silent.
fn trickle_one(listener: TcpListener, prefix: &'static [u8]) -> thread::JoinHandle<()> {
    thread::spawn(move || {
        let (mut tcp, _) = listener.accept().unwrap();
        tcp.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let mut buf = [0; 4096];
        let _ = tcp.read(&mut buf);
        let started = Instant::now();
        let filler = std::iter::repeat(&b'a');
        for byte in prefix.iter().chain(filler) {
            if started.elapsed() > Duration::from_secs(10) || tcp.write_all(&[*byte]).is_err() {
                break;
            }
            thread::sleep(Duration::from_millis(200));
        }
    })
}

#[test]
fn a_trickling_tls_handshake_times_out() {
    within(|| {
        let (listener, endpoint) = listener();
        // A TLS handshake record header announcing 16 KiB, then the bytes, slowly.
        let server = trickle_one(listener, &[0x16, 0x03, 0x03, 0x40, 0x00]);
        let timeout = Duration::from_millis(300);
        let options = fault_options(&endpoint, timeout).build().unwrap();
        let context = expect_connect_timeout(&options, timeout);
        assert_eq!(
            context,
            format!("waiting for the TLS handshake with {endpoint}")
        );
        server.join().unwrap();
    })
}

#[test]
fn a_trickling_websocket_handshake_times_out() {
    within(|| {
        let (listener, endpoint) = listener();
        let server = trickle_one(listener, b"HTTP/1.1 101 Switching Protocols\r\nX-Slow: ");
        let timeout = Duration::from_millis(300);
        let options = fault_options(&endpoint, timeout)
            .insecure_plain_websocket(true)
            .build()
            .unwrap();
        let context = expect_connect_timeout(&options, timeout);
        assert_eq!(
            context,
            format!("waiting for the websocket handshake with {endpoint}")
        );
        server.join().unwrap();
    })
}

/// Accepts one connection, reads until the client hangs up, and reports what it read.
fn hold_one(listener: TcpListener) -> Receiver<Vec<u8>> {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let (mut tcp, _) = listener.accept().unwrap();
        tcp.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let mut seen = Vec::new();
        let mut buf = [0; 4096];
        while let Ok(n @ 1..) = tcp.read(&mut buf) {
            seen.extend_from_slice(&buf[..n]);
        }
        let _ = tx.send(seen);
    });
    rx
}

#[test]
fn no_timeout_at_all_connects_and_calls() {
    within(|| {
        let controller = TestController::start().unwrap();
        // `Duration::MAX` everywhere: no deadline, and nothing overflows.
        let unbounded = options(&controller)
            .connect_timeout(Duration::MAX)
            .call_timeout(Duration::MAX)
            .idle_ping_after(Some(Duration::MAX))
            .build()
            .unwrap();
        let mut client = Client::connect(&unbounded).unwrap();
        client.ping().unwrap();
        assert!(client
            .secrets()
            .list(&ListOptions::new())
            .unwrap()
            .is_empty());
        client.close().unwrap();

        // The same with idle checks due: the ping before the call runs without a deadline too.
        let checking = options(&controller)
            .connect_timeout(Duration::MAX)
            .call_timeout(Duration::MAX)
            .idle_ping_after(Some(Duration::from_millis(50)))
            .build()
            .unwrap();
        let mut client = Client::connect(&checking).unwrap();
        controller.clear_calls();
        thread::sleep(Duration::from_millis(200));
        assert!(client
            .secrets()
            .list(&ListOptions::new())
            .unwrap()
            .is_empty());
        let methods: Vec<String> = controller
            .calls()
            .iter()
            .map(|c| c.method().to_owned())
            .collect();
        assert_eq!(methods, ["Ping", "ListSecrets"]);
        client.close().unwrap();
    })
}

/// Every connection's login answer is held this long: each step alone fits in the timeout
/// below, the lookup and the model login together do not.
const HELD_LOGIN: Duration = Duration::from_secs(1);

#[test]
fn a_model_lookup_and_the_model_login_share_one_connect_timeout() {
    within(|| {
        let controller = TestController::builder()
            .fault(Fault::Slow {
                request: 1,
                delay: HELD_LOGIN,
            })
            .start()
            .unwrap();
        let by_name = |timeout: Duration| {
            options(&controller)
                .model_uuid("")
                .connect_timeout(timeout)
                .build()
                .unwrap()
        };
        // Which calls reached the controller, and whether on the model's connection.
        let seen = || -> Vec<(bool, String)> {
            let calls = controller.calls();
            calls
                .iter()
                .map(|c| (c.model_uuid.is_some(), c.method().to_owned()))
                .collect()
        };
        // With room for both logins, the lookup by name and the model login succeed.
        let mut client = Client::connect(&by_name(Duration::from_secs(10))).unwrap();
        client.ping().unwrap();
        assert_eq!(
            seen(),
            [
                (false, "Login".to_owned()),
                (false, "ListModels".to_owned()),
                (true, "Login".to_owned()),
                (true, "Ping".to_owned()),
            ]
        );

        // With room for one held login only, the model login runs out of the time the lookup
        // left: one deadline for the whole connect, not one per step.
        let timeout = Duration::from_millis(1500);
        assert!(HELD_LOGIN < timeout && HELD_LOGIN * 2 > timeout);
        controller.clear_calls();
        let started = Instant::now();
        let err = Client::connect(&by_name(timeout)).unwrap_err();
        let took = started.elapsed();
        assert!(took >= HELD_LOGIN, "took {took:?}");
        assert!(took < timeout + PROMPTLY, "took {took:?}");
        let text = err.to_string();
        match err {
            Error::Timeout { context, after } => {
                assert_eq!(after, timeout);
                assert_eq!(context, format!("logging in at {}", controller.endpoint()));
            }
            other => panic!("expected a timeout, got {other:?}"),
        }
        assert!(
            text.starts_with("timed out after 1.5s while logging in at "),
            "{text}"
        );
        // It was the model login that ran out: the lookup was done.
        assert_eq!(
            seen(),
            [
                (false, "Login".to_owned()),
                (false, "ListModels".to_owned()),
                (true, "Login".to_owned()),
            ]
        );
    })
}
