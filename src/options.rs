//! Connection settings: where the controller is, which model, who logs in, and how long to wait.

use std::fmt;
use std::time::Duration;

use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::macaroons::MacaroonSlices;

/// The server name Juju controllers' certificates are issued for, whatever address they listen on.
pub const JUJU_SERVER_NAME: &str = "juju-apiserver";

/// A password: zeroed when dropped, printed as `***` by `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(Zeroizing<String>);

impl Password {
    /// Wraps a password.
    pub fn new(password: impl Into<String>) -> Password {
        Password(Zeroizing::new(password.into()))
    }

    /// The password itself, for sending it in a login request.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl From<&str> for Password {
    fn from(s: &str) -> Self {
        Password::new(s)
    }
}

impl From<String> for Password {
    fn from(s: String) -> Self {
        Password::new(s)
    }
}

/// How long a [`Client`](crate::Client) may sit idle before its next call checks the
/// connection with a ping first: the Go client's ping period (`api.PingPeriod`).
pub const DEFAULT_IDLE_PING_AFTER: Duration = Duration::from_secs(60);

/// How to reach a Juju model and log in to it.
///
/// Build it explicitly with [`ConnectOptions::builder`], or the way the `juju` CLI does with
/// [`ConnectOptions::from_juju_env`] (client store, `JUJU_CONTROLLER`, `JUJU_MODEL`).
/// `Debug` never prints the password or the macaroons.
///
/// ```
/// use juju_secrets::ConnectOptions;
/// let options = ConnectOptions::builder()
///     .endpoint("10.0.0.2:17070")
///     .model_uuid("8f5a1b2c-3d4e-4f60-8a1b-2c3d4e5f6a7b")
///     .user("admin")
///     .password("s3cr3t")
///     .ca_cert("-----BEGIN CERTIFICATE-----\n...")
///     .build()?;
/// assert!(!format!("{options:?}").contains("s3cr3t"));
/// # Ok::<(), juju_secrets::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct ConnectOptions {
    pub(crate) endpoints: Vec<String>,
    pub(crate) model_uuid: String,
    pub(crate) user: String,
    pub(crate) password: Option<Password>,
    pub(crate) macaroons: Option<MacaroonSlices>,
    pub(crate) ca_cert: Option<String>,
    pub(crate) server_name: String,
    pub(crate) connect_timeout: Duration,
    pub(crate) call_timeout: Duration,
    pub(crate) max_message_size: usize,
    pub(crate) insecure_plain_websocket: bool,
    pub(crate) controller_name: Option<String>,
    pub(crate) model_name: Option<String>,
    pub(crate) follow_redirects: bool,
    pub(crate) idle_ping_after: Option<Duration>,
}

impl ConnectOptions {
    /// Starts explicit settings. See [`ConnectOptionsBuilder`] for each setting and its default.
    pub fn builder() -> ConnectOptionsBuilder {
        ConnectOptionsBuilder::default()
    }

    /// Settings resolved the way the `juju` CLI resolves them: the client store in `JUJU_DATA`
    /// (else `$XDG_DATA_HOME/juju`, else `~/.local/share/juju`), the controller from
    /// `JUJU_CONTROLLER` or `current-controller`, the model from `JUJU_MODEL` or the controller's
    /// `current-model`.
    ///
    /// # Errors
    /// [`Error::Config`] naming the missing or malformed file, or the unknown controller or model
    /// together with the ones that exist.
    pub fn from_juju_env() -> Result<ConnectOptions> {
        crate::store::ClientStore::from_env()?.resolve_env(None)
    }

    /// The API endpoints (`host:port`), tried in this order, a little apart.
    pub fn endpoints(&self) -> &[String] {
        &self.endpoints
    }

    /// The UUID of the model to log in to; empty when the model is known by name only, to be
    /// looked up on the controller when connecting.
    pub fn model_uuid(&self) -> &str {
        &self.model_uuid
    }

    /// The user name, without the `user-` tag prefix.
    pub fn user(&self) -> &str {
        &self.user
    }

    /// The controller's name in the client store, when the settings came from it.
    pub fn controller_name(&self) -> Option<&str> {
        self.controller_name.as_deref()
    }

    /// The model's name (`owner/name`, or `name` for one of the user's own), when known.
    pub fn model_name(&self) -> Option<&str> {
        self.model_name.as_deref()
    }

    /// Whether a login answered with a redirect (the model migrated) is followed.
    pub fn follow_redirects(&self) -> bool {
        self.follow_redirects
    }

    /// How long a client may be idle before its next call pings first; `None` never.
    pub fn idle_ping_after(&self) -> Option<Duration> {
        self.idle_ping_after
    }

