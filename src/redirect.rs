//! Where a migrated model went: the data a `redirection required` login error carries
//! (Juju's `params.RedirectErrorInfo`, `rpc/params/apierror.go`). Reading it from the error and
//! following it is `connect`'s work.

use std::fmt;

use crate::names::{unique_endpoints, HostPort, Tag};

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

impl Redirect {
    /// The new controller's endpoints (`host:port`), public addresses first, without repeats.
    pub fn endpoints(&self) -> Vec<String> {
        let all: Vec<&HostPort> = self.servers.iter().flatten().collect();
        let public = all.iter().filter(|h| h.scope == "public");
        let others = all.iter().filter(|h| h.scope != "public");
        unique_endpoints(public.chain(others).map(|h| h.endpoint()))
    }

    /// The new controller's UUID, from its tag (empty if unknown).
    pub fn controller_uuid(&self) -> &str {
        Tag::Controller.id_or_text(&self.controller_tag)
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
