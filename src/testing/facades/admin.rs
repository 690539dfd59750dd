//! The `Admin` facade (v3), the only one before login: `Login` with a password or macaroons, and
//! `RedirectInfo` (`apiserver/admin.go`). JAAS's Admin is in `admin_jaas.rs`.

use serde_json::{json, Value};

use super::{admin_jaas, offered};
use crate::testing::access::access_of;
use crate::testing::config::Config;
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
    if let Some(jaas) = &shared.config.jaas {
        return admin_jaas::handle(shared, jaas, conn, version, method, params);
    }
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
        None => match password_user(config, tag, password) {
            Some(user) => user,
            None => {
                return Err(api_error(
                    "invalid entity name or password",
                    "unauthorized access",
                ))
            }
        },
    };
    Ok(logged_in(shared, conn, &user, controller_access))
}

/// The user `tag` names when `password` is theirs, with their controller access: the
/// controller's own user, or one added with `user_access`. An empty password never matches:
/// Juju takes it as a macaroon login.
fn password_user(config: &Config, tag: &str, password: &str) -> Option<(String, &'static str)> {
    let name = tag.strip_prefix("user-").filter(|_| !password.is_empty())?;
    if name == config.user && password == config.password.expose() {
        return Some((config.user.clone(), "superuser"));
    }
    let added = config.users.iter().find(|u| u.name == name);
    added
        .filter(|u| u.password.expose() == password)
        .map(|u| (u.name.clone(), "login"))
}

/// Logs `conn` in as `user` and returns Juju's `LoginResult`.
pub(super) fn logged_in(
    shared: &Shared,
    conn: &mut Conn,
    user: &str,
    controller_access: &str,
) -> Value {
    let config = &shared.config;
    conn.logged_in = true;
    conn.access = access_of(&config.users, user);
    let mut result = json!({
        "servers": roles::servers(&config.roles, shared.port),
        "controller-tag": format!("controller-{}", config.controller_uuid),
        "user-info": {
            "display-name": "",
            "identity": format!("user-{user}"),
            "controller-access": controller_access,
            "model-access": conn.access.as_str(),
        },
        "facades": facades(config, conn.model_uuid.is_some()),
        "server-version": config.server_version,
    });
    if let Some(uuid) = &conn.model_uuid {
        result["model-tag"] = json!(format!("model-{uuid}"));
    }
    if let Some(host) = &config.public_dns_name {
        result["public-dns-name"] = json!(host);
    }
    result
}

/// `LoginResult.facades`: what a model (or controller) connection offers after login.
pub(super) fn facades(config: &Config, model: bool) -> Value {
    let facades: Vec<Value> = offered(config, model)
        .into_iter()
        .map(|(name, versions)| json!({"name": name, "versions": versions}))
        .collect();
    json!(facades)
}
