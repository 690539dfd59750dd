//! The Juju API envelope: one JSON object per websocket text frame (`rpc/jsoncodec` "v1" layout).

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::error::{ApiError, Error, Result};

/// A request frame. `request-id` starts at 1: 0 would select Juju's legacy CamelCase format.
#[derive(Serialize)]
pub(crate) struct Request<'a, P: ?Sized> {
    #[serde(rename = "request-id")]
    pub id: u64,
    #[serde(rename = "type")]
    pub facade: &'a str,
    pub version: u32,
    pub request: &'a str,
    pub params: &'a P,
}

/// A response frame, with the result left undecoded until its request is known.
#[derive(Deserialize)]
pub(crate) struct Response<'a> {
    #[serde(rename = "request-id", default)]
    pub id: Option<u64>,
    #[serde(borrow, default)]
    pub response: Option<&'a RawValue>,
    #[serde(default)]
    pub error: Option<String>,
    #[serde(rename = "error-code", default)]
    pub error_code: Option<String>,
    #[serde(rename = "error-info", default)]
    pub error_info: Option<serde_json::Value>,
}

impl Response<'_> {
    /// Parses a frame's text. A frame that is not an envelope is a protocol error.
    pub fn parse(text: &str) -> Result<Response<'_>> {
        serde_json::from_str(text).map_err(|e| {
            Error::protocol(format!(
                "the controller sent a frame that is not a Juju API response: {}",
                unquoted(&e)
            ))
        })
    }

    /// The request-level error, or the decoded result.
    pub fn into_result<R: DeserializeOwned>(self, what: &str) -> Result<R> {
        if let Some(message) = self.error.filter(|m| !m.is_empty()) {
            return Err(Error::Api(ApiError {
                message,
                code: self.error_code.filter(|c| !c.is_empty()),
                info: self.error_info,
            }));
        }
        // Absent means empty: the server omits empty fields.
        let raw = self.response.map_or("{}", RawValue::get);
        serde_json::from_str(raw).map_err(|e| {
            Error::protocol(format!(
                "the response to {what} does not have the expected shape: {}",
                unquoted(&e)
            ))
        })
    }
}

/// A decoding error without the strings it quotes (`invalid type: string "…"`): a value in the
/// wrong place may be a secret, and error messages never carry one.
fn unquoted(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        out.push(c);
        if c == '"' {
            let mut escaped = false;
            for c in chars.by_ref() {
                match c {
                    _ if escaped => escaped = false,
                    '\\' => escaped = true,
                    '"' => break,
                    _ => {}
                }
            }
            out.push_str("…\"");
        }
    }
    out
}

/// A per-item error inside bulk results: `{"message", "code", "info"}`.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
pub(crate) struct WireError {
    #[serde(default)]
    pub message: String,
    #[serde(default)]
    pub code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub info: Option<serde_json::Value>,
}

impl From<WireError> for ApiError {
    fn from(e: WireError) -> Self {
        ApiError {
            message: e.message,
            code: Some(e.code).filter(|c| !c.is_empty()),
            info: e.info,
        }
    }
}

impl From<&ApiError> for WireError {
    fn from(e: &ApiError) -> Self {
        WireError {
            message: e.message.clone(),
            code: e.code.clone().unwrap_or_default(),
            info: e.info.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_uses_juju_field_names() {
        let params = serde_json::json!({});
        let r = Request {
            id: 1,
            facade: "Pinger",
            version: 1,
            request: "Ping",
            params: &params,
        };
        assert_eq!(
            serde_json::to_string(&r).unwrap(),
            r#"{"request-id":1,"type":"Pinger","version":1,"request":"Ping","params":{}}"#
        );
    }

    #[test]
    fn error_response_keeps_message_code_and_info() {
        let text = r#"{"request-id":3,"error":"boom","error-code":"not found","error-info":{"a":1},"response":{}}"#;
        let response = Response::parse(text).unwrap();
        assert_eq!(response.id, Some(3));
        let err = response
            .into_result::<serde_json::Value>("X.Y")
            .unwrap_err();
        let api = err.api().unwrap();
        assert_eq!(api.message, "boom");
        assert_eq!(api.code.as_deref(), Some("not found"));
        assert_eq!(api.info, Some(serde_json::json!({"a": 1})));
    }

    #[test]
    fn missing_response_means_empty_and_bad_shape_is_protocol_error() {
        let ok: std::collections::BTreeMap<String, u8> = Response::parse(r#"{"request-id":1}"#)
            .unwrap()
            .into_result("X.Y")
            .unwrap();
        assert!(ok.is_empty());
        let err = Response::parse(r#"{"request-id":1,"response":{"results":7}}"#)
            .unwrap()
            .into_result::<Vec<u8>>("Secrets.ListSecrets")
            .unwrap_err();
        assert!(matches!(err, Error::Protocol(_)), "{err}");
        assert!(err.to_string().contains("Secrets.ListSecrets"), "{err}");
        assert!(Response::parse("not json").is_err());
    }

    #[test]
    fn decoding_errors_never_quote_what_was_sent() {
        let secret = r#"czNjcjN0 with \"quotes\" inside"#;
        let text = format!(r#"{{"request-id":1,"response":{{"results":"{secret}"}}}}"#);
        let err = Response::parse(&text)
            .unwrap()
            .into_result::<std::collections::BTreeMap<String, Vec<u8>>>("X.Y")
            .unwrap_err()
            .to_string();
        assert!(
            !err.contains("czNjcjN0") && !err.contains("inside"),
            "{err}"
        );
        assert!(err.contains("invalid type: string \"…\""), "{err}");
        let err = Response::parse(&format!(r#"{{"request-id":"{secret}"}}"#))
            .err()
            .unwrap()
            .to_string();
        assert!(
            !err.contains("czNjcjN0") && !err.contains("inside"),
            "{err}"
        );
    }
}
