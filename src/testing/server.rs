//! The test controller's network side: accept loop, TLS, websocket, one thread per connection,
//! and the Juju envelope on the server side.

use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::thread;
use std::time::Instant;

use log::debug;
use native_tls::TlsAcceptor;
use serde_json::{json, Value};
use tungstenite::handshake::server::{ErrorResponse, Request, Response};
use tungstenite::http::StatusCode;
use tungstenite::protocol::WebSocketConfig;
use tungstenite::Message;

use super::conn::Conn;
use super::facades::watchers::stopped;
use super::recorded_call::RecordedCall;
use super::router::dispatch;
use super::shared::Shared;
use crate::error::ApiError;
use crate::transport::{Stream, Tcp};

pub(crate) fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    for stream in listener.incoming() {
        if shared.stopping.load(Ordering::SeqCst) {
            break;
        }
        let Ok(tcp) = stream else { continue };
        if let Ok(clone) = tcp.try_clone() {
            shared.lock().sockets.push(clone);
        }
        let shared = Arc::clone(&shared);
        let _ = thread::Builder::new()
            .name("test-controller-conn".into())
            .spawn(move || serve(tcp, shared));
    }
}

// The handshake callback's signature is tungstenite's.
#[allow(clippy::result_large_err)]
fn serve(tcp: TcpStream, shared: Arc<Shared>) {
    let _ = tcp.set_nodelay(true);
    let mut faults = shared.faults.connection();
    if !faults.before_handshake(&tcp, |tcp| shared.forget(tcp)) {
        return;
    }
    let _hangup = Hangup::new(&tcp, &shared);
    let stream = match &shared.tls {
        None => Stream::Plain(Tcp::new(tcp)),
        Some(acceptor) => {
            // A fault may serve a broken certificate; otherwise the acceptor made at start.
            let acceptor = match faults.identity().map(TlsAcceptor::new) {
                None => acceptor.clone(),
                Some(Ok(a)) => a,
                Some(Err(_)) => return,
            };
            match acceptor.accept(Tcp::new(tcp)) {
                Ok(s) => Stream::Tls(Box::new(s)),
                Err(e) => {
                    debug!("test controller: TLS handshake failed: {e}");
                    return;
                }
            }
        }
    };
    let mut path = String::new();
    let callback = |request: &Request, response: Response| -> Result<Response, ErrorResponse> {
        path = request.uri().path().to_owned();
        if model_from_path(&path).is_some() {
            Ok(response)
        } else {
            let mut refused = ErrorResponse::new(Some(format!("no API at {path}")));
            *refused.status_mut() = StatusCode::NOT_FOUND;
            Err(refused)
        }
    };
    // tungstenite zero-fills its read buffer before every read: 128 KiB by default, several
    // microseconds of each round trip, where a TLS read returns one 16 KiB record at most.
    let config = WebSocketConfig::default()
        .read_buffer_size(16 * 1024)
        .max_message_size(Some(1 << 30));
    let Ok(mut ws) = tungstenite::accept_hdr_with_config(stream, callback, Some(config)) else {
        return;
    };
    let mut conn = Conn::new(model_from_path(&path).flatten());
    if let Some(idle) = shared.config.roles.drop_idle_after {
        // Quiet for that long, the read fails and the connection ends, as behind a proxy.
        let _ = ws.get_mut().tcp_mut().set_read_timeout(Some(idle));
    }
    loop {
        let text = match faults.read(&mut ws) {
            Ok(Message::Text(text)) => text,
            Ok(Message::Close(_)) | Err(_) => break,
            Ok(_) => continue,
        };
        let started = Instant::now();
        let Some(replies) = answer(&shared, &mut conn, &text) else {
            // Not a v1 request frame: a real controller tears the connection down.
            break;
        };
        shared.record_handling(started.elapsed());
        if faults.send(&mut ws, replies).is_err() {
            break;
        }
    }
    let _ = ws.close(None);
    let _ = ws.flush();
}

/// Ends the connection however `serve` returns. The accept loop keeps a clone of every socket
/// (to shut it down on stop), so dropping ours alone would leave a refused client (TLS or
/// websocket handshake failed) waiting for its timeout instead of seeing the connection end.
struct Hangup<'a> {
    tcp: Option<TcpStream>,
    shared: &'a Shared,
}

