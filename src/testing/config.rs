//! What a test controller is set up with: the builder's settings and the models it serves.

use super::access::User;
use super::certs::CertSpec;
use super::faults::Fault;
use super::jaas::Jaas;
use super::profile::{version_number, Profile};
use super::roles::Roles;
use crate::credentials::Password;

/// One model the test controller serves.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TestModel {
    /// The model's short name, such as `default`.
    pub name: String,
    /// The model's UUID.
    pub uuid: String,
}

/// A controller's settings, made by [`TestControllerBuilder`](super::TestControllerBuilder).
#[derive(Clone, Debug)]
pub(crate) struct Config {
    pub user: String,
    /// Debug prints `***`.
    pub password: Password,
    pub controller_name: String,
    pub controller_uuid: String,
    pub models: Vec<TestModel>,
    pub secrets_versions: Vec<u32>,
    pub applications: Vec<String>,
    pub long_secret_ids: bool,
    pub server_version: String,
    pub plain: bool,
    pub port: u16,
    pub cert: CertSpec,
    pub fault: Option<Fault>,
    pub roles: Roles,
    /// Users besides `user`, with their model access.
    pub users: Vec<User>,
    /// Set: log users in as JAAS does.
    pub jaas: Option<Jaas>,
    /// `LoginResult.public-dns-name`, and `public-hostname` in client stores.
    pub public_dns_name: Option<String>,
    /// The Juju release played (see `profile.rs` for what depends on it).
    pub profile: Profile,
    /// `None`: the profile's.
    pub model_manager_versions: Option<Vec<u32>>,
    /// Model owners other than `user`, by model UUID.
    pub model_owners: Vec<(String, String)>,
}

impl Config {
    /// Who owns the model `uuid`: the user unless the builder said otherwise.
    pub(crate) fn model_owner(&self, uuid: &str) -> &str {
        self.model_owners
            .iter()
            .find(|(model, _)| model == uuid)
            .map_or(self.user.as_str(), |(_, owner)| owner.as_str())
    }
}

// What depends on the release played (see profile.rs).
impl Config {
    /// Whether the controller plays Juju 4.
    pub(crate) fn juju4(&self) -> bool {
        self.profile == Profile::Juju4
    }

    /// Juju 4.0.0 lists every secret whatever name is asked for (`// TODO(secrets) - use all
    /// filter terms` in domain/secret/state before juju/juju#21327).
    pub(crate) fn ignores_label_filter(&self) -> bool {
        self.juju4() && matches!(version_number(&self.server_version), Some((4, 0, 0)))
    }

    /// Juju 4.0.0 to 4.0.5 list model owners normalised (reverted by juju/juju#22036).
    pub(crate) fn normalises_qualifiers(&self) -> bool {
        self.juju4() && matches!(version_number(&self.server_version), Some((4, 0, 0..=5)))
    }

    /// The `ModelManager` versions offered.
    pub(crate) fn model_manager_versions(&self) -> Vec<u32> {
        self.model_manager_versions
            .clone()
            .unwrap_or_else(|| self.profile.model_manager_versions().to_vec())
    }

    /// A time as the release played writes it in JSON.
    pub(crate) fn go_time(&self, time: time::OffsetDateTime) -> String {
        self.profile.go_time(time)
    }
}
