//! What a facade method answers, and the errors Juju's RPC layer answers with when no method
//! gets to: every facade and the router use these, so this module uses no other.

use serde_json::Value;

use crate::error::ApiError;

/// A facade method's answer: the `response` of the reply frame, or its error.
pub(crate) type Reply = std::result::Result<Value, ApiError>;

/// An error as Juju's `params.Error` carries it; an empty `code` is sent as none.
pub(crate) fn api_error(message: impl Into<String>, code: &str) -> ApiError {
    ApiError {
        message: message.into(),
        code: Some(code.to_owned()).filter(|c| !c.is_empty()),
        info: None,
    }
}

/// `rpc/rpcreflect`: no facade of that name and version is registered. Juju names the version
/// when one was sent, so "unknown object type" only shows for version 0.
pub(crate) fn unknown_facade(facade: &str, version: u64) -> ApiError {
    if version == 0 {
        api_error(format!("unknown object type {facade:?}"), "not implemented")
    } else {
        api_error(
            format!("unknown version ({version}) of interface {facade:?}"),
            "not implemented",
        )
    }
}

/// The facade and version exist, the method does not.
pub(crate) fn unknown_method(facade: &str, version: u64, method: &str) -> ApiError {
    api_error(
        format!("no such request - method {facade}({version}).{method} is not implemented"),
        "not implemented",
    )
}

/// A model facade on a controller connection, or the other way round (`apiserver/root.go`).
pub(crate) fn wrong_connection(facade: &str, controller: bool) -> ApiError {
    let kind = if controller { "controller" } else { "model" };
    api_error(
        format!("facade {facade:?} not supported for {kind} API connection"),
        "not supported",
    )
}

/// What every request on a connection to an unknown model gets, login included.
pub(crate) fn unknown_model(uuid: &str) -> ApiError {
    api_error(format!("unknown model: {uuid:?}"), "model not found")
}
