//! The built-in test controller (feature `testing`): a Juju API server on loopback that speaks the
//! real wire protocol over a real TLS websocket, with Juju's login and secret semantics.
//!
//! Use it to test programs built on this crate without a Juju controller:
//!
//! ```
//! use juju_secrets::{testing::TestController, Client};
//! let controller = TestController::start()?;
//! let mut client = Client::connect(&controller.connect_options())?;
//! client.ping()?;
//! assert_eq!(controller.calls().last().map(|c| c.method().to_owned()), Some("Ping".into()));
//! # Ok::<(), juju_secrets::Error>(())
//! ```
//!
//! It serves `wss://127.0.0.1:<port>/model/<uuid>/api` for each of its models (and `/api` for
//! controller logins) with a CA and server certificate made at start, valid for `juju-apiserver`.
//! Each connection gets its own thread; the controller stops when dropped. Besides `Admin`,
//! `Pinger` and `Secrets`, it answers what python-libjuju's `Model.connect` calls
//! (`ModelConfig.ModelGet`, `Client.WatchAll`, `AllWatcher`, `ModelManager.ModelInfo`), so
//! python-libjuju can drive it too, and `ModelManager.ListModels` to find models by name.
//!
//! For connection tests it can play a cluster node reporting other servers
//! ([`TestControllerBuilder::login_servers`]), the old controller of a migrated model
//! ([`TestControllerBuilder::redirect_model`], [`TestController::redirect_model`]), a controller
//! with external users ([`TestControllerBuilder::accept_macaroon`],
//! [`TestControllerBuilder::demand_discharge`]) and a proxy that drops idle connections
//! ([`TestControllerBuilder::drop_idle_after`]).

mod certs;
mod config;
mod conn;
mod envelope;
mod facades;
mod faults;
mod params;
mod recorded_call;
mod reply;
mod roles;
mod router;
mod server;
mod shared;
mod state;
mod store;

use std::time::Duration;

use base64::Engine as _;
use serde_json::Value;

use crate::error::{Error, Result};
use crate::options::{ConnectOptions, ConnectOptionsBuilder};
use certs::CertSpec;
use config::Config;
pub use config::TestModel;
pub use faults::Fault;
pub use recorded_call::RecordedCall;
pub use roles::RedirectTarget;
use server::Server;

/// Cumulative time a [`TestController`] spent answering requests: see
/// [`TestController::handling_time`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct HandlingTime {
    /// Request frames answered.
    pub requests: u64,
    /// Time spent answering them, summed over all connections.
    pub busy: Duration,
}

impl HandlingTime {
    /// What was spent after `earlier` was taken.
    pub fn since(&self, earlier: &HandlingTime) -> HandlingTime {
        HandlingTime {
            requests: self.requests.saturating_sub(earlier.requests),
            busy: self.busy.saturating_sub(earlier.busy),
        }
    }

    /// The mean time per request; zero when there was none.
    pub fn per_request(&self) -> Duration {
        if self.requests == 0 {
            return Duration::ZERO;
        }
        let nanos = self.busy.as_nanos() / u128::from(self.requests);
        Duration::from_nanos(u64::try_from(nanos).unwrap_or(u64::MAX))
    }
}

/// Settings of a [`TestController`], with defaults that need no changing for most tests.
#[derive(Clone, Debug)]
pub struct TestControllerBuilder {
    config: Config,
}

impl Default for TestControllerBuilder {
    fn default() -> Self {
        TestControllerBuilder {
            config: Config {
                user: "admin".into(),
                password: "test-controller-password".into(),
                controller_name: "test-controller".into(),
                controller_uuid: new_uuid(),
                models: Vec::new(),
                secrets_versions: vec![1, 2],
                applications: ["ubuntu", "mysql", "wordpress"].map(String::from).to_vec(),
                long_secret_ids: false,
                server_version: "3.6.4".into(),
                plain: false,
                port: 0,
                cert: CertSpec::default(),
                fault: None,
                roles: roles::Roles::default(),
            },
        }
    }
}

impl TestControllerBuilder {
    /// The user that may log in. Defaults to `admin`.
    pub fn user(mut self, user: impl Into<String>) -> Self {
        self.config.user = user.into();
        self
    }

