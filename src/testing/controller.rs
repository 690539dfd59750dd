//! A running test controller, [`TestController`]: where to connect, what it recorded, secrets to
//! seed, faults to switch, and the wire log it writes when dropped.

use std::collections::BTreeMap;
use std::time::Duration;

use base64::Engine as _;

use super::builder::TestControllerBuilder;
use super::config::{Config, TestModel};
use super::faults::Fault;
use super::recorded_call::RecordedCall;
use super::roles::RedirectTarget;
use super::server::Server;
use super::shared::PendingSecret;
use crate::error::{Error, Result};
use crate::options::{ConnectOptions, ConnectOptionsBuilder};

/// A running test controller. Stops when dropped.
pub struct TestController {
    server: Server,
}

impl std::fmt::Debug for TestController {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestController")
            .field("endpoint", &self.endpoint())
            .field("models", &self.config().models)
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

    /// The user that may log in, who owns the models.
    pub fn user(&self) -> &str {
        &self.config().user
    }

    /// That user's password (which JAAS refuses: see [`TestController::session_token`]).
    pub fn password(&self) -> &str {
        self.config().password.expose()
    }

    /// The controller's name, as written to client stores.
    pub fn controller_name(&self) -> &str {
        &self.config().controller_name
    }

    /// The controller's UUID.
    pub fn controller_uuid(&self) -> &str {
        &self.config().controller_uuid
    }

    /// The models served; the first is the default.
    pub fn models(&self) -> &[TestModel] {
        &self.config().models
    }

    /// The default model's UUID.
    pub fn model_uuid(&self) -> &str {
        self.config().models.first().map_or("", |m| m.uuid.as_str())
    }

    /// Settings for the default model, as a builder to adjust before `build()`: the user
    /// with its password, or in [JAAS mode](TestControllerBuilder::jaas) its session token.
    pub fn connect_options_builder(&self) -> ConnectOptionsBuilder {
        let mut builder = ConnectOptions::builder()
            .endpoint(self.endpoint())
            .model_uuid(self.model_uuid())
            .user(self.user())
            .password(self.password())
            .controller_name(self.controller_name())
            .insecure_plain_websocket(self.server.ca_pem.is_none());
        if let Some(jaas) = &self.config().jaas {
            // JAAS refuses passwords: the user logs in with the token `juju login` would store.
            builder = builder.session_token(jaas.session_token.clone());
        }
        if let Some(model) = self.config().models.first() {
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
        let mut state = self.server.shared.lock();
        let secrets = state
            .models
            .entry(self.model_uuid().to_owned())
            .or_default();
        let id = secrets.new_id(self.config().long_secret_ids);
        secrets.insert_user_secret(id, name, seed(content))
    }

    /// Like [`TestController::insert_secret`], with the id given (such as the
    /// `d0q6g3l9h5s9k8a6s0rg` of documentation examples) instead of a new one. A secret that
    /// already has the id is replaced.
    ///
    /// ```
    /// use juju_secrets::testing::TestController;
    /// let controller = TestController::start()?;
    /// let uri = controller.insert_secret_with_id("d0q6g3l9h5s9k8a6s0rg", "db-creds", &[("password", b"s3cr3t".as_slice())]);
    /// assert_eq!(uri, "secret:d0q6g3l9h5s9k8a6s0rg");
    /// let mut client = juju_secrets::Client::connect(&controller.connect_options())?;
    /// assert!(client.secrets().get_value(uri.as_str(), "password").is_ok());
    /// # Ok::<(), juju_secrets::Error>(())
    /// ```
    pub fn insert_secret_with_id(&self, id: &str, name: &str, content: &[(&str, &[u8])]) -> String {
        let mut state = self.server.shared.lock();
        let secrets = state
            .models
            .entry(self.model_uuid().to_owned())
            .or_default();
        secrets.insert_user_secret(id.to_owned(), name, seed(content))
    }

    /// Plays another client acting between two calls of yours: the secret is put into the
    /// default model (as [`TestController::insert_secret`] does) just before the next request
    /// for `method` (such as `CreateSecrets`) is handled, on any connection. For testing races.
    ///
    /// ```
    /// use juju_secrets::{testing::TestController, Client, ErrorKind, NewSecret, SecretContent};
    /// let controller = TestController::start()?;
    /// controller.insert_secret_before_next("CreateSecrets", "db-creds", &[("password", b"theirs".as_slice())]);
    /// let mut client = Client::connect(&controller.connect_options())?;
    /// let mine = NewSecret::new("db-creds", SecretContent::from_pairs([("password", "mine")])?);
    /// let err = client.secrets().add(&mine).unwrap_err();
    /// assert_eq!(err.kind(), Some(ErrorKind::AlreadyExists));
    /// # Ok::<(), juju_secrets::Error>(())
    /// ```
    pub fn insert_secret_before_next(&self, method: &str, name: &str, content: &[(&str, &[u8])]) {
        self.server.shared.lock().pending.push(PendingSecret {
            method: method.to_owned(),
            model_uuid: self.model_uuid().to_owned(),
            name: name.to_owned(),
            data: seed(content),
        });
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

    /// The settings it runs with.
    pub(super) fn config(&self) -> &Config {
        &self.server.shared.config
    }

    /// The running server.
    pub(super) fn server(&self) -> &Server {
        &self.server
    }
}

impl TestControllerBuilder {
    /// Starts the controller; it is ready to accept connections when this returns.
    ///
    /// # Errors
    /// When the port cannot be bound or the certificates cannot be made.
    pub fn start(self) -> Result<TestController> {
        Ok(TestController {
            server: Server::start(self.into_config())?,
        })
    }
}

impl TestController {
    /// From now on, logins to model `uuid` fail with `redirection required` pointing at
    /// `target`: for redirect loops, where each controller must know the other's endpoint.
    pub fn redirect_model(&self, uuid: impl Into<String>, target: RedirectTarget) {
        self.config().roles.add_redirect(uuid.into(), target);
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

/// Seed content as the controller stores it: base64 by key.
fn seed(content: &[(&str, &[u8])]) -> BTreeMap<String, String> {
    content
        .iter()
        .map(|(key, value)| {
            (
                (*key).to_owned(),
                base64::engine::general_purpose::STANDARD.encode(value),
            )
        })
        .collect()
}