impl<'a> Hangup<'a> {
    fn new(tcp: &TcpStream, shared: &'a Shared) -> Self {
        Hangup {
            tcp: tcp.try_clone().ok(),
            shared,
        }
    }
}

impl Drop for Hangup<'_> {
    fn drop(&mut self) {
        let Some(tcp) = self.tcp.take() else { return };
        // Forget the accept loop's clone too, so closed connections do not pile up.
        self.shared.forget(&tcp);
        let _ = tcp.shutdown(Shutdown::Both);
    }
}

/// `Some(None)` for the controller path `/api`, `Some(Some(uuid))` for `/model/<uuid>/api`.
fn model_from_path(path: &str) -> Option<Option<String>> {
    if path == "/api" {
        return Some(None);
    }
    let uuid = path.strip_prefix("/model/")?.strip_suffix("/api")?;
    (!uuid.is_empty() && !uuid.contains('/')).then(|| Some(uuid.to_owned()))
}

/// Answers one frame with the encoded replies, or `None` when it is not a request this server
/// can read. There may be no reply yet (a held request) or more than one (held requests
/// released by this one).
fn answer(shared: &Shared, conn: &mut Conn, text: &str) -> Option<Vec<String>> {
    let request: Value = serde_json::from_str(text).ok()?;
    let id = request.get("request-id")?.as_u64().filter(|id| *id > 0)?;
    let facade = request.get("type").and_then(Value::as_str).unwrap_or("");
    let version = request.get("version").and_then(Value::as_u64).unwrap_or(0);
    let method = request.get("request").and_then(Value::as_str).unwrap_or("");
    let empty = json!({});
    let params = match request.get("params") {
        None | Some(Value::Null) => &empty,
        Some(p) => p,
    };
    let object = object_id(&request);
    let result = dispatch(shared, conn, object, facade, version, method, params);
    let request = redact_login(request);
    let mut answered = Vec::new();
    if !conn.watchers.hold(id, &request) {
        let reply = match result {
            Ok(response) => json!({"request-id": id, "response": response}),
            Err(e) => error_frame(id, &e),
        };
        answered.push((request, reply));
    }
    for held in conn.watchers.released() {
        answered.push((held.request, error_frame(held.id, &stopped())));
    }
    // Encoded before recording, so the (possibly large) values move into the record uncopied.
    let frames = answered
        .iter()
        .map(|(_, reply)| reply.to_string())
        .collect();
    let calls = answered
        .into_iter()
        .map(|(request, reply)| RecordedCall::new(conn.model_uuid.clone(), request, reply));
    shared.lock().calls.extend(calls);
    Some(frames)
}

/// The facade object id (an AllWatcher's id): Go decodes the `id` key case-insensitively, and
/// python-libjuju sends `Id`.
fn object_id(request: &Value) -> &str {
    let frame = request.as_object().into_iter().flatten();
    let mut ids = frame.filter(|(key, _)| key.eq_ignore_ascii_case("id"));
    ids.next().and_then(|(_, id)| id.as_str()).unwrap_or("")
}

fn error_frame(id: u64, e: &ApiError) -> Value {
    // Juju writes an empty response object even on errors; python-libjuju relies on it.
    let mut frame = json!({"request-id": id, "error": e.message, "response": {}});
    if let Some(code) = e.code.as_deref().filter(|c| !c.is_empty()) {
        frame["error-code"] = json!(code);
    }
    if let Some(info) = &e.info {
        frame["error-info"] = info.clone();
    }
    frame
}

/// Recorded calls never keep a password.
fn redact_login(mut request: Value) -> Value {
    if let Some(credentials) = request.pointer_mut("/params/credentials") {
        if credentials.as_str().is_some_and(|c| !c.is_empty()) {
            *credentials = json!("<redacted>");
        }
    }
    request
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        assert_eq!(model_from_path("/api"), Some(None));
        assert_eq!(model_from_path("/model/abc/api"), Some(Some("abc".into())));
        assert_eq!(model_from_path("/model//api"), None);
        assert_eq!(model_from_path("/model/a/b/api"), None);
        assert_eq!(model_from_path("/other"), None);
    }

    #[test]
    fn error_frames_carry_code_only_when_set() {
        let e = ApiError {
            message: "m".into(),
            code: None,
            info: None,
        };
        assert_eq!(
            error_frame(4, &e),
            json!({"request-id": 4, "error": "m", "response": {}})
        );
    }
}
