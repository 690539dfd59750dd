//! `Admin` (login) and `Pinger`, and the "not implemented" errors of Juju's RPC layer.

use serde_json::{json, Value};

use super::server::Conn;
use super::{Reply, Shared};
use crate::error::ApiError;

pub(crate) fn api_error(message: impl Into<String>, code: &str) -> ApiError {
    ApiError {
        message: message.into(),
        code: Some(code.to_owned()).filter(|c| !c.is_empty()),
        info: None,
    }
}

/// `rpc/rpcreflect`: the facade is not registered at all.
pub(crate) fn unknown_facade(facade: &str) -> ApiError {
    api_error(format!("unknown object type {facade:?}"), "not implemented")
}

/// The facade exists, but not at this version.
pub(crate) fn unknown_version(facade: &str, version: u64) -> ApiError {
    api_error(
        format!("unknown version ({version}) of interface {facade:?}"),
        "not implemented",
    )
}

/// The facade and version exist, the method does not.
pub(crate) fn unknown_method(facade: &str, version: u64, method: &str) -> ApiError {
    api_error(
        format!("no such request - method {facade}({version}).{method} is not implemented"),
        "not implemented",
    )
}

pub(crate) fn admin(
    shared: &Shared,
    conn: &mut Conn,
    version: u64,
    method: &str,
    params: &Value,
) -> Reply {
    if version != 3 {
        return Err(unknown_version("Admin", version));
    }
    match method {
        "Login" => login(shared, conn, params),
        "RedirectInfo" => Err(api_error("not redirected", "not redirected")),
        _ => Err(unknown_method("Admin", version, method)),
    }
}

fn login(shared: &Shared, conn: &mut Conn, params: &Value) -> Reply {
    if conn.logged_in {
        return Err(api_error("already logged in", ""));
    }
    let config = &shared.config;
    let tag = params.get("auth-tag").and_then(Value::as_str).unwrap_or("");
    let password = params
        .get("credentials")
        .and_then(Value::as_str)
        .unwrap_or("");
    if tag != format!("user-{}", config.user) || password != config.password {
        return Err(api_error(
            "invalid entity name or password",
            "unauthorized access",
        ));
    }
    let model_tag = match &conn.model_uuid {
        Some(uuid) if config.models.iter().any(|m| &m.uuid == uuid) => format!("model-{uuid}"),
        Some(uuid) => {
            return Err(api_error(
                format!("unknown model: {uuid:?}"),
                "model not found",
            ));
        }
        None => String::new(),
    };
    conn.logged_in = true;
    let facades: Vec<Value> = shared
        .facades()
        .into_iter()
        .map(|(name, versions)| json!({"name": name, "versions": versions}))
        .collect();
    let mut result = json!({
        "servers": [[{
            "value": "127.0.0.1", "type": "ipv4", "scope": "local-machine", "port": shared.port,
        }]],
        "controller-tag": format!("controller-{}", config.controller_uuid),
        "user-info": {
            "display-name": "",
            "identity": format!("user-{}", config.user),
            "controller-access": "superuser",
            "model-access": "admin",
        },
        "facades": facades,
        "server-version": config.server_version,
    });
    if !model_tag.is_empty() {
        result["model-tag"] = json!(model_tag);
    }
    Ok(result)
}

pub(crate) fn pinger(version: u64, method: &str) -> Reply {
    match method {
        "Ping" => Ok(json!({})),
        // Stop exists on a real controller; it ends the pinger, which nothing here needs.
        "Stop" => Ok(json!({})),
        _ => Err(unknown_method("Pinger", version, method)),
    }
}
