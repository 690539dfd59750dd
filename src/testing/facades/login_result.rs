//! Juju's `LoginResult`, as both the Juju and the JAAS `Admin` facades answer a login: shared by
//! `admin.rs` and `admin_jaas.rs`, below both.

use serde_json::{json, Value};

use super::offered;
use crate::testing::access::access_of;
use crate::testing::config::Config;
use crate::testing::conn::Conn;
use crate::testing::roles;
use crate::testing::shared::Shared;

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
