//! Migrated models: the `redirection required` login error and where it points.
//!
//! A controller answers a login to a model that migrated away with the error code
//! `redirection required` and an `error-info` shaped like Juju's `params.RedirectErrorInfo`
//! (`rpc/params/apierror.go`): the new controller's addresses, CA certificate, tag and alias.

use std::fmt;

use serde::Deserialize;

use crate::error::{ApiError, ErrorCode};
use crate::login::HostPort;
use crate::options::{ConnectOptions, JUJU_SERVER_NAME};

/// Where a migrated model lives now, as its old controller reported it at login.
///
/// [`Error::Redirected`](crate::Error::Redirected) carries one when following redirects is off.
/// `Display` says what the `juju` CLI says: the model moved, and how to log in to its new
/// controller.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Redirect {
    /// The model that moved.
    pub model_uuid: String,
    /// The controller that answered with the redirect: its name, else its endpoints.
    pub from: String,
    /// The new controller's addresses, one list per controller node.
    pub servers: Vec<Vec<HostPort>>,
    /// The new controller's CA certificate (PEM).
    pub ca_cert: String,
    /// The new controller's tag, `controller-<uuid>`; empty if the old controller did not say.
    pub controller_tag: String,
    /// The name the old controller knows the new one by, if any.
    pub controller_alias: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
struct WireRedirectInfo {
    #[serde(default)]
    servers: Vec<Vec<HostPort>>,
    #[serde(default)]
    ca_cert: String,
    #[serde(default)]
    controller_tag: String,
    #[serde(default)]
    controller_alias: String,
}

impl Redirect {
    /// The redirect a login error describes, or `None` when it is not a redirect with
    /// `error-info` (old or JAAS-style redirects without it are left as API errors).
    pub(crate) fn from_login_error(e: &ApiError, options: &ConnectOptions) -> Option<Redirect> {
        if e.kind() != ErrorCode::RedirectionRequired {
            return None;
        }
        let info: WireRedirectInfo = serde_json::from_value(e.info.clone()?).ok()?;
        Some(Redirect {
            model_uuid: options.model_uuid.clone(),
            from: describe_controller(options),
            servers: info.servers,
            ca_cert: info.ca_cert,
            controller_tag: info.controller_tag,
            controller_alias: Some(info.controller_alias).filter(|a| !a.is_empty()),
        })
    }

    /// The new controller's endpoints (`host:port`), public addresses first, without repeats.
    pub fn endpoints(&self) -> Vec<String> {
        let all: Vec<&HostPort> = self.servers.iter().flatten().collect();
        let public = all.iter().filter(|h| h.scope == "public");
        let others = all.iter().filter(|h| h.scope != "public");
        let mut endpoints: Vec<String> = Vec::new();
        for endpoint in public.chain(others).map(|h| h.endpoint()) {
            if !endpoints.contains(&endpoint) {
                endpoints.push(endpoint);
            }
        }
        endpoints
    }

    /// The new controller's UUID, from its tag (empty if unknown).
    pub fn controller_uuid(&self) -> &str {
        self.controller_tag
            .strip_prefix("controller-")
            .unwrap_or(&self.controller_tag)
    }

    /// The new controller for messages: `controller "alias" (controller-<uuid>)`, or what is
    /// known of it.
    pub(crate) fn target(&self) -> String {
        match (&self.controller_alias, self.controller_tag.is_empty()) {
            (Some(alias), false) => format!("controller {alias:?} ({})", self.controller_tag),
            (Some(alias), true) => format!("controller {alias:?}"),
            (None, false) => self.controller_tag.clone(),
            (None, true) => format!("the controller at {}", self.endpoints().join(", ")),
        }
    }

    /// Settings for the new controller: its endpoints, trusting exactly the CA it named (under
    /// the name every controller certificate carries); model, credentials and timeouts kept.
    pub(crate) fn follow(&self, options: &ConnectOptions) -> ConnectOptions {
        let mut next = options.clone();
        next.endpoints = self.endpoints();
        if !self.ca_cert.trim().is_empty() {
            next.ca_cert = Some(self.ca_cert.clone());
            next.server_name = JUJU_SERVER_NAME.to_owned();
        }
        next.controller_name = Some(
            self.controller_alias
                .clone()
                .unwrap_or_else(|| self.controller_tag.clone()),
        )
        .filter(|n| !n.is_empty());
        next
    }

