//! A websocket proxy in front of a plain (`ws://`) test controller that passes every frame
//! through and lets a test rewrite the controller's answers: for answers no test controller
//! fault gives, such as a write answered with the wrong number of results, or a list without
//! the checksums Juju 3.6 reports. The controller still carries out every request and records
//! it with its real answer; only what the client reads differs.
//!
//! Used through `#[path = "common/proxy.rs"] mod proxy;` (as `common/schema.rs` is).
#![allow(dead_code)] // each test file uses only some of these

use std::net::{TcpListener, TcpStream};
use std::thread;
use std::time::Duration;

use juju_secrets::testing::TestController;
use juju_secrets::{ConnectOptions, ConnectOptionsBuilder};
use serde_json::Value;
use tungstenite::handshake::server::{Request, Response};
use tungstenite::Message;

/// The connect and call timeouts of clients of the proxy.
const TIMEOUT: Duration = Duration::from_secs(5);

/// How long the proxy waits for either side before it gives up on the connection, so its
/// thread always ends.
const IDLE: Duration = Duration::from_secs(30);

/// A plain test controller, which the proxy can read the frames of.
pub fn plain_controller() -> TestController {
    TestController::builder()
        .insecure_plain_websocket(true)
        .start()
        .expect("a plain test controller")
}

/// Starts a proxy to `controller` (started with [`plain_controller`]) for one client
/// connection, and returns settings (short timeouts) that connect through it. `rewrite` gets
/// each answer with the method of its request (`Login`, `CreateSecrets`, ...), and may change it.
pub fn through_proxy(
    controller: &TestController,
    rewrite: impl FnMut(&str, &mut Value) + Send + 'static,
) -> ConnectOptionsBuilder {
    assert!(
        controller.ca_cert().is_none(),
        "the proxy speaks plain ws://"
    );
    let listener = TcpListener::bind("127.0.0.1:0").expect("binding a port");
    let endpoint = listener.local_addr().expect("local address").to_string();
    let upstream = controller.endpoint();
    thread::spawn(move || serve(&listener, &upstream, rewrite));
    ConnectOptions::builder()
        .endpoint(endpoint)
        .model_uuid(controller.model_uuid())
        .user(controller.user())
        .password(controller.password())
        .insecure_plain_websocket(true)
        .connect_timeout(TIMEOUT)
        .call_timeout(TIMEOUT)
}

/// Serves one connection: each request the client sends goes to the controller, and its answer,
/// rewritten, back to the client. Ends when either side hangs up or stays silent for [`IDLE`].
fn serve(listener: &TcpListener, upstream: &str, mut rewrite: impl FnMut(&str, &mut Value)) {
    let Ok((tcp, _)) = listener.accept() else {
        return;
    };
    let _ = tcp.set_read_timeout(Some(IDLE));
    let mut path = String::new();
    #[allow(clippy::result_large_err)] // the signature of tungstenite's handshake callback
    let accepted = tungstenite::accept_hdr(tcp, |request: &Request, response: Response| {
        path = request.uri().path().to_owned();
        Ok(response)
    });
    let Ok(mut client) = accepted else {
        return;
    };
    let Ok(tcp) = TcpStream::connect(upstream) else {
        return;
    };
    let _ = tcp.set_read_timeout(Some(IDLE));
    let Ok((mut controller, _)) = tungstenite::client(format!("ws://{upstream}{path}"), tcp) else {
        return;
    };
    while let Some(request) = next_text(&mut client) {
        let method = serde_json::from_str::<Value>(&request)
            .ok()
            .and_then(|r| r.get("request")?.as_str().map(str::to_owned))
            .unwrap_or_default();
        if controller.send(Message::text(request)).is_err() {
            return;
        }
        let Some(answer) = next_text(&mut controller) else {
            return;
        };
        let Ok(mut answer) = serde_json::from_str::<Value>(&answer) else {
            return;
        };
        rewrite(&method, &mut answer);
        if client.send(Message::text(answer.to_string())).is_err() {
            return;
        }
    }
}

/// The next text frame, skipping pings and pongs; `None` once the connection ends.
fn next_text(ws: &mut tungstenite::WebSocket<TcpStream>) -> Option<String> {
    loop {
        match ws.read() {
            Ok(Message::Text(text)) => return Some(text.to_string()),
            Ok(Message::Ping(_) | Message::Pong(_)) => {}
            Ok(_) | Err(_) => return None,
        }
    }
}
