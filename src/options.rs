//! Connection settings: where the controller is, which model, who logs in, and how long to wait.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::credentials::{ClientSecret, Credentials, Macaroons, Password, SessionToken};
use crate::error::{Error, Result};
use crate::names::is_host_port;

/// The server name Juju controllers' certificates are issued for, whatever address they listen
/// on: the name verified against the controller's CA.
pub const JUJU_SERVER_NAME: &str = "juju-apiserver";

/// How long a [`Client`](crate::Client) may sit idle before its next call checks the
/// connection with a ping first: the Go client's ping period (`api.PingPeriod`).
pub const DEFAULT_IDLE_PING_AFTER: Duration = Duration::from_secs(60);

/// The largest [`ConnectOptionsBuilder::max_message_size`] accepted: 1 GiB.
pub const MAX_MESSAGE_SIZE_LIMIT: usize = 1 << 30;

/// How to reach a Juju model and log in to it.
///
/// Build it explicitly with [`ConnectOptions::builder`], or the way the `juju` CLI does with
/// [`ConnectOptions::from_juju_env`] (client store, `JUJU_CONTROLLER`, `JUJU_MODEL`,
/// `JUJU_CLIENT_ID` and `JUJU_CLIENT_SECRET`). Cloning shares the credentials instead of
/// copying them. `Debug` never prints a password, token, secret or macaroon.
///
/// ```
/// use juju_secrets::ConnectOptions;
/// let options = ConnectOptions::builder()
///     .endpoint("10.0.0.2:17070")
///     .model_uuid("8f5a1b2c-3d4e-4f60-8a1b-2c3d4e5f6a7b")
///     .user("admin")
///     .password("s3cr3t")
///     .build()?;
/// assert!(!format!("{options:?}").contains("s3cr3t"));
/// # Ok::<(), juju_secrets::Error>(())
/// ```
#[derive(Clone)]
pub struct ConnectOptions {
    pub(crate) endpoints: Vec<String>,
    pub(crate) model_uuid: Option<String>,
    pub(crate) model_name: Option<String>,
    pub(crate) user: String,
    pub(crate) credentials: Option<Arc<Credentials>>,
    pub(crate) ca_cert: Option<String>,
    pub(crate) public_hostname: Option<String>,
    pub(crate) connect_timeout: Duration,
    pub(crate) call_timeout: Duration,
    pub(crate) max_message_size: usize,
    pub(crate) insecure_plain_websocket: bool,
    pub(crate) controller_name: Option<String>,
    pub(crate) follow_redirects: bool,
    pub(crate) idle_ping_after: Option<Duration>,
}

impl fmt::Debug for ConnectOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConnectOptions")
            .field("endpoints", &self.endpoints)
            .field("model_uuid", &self.model_uuid)
            .field("model_name", &self.model_name)
            .field("user", &self.user)
            .field("credentials", &self.credentials)
            .field("ca_cert", &self.ca_cert.as_ref().map(|_| "<PEM>"))
            .field("public_hostname", &self.public_hostname)
            .field("connect_timeout", &self.connect_timeout)
            .field("call_timeout", &self.call_timeout)
            .field("max_message_size", &self.max_message_size)
            .field("insecure_plain_websocket", &self.insecure_plain_websocket)
            .field("controller_name", &self.controller_name)
            .field("follow_redirects", &self.follow_redirects)
            .field("idle_ping_after", &self.idle_ping_after)
            .finish()
    }
}

impl ConnectOptions {
    /// Starts explicit settings. See [`ConnectOptionsBuilder`] for each setting and its default.
    pub fn builder() -> ConnectOptionsBuilder {
        ConnectOptionsBuilder::default()
    }

    /// The API endpoints (`host:port`), tried in this order, a little apart.
    pub fn endpoints(&self) -> &[String] {
        &self.endpoints
    }

    /// The UUID of the model to log in to, when known. Without one, connecting looks the
    /// [`model_name`](Self::model_name) up on the controller.
    pub fn model_uuid(&self) -> Option<&str> {
        self.model_uuid.as_deref()
    }

    /// The model's name (`owner/name`, or `name` for one of the user's own), when known.
    pub fn model_name(&self) -> Option<&str> {
        self.model_name.as_deref()
    }

    /// The user name, without the `user-` tag prefix.
    pub fn user(&self) -> &str {
        &self.user
    }

    /// The controller's name in the client store, when the settings came from it.
    pub fn controller_name(&self) -> Option<&str> {
        self.controller_name.as_deref()
    }

