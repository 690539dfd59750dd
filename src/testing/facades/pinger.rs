//! The `Pinger` facade (v1), on every connection after login.

use serde_json::json;

use crate::testing::reply::{unknown_method, Reply};

/// Serves `Pinger`.
pub(crate) fn handle(version: u64, method: &str) -> Reply {
    match method {
        "Ping" => Ok(json!({})),
        // Stop exists on a real controller; it ends the pinger, which nothing here needs.
        "Stop" => Ok(json!({})),
        _ => Err(unknown_method("Pinger", version, method)),
    }
}
