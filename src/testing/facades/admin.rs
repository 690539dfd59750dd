//! The `Admin` facade (v3), the only one before login: `Login` with a password or macaroons, and
//! `RedirectInfo` (`apiserver/admin.go`). JAAS's Admin is in `admin_jaas.rs`.

use serde_json::Value;

use super::admin_jaas;
use super::login_result::logged_in;
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
