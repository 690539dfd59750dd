//! The files of the juju client store, as `jujuclient` writes them (`controllers.yaml`,
//! `accounts.yaml`, `models.yaml`), and reading them: capped in size, zeroed when they may hold
//! credentials, and read again once when a parse fails (Juju may be rewriting them).

use std::collections::BTreeMap;
use std::io;
use std::path::Path;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use zeroize::Zeroizing;

use crate::credentials::{Password, SessionToken};
use crate::error::{Error, Result};
use crate::files;

/// The largest client store file read: thousands of models fit in a few megabytes.
pub(crate) const MAX_STORE_FILE_BYTES: usize = 16 << 20;

#[derive(Default, Deserialize)]
#[serde(default, rename_all = "kebab-case")]
pub(super) struct ControllersFile {
    pub controllers: BTreeMap<String, Controller>,
    pub current_controller: Option<String>,
}

/// `jujuclient.ControllerDetails`, the keys this crate uses.
#[derive(Default, Deserialize)]
#[serde(default, rename_all = "kebab-case")]
pub(super) struct Controller {
    pub uuid: Option<String>,
    pub api_endpoints: Vec<String>,
    pub ca_cert: Option<String>,
    pub public_hostname: Option<String>,
    /// Users log in through OIDC (JAAS): with a session token, or client credentials.
    pub oidc_login: bool,
    /// How the `juju` CLI reaches a Kubernetes controller: a port-forward it opens itself.
    pub proxy_config: Option<ProxyConfig>,
}

/// `proxy-config`: `{type: kubernetes-port-forward, config: {namespace, service, remote-port,
/// api-host, ca-cert, service-account-token}}` (`internal/proxy/kubernetes`).
#[derive(Default, Deserialize)]
#[serde(default)]
pub(super) struct ProxyConfig {
    #[serde(rename = "type")]
    pub kind: String,
    pub config: BTreeMap<String, serde_yaml_ng::Value>,
}

impl ProxyConfig {
    /// A text setting of the proxy, such as `namespace` (numbers are written as text).
    pub fn setting(&self, key: &str) -> Option<String> {
        match self.config.get(key)? {
            serde_yaml_ng::Value::String(s) if !s.is_empty() => Some(s.clone()),
            serde_yaml_ng::Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    }
}

#[derive(Default, Deserialize)]
#[serde(default)]
pub(super) struct AccountsFile {
    pub controllers: BTreeMap<String, Account>,
}

/// `jujuclient.AccountDetails`: a local user's password, or the session token of an OIDC
/// login (`type: oauth2-device`, the token under `access-token`, as canonical/jimm's CI writes
/// it).
#[derive(Default, Deserialize)]
#[serde(default, rename_all = "kebab-case")]
pub(super) struct Account {
    pub user: String,
    #[serde(deserialize_with = "password")]
    pub password: Option<Password>,
    #[serde(deserialize_with = "session_token")]
    pub access_token: Option<SessionToken>,
}

#[derive(Default, Deserialize)]
#[serde(default)]
pub(super) struct ModelsFile {
    pub controllers: BTreeMap<String, ControllerModels>,
}

#[derive(Default, Deserialize)]
#[serde(default, rename_all = "kebab-case")]
pub(super) struct ControllerModels {
    pub models: BTreeMap<String, Model>,
    pub current_model: Option<String>,
}

#[derive(Default, Deserialize)]
#[serde(default)]
pub(super) struct Model {
    pub uuid: String,
}

/// Moves the password straight into a zeroing [`Password`]; an empty one counts as none.
fn password<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Password>, D::Error> {
    let raw = Option::<String>::deserialize(d)?;
    Ok(raw.filter(|p| !p.is_empty()).map(Password::new))
}

/// Moves a session token straight into a zeroing [`SessionToken`]; an empty one counts as none.
fn session_token<'de, D: Deserializer<'de>>(d: D) -> Result<Option<SessionToken>, D::Error> {
    let raw = Option::<String>::deserialize(d)?;
    Ok(raw.filter(|t| !t.is_empty()).map(SessionToken::new))
}

/// The current controller from the file early Juju 2 clients kept it in.
pub(super) fn current_controller_file(path: &Path) -> Result<Option<String>> {
    let text = read_optional(path)?;
    Ok(text
        .map(|t| String::from_utf8_lossy(&t).trim().to_owned())
        .filter(|t| !t.is_empty()))
}

/// Reads and parses `path`; `None` when it does not exist. `secret` files (accounts.yaml) never
/// have their text quoted in errors.
pub(super) fn load<T: DeserializeOwned + Default>(path: &Path, secret: bool) -> Result<Option<T>> {
    parse_with_retry(path, secret, || read_optional(path))
}

/// Juju rewrites these files while we may be reading them, so a parse error gets one re-read.
pub(super) fn parse_with_retry<T, F>(path: &Path, secret: bool, mut read: F) -> Result<Option<T>>
where
    T: DeserializeOwned + Default,
    F: FnMut() -> Result<Option<Zeroizing<Vec<u8>>>>,
{
    let Some(text) = read()? else { return Ok(None) };
    if let Ok(value) = parse(&text) {
        return Ok(Some(value));
    }
    let Some(text) = read()? else { return Ok(None) };
    parse(&text)
        .map(Some)
        .map_err(|e| malformed(path, &e, secret))
}

fn parse<T: DeserializeOwned + Default>(text: &[u8]) -> Result<T, serde_yaml_ng::Error> {
    if text.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    serde_yaml_ng::from_slice(text)
}

/// The text is zeroed on drop because accounts.yaml holds passwords.
fn read_optional(path: &Path) -> Result<Option<Zeroizing<Vec<u8>>>> {
    match files::read_capped(path, MAX_STORE_FILE_BYTES) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::Config(format!(
            "cannot read {}: {e}",
            path.display()
        ))),
    }
}

/// A parse error can quote the offending value, which in a secret file may be a password.
fn malformed(path: &Path, e: &serde_yaml_ng::Error, secret: bool) -> Error {
    let detail = match (secret, e.location()) {
        (false, _) => e.to_string(),
        (true, Some(at)) => format!(
            "error at line {} column {} (details hidden: the file holds passwords)",
            at.line(),
            at.column()
        ),
        (true, None) => "details hidden: the file holds passwords".to_owned(),
    };
    Error::Config(format!("malformed {}: {detail}", path.display()))
}
