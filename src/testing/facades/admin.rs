//! The `Admin` facade (v3), the only one before login: `Login` with a password or macaroons, and
//! `RedirectInfo` (`apiserver/admin.go`).

use serde_json::{json, Value};

use super::offered;
use crate::testing::conn::Conn;
use crate::testing::reply::{api_error, unknown_facade, Reply};
use crate::testing::roles;
use crate::testing::shared::Shared;

/// Serves `Admin`.
pub(crate) fn handle(
    shared: &Shared,
    conn: &mut Conn,
    version: u64,
    method: &str,
    params: &Value,
) -> Reply {
    // After login the connection serves the post-login root, which has no Admin facade.
    if conn.logged_in {
        return Err(unknown_facade("Admin", version));
    }
    if version != 3 {
        return Err(api_error(
            "this version of Juju does not support login from old clients",
            "not supported",
        ));
    }
    match method {
        "Login" => login(shared, conn, params),
        "RedirectInfo" => Err(api_error("not redirected", "")),
        // No "(3)": before login, Juju finds the method with version 0 (adminRoot.FindMethod),
        // on 3.6 and 4.x alike.
        _ => Err(api_error(
            format!("no such request - method Admin.{method} is not implemented"),
            "not implemented",
        )),
    }
}

fn login(shared: &Shared, conn: &mut Conn, params: &Value) -> Reply {
    let config = &shared.config;
    let tag = params.get("auth-tag").and_then(Value::as_str).unwrap_or("");
    let password = params
        .get("credentials")
        .and_then(Value::as_str)
        .unwrap_or("");
    let (user, controller_access) = match roles::macaroon_login(&config.roles, tag, params) {
        Some(Ok(user)) => (user, "login"),
        // Juju answers a missing discharge with a result, not an error.
        Some(Err(discharge_required)) => return Ok(discharge_required),
        None if tag == format!("user-{}", config.user) && password == config.password => {
            (config.user.clone(), "superuser")
        }
        None => {
            return Err(api_error(
                "invalid entity name or password",
                "unauthorized access",
            ))
        }
    };
    let model_tag = conn.model_uuid.as_ref().map(|uuid| format!("model-{uuid}"));
    conn.logged_in = true;
    let facades: Vec<Value> = offered(config, conn.model_uuid.is_some())
        .into_iter()
        .map(|(name, versions)| json!({"name": name, "versions": versions}))
        .collect();
    let mut result = json!({
        "servers": roles::servers(&config.roles, shared.port),
        "controller-tag": format!("controller-{}", config.controller_uuid),
        "user-info": {
            "display-name": "",
            "identity": format!("user-{user}"),
            "controller-access": controller_access,
            "model-access": "admin",
        },
        "facades": facades,
        "server-version": config.server_version,
    });
    if let Some(tag) = model_tag {
        result["model-tag"] = json!(tag);
    }
    Ok(result)
}