    /// The timeout for reaching an endpoint and logging in.
    pub fn connect_timeout(&self) -> Duration {
        self.connect_timeout
    }

    /// The timeout for each call's answer.
    pub fn call_timeout(&self) -> Duration {
        self.call_timeout
    }
}

/// Builder of explicit [`ConnectOptions`]. Every setter consumes and returns the builder.
#[derive(Clone, Debug)]
pub struct ConnectOptionsBuilder {
    options: ConnectOptions,
}

impl Default for ConnectOptionsBuilder {
    fn default() -> Self {
        ConnectOptionsBuilder {
            options: ConnectOptions {
                endpoints: Vec::new(),
                model_uuid: String::new(),
                user: "admin".to_owned(),
                password: None,
                macaroons: None,
                ca_cert: None,
                server_name: JUJU_SERVER_NAME.to_owned(),
                connect_timeout: Duration::from_secs(30),
                call_timeout: Duration::from_secs(60),
                max_message_size: 64 << 20,
                insecure_plain_websocket: false,
                controller_name: None,
                model_name: None,
                follow_redirects: true,
                idle_ping_after: Some(DEFAULT_IDLE_PING_AFTER),
            },
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
        self.options.model_uuid = uuid.into();
        self
    }

    /// The user name, without the `user-` prefix. Defaults to `admin`.
    pub fn user(mut self, user: impl Into<String>) -> Self {
        self.options.user = user.into();
        self
    }

    /// The user's password (local users). A password or [`macaroons`](Self::macaroons) is
    /// required; the password wins when both are given.
    pub fn password(mut self, password: impl Into<Password>) -> Self {
        self.options.password = Some(password.into());
        self
    }

    /// Macaroons to log in with instead of a password (external users, such as
    /// `bob@external`): each item one macaroon slice, a JSON array of a root macaroon and its
    /// discharges as a `macaroon-*` cookie holds it (a single JSON object counts as a slice of
    /// one). [`ClientStore`](crate::ClientStore) loads the ones `juju login` saved. An empty
    /// list is allowed: the controller then says that a discharge is needed
    /// ([`Error::DischargeRequired`]). Not printed by `Debug`. Defaults to none.
    ///
    /// This crate does not talk to identity providers: when the macaroons are missing or
    /// expired, run `juju login` to refresh them.
    pub fn macaroons(mut self, slices: Vec<serde_json::Value>) -> Self {
        self.options.macaroons = Some(MacaroonSlices::new(slices));
        self
    }

    /// The controller's CA certificate (PEM), the `ca-cert` of `controllers.yaml`. The controller's
    /// certificate must be signed by it and valid for the server name. Defaults to none, in which
    /// case the system's trusted roots are used (for controllers with a public DNS name).
    pub fn ca_cert(mut self, pem: impl Into<String>) -> Self {
        self.options.ca_cert = Some(pem.into());
        self
    }

    /// The name the controller's certificate must be valid for. Defaults to `juju-apiserver`, the
    /// name every Juju controller certificate carries; set the public DNS name for a controller
    /// behind a publicly signed certificate.
    pub fn server_name(mut self, name: impl Into<String>) -> Self {
        self.options.server_name = name.into();
        self
    }

    /// How long connecting (TCP, TLS, websocket handshake and login, all endpoints together) may
    /// take. Defaults to 30 seconds.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.options.connect_timeout = timeout;
        self
    }

    /// How long to wait for each call's answer. Defaults to 60 seconds.
    pub fn call_timeout(mut self, timeout: Duration) -> Self {
        self.options.call_timeout = timeout;
        self
    }

    /// The largest websocket message accepted from the controller, in bytes. Defaults to 64 MiB,
    /// enough to reveal dozens of 1 MB secrets in one list.
    pub fn max_message_size(mut self, bytes: usize) -> Self {
        self.options.max_message_size = bytes;
        self
    }

    /// **Insecure**: speak plain `ws://` without TLS, so anyone on the network can read the password
    /// and every secret. Only for a test controller on loopback. Defaults to off.
    pub fn insecure_plain_websocket(mut self, plain: bool) -> Self {
        self.options.insecure_plain_websocket = plain;
        self
    }

    /// Records the controller's name, for messages and display. Optional.
    pub fn controller_name(mut self, name: impl Into<String>) -> Self {
        self.options.controller_name = Some(name.into());
        self
    }

