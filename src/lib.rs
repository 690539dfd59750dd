//! Blocking Rust client for Juju user secrets.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod error;
mod options;
mod store;

pub use error::{ApiError, Error, ErrorCode, Result};
pub use options::{ConnectOptions, ConnectOptionsBuilder, Password, JUJU_SERVER_NAME};
pub use store::ClientStore;
