//! The juju client store (`$JUJU_DATA`): controllers.yaml, accounts.yaml, models.yaml.

use crate::error::{Error, Result};
use crate::options::ConnectOptions;

/// The juju CLI's client store. (Placeholder: being written.)
#[derive(Debug)]
pub struct ClientStore {}

impl ClientStore {
    /// Opens the store named by `JUJU_DATA`, `XDG_DATA_HOME` or `HOME`.
    pub fn from_env() -> Result<ClientStore> {
        Err(Error::Config("not yet".into()))
    }

    pub(crate) fn resolve_from_env(&self) -> Result<ConnectOptions> {
        Err(Error::Config("not yet".into()))
    }
}
