//! Roles a test controller can play for connection tests: one node of a cluster that reports
//! other servers at login, the old controller of a migrated model, a controller with external
//! users who log in with macaroons, and a proxy that drops idle connections. Here are their
//! settings and what they answer; the builder sets them, Admin, the router and the server ask.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Value};

use super::reply::api_error;
use crate::error::ApiError;

/// The roles' settings, part of the controller's configuration.
#[derive(Clone, Debug, Default)]
pub(crate) struct Roles {
    /// The `servers` of login results (`host:port` per node); `None`: the controller itself.
    pub servers: Option<Vec<Vec<String>>>,
    /// Models that migrated away, by UUID. Shared so they can change while running.
    pub redirects: Arc<Mutex<HashMap<String, RedirectTarget>>>,
    /// External users and the macaroon each logs in with.
    pub macaroon_users: Vec<(String, Value)>,
    /// Every macaroon login gets "discharge required", whatever it sends.
    pub demand_discharge: bool,
    /// Connections quiet for this long are dropped.
    pub drop_idle_after: Option<Duration>,
}

/// Where a test controller sends logins to a model that migrated away: the new controller's
/// endpoints, CA certificate, UUID and alias, as Juju's `RedirectErrorInfo` carries them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RedirectTarget {
    endpoints: Vec<String>,
    ca_cert: String,
    controller_uuid: String,
    alias: Option<String>,
}

impl RedirectTarget {
    /// Points at any controller.
    pub fn new<I, S>(endpoints: I, ca_cert: &str, controller_uuid: &str) -> RedirectTarget
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        RedirectTarget {
            endpoints: endpoints.into_iter().map(Into::into).collect(),
            ca_cert: ca_cert.to_owned(),
            controller_uuid: controller_uuid.to_owned(),
            alias: None,
        }
    }

    /// The name the old controller knows the new one by (`controller-alias`).
    pub fn alias(mut self, alias: impl Into<String>) -> RedirectTarget {
        self.alias = Some(alias.into()).filter(|a: &String| !a.is_empty());
        self
    }

    /// The `redirection required` error a login to a migrated model gets
    /// (`apiserver/admin.go` `maybeEmitRedirectError`).
    fn error(&self) -> ApiError {
        let mut info = json!({
            "servers": [self.endpoints.iter().map(|e| host_port(e)).collect::<Vec<_>>()],
            "ca-cert": self.ca_cert,
            "controller-tag": format!("controller-{}", self.controller_uuid),
        });
        if let Some(alias) = &self.alias {
            info["controller-alias"] = json!(alias);
        }
        ApiError {
            info: Some(info.to_string()),
            ..api_error(
                "redirection to alternative server required",
                "redirection required",
            )
        }
    }
}

impl Roles {
    /// From now on, logins to model `uuid` fail with `redirection required` pointing at `target`.
    pub(crate) fn add_redirect(&self, uuid: String, target: RedirectTarget) {
        lock(&self.redirects).insert(uuid, target);
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// The redirect error for an `Admin.Login` to a migrated model, if this is one.
pub(crate) fn redirect(
    roles: &Roles,
    model: Option<&str>,
    facade: &str,
    method: &str,
) -> Option<ApiError> {
    if (facade, method) != ("Admin", "Login") {
        return None;
    }
    lock(&roles.redirects)
        .get(model?)
        .map(RedirectTarget::error)
}

/// `LoginResult.servers` for a controller listening on `port`.
pub(crate) fn servers(roles: &Roles, port: u16) -> Value {
    match &roles.servers {
        Some(nodes) => json!(nodes
            .iter()
            .map(|node| node.iter().map(|e| host_port(e)).collect::<Vec<_>>())
            .collect::<Vec<_>>()),
        None => json!([[{
            "value": "127.0.0.1", "type": "ipv4", "scope": "local-machine", "port": port,
        }]]),
    }
}

/// A `HostPort` for `host:port`.
fn host_port(endpoint: &str) -> Value {
    let (host, port) = endpoint.rsplit_once(':').unwrap_or((endpoint, "17070"));
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let kind = match host.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V4(_)) => "ipv4",
        Ok(std::net::IpAddr::V6(_)) => "ipv6",
        Err(_) => "hostname",
    };
    let port: u16 = port.parse().unwrap_or(17070);
    json!({"value": host, "type": kind, "scope": "public", "port": port})
}

/// A login without a password, as Juju 3.6 takes it: by macaroons. The user is the one whose
/// macaroon was sent; the auth tag may be empty (as the Go client sends it for external users)
/// or name that user. `None` when a password was sent; `Some(Ok(user))` when the macaroons hold
/// a user's; `Some(Err(result))` with the `LoginResult` asking for a discharge otherwise (also
/// for a local user without a password, as Juju answers).
pub(crate) fn macaroon_login(
    roles: &Roles,
    tag: &str,
    params: &Value,
) -> Option<Result<String, Value>> {
    let credentials = params.get("credentials").and_then(Value::as_str);
    if credentials.is_some_and(|c| !c.is_empty()) {
        return None;
    }
    let sent = params.get("macaroons").and_then(Value::as_array);
    let slices = sent.into_iter().flatten().filter_map(Value::as_array);
    let sent: Vec<&Value> = slices.flatten().collect();
    let named = tag.strip_prefix("user-").filter(|u| !u.is_empty());
    let holder = roles
        .macaroon_users
        .iter()
        .filter(|(user, _)| named.is_none_or(|n| n == user))
        .find(|(_, wanted)| sent.contains(&wanted));
    if let Some((user, _)) = holder.filter(|_| !roles.demand_discharge) {
        return Some(Ok(user.clone()));
    }
    // Juju's DischargeRequiredError: a macaroon whose third-party caveat the identity
    // provider must discharge, and the reason (`apiserver/admin.go`).
    Some(Err(json!({
        "discharge-required": {
            "caveats": [{"cid": "is-authenticated-user", "cl": "https://candid.test.invalid"}],
            "location": "juju model", "identifier": "test-controller-login", "signature": "00",
        },
        "discharge-required-error": "verification failed: no macaroons or discharge expired",
    })))
}
