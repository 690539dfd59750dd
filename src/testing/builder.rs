//! The settings of a test controller, before it starts: [`TestControllerBuilder`]. Starting it
//! (`TestControllerBuilder::start`) is in `controller.rs`, next to what it makes.

use std::time::Duration;

use serde_json::Value;

use super::certs::CertSpec;
use super::config::{Config, TestModel};
use super::faults::Fault;
use super::profile::Profile;
use super::roles::{RedirectTarget, Roles};
use crate::credentials::Password;

/// Settings of a [`TestController`](super::TestController), with defaults that need no changing
/// for most tests.
#[derive(Clone, Debug)]
pub struct TestControllerBuilder {
    pub(super) config: Config,
    /// Whether `user` was called: [`jaas`](Self::jaas) then keeps that user.
    pub(super) user_set: bool,
    /// Whether `server_version` was set, so that `profile` leaves it alone.
    version_set: bool,
}

impl Default for TestControllerBuilder {
    fn default() -> Self {
        TestControllerBuilder {
            config: Config {
                user: "admin".into(),
                password: Password::new("test-controller-password"),
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
                roles: Roles::default(),
                users: Vec::new(),
                jaas: None,
                public_dns_name: None,
                profile: Profile::Juju36,
                model_manager_versions: None,
                model_owners: Vec::new(),
            },
            user_set: false,
            version_set: false,
        }
    }
}

impl TestControllerBuilder {
    /// The user that may log in, who owns the models. Defaults to `admin`, or
    /// `alice@canonical.com` in [JAAS mode](Self::jaas).
    pub fn user(mut self, user: impl Into<String>) -> Self {
        self.config.user = user.into();
        self.user_set = true;
        self
    }

    /// That user's password. Defaults to `test-controller-password`.
    pub fn password(mut self, password: impl Into<String>) -> Self {
        self.config.password = Password::new(password);
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

    /// Adds a model with the UUID given: to serve a model migrated from another test
    /// controller (see [`redirect_model`](Self::redirect_model)) under its own UUID.
    pub fn model_with_uuid(mut self, name: impl Into<String>, uuid: impl Into<String>) -> Self {
        self.config.models.push(TestModel {
            name: name.into(),
            uuid: uuid.into(),
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

    /// The Juju version reported at login (`LoginResult.server-version`, and the agent
    /// version of models and client stores), whatever [`profile`](Self::profile) is played.
    /// With [`Profile::Juju4`], choose a 4.0.x release to play its own quirks: `4.0.0` ignores
    /// the name filter of `ListSecrets`, `4.0.0` to `4.0.5` list model owners normalised (see
    /// [`Profile`]). Defaults to the profile's version: `3.6.4`, or `4.0.16` for Juju 4.
    ///
    /// ```
    /// use juju_secrets::testing::{Profile, TestController};
    /// use juju_secrets::{Client, ListOptions, NewSecret, SecretContent};
    /// let controller = TestController::builder()
    ///     .profile(Profile::Juju4)
    ///     .server_version("4.0.0")
    ///     .start()?;
    /// controller.insert_secret("first", &[("token", b"1".as_slice())]);
    /// controller.insert_secret("second", &[("token", b"2".as_slice())]);
    /// let mut client = Client::connect(&controller.connect_options())?;
    /// // Juju 4.0.0 answers a list by name with every secret; the client keeps the one named.
    /// let listed = client.secrets().list(&ListOptions::new().secret("second"))?;
    /// assert_eq!(listed.len(), 1);
    /// assert_eq!(listed[0].name.as_deref(), Some("second"));
    /// # Ok::<(), juju_secrets::Error>(())
    /// ```
    pub fn server_version(mut self, version: impl Into<String>) -> Self {
        self.config.server_version = version.into();
        self.version_set = true;
        self
    }

    /// The Juju release to play: its `Secrets` semantics and error texts, its `ModelManager`
    /// versions and model lists, how it writes times, and (unless
    /// [`server_version`](Self::server_version) says otherwise, in either order) the version
    /// it reports. See [`Profile`]. Defaults to [`Profile::Juju36`].
    ///
    /// ```
    /// use juju_secrets::testing::{Profile, TestController};
    /// use juju_secrets::{Client, NewSecret, SecretContent, ShowOptions};
    /// let controller = TestController::builder().profile(Profile::Juju4).start()?;
    /// let mut client = Client::connect(&controller.connect_options())?;
    /// let content = SecretContent::from_pairs([("token", "t0ken")])?;
    /// client.secrets().add(&NewSecret::new("api-token", content))?;
    /// let info = client.secrets().show("api-token", &ShowOptions::new())?;
    /// // Juju 4 keeps nanoseconds, where 3.6 rounds to the second.
    /// assert!(info.created.unwrap().contains('.'));
    /// # Ok::<(), juju_secrets::Error>(())
    /// ```
    pub fn profile(mut self, profile: Profile) -> Self {
        self.config.profile = profile;
        if !self.version_set {
            self.config.server_version = profile.default_server_version().into();
        }
        self
    }

    /// The `ModelManager` versions offered on controller connections, so that a test can make
    /// a client use one of them (`[9]`, `[10]` or `[11]`). Defaults to the profile's: `[9, 10]`
    /// for Juju 3.6, `[10, 11]` for Juju 4.
    pub fn model_manager_versions(mut self, versions: &[u32]) -> Self {
        self.config.model_manager_versions = Some(versions.to_vec());
        self
    }

    /// Adds a model (short name) owned by `owner`, a user such as `bob@external`, with a new
    /// UUID. `ModelManager` reports the owner (as `owner-tag`, or `qualifier` on v11, as
    /// the profile and version write it) and lists the model to the controller's user and to
    /// `owner`; client stores the controller writes still list it under the controller's user.
    ///
    /// ```
    /// use juju_secrets::testing::TestController;
    /// use juju_secrets::{Client, ConnectOptions};
    /// let controller = TestController::builder().model("default").model_owned_by("dev", "bob@external").start()?;
    /// let options = ConnectOptions::builder()
    ///     .endpoint(controller.endpoint())
    ///     .ca_cert(controller.ca_cert().unwrap())
    ///     .user(controller.user())
    ///     .password(controller.password())
    ///     .model_name("bob@external/dev")
    ///     .build()?;
    /// let client = Client::connect(&options)?;
    /// assert_eq!(client.login_info().model_uuid(), controller.models()[1].uuid);
    /// # Ok::<(), juju_secrets::Error>(())
    /// ```
    pub fn model_owned_by(mut self, name: impl Into<String>, owner: impl Into<String>) -> Self {
        self = self.model(name);
        if let Some(model) = self.config.models.last() {
            let uuid = model.uuid.clone();
            self.config.model_owners.push((uuid, owner.into()));
        }
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

    /// The settings to start with: with no model added, one named `default`.
    pub(super) fn into_config(mut self) -> Config {
        if self.config.models.is_empty() {
            self = self.model("default");
        }
        self.config
    }
}

// The roles of roles.rs, for connection tests.
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
    /// See also [`TestController::redirect_model`](super::TestController::redirect_model).
    /// Defaults to none.
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

/// A random version 4 UUID.
fn new_uuid() -> String {
    uuid::Uuid::new_v4().to_string()
}