    /// That user's password. Defaults to `test-controller-password`.
    pub fn password(mut self, password: impl Into<String>) -> Self {
        self.config.password = password.into();
        self
    }

    /// The controller's name in client stores it writes. Defaults to `test-controller`.
    pub fn controller_name(mut self, name: impl Into<String>) -> Self {
        self.config.controller_name = name.into();
        self
    }

    /// Adds a model (short name, owned by the user) with a new UUID. The first model is the
    /// default; with none added, one model named `default` is served.
    pub fn model(mut self, name: impl Into<String>) -> Self {
        self.config.models.push(TestModel {
            name: name.into(),
            uuid: new_uuid(),
        });
        self
    }

    /// The `Secrets` facade versions offered. Defaults to `[1, 2]` (Juju 3.3 to 3.6); `[1]` plays
    /// Juju 3.1 or 3.2, `[]` a controller without the facade.
    pub fn secrets_versions(mut self, versions: &[u32]) -> Self {
        self.config.secrets_versions = versions.to_vec();
        self
    }

    /// The applications deployed in every model: secrets can be granted to these only.
    /// Defaults to `ubuntu`, `mysql` and `wordpress`.
    pub fn applications<I, S>(mut self, applications: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.config.applications = applications.into_iter().map(Into::into).collect();
        self
    }

    /// Issue long opaque secret ids (52 characters) instead of Juju's classic 20-character ones,
    /// as controllers since Juju 3.6.19 may. Defaults to off.
    pub fn long_secret_ids(mut self, long: bool) -> Self {
        self.config.long_secret_ids = long;
        self
    }

    /// The Juju version reported at login. Defaults to `3.6.4`.
    pub fn server_version(mut self, version: impl Into<String>) -> Self {
        self.config.server_version = version.into();
        self
    }

    /// The port to listen on, on 127.0.0.1. Defaults to 0: any free port.
    pub fn port(mut self, port: u16) -> Self {
        self.config.port = port;
        self
    }

    /// **Insecure**: serve plain `ws://` instead of TLS. Defaults to off.
    pub fn insecure_plain_websocket(mut self, plain: bool) -> Self {
        self.config.plain = plain;
        self
    }

    /// A fault to inject on every connection, for testing how clients cope (see [`Fault`]).
    /// Defaults to none.
    pub fn fault(mut self, fault: Fault) -> Self {
        self.config.fault = Some(fault);
        self
    }

    /// Starts the controller; it is ready to accept connections when this returns.
    ///
    /// # Errors
    /// When the port cannot be bound or the certificates cannot be made.
    pub fn start(mut self) -> Result<TestController> {
        if self.config.models.is_empty() {
            self = self.model("default");
        }
        Ok(TestController {
            server: Server::start(self.config)?,
        })
    }
}

impl TestControllerBuilder {
    /// The controller's addresses reported at login (`LoginResult.servers`): one list of
    /// `host:port` per controller node, all with scope `public`. Defaults to the controller's
    /// own endpoint.
    pub fn login_servers<N, E, S>(mut self, nodes: N) -> Self
    where
        N: IntoIterator<Item = E>,
        E: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let nodes = nodes
            .into_iter()
            .map(|node| node.into_iter().map(Into::into).collect())
            .collect();
        self.config.roles.servers = Some(nodes);
        self
    }

    /// Plays the old controller of a migrated model: logins to model `uuid` (whether this
    /// controller serves it or not) fail with `redirection required` pointing at `target`.
    /// See also [`TestController::redirect_model`]. Defaults to none.
    pub fn redirect_model(self, uuid: impl Into<String>, target: RedirectTarget) -> Self {
        self.config.roles.add_redirect(uuid.into(), target);
        self
    }

    /// Accepts `user` (an external user such as `bob@external`) logging in without a password
    /// when one of the macaroon slices sent holds `macaroon` (compared as JSON). Any other
    /// macaroon login gets a `LoginResult` asking for a discharge, as Juju answers when the
    /// macaroons are missing, expired or not enough. Defaults to none.
    pub fn accept_macaroon(mut self, user: impl Into<String>, macaroon: Value) -> Self {
        self.config
            .roles
            .macaroon_users
            .push((user.into(), macaroon));
        self
    }

    /// Answers every macaroon login with "discharge required", even one with an accepted
    /// macaroon (the identity provider's discharge expired, say). Defaults to off.
    pub fn demand_discharge(mut self, demand: bool) -> Self {
        self.config.roles.demand_discharge = demand;
        self
    }

    /// Drops connections that stay quiet for `idle`, as a proxy, load balancer or JAAS does.
    /// Defaults to never.
    pub fn drop_idle_after(mut self, idle: Duration) -> Self {
        self.config.roles.drop_idle_after = Some(idle);
        self
    }
}

