//! The record of one request and its response, which tests read back.

use serde_json::Value;

/// A request the test controller received, and the response it sent, as JSON frames.
/// Login passwords, client secrets and session tokens are replaced by `<redacted>`.
#[derive(Clone, Debug, PartialEq)]
pub struct RecordedCall {
    /// The model of the connection, `None` for a controller connection.
    pub model_uuid: Option<String>,
    /// The request frame.
    pub request: Value,
    /// The response frame.
    pub response: Value,
}

impl RecordedCall {
    pub(crate) fn new(model_uuid: Option<String>, request: Value, response: Value) -> Self {
        RecordedCall {
            model_uuid,
            request,
            response,
        }
    }

    fn field(&self, name: &str) -> &str {
        self.request.get(name).and_then(Value::as_str).unwrap_or("")
    }

    /// The facade called, such as `Secrets`.
    pub fn facade(&self) -> &str {
        self.field("type")
    }

    /// The method called, such as `CreateSecrets`.
    pub fn method(&self) -> &str {
        self.field("request")
    }

    /// The facade version asked for.
    pub fn version(&self) -> u64 {
        self.request
            .get("version")
            .and_then(Value::as_u64)
            .unwrap_or(0)
    }

    /// The request's params (`Null` when absent).
    pub fn params(&self) -> &Value {
        self.request.get("params").unwrap_or(&Value::Null)
    }
}
