//! What a test controller is set up with: the builder's settings and the models it serves.

use super::access::User;
use super::certs::CertSpec;
use super::faults::Fault;
use super::jaas::Jaas;
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
}