    /// Whether this redirect points back to the controller `options` reach: the same CA, or an
    /// endpoint in common.
    pub(crate) fn leads_back_to(&self, options: &ConnectOptions) -> bool {
        let same_ca = options
            .ca_cert
            .as_deref()
            .is_some_and(|ca| !ca.trim().is_empty() && ca.trim() == self.ca_cert.trim());
        same_ca
            || self
                .endpoints()
                .iter()
                .any(|e| options.endpoints.contains(e))
    }
}

impl fmt::Display for Redirect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let endpoints = self.endpoints();
        write!(
            f,
            "model {} has been migrated from {} to {} at {}",
            self.model_uuid,
            self.from,
            self.target(),
            if endpoints.is_empty() {
                "no known address".to_owned()
            } else {
                endpoints.join(", ")
            }
        )?;
        let alias = self.controller_alias.as_deref().unwrap_or("new-controller");
        match endpoints.first() {
            Some(endpoint) => write!(
                f,
                "; to access it run `juju login {endpoint} -c {alias}`, or connect with \
                 ConnectOptionsBuilder::follow_redirects(true)"
            ),
            None => f.write_str("; ask the controller's administrator where it went"),
        }
    }
}

/// A controller for messages: its name in the client store, else its endpoints.
fn describe_controller(options: &ConnectOptions) -> String {
    match &options.controller_name {
        Some(name) => format!("controller {name:?}"),
        None => format!("the controller at {}", options.endpoints.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn options() -> ConnectOptions {
        ConnectOptions::builder()
            .endpoint("10.0.0.1:17070")
            .model_uuid("m-uuid")
            .password("pw")
            .ca_cert("OLD CA")
            .server_name("juju.example.com")
            .controller_name("old")
            .build()
            .unwrap()
    }

    fn redirect_error(info: serde_json::Value) -> ApiError {
        ApiError {
            message: "redirection to alternative server required".into(),
            code: Some("redirection required".into()),
            info: Some(info),
        }
    }

    fn info() -> serde_json::Value {
        json!({
            "servers": [[
                {"value": "10.1.0.9", "type": "ipv4", "scope": "local-cloud", "port": 17070},
                {"value": "203.0.113.9", "type": "ipv4", "scope": "public", "port": 17070},
                {"value": "10.1.0.9", "type": "ipv4", "scope": "local-cloud", "port": 17070},
            ]],
            "ca-cert": "NEW CA", "controller-tag": "controller-c0ffee", "controller-alias": "new",
        })
    }

    #[test]
    fn parses_error_info_and_orders_public_addresses_first() {
        let r = Redirect::from_login_error(&redirect_error(info()), &options()).unwrap();
        assert_eq!(r.endpoints(), ["203.0.113.9:17070", "10.1.0.9:17070"]);
        assert_eq!(r.controller_uuid(), "c0ffee");
        assert_eq!(r.controller_alias.as_deref(), Some("new"));
        let text = r.to_string();
        for part in [
            "model m-uuid has been migrated from controller \"old\"",
            "controller \"new\" (controller-c0ffee)",
            "juju login 203.0.113.9:17070 -c new",
        ] {
            assert!(text.contains(part), "{text:?} lacks {part:?}");
        }
    }

    #[test]
    fn following_trusts_the_named_ca_under_the_juju_name() {
        let r = Redirect::from_login_error(&redirect_error(info()), &options()).unwrap();
        let next = r.follow(&options());
        assert_eq!(next.endpoints, ["203.0.113.9:17070", "10.1.0.9:17070"]);
        assert_eq!(next.ca_cert.as_deref(), Some("NEW CA"));
        assert_eq!(next.server_name, JUJU_SERVER_NAME);
        assert_eq!(next.controller_name.as_deref(), Some("new"));
        assert_eq!(next.model_uuid, "m-uuid");
        assert!(!r.leads_back_to(&options()));
        assert!(r.leads_back_to(&next));
    }

    #[test]
    fn other_errors_and_missing_info_are_not_redirects() {
        let mut e = redirect_error(info());
        e.info = None;
        assert_eq!(Redirect::from_login_error(&e, &options()), None);
        let mut e = redirect_error(info());
        e.code = Some("not found".into());
        assert_eq!(Redirect::from_login_error(&e, &options()), None);
        let e = redirect_error(json!({"servers": "nonsense"}));
        assert_eq!(Redirect::from_login_error(&e, &options()), None);
    }
}
