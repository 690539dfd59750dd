//! `Client.WatchAll` (v6–v8) and the `AllWatcher` facade (v3) it hands out, which python-libjuju's
//! `Model.connect` starts.
//!
//! An AllWatcher's first `Next` returns the model's state (no deltas: nothing is deployed that
//! it would describe). Juju holds every later `Next` until something changes, which nothing here
//! does, so those requests are held: the connection keeps serving other requests, and `Stop`
//! releases them with Juju's `watcher was stopped` error. The watchers and the requests they hold
//! are the connection's ([`Watchers`](crate::testing::conn::Watchers)).

use serde_json::{json, Value};

use crate::error::ApiError;
use crate::testing::conn::{Conn, Next};
use crate::testing::reply::{api_error, unknown_method, Reply};

/// Serves `Client` and `AllWatcher`; `object_id` is the request's `Id`, the watcher's id.
pub(crate) fn handle(
    conn: &mut Conn,
    object_id: &str,
    facade: &str,
    version: u64,
    method: &str,
) -> Reply {
    match (facade, method) {
        ("Client", "WatchAll") => Ok(json!({"watcher-id": conn.watchers.add()})),
        ("AllWatcher", "Next") => match conn.watchers.next(object_id) {
            Some(Next::First) => Ok(json!({"deltas": []})),
            // Not sent: the server holds this request.
            Some(Next::Held) => Ok(Value::Null),
            None => Err(unknown_watcher()),
        },
        ("AllWatcher", "Stop") => {
            // Its held requests are answered with `stopped()` after this reply.
            if conn.watchers.stop(object_id) {
                Ok(json!({}))
            } else {
                Err(unknown_watcher())
            }
        }
        _ => Err(unknown_method(facade, version, method)),
    }
}

fn unknown_watcher() -> ApiError {
    api_error("unknown watcher id", "not found")
}

/// What a request held by a watcher gets when the watcher stops (`multiwatcher.NewErrStopped`,
/// which has no code).
pub(crate) fn stopped() -> ApiError {
    api_error("watcher was stopped", "")
}