    /// The model's name: `owner/name`, or `name` for one of the user's own. Without a
    /// [`model_uuid`](Self::model_uuid), connecting first logs in to the controller and looks
    /// the name up in the models the user can see (`ModelManager.ListModels`); with one, the
    /// name is only recorded, for messages and display. Optional.
    pub fn model_name(mut self, name: impl Into<String>) -> Self {
        self.options.model_name = Some(name.into());
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
    /// versions) before sending the call. There is no background thread: nothing happens while
    /// the client is idle. `None` never pings; a dead connection then fails the next call with
    /// [`Error::ConnectionClosed`]. Defaults to 60 seconds, the Go client's ping period.
    pub fn idle_ping_after(mut self, idle: Option<Duration>) -> Self {
        self.options.idle_ping_after = idle;
        self
    }

    /// The settings as they are, unchecked, for callers that set every field themselves.
    #[cfg(feature = "testing")]
    pub(crate) fn into_options(self) -> ConnectOptions {
        self.options
    }

    /// Checks the settings and returns them.
    ///
    /// # Errors
    /// [`Error::Config`] when there is no endpoint, no model UUID or name, no user, neither a
    /// password nor macaroons, or a timeout is zero.
    pub fn build(self) -> Result<ConnectOptions> {
        let o = self.options;
        let missing = |what: &str| Err(Error::Config(format!("{what} is required")));
        if o.endpoints.is_empty() {
            return missing("at least one API endpoint (host:port)");
        }
        if let Some(bad) = o.endpoints.iter().find(|e| !looks_like_host_port(e)) {
            return Err(Error::Config(format!(
                "API endpoint {bad:?} is not host:port"
            )));
        }
        if o.model_uuid.is_empty() && o.model_name.as_deref().is_none_or(str::is_empty) {
            return missing("a model UUID or name");
        }
        if o.user.is_empty() {
            return missing("a user name");
        }
        if o.password.is_none() && o.macaroons.is_none() {
            return Err(Error::Config(format!(
                "no password and no macaroons for user {:?}: give a password (local users) or \
                 the macaroons `juju login` saved (external users; ClientStore loads them)",
                o.user
            )));
        }
        if o.connect_timeout.is_zero() || o.call_timeout.is_zero() {
            return Err(Error::Config("timeouts must be greater than zero".into()));
        }
        Ok(o)
    }
}

fn looks_like_host_port(endpoint: &str) -> bool {
    match endpoint.rsplit_once(':') {
        Some((host, port)) => !host.is_empty() && port.parse::<u16>().is_ok(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn full() -> ConnectOptionsBuilder {
        ConnectOptions::builder()
            .endpoint("127.0.0.1:17070")
            .model_uuid("u")
            .password("hunter2-password")
    }

    #[test]
    fn debug_hides_password() {
        let options = full().build().unwrap();
        let text = format!("{options:?}");
        assert!(!text.contains("hunter2-password"), "{text}");
        assert!(text.contains("***"), "{text}");
        let macaroon = serde_json::json!([{"signature": "macaroon-signature-secret"}]);
        let options = full().macaroons(vec![macaroon]).build().unwrap();
        let text = format!("{options:?}");
        assert!(!text.contains("macaroon-signature-secret"), "{text}");
        assert!(text.contains("<1 macaroon slices>"), "{text}");
    }

    #[test]
    fn defaults() {
        let o = full().build().unwrap();
        assert!(o.follow_redirects());
        assert_eq!(o.idle_ping_after(), Some(DEFAULT_IDLE_PING_AFTER));
        let o = full().follow_redirects(false).idle_ping_after(None);
        let o = o.build().unwrap();
        assert!(!o.follow_redirects());
        assert_eq!(o.idle_ping_after(), None);
    }

    #[test]
    fn a_model_name_or_macaroons_are_enough() {
        let by_name = ConnectOptions::builder()
            .endpoint("127.0.0.1:17070")
            .model_name("admin/prod")
            .macaroons(Vec::new())
            .build()
            .unwrap();
        assert_eq!(by_name.model_uuid(), "");
        assert_eq!(by_name.model_name(), Some("admin/prod"));
    }

    #[test]
    fn build_names_what_is_missing() {
        let err = ConnectOptions::builder().build().unwrap_err();
        assert!(err.to_string().contains("endpoint"), "{err}");
        let err = ConnectOptions::builder()
            .endpoint("127.0.0.1:17070")
            .build()
            .unwrap_err();
        assert!(err.to_string().contains("model UUID or name"), "{err}");
        let err = full().endpoint("nope").build().unwrap_err();
        assert!(err.to_string().contains("\"nope\""), "{err}");
        let err = ConnectOptions::builder()
            .endpoint("[::1]:17070")
            .model_uuid("u")
            .build()
            .unwrap_err();
        assert!(err.to_string().contains("macaroon"), "{err}");
        let err = full().call_timeout(Duration::ZERO).build().unwrap_err();
        assert!(err.to_string().contains("timeouts"), "{err}");
    }
}