    /// The controller's public DNS name, when it has one (see
    /// [`ConnectOptionsBuilder::public_hostname`]).
    pub fn public_hostname(&self) -> Option<&str> {
        self.public_hostname.as_deref()
    }

    /// Whether a login answered with a redirect (the model migrated) is followed.
    pub fn follow_redirects(&self) -> bool {
        self.follow_redirects
    }

    /// How long a client may be idle before its next call pings first; `None` never.
    pub fn idle_ping_after(&self) -> Option<Duration> {
        self.idle_ping_after
    }

    /// The timeout for connecting: every step of [`Client::connect`](crate::Client::connect)
    /// together.
    pub fn connect_timeout(&self) -> Duration {
        self.connect_timeout
    }

    /// The timeout for each call's answer.
    pub fn call_timeout(&self) -> Duration {
        self.call_timeout
    }

    /// The largest message accepted from the controller, in bytes.
    pub fn max_message_size(&self) -> usize {
        self.max_message_size
    }

    /// The command that logs this user in again, for messages: `juju login -c <controller>`.
    pub(crate) fn login_command(&self) -> String {
        match &self.controller_name {
            Some(name) => format!("juju login -c {name}"),
            None => "juju login".to_owned(),
        }
    }
}

/// Builder of explicit [`ConnectOptions`]. Every setter consumes and returns the builder.
#[derive(Clone, Debug)]
pub struct ConnectOptionsBuilder {
    options: ConnectOptions,
    /// A setting that could not be taken, reported by `build`.
    problem: Option<String>,
}

impl Default for ConnectOptionsBuilder {
    fn default() -> Self {
        ConnectOptionsBuilder {
            options: ConnectOptions {
                endpoints: Vec::new(),
                model_uuid: None,
                model_name: None,
                user: "admin".to_owned(),
                credentials: None,
                ca_cert: None,
                public_hostname: None,
                connect_timeout: Duration::from_secs(30),
                call_timeout: Duration::from_secs(60),
                max_message_size: 64 << 20,
                insecure_plain_websocket: false,
                controller_name: None,
                follow_redirects: true,
                idle_ping_after: Some(DEFAULT_IDLE_PING_AFTER),
            },
            problem: None,
        }
    }
}