/// A running test controller. Stops when dropped.
pub struct TestController {
    server: Server,
}

impl std::fmt::Debug for TestController {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestController")
            .field("endpoint", &self.endpoint())
            .field("models", &self.server.shared.config.models)
            .finish_non_exhaustive()
    }
}

impl TestController {
    /// Starts a test controller with the default settings: user `admin`, one model `default`,
    /// `Secrets` v1 and v2, TLS on a free port of 127.0.0.1.
    ///
    /// # Errors
    /// As [`TestControllerBuilder::start`].
    pub fn start() -> Result<TestController> {
        TestControllerBuilder::default().start()
    }

    /// Settings to change before starting.
    pub fn builder() -> TestControllerBuilder {
        TestControllerBuilder::default()
    }

    /// The API endpoint, `127.0.0.1:<port>`.
    pub fn endpoint(&self) -> String {
        format!("127.0.0.1:{}", self.server.shared.port)
    }

    /// The CA certificate (PEM) that signed the server certificate; `None` for a plain websocket.
    pub fn ca_cert(&self) -> Option<&str> {
        self.server.ca_pem.as_deref()
    }

    /// The user that may log in.
    pub fn user(&self) -> &str {
        &self.server.shared.config.user
    }

    /// That user's password.
    pub fn password(&self) -> &str {
        &self.server.shared.config.password
    }

    /// The controller's name, as written to client stores.
    pub fn controller_name(&self) -> &str {
        &self.server.shared.config.controller_name
    }

    /// The controller's UUID.
    pub fn controller_uuid(&self) -> &str {
        &self.server.shared.config.controller_uuid
    }

    /// The models served; the first is the default.
    pub fn models(&self) -> &[TestModel] {
        &self.server.shared.config.models
    }

    /// The default model's UUID.
    pub fn model_uuid(&self) -> &str {
        self.server
            .shared
            .config
            .models
            .first()
            .map_or("", |m| m.uuid.as_str())
    }

    /// Settings for the default model, as a builder to adjust before `build()`.
    pub fn connect_options_builder(&self) -> ConnectOptionsBuilder {
        let mut builder = ConnectOptions::builder()
            .endpoint(self.endpoint())
            .model_uuid(self.model_uuid())
            .user(self.user())
            .password(self.password())
            .controller_name(self.controller_name())
            .insecure_plain_websocket(self.server.ca_pem.is_none());
        if let Some(model) = self.server.shared.config.models.first() {
            builder = builder.model_name(format!("{}/{}", self.user(), model.name));
        }
        if let Some(ca) = &self.server.ca_pem {
            builder = builder.ca_cert(ca.clone());
        }
        builder
    }

    /// Ready settings for the default model.
    pub fn connect_options(&self) -> ConnectOptions {
        // Complete by construction: nothing to validate.
        self.connect_options_builder().into_options()
    }

    /// Every call received so far, oldest first.
    pub fn calls(&self) -> Vec<RecordedCall> {
        self.server.shared.lock().calls.clone()
    }

    /// Puts a user secret straight into the default model, without any API call: fixtures for
    /// tests, and the only way to have secrets on a controller offering only `Secrets` v1.
    /// Returns its URI.
    ///
    /// ```
    /// use juju_secrets::{testing::TestController, Client, SecretRef};
    /// let controller = TestController::start()?;
    /// controller.insert_secret("api-token", &[("token", b"t0ken".as_slice())]);
    /// let mut client = Client::connect(&controller.connect_options())?;
    /// let token = client.secrets().get_value(&SecretRef::name("api-token"), "token")?;
    /// assert_eq!(token.as_bytes(), b"t0ken");
    /// # Ok::<(), juju_secrets::Error>(())
    /// ```
    pub fn insert_secret(&self, name: &str, content: &[(&str, &[u8])]) -> String {
        let data = content
            .iter()
            .map(|(key, value)| {
                (
                    (*key).to_owned(),
                    base64::engine::general_purpose::STANDARD.encode(value),
                )
            })
            .collect();
        let mut state = self.server.shared.lock();
        let secrets = state
            .models
            .entry(self.model_uuid().to_owned())
            .or_default();
        let id = secrets.new_id(self.server.shared.config.long_secret_ids);
        let label = Some(name.to_owned()).filter(|n| !n.is_empty());
        let secret = state::Secret::new(id, label, String::new(), state::Revision::new(data));
        let uri = secret.uri();
        secrets.push(secret);
        uri
    }

