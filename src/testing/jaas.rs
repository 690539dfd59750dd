//! The JAAS role: a test controller that logs users in as JIMM (canonical/jimm) does, with the
//! client credentials of a service account or an OIDC session token, and refuses password
//! logins. Here are its settings and the credentials checks; `facades/admin_jaas.rs` answers.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use base64::Engine as _;

use super::reply::api_error;
use crate::credentials::{ClientSecret, SessionToken};
use crate::error::ApiError;

/// The user JAAS logs in with a session token unless the builder names another.
pub(crate) const DEFAULT_USER: &str = "alice@canonical.com";

/// JIMM's identity domain for the service accounts of client credentials
/// (`pkg/names/service_account.go`).
const SERVICE_ACCOUNT_DOMAIN: &str = "serviceaccount";

/// The JAAS settings. Debug hides the secret and the token (their types print `***`).
#[derive(Clone, Debug)]
pub(crate) struct Jaas {
    pub client_id: String,
    pub client_secret: ClientSecret,
    pub session_token: SessionToken,
    /// The Juju controller behind JIMM, whose login result model connections get.
    pub backing_controller_uuid: String,
    /// Set once the token has "expired": it is refused from then on.
    pub expired: Arc<AtomicBool>,
}

impl Default for Jaas {
    fn default() -> Self {
        Jaas {
            client_id: "test-client-id".into(),
            client_secret: ClientSecret::new("test-client-secret"),
            session_token: SessionToken::new(fake_jwt()),
            backing_controller_uuid: uuid::Uuid::new_v4().to_string(),
            expired: Arc::new(AtomicBool::new(false)),
        }
    }
}

/// A new session token shaped like JIMM's (a base64-encoded JWT); only ever compared.
fn fake_jwt() -> String {
    let id = uuid::Uuid::new_v4();
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let header = b64.encode(r#"{"alg":"HS256","typ":"JWT"}"#);
    let claims = b64.encode(format!(r#"{{"jti":"{id}"}}"#));
    base64::engine::general_purpose::STANDARD.encode(format!("{header}.{claims}.test-signature"))
}

impl Jaas {
    /// The identity of a `LoginWithClientCredentials`: `<client-id>@serviceaccount`, or JIMM's
    /// `invalid client credentials` / `unauthorized access` (`internal/auth/oauth2.go`).
    pub(crate) fn check_client(&self, id: &str, secret: &str) -> Result<String, ApiError> {
        if id.is_empty() || id != self.client_id || secret != self.client_secret.expose() {
            return Err(api_error(
                "invalid client credentials",
                "unauthorized access",
            ));
        }
        Ok(format!("{id}@{SERVICE_ACCOUNT_DOMAIN}"))
    }

    /// `Ok` for the session token, or JIMM's refusal with code `session token invalid`, which
    /// the juju CLI takes as "log in again" (`VerifySessionToken`). A wrong token reads as an
    /// expired one: both mean "run `juju login`".
    pub(crate) fn check_token(&self, token: &str) -> Result<(), ApiError> {
        let refused = |why: &str| api_error(why, "session token invalid");
        if token.is_empty() {
            return Err(refused("no token presented"));
        }
        if token != self.session_token.expose() || self.expired.load(Ordering::Relaxed) {
            return Err(refused("JIMM session token expired"));
        }
        Ok(())
    }
}

/// JIMM's answer to `Admin.Login` on any version: it only logs users in through OIDC.
pub(crate) fn old_client_login() -> ApiError {
    api_error(
        "JIMM does not support login from old clients",
        "not supported",
    )
}

/// What JIMM's model proxy answers the first request on a connection to a model it does not
/// know, before it closes the connection (`internal/rpc/apiproxy.go`).
pub(crate) fn unknown_model() -> ApiError {
    api_error("model not found", "not found")
}

/// JIMM's display name for an identity: the part before the `@`
/// (`dbmodel.Identity.setDisplayName`).
pub(crate) fn display_name(identity: &str) -> &str {
    identity.split('@').next().unwrap_or(identity)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_are_checked_as_jimm_does() {
        let jaas = Jaas::default();
        assert_eq!(
            jaas.check_client("test-client-id", "test-client-secret")
                .unwrap(),
            "test-client-id@serviceaccount"
        );
        let wrong = jaas.check_client("test-client-id", "nope").unwrap_err();
        assert_eq!(wrong.message, "invalid client credentials");
        assert_eq!(wrong.code.as_deref(), Some("unauthorized access"));
        assert!(jaas.check_client("", "test-client-secret").is_err());
        let token = jaas.session_token.expose().to_owned();
        assert!(jaas.check_token(&token).is_ok());
        assert_eq!(
            jaas.check_token("").unwrap_err().message,
            "no token presented"
        );
        jaas.expired.store(true, Ordering::Relaxed);
        let expired = jaas.check_token(&token).unwrap_err();
        assert_eq!(expired.message, "JIMM session token expired");
        assert_eq!(expired.code.as_deref(), Some("session token invalid"));
        assert_eq!(display_name("alice@canonical.com"), "alice");
    }
}
