//! Blocking Rust client for Juju user secrets.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod client;
mod error;
mod login;
mod options;
mod rpc;
mod secrets;
mod store;
mod transport;

#[cfg(feature = "testing")]
pub mod testing;

pub use client::Client;
pub use error::{ApiError, Error, ErrorCode, Result};
pub use login::{HostPort, LoginInfo, UserInfo};
pub use options::{ConnectOptions, ConnectOptionsBuilder, Password, JUJU_SERVER_NAME};
pub use secrets::{
    AccessGrant, NewSecret, RevisionInfo, SecretContent, SecretFilter, SecretInfo, SecretRef,
    SecretUpdate, SecretUri, SecretValue, SecretsApi, ShowOptions,
};
pub use store::ClientStore;