impl ConnectOptionsBuilder {
    /// Adds an API endpoint, `host:port` (an IPv6 host in brackets). At least one is required.
    /// With several (the nodes of a highly available controller), all are tried side by side,
    /// each started a little after the one before in the order given (see
    /// [`Client::connect`](crate::Client::connect)).
    pub fn endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.options.endpoints.push(endpoint.into());
        self
    }

    /// Adds several API endpoints, as listed under `api-endpoints` in `controllers.yaml`.
    pub fn endpoints<I, S>(mut self, endpoints: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.options
            .endpoints
            .extend(endpoints.into_iter().map(Into::into));
        self
    }

    /// The UUID of the model to log in to. Either this or [`model_name`](Self::model_name) is
    /// required; the UUID wins when both are given.
    pub fn model_uuid(mut self, uuid: impl Into<String>) -> Self {
        self.options.model_uuid = Some(uuid.into()).filter(|u: &String| !u.is_empty());
        self
    }

    /// The model's name: `owner/name`, or `name` for one of the user's own. Without a
    /// [`model_uuid`](Self::model_uuid), connecting first logs in to the controller and looks
    /// the name up in the models the user can see (`ModelManager.ListModels`); with one, the
    /// name is only recorded, for messages and display.
    pub fn model_name(mut self, name: impl Into<String>) -> Self {
        self.options.model_name = Some(name.into()).filter(|n: &String| !n.is_empty());
        self
    }

    /// The user name, without the `user-` prefix: a local user such as `admin`, or an external
    /// one such as `bob@external`. Defaults to `admin`.
    pub fn user(mut self, user: impl Into<String>) -> Self {
        self.options.user = user.into();
        self
    }

    /// The user set so far.
    pub(crate) fn user_name(&self) -> &str {
        &self.options.user
    }

    /// Logs in with this password (local users). Replaces any credentials set before; one kind
    /// of credentials is required.
    pub fn password(self, password: impl Into<Password>) -> Self {
        self.credentials(Credentials::Password(password.into()))
    }

    /// Logs in with macaroons instead of a password (external users, such as `bob@external`):
    /// each item one macaroon slice, a JSON array of a root macaroon and its discharges as a
    /// `macaroon-*` cookie holds it (a single JSON object counts as a slice of one).
    /// [`ClientStore`](crate::ClientStore) loads the ones `juju login` saved. An empty list is
    /// allowed: the controller then says that a discharge is needed
    /// ([`Error::DischargeRequired`]). Replaces any credentials set before.
    ///
    /// This crate does not talk to identity providers: when the macaroons are missing or
    /// expired, run `juju login` to refresh them.
    pub fn macaroons(mut self, slices: Vec<serde_json::Value>) -> Self {
        match Macaroons::from_values(slices) {
            Ok(macaroons) => self.credentials(Credentials::Macaroons(macaroons)),
            Err(e) => {
                self.options.credentials = None;
                self.problem = Some(e.to_string());
                self
            }
        }
    }

    /// Logs in to JAAS with the client credentials of a service account
    /// (`Admin.LoginWithClientCredentials`), as the juju CLI does with `JUJU_CLIENT_ID` and
    /// `JUJU_CLIENT_SECRET`. Replaces any credentials set before.
    pub fn client_credentials(
        self,
        client_id: impl Into<String>,
        client_secret: impl Into<ClientSecret>,
    ) -> Self {
        self.credentials(Credentials::Client {
            id: client_id.into(),
            secret: client_secret.into(),
        })
    }

    /// Logs in with the session token `juju login` stored for a controller that logs users in
    /// through OIDC, such as JAAS (`Admin.LoginWithSessionToken`). This crate does not run the
    /// device login itself: when the token expires, run `juju login` again. Replaces any
    /// credentials set before.
    pub fn session_token(self, token: impl Into<SessionToken>) -> Self {
        self.credentials(Credentials::SessionToken(token.into()))
    }

    /// The macaroons of a cookie jar (see [`ClientStore`](crate::ClientStore)).
    pub(crate) fn loaded_macaroons(self, macaroons: Macaroons) -> Self {
        self.credentials(Credentials::Macaroons(macaroons))
    }

    fn credentials(mut self, credentials: Credentials) -> Self {
        self.options.credentials = Some(Arc::new(credentials));
        self.problem = None;
        self
    }

    /// The controller's CA certificate (PEM), the `ca-cert` of `controllers.yaml`: the
    /// controller's certificate must be signed by it and valid for `juju-apiserver`, as Juju
    /// issues them. Without one, the system's trusted roots are used and the certificate must be
    /// valid for the [`public_hostname`](Self::public_hostname) (or the endpoint's host name).
    /// Checked by [`build`](Self::build). Defaults to none.
    pub fn ca_cert(mut self, pem: impl Into<String>) -> Self {
        self.options.ca_cert = Some(pem.into()).filter(|p: &String| !p.trim().is_empty());
        self
    }

    /// The controller's public DNS name (`public-hostname` in `controllers.yaml`), for
    /// controllers that also serve a publicly signed certificate. As the Go client does, the
    /// certificate is first verified against the [`ca_cert`](Self::ca_cert) as
    /// `juju-apiserver`; when that fails on the certificate, the handshake is tried again,
    /// verified against the system's trusted roots as this name. Defaults to none.
    pub fn public_hostname(mut self, host: impl Into<String>) -> Self {
        self.options.public_hostname = Some(host.into()).filter(|h: &String| !h.is_empty());
        self
    }

    /// How long connecting may take, all of it together: name resolution, TCP, TLS, websocket
    /// handshake and login on every endpoint tried, a model lookup by name and a followed
    /// redirect. `Duration::MAX` means no limit. Defaults to 30 seconds.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.options.connect_timeout = timeout;
        self
    }

    /// How long to wait for each call's answer. `Duration::MAX` means no limit. Defaults to 60
    /// seconds.
    pub fn call_timeout(mut self, timeout: Duration) -> Self {
        self.options.call_timeout = timeout;
        self
    }

    /// The largest websocket message accepted from the controller, in bytes, at most
    /// [`MAX_MESSAGE_SIZE_LIMIT`] (1 GiB). Defaults to 64 MiB, enough to reveal dozens of 1 MB
    /// secrets in one list.
    pub fn max_message_size(mut self, bytes: usize) -> Self {
        self.options.max_message_size = bytes;
        self
    }

    /// **Insecure**: speak plain `ws://` without TLS, so anyone on the network can read the
    /// credentials and every secret. Only for a test controller on loopback. Defaults to off.
    pub fn insecure_plain_websocket(mut self, plain: bool) -> Self {
        self.options.insecure_plain_websocket = plain;
        self
    }

    /// Records the controller's name, for messages and display. Optional.
    pub fn controller_name(mut self, name: impl Into<String>) -> Self {
        self.options.controller_name = Some(name.into()).filter(|n: &String| !n.is_empty());
        self
    }

    /// Whether to follow a redirect: when a model has migrated to another controller, the old
    /// one answers the login with the new controller's addresses and CA certificate. Followed,
    /// the client connects there, trusting exactly that CA, and logs a `debug` record saying
    /// so; a second redirect is an error ([`Error::RedirectedAgain`]). Not followed, connecting
    /// fails with [`Error::Redirected`] holding where the model went, as the `juju` CLI reports
    /// it. Defaults to `true`: a program keeps working after its model migrates, with the same
    /// credentials, verified against the CA the old controller vouched for. The `juju` CLI
    /// instead stops and tells you to log in to the new controller: `false` does that.
    pub fn follow_redirects(mut self, follow: bool) -> Self {
        self.options.follow_redirects = follow;
        self
    }

    /// How long a client may sit idle before its next call first checks the connection with a
    /// ping (`Pinger.Ping`, waiting at most 30 seconds or the call timeout, whichever is
    /// shorter). When the connection turns out to be dead (a proxy, a load balancer or a
    /// restarted controller dropped it), the client reconnects (new websocket, login, facade
    /// versions) before sending the call, so the call may take up to the call timeout plus
    /// the connect timeout. There is no background thread: nothing happens while the client is
    /// idle. `None` never pings; a dead connection then fails the next call with
    /// [`Error::ConnectionClosed`]. Defaults to 60 seconds, the Go client's ping period.
    pub fn idle_ping_after(mut self, idle: Option<Duration>) -> Self {
        self.options.idle_ping_after = idle;
        self
    }

    /// Checks the settings and returns them.
    ///
    /// # Errors
    /// [`Error::Config`] when there is no endpoint or one is not `host:port`, there is no model
    /// UUID or name, no user, no credentials, a timeout is zero, the maximum message size is
    /// zero or over [`MAX_MESSAGE_SIZE_LIMIT`], or the CA certificate is not valid PEM.
    pub fn build(self) -> Result<ConnectOptions> {
        if let Some(problem) = self.problem {
            return Err(Error::Config(problem));
        }
        let o = self.options;
        let missing = |what: &str| Err(Error::config(format!("{what} is required")));
        if o.endpoints.is_empty() {
            return missing("at least one API endpoint (host:port)");
        }
        if let Some(bad) = o.endpoints.iter().find(|e| !is_host_port(e)) {
            return Err(Error::config(format!(
                "API endpoint {bad:?} is not host:port"
            )));
        }
        if o.model_uuid.is_none() && o.model_name.is_none() {
            return missing("a model UUID or name");
        }
        if o.user.is_empty() {
            return missing("a user name");
        }
        if o.credentials.is_none() {
            return Err(Error::config(format!(
                "no credentials for user {:?}: give a password (local users), the macaroons \
                 `juju login` saved (external users; ClientStore loads them), client \
                 credentials or a session token (JAAS)",
                o.user
            )));
        }
        if o.connect_timeout.is_zero() || o.call_timeout.is_zero() {
            return Err(Error::config("timeouts must be greater than zero"));
        }
        if o.max_message_size == 0 || o.max_message_size > MAX_MESSAGE_SIZE_LIMIT {
            return Err(Error::config(format!(
                "the maximum message size must be from 1 to {MAX_MESSAGE_SIZE_LIMIT} bytes"
            )));
        }
        if let Some(pem) = &o.ca_cert {
            check_ca_pem(pem)?;
        }
        Ok(o)
    }

    /// The settings as they are, for the test controller, whose settings are complete and
    /// valid by construction.
    #[cfg(feature = "testing")]
    pub(crate) fn into_options(self) -> ConnectOptions {
        self.options
    }
}

/// Parses a CA certificate now, so a bad one is reported before anything is sent.
pub(crate) fn check_ca_pem(pem: &str) -> Result<()> {
    native_tls::Certificate::from_pem(pem.as_bytes())
        .map(drop)
        .map_err(|e| {
            Error::config(format!(
                "the controller CA certificate is not valid PEM: {e}"
            ))
        })
}

#[cfg(test)]
mod tests;

/// What unit tests of several modules need.
#[cfg(test)]
pub(crate) mod tests_support {
    /// A real CA certificate (PEM), made for the test.
    pub(crate) fn ca_pem() -> String {
        let key = rcgen::KeyPair::generate().unwrap();
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        params.self_signed(&key).unwrap().pem()
    }
}
