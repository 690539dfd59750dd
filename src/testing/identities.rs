//! Who may log in besides the controller's user: users with less access, and JAAS's identities
//! (a service account's client credentials, an OIDC session token). Set on the builder, read
//! back from the running controller.

use std::sync::atomic::Ordering;

use super::access::{Access, User};
use super::builder::TestControllerBuilder;
use super::controller::TestController;
use super::jaas::{self, Jaas};
use crate::credentials::{ClientSecret, Password, SessionToken};

impl TestControllerBuilder {
    /// Plays JAAS (JIMM, canonical/jimm) in front of its models instead of a Juju controller,
    /// logging users in as JIMM does:
    ///
    /// - `Admin` v4 `LoginWithClientCredentials` with the [client
    ///   credentials](Self::client_credentials) logs in the service account
    ///   `<client-id>@serviceaccount`; other credentials get `invalid client credentials`,
    ///   code `unauthorized access`.
    /// - `Admin` v4 `LoginWithSessionToken` with the [session token](Self::session_token) logs
    ///   in the [user](Self::user) (`alice@canonical.com` unless set); another token, or the
    ///   token once [expired](TestController::expire_session_token), gets
    ///   `JIMM session token expired` (`no token presented` for an empty one), code
    ///   `session token invalid`.
    /// - `Admin.Login` on any version, as with a password, gets `JIMM does not support login
    ///   from old clients`, code `not supported`.
    ///
    /// On `/api` the login result is JIMM's own (its controller tag and facades, no servers, no
    /// model); on `/model/<uuid>/api` it is the Juju controller's behind JIMM (its own
    /// controller tag, the model's tag and facades) without `servers`, as JIMM's proxy strips
    /// them. A model JIMM does not know is `model not found`, code `not found`.
    ///
    /// [`TestController::connect_options`] then log in with the session token, and
    /// [`TestController::write_client_store`] writes the store `juju login` leaves for JAAS
    /// (`oidc-login: true`, the token under `access-token`). Defaults to off: a Juju 3.6
    /// controller, which refuses `Admin` v4 with `this version of Juju does not support login
    /// from old clients`.
    ///
    /// ```
    /// use juju_secrets::{testing::TestController, Client, ConnectOptions};
    /// let controller = TestController::builder().jaas().start()?;
    /// let options = controller
    ///     .connect_options_builder()
    ///     .user("test-client-id@serviceaccount")
    ///     .client_credentials("test-client-id", "test-client-secret")
    ///     .build()?;
    /// let client = Client::connect(&options)?;
    /// let me = client.login_info().user_info.as_ref().map(|u| u.identity.as_str());
    /// assert_eq!(me, Some("user-test-client-id@serviceaccount"));
    /// assert_eq!(controller.client_id(), Some("test-client-id"));
    /// # Ok::<(), juju_secrets::Error>(())
    /// ```
    pub fn jaas(mut self) -> Self {
        if self.config.jaas.is_none() {
            self.config.jaas = Some(Jaas::default());
        }
        if !self.user_set {
            self.config.user = jaas::DEFAULT_USER.into();
        }
        self
    }

    /// The client credentials of the service account JAAS accepts; turns on [JAAS
    /// mode](Self::jaas). Defaults to `test-client-id` and `test-client-secret`.
    pub fn client_credentials(
        self,
        client_id: impl Into<String>,
        secret: impl Into<String>,
    ) -> Self {
        let mut builder = self.jaas();
        if let Some(jaas) = builder.config.jaas.as_mut() {
            jaas.client_id = client_id.into();
            jaas.client_secret = ClientSecret::new(secret);
        }
        builder
    }

    /// The session token JAAS accepts for the [user](Self::user); turns on [JAAS
    /// mode](Self::jaas). Defaults to a new token shaped like JIMM's (a base64-encoded JWT).
    pub fn session_token(self, token: impl Into<String>) -> Self {
        let mut builder = self.jaas();
        if let Some(jaas) = builder.config.jaas.as_mut() {
            jaas.session_token = SessionToken::new(token);
        }
        builder
    }

