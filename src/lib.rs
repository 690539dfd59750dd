//! Manage Juju *user secrets* from ordinary synchronous Rust programs and `build.rs` scripts.
//!
//! A [`Client`] opens one TLS websocket to a Juju controller's model endpoint, logs in, and sends
//! calls one at a time; [`SecretsApi`] turns each secret operation into one blocking function.
//! There is no async runtime and no background thread.
//!
//! # Quick start
//!
//! ```
//! # let controller = juju_secrets::testing::TestController::start()?;
//! # let options = controller.connect_options();
//! use juju_secrets::{Client, SecretContent, SecretRef, SecretUpdate};
//!
//! // Connect as the juju CLI would: Client::connect_juju_env()? (here: a test controller).
//! let mut client = Client::connect(&options)?;
//! let mut secrets = client.secrets();
//!
//! let content = SecretContent::from_args(&["user=app", "password=s3cr3t"])?;
//! let uri = secrets.add("db-creds", &content, Some("database credentials"))?;
//! secrets.grant(&SecretRef::name("db-creds"), &["mysql"])?;
//!
//! let password = secrets.get_value(&SecretRef::name("db-creds"), "password")?;
//! assert_eq!(password.as_str(), Some("s3cr3t"));
//!
//! let rotated = SecretContent::from_pairs([("user", "app"), ("password", "n3w")])?;
//! secrets.update(&uri.clone().into(), &SecretUpdate::new().content(rotated))?;
//! secrets.remove(&uri.into(), None)?;
//! # Ok::<(), juju_secrets::Error>(())
//! ```
//!
//! # Connecting
//!
//! - [`Client::connect_juju_env`] resolves the controller, model and account the way the `juju`
//!   CLI does: the client store in `$JUJU_DATA` (else `$XDG_DATA_HOME/juju`, else
//!   `~/.local/share/juju`), the controller from `JUJU_CONTROLLER` or `current-controller`, the
//!   model from `JUJU_MODEL` (`model`, `owner/model`, `controller:model`,
//!   `controller:owner/model`) or the controller's `current-model`. [`ClientStore`] does the same
//!   for names you choose.
//! - [`ConnectOptions::builder`] takes explicit endpoints, model UUID, user, password and CA.
//!
//! Endpoints are tried in order within the connect timeout. TLS trusts exactly the controller's
//! CA certificate and checks the name `juju-apiserver`, as Juju's own clients do. Logging in with
//! macaroons (external users) is not supported yet: use a local user with a password.
//!
//! # Errors
//!
//! Every function returns [`Error`], one enum by layer. Anything the controller would refuse
//! (bad keys, oversize values, a revision of 0, an update that changes nothing, a write to a
//! controller older than Juju 3.3) is refused before any I/O. An error the controller sends keeps
//! its message and code in [`ApiError`]; match on [`ErrorCode`] rather than on strings. Bulk
//! operations return one result per item, so one failure never hides the others' success.
//!
//! # Security
//!
//! - Passwords ([`Password`]) and secret values ([`SecretValue`]) are zeroed when dropped and
//!   print `***` in `Debug` and `Display`. No log record and no error message carries them.
//! - TLS is always verified. Plain websockets need
//!   [`ConnectOptionsBuilder::insecure_plain_websocket`] and log a warning.
//!
//! # Logging
//!
//! Through the `log` crate: `debug` for connecting, login, closing and each call's
//! `Facade(version).Method` and request id; `trace` for message sizes; `warn` for something you
//! should fix (an insecure connection, a connection that became unusable). Parameters of calls are
//! never logged.
//!
//! # Features
//!
//! - `testing`: [`testing::TestController`], a Juju API server on loopback with Juju's secret
//!   semantics, for testing programs built on this crate without a Juju controller.
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