    /// Forgets the calls recorded so far.
    pub fn clear_calls(&self) {
        self.server.shared.lock().calls.clear();
    }

    /// Changes the fault injected (see [`Fault`]), or stops injecting one, for connections
    /// accepted from now on; open connections keep theirs.
    ///
    /// # Errors
    /// When the certificate of a certificate fault cannot be made.
    pub fn set_fault(&self, fault: Option<Fault>) -> Result<()> {
        self.server.shared.faults.set(fault)
    }

    /// How long the controller spent answering the request frames it received so far: from a
    /// frame's text to its reply's text (decoding, dispatch, model state, encoding, recording the
    /// call), without TLS, websocket framing or socket I/O. Benchmarks compare it with the
    /// client's round trip to tell when the controller is the bottleneck.
    ///
    /// ```
    /// use juju_secrets::{testing::TestController, Client};
    /// let controller = TestController::start()?;
    /// let before = controller.handling_time();
    /// Client::connect(&controller.connect_options())?.ping()?;
    /// let spent = controller.handling_time().since(&before);
    /// assert_eq!(spent.requests, 2); // the login and the ping
    /// assert!(spent.per_request() > std::time::Duration::ZERO);
    /// # Ok::<(), juju_secrets::Error>(())
    /// ```
    pub fn handling_time(&self) -> HandlingTime {
        let (requests, busy) = self.server.shared.handled();
        HandlingTime { requests, busy }
    }

    /// Stops accepting and closes every connection. Also done on drop.
    pub fn stop(&mut self) {
        self.server.stop();
    }
}

impl TestController {
    /// From now on, logins to model `uuid` fail with `redirection required` pointing at
    /// `target`: for redirect loops, where each controller must know the other's endpoint.
    pub fn redirect_model(&self, uuid: impl Into<String>, target: RedirectTarget) {
        self.server
            .shared
            .config
            .roles
            .add_redirect(uuid.into(), target);
    }
}

impl RedirectTarget {
    /// Points at another test controller: its endpoint, CA and UUID, aliased by its name.
    pub fn to(controller: &TestController) -> RedirectTarget {
        RedirectTarget::new(
            [controller.endpoint()],
            controller.ca_cert().unwrap_or(""),
            controller.controller_uuid(),
        )
        .alias(controller.controller_name())
    }
}

impl Drop for TestController {
    fn drop(&mut self) {
        self.stop();
        if let Some(dir) = std::env::var_os(WIRE_LOG_ENV) {
            let _ = self.write_wire_log(std::path::Path::new(&dir));
        }
    }
}

/// When set to a directory, every test controller writes the calls it recorded there when
/// dropped, one JSON Lines file per controller, so a whole test suite's traffic can be checked
/// afterwards (against Juju's schema, say).
pub const WIRE_LOG_ENV: &str = "JUJU_SECRETS_WIRE_LOG";

impl TestController {
    /// Writes every recorded call as one JSON line (`{"request": .., "response": ..}`) to
    /// `<dir>/<controller-uuid>.jsonl`.
    ///
    /// # Errors
    /// When the file cannot be written.
    pub fn write_wire_log(&self, dir: &std::path::Path) -> Result<()> {
        let mut text = String::new();
        for call in self.calls() {
            let line = serde_json::json!({"request": call.request, "response": call.response});
            text.push_str(&line.to_string());
            text.push('\n');
        }
        let path = dir.join(format!("{}.jsonl", self.controller_uuid()));
        std::fs::create_dir_all(dir)
            .and_then(|()| std::fs::write(&path, text))
            .map_err(|e| Error::io(format!("writing {}", path.display()), e))
    }
}

/// A random version 4 UUID.
pub(crate) fn new_uuid() -> String {
    uuid::Uuid::new_v4().to_string()
}