    /// Adds a user who may log in with `password` (a JAAS identity of that name logs in with
    /// its session token or client credentials instead), with `access` to every model. Juju
    /// 3.6's checks then apply: listing secrets needs read access, revealing their values admin,
    /// and creating, updating, removing, granting and revoking write; a refusal is `permission
    /// denied`, code `unauthorized access`. The login result's `model-access` says it. The
    /// controller's own [user](Self::user) has admin access unless added here. Defaults to none.
    ///
    /// ```
    /// use juju_secrets::{testing::{Access, TestController}, Client, ErrorKind, ListOptions};
    /// let controller = TestController::builder()
    ///     .user_access("reader", "reader-password", Access::Read)
    ///     .start()?;
    /// let options = controller
    ///     .connect_options_builder()
    ///     .user("reader")
    ///     .password("reader-password")
    ///     .build()?;
    /// let mut client = Client::connect(&options)?;
    /// assert!(client.secrets().list(&ListOptions::new())?.is_empty());
    /// let denied = client.secrets().list(&ListOptions::new().reveal()).unwrap_err();
    /// assert_eq!(denied.kind(), Some(ErrorKind::Unauthorized));
    /// # Ok::<(), juju_secrets::Error>(())
    /// ```
    pub fn user_access(
        mut self,
        user: impl Into<String>,
        password: impl Into<String>,
        access: Access,
    ) -> Self {
        self.config.users.push(User {
            name: user.into(),
            password: Password::new(password),
            access,
        });
        self
    }

    /// The controller's public DNS name: reported at login (`public-dns-name`) and written to
    /// client stores (`public-hostname`). Defaults to none.
    pub fn public_dns_name(mut self, host: impl Into<String>) -> Self {
        self.config.public_dns_name = Some(host.into()).filter(|h: &String| !h.is_empty());
        self
    }

    /// Plays a controller behind a public DNS name: its certificate is issued for `host` by a
    /// separate "public" CA ([`TestController::public_ca_cert`]) rather than by the controller
    /// CA clients are given, and `host` is its public DNS name (as
    /// [`public_dns_name`](Self::public_dns_name)). A client that does as the Go dialer does
    /// fails the controller-CA check, then verifies against the system's roots as `host`: make
    /// the public CA one of them (OpenSSL reads `SSL_CERT_FILE`). Defaults to off.
    pub fn public_certificate(mut self, host: impl Into<String>) -> Self {
        let host = host.into();
        self.config.cert.public_name = Some(host.clone()).filter(|h| !h.is_empty());
        self.public_dns_name(host)
    }
}

impl TestController {
    /// The public CA that signed the certificate of a controller playing one behind a public
    /// DNS name ([`TestControllerBuilder::public_certificate`]), as PEM; `None` otherwise.
    pub fn public_ca_cert(&self) -> Option<&str> {
        self.server().public_ca_pem.as_deref()
    }

    /// The client id JAAS accepts; `None` unless in [JAAS mode](TestControllerBuilder::jaas).
    pub fn client_id(&self) -> Option<&str> {
        self.config().jaas.as_ref().map(|j| j.client_id.as_str())
    }

    /// The client secret JAAS accepts; `None` unless in JAAS mode.
    pub fn client_secret(&self) -> Option<&str> {
        self.config()
            .jaas
            .as_ref()
            .map(|j| j.client_secret.expose())
    }

    /// The session token JAAS accepts for the [user](Self::user); `None` unless in JAAS mode.
    pub fn session_token(&self) -> Option<&str> {
        self.config()
            .jaas
            .as_ref()
            .map(|j| j.session_token.expose())
    }

    /// From now on the session token is refused as expired (`JIMM session token expired`,
    /// code `session token invalid`), as after its lifetime: what `juju login` fixes. Does
    /// nothing unless in JAAS mode.
    pub fn expire_session_token(&self) {
        if let Some(jaas) = &self.config().jaas {
            jaas.expired.store(true, Ordering::Relaxed);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_no_credentials() {
        let builder = TestControllerBuilder::default()
            .password("main-pw")
            .client_credentials("id", "client-pw")
            .session_token("token-pw")
            .user_access("reader", "reader-pw", Access::Read);
        let debug = format!("{builder:?}");
        assert!(debug.contains("reader"), "{debug}");
        assert!(!debug.contains("-pw"), "{debug}");
    }
}
