//! The Juju envelope on the server side: a request frame in, reply frames out, each call recorded.

use serde_json::{json, Value};

use super::conn::Conn;
use super::facades::watchers::stopped;
use super::recorded_call::RecordedCall;
use super::router::dispatch;
use super::shared::Shared;
use crate::error::ApiError;

/// Answers one frame with the encoded replies, or `None` when it is not a request this server
/// can read. There may be no reply yet (a held request) or more than one (held requests
/// released by this one).
pub(crate) fn answer(shared: &Shared, conn: &mut Conn, text: &str) -> Option<Vec<String>> {
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
    shared.lock().before(method);
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
        frame["error-info"] = serde_json::from_str(info).unwrap_or(Value::Null);
    }
    frame
}

/// Recorded calls never keep a password, a client secret or a session token.
fn redact_login(mut request: Value) -> Value {
    for secret in ["credentials", "client-secret", "session-token"] {
        if let Some(value) = request.pointer_mut(&format!("/params/{secret}")) {
            if value.as_str().is_some_and(|c| !c.is_empty()) {
                *value = json!("<redacted>");
            }
        }
    }
    request
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn login_secrets_are_redacted() {
        let request = json!({"params": {
            "credentials": "pw", "client-id": "id", "client-secret": "cs", "session-token": "st",
        }});
        assert_eq!(
            redact_login(request)["params"],
            json!({
                "credentials": "<redacted>", "client-id": "id",
                "client-secret": "<redacted>", "session-token": "<redacted>",
            })
        );
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
