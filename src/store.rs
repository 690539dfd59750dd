//! The juju client store (`$JUJU_DATA`): controllers.yaml, accounts.yaml, models.yaml, resolved the
//! way the `juju` CLI resolves a controller and model.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::macaroons;
use crate::options::{ConnectOptions, ConnectOptionsBuilder, Password};

const CONTROLLERS: &str = "controllers.yaml";
const ACCOUNTS: &str = "accounts.yaml";
const MODELS: &str = "models.yaml";
/// The directory of the per-controller macaroon cookie jars, `cookies/<controller>.json`.
const COOKIES: &str = "cookies";
/// Early Juju 2 clients kept the current controller in this file instead of controllers.yaml.
const CURRENT_CONTROLLER: &str = "current-controller";

#[derive(Default, Deserialize)]
#[serde(default, rename_all = "kebab-case")]
struct ControllersFile {
    controllers: BTreeMap<String, Controller>,
    current_controller: Option<String>,
}

#[derive(Default, Deserialize)]
#[serde(default, rename_all = "kebab-case")]
struct Controller {
    uuid: Option<String>,
    api_endpoints: Vec<String>,
    ca_cert: Option<String>,
    public_hostname: Option<String>,
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct AccountsFile {
    controllers: BTreeMap<String, Account>,
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct Account {
    user: String,
    #[serde(deserialize_with = "password")]
    password: Option<Password>,
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct ModelsFile {
    controllers: BTreeMap<String, ControllerModels>,
}

#[derive(Default, Deserialize)]
#[serde(default, rename_all = "kebab-case")]
struct ControllerModels {
    models: BTreeMap<String, Model>,
    current_model: Option<String>,
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct Model {
    uuid: String,
}

/// Moves the password straight into a zeroing [`Password`]; an empty one counts as none.
fn password<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Password>, D::Error> {
    let raw = Option::<String>::deserialize(d)?;
    Ok(raw.filter(|p| !p.is_empty()).map(Password::new))
}

/// The `juju` CLI's client store: the controllers, accounts and models of one directory, read once
/// when opened.
///
/// `Debug` prints the directory, controller names and user names, never a password.
pub struct ClientStore {
    dir: PathBuf,
    controllers: BTreeMap<String, Controller>,
    current_controller: Option<String>,
    accounts: BTreeMap<String, Account>,
    models: BTreeMap<String, ControllerModels>,
}

impl ClientStore {
    /// Opens the store the `juju` CLI uses: `$JUJU_DATA`, else `$XDG_DATA_HOME/juju`, else
    /// `$HOME/.local/share/juju`. Empty variables count as unset.
    ///
    /// # Errors
    /// [`Error::Config`] when none of these variables is set, or as for [`ClientStore::open`].
    pub fn from_env() -> Result<ClientStore> {
        let var = |name| std::env::var_os(name);
        ClientStore::open(store_dir(
            var("JUJU_DATA"),
            var("XDG_DATA_HOME"),
            var("HOME"),
        )?)
    }

    /// Reads the store in `dir`. `controllers.yaml` must exist; a missing `accounts.yaml` or
    /// `models.yaml` means no accounts or no models yet.
    ///
    /// ```
    /// use juju_secrets::ClientStore;
    /// # let dir = std::env::temp_dir().join(format!("juju-secrets-doc-open-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir)?;
    /// std::fs::write(dir.join("controllers.yaml"), r#"
    /// controllers:
    ///   prod: {api-endpoints: ['10.0.0.2:17070'], ca-cert: "-----BEGIN CERTIFICATE-----"}
    ///   test: {api-endpoints: ['127.0.0.1:17070']}
    /// current-controller: prod
    /// "#)?;
    /// let store = ClientStore::open(&dir)?;
    /// assert_eq!(store.controller_names(), ["prod", "test"]);
    /// assert_eq!(store.current_controller(), Some("prod"));
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Config`] when `dir` or its `controllers.yaml` does not exist, or a file cannot be
    /// read or is malformed (even after one re-read, as Juju may be rewriting it).
    pub fn open(dir: impl AsRef<Path>) -> Result<ClientStore> {
        let dir = dir.as_ref().to_path_buf();
        let no_store = |why: &str| {
            Error::Config(format!(
                "no juju client store at {}{why}: run `juju bootstrap` or `juju login`, or set JUJU_DATA",
                dir.display()
            ))
        };
        if !dir.is_dir() {
            return Err(no_store(""));
        }
        let file: ControllersFile = load(&dir.join(CONTROLLERS), false)?
            .ok_or_else(|| no_store(" (no controllers.yaml)"))?;
        let accounts: AccountsFile = load(&dir.join(ACCOUNTS), true)?.unwrap_or_default();
        let models: ModelsFile = load(&dir.join(MODELS), false)?.unwrap_or_default();
        let current_controller = match non_empty(file.current_controller) {
            Some(name) => Some(name),
            None => current_controller_file(&dir)?,
        };
        Ok(ClientStore {
            dir,
            controllers: file.controllers,
            current_controller,
            accounts: accounts.controllers,
            models: models.controllers,
        })
    }

    /// The store's directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The names of the known controllers, sorted.
    pub fn controller_names(&self) -> Vec<String> {
        self.controllers.keys().cloned().collect()
    }

    /// The controller `juju switch` selected, if any.
    pub fn current_controller(&self) -> Option<&str> {
        self.current_controller.as_deref()
    }

    /// Settings for one model, chosen as the `juju` CLI chooses it.
    ///
    /// `controller` is a controller name, or `None` for the current controller. `model` is `None`
    /// for that controller's current model, or one of `model`, `owner/model`, `controller:model`,
    /// `controller:owner/model`, or a model UUID (or a prefix of at least 6 characters of one).
    /// A `controller:` prefix wins over `controller`; a model without an owner belongs to the
    /// controller account's user.
    ///
    /// A full model UUID that `models.yaml` does not list is used as it is. A model name it does
    /// not list (a model created or shared since the CLI last refreshed the file) gives settings
    /// with that name and no UUID: [`Client::connect`](crate::Client::connect) then looks the
    /// name up on the controller, and fails listing the models there when it is unknown.
    ///
    /// An account with a password logs in with it. An account without one (an external user,
    /// such as `bob@external`) logs in with the macaroons `juju login` saved in
    /// `cookies/<controller>.json`; expired ones are left out, and when none is left the
    /// controller asks for a discharge ([`Error::DischargeRequired`]: run `juju login`).
    ///
    /// ```
    /// use juju_secrets::ClientStore;
    /// # let dir = std::env::temp_dir().join(format!("juju-secrets-doc-resolve-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// # std::fs::write(dir.join("controllers.yaml"),
    /// #     "controllers:\n  prod: {api-endpoints: ['10.0.0.2:17070']}\ncurrent-controller: prod\n")?;
    /// # std::fs::write(dir.join("accounts.yaml"),
    /// #     "controllers:\n  prod: {user: admin, password: s3cr3t}\n")?;
    /// # std::fs::write(dir.join("models.yaml"), "controllers:\n  prod:\n    models:\n      \
    /// #     admin/default: {uuid: 8f5a1b2c-3d4e-4f60-8a1b-2c3d4e5f6a7b}\n    current-model: admin/default\n")?;
    /// let store = ClientStore::open(&dir)?;
    /// let options = store.resolve(None, Some("prod:default"))?;
    /// assert_eq!(options.model_uuid(), "8f5a1b2c-3d4e-4f60-8a1b-2c3d4e5f6a7b");
    /// assert_eq!(options.model_name(), Some("admin/default"));
    /// assert_eq!(options.endpoints(), ["10.0.0.2:17070"]);
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Config`] saying what to do when there is no current controller or model, the
    /// controller is unknown (listing the known ones), a UUID prefix matches several models, the
    /// controller has no account, or its cookie jar cannot be read.
    pub fn resolve(&self, controller: Option<&str>, model: Option<&str>) -> Result<ConnectOptions> {
        let (prefix, model) = split_model_arg(model);
        let name = self.pick_controller(prefix.or(non_empty_str(controller)))?;
        let entry = self.controller(name)?;
        let (model_name, uuid) = self.model(name, self.user(name)?, model)?;
        if entry.api_endpoints.is_empty() {
            return Err(self.config(
                CONTROLLERS,
                format!("controller {name:?} has no api-endpoints"),
            ));
        }
        let mut builder = self
            .credentials(name, entry)?
            .endpoints(entry.api_endpoints.iter().cloned())
            .model_uuid(uuid)
            .controller_name(name);
        if let Some(model_name) = model_name {
            builder = builder.model_name(model_name);
        }
        if let Some(ca) = entry.ca_cert.as_deref().filter(|c| !c.trim().is_empty()) {
            builder = builder.ca_cert(ca);
        }
        if let Some(host) = entry.public_hostname.as_deref().filter(|h| !h.is_empty()) {
            builder = builder.server_name(host);
        }
        builder.build().map_err(|e| match e {
            Error::Config(m) => self.config(CONTROLLERS, format!("controller {name:?}: {m}")),
            other => other,
        })
    }

    /// Resolves as the `juju` CLI does: the controller from `JUJU_CONTROLLER`, the model from
    /// `model` (what `-m` gives the CLI) or else `JUJU_MODEL`; empty variables count as unset.
    ///
    /// # Errors
    /// As [`ClientStore::resolve`]; also when a variable is not valid UTF-8.
    pub fn resolve_env(&self, model: Option<&str>) -> Result<ConnectOptions> {
        let controller = env_value("JUJU_CONTROLLER", std::env::var_os("JUJU_CONTROLLER"))?;
        let model = match model {
            Some(model) => Some(model.to_owned()),
            None => env_value("JUJU_MODEL", std::env::var_os("JUJU_MODEL"))?,
        };
        self.resolve(controller.as_deref(), model.as_deref())
    }

    fn pick_controller<'a>(&'a self, wanted: Option<&'a str>) -> Result<&'a str> {
        if let Some(name) = wanted.or(self.current_controller()) {
            return Ok(name);
        }
        if self.controllers.is_empty() {
            return Err(self.config(
                CONTROLLERS,
                "no controllers: run `juju bootstrap` or `juju login`",
            ));
        }
        Err(self.config(
            CONTROLLERS,
            format!(
                "no current controller (known: {}): run `juju switch <controller>` or set JUJU_CONTROLLER",
                list(self.controllers.keys())
            ),
        ))
    }

    fn controller(&self, name: &str) -> Result<&Controller> {
        self.controllers.get(name).ok_or_else(|| {
            let known = list(self.controllers.keys());
            self.config(
                CONTROLLERS,
                format!("unknown controller {name:?} (known: {known})"),
            )
        })
    }

    fn account(&self, controller: &str) -> Result<&Account> {
        let account = self.accounts.get(controller).filter(|a| !a.user.is_empty());
        account.ok_or_else(|| {
            self.config(
                ACCOUNTS,
                format!(
                    "no account for controller {controller:?}: run `juju login -c {controller}`"
                ),
            )
        })
    }

    fn user(&self, controller: &str) -> Result<&str> {
        Ok(&self.account(controller)?.user)
    }

    /// A builder with the account's user and its password, or else the macaroons of the
    /// controller's cookie jar.
    fn credentials(&self, name: &str, controller: &Controller) -> Result<ConnectOptionsBuilder> {
        let account = self.account(name)?;
        let builder = ConnectOptions::builder().user(&account.user);
        if let Some(password) = &account.password {
            return Ok(builder.password(password.clone()));
        }
        let jar = self.dir.join(COOKIES).join(format!("{name}.json"));
        let slices = macaroons::load_jar(&jar, &cookie_hosts(controller))?;
        log::debug!(
            "{} macaroon slices for {} from {}",
            slices.len(),
            account.user,
            jar.display()
        );
        Ok(builder.macaroons(slices))
    }

    /// Finds a model by qualified name, then by UUID prefix, as `juju -m` does: its name and
    /// UUID. A full UUID not listed is `(None, uuid)`; a name not listed is `(Some(name), "")`,
    /// to be looked up on the controller.
    fn model(
        &self,
        controller: &str,
        user: &str,
        wanted: Option<&str>,
    ) -> Result<(Option<String>, String)> {
        let entry = self.models.get(controller);
        let current = entry.and_then(|e| non_empty_str(e.current_model.as_deref()));
        let Some(wanted) = wanted.or(current) else {
            return Err(self.config(
                MODELS,
                format!(
                    "controller {controller:?} has no current model: run \
                     `juju switch {controller}:<model>`, set JUJU_MODEL, or name a model"
                ),
            ));
        };
        let empty = BTreeMap::new();
        let models = entry.map_or(&empty, |e| &e.models);
        let qualified = qualify(wanted, user);
        let hits: Vec<(&String, &Model)> = match models.get_key_value(&qualified) {
            Some(hit) => vec![hit],
            // Like the CLI, only try UUID prefixes of 6 characters or more.
            None if wanted.len() > 5 => models
                .iter()
                .filter(|(_, m)| m.uuid.starts_with(wanted))
                .collect(),
            None => Vec::new(),
        };
        let message = match hits.as_slice() {
            [(name, m)] if !m.uuid.is_empty() => {
                return Ok((Some((*name).clone()), m.uuid.clone()))
            }
            [(name, _)] => format!(
                "model {name:?} of controller {controller:?} has no uuid: run `juju models -c {controller}`"
            ),
            [] if is_uuid(wanted) => return Ok((None, wanted.to_owned())),
            [] => {
                log::debug!("model {qualified:?} is not in {MODELS}: to look up on {controller:?}");
                return Ok((Some(qualified), String::new()));
            }
            _ => format!("{wanted:?} matches several model UUIDs on controller {controller:?}; give more of it"),
        };
        Err(self.config(MODELS, message))
    }

    fn config(&self, file: &str, message: impl fmt::Display) -> Error {
        Error::Config(format!("{}: {message}", self.dir.join(file).display()))
    }
}

impl fmt::Debug for ClientStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let users: BTreeMap<&str, &str> = self
            .accounts
            .iter()
            .map(|(c, a)| (c.as_str(), a.user.as_str()))
            .collect();
        f.debug_struct("ClientStore")
            .field("dir", &self.dir)
            .field("current_controller", &self.current_controller)
            .field("controllers", &self.controllers.keys().collect::<Vec<_>>())
            .field("users", &users)
            .finish_non_exhaustive()
    }
}

/// The store directory from `JUJU_DATA`, `XDG_DATA_HOME` and `HOME`, empty meaning unset.
fn store_dir(
    juju_data: Option<OsString>,
    xdg: Option<OsString>,
    home: Option<OsString>,
) -> Result<PathBuf> {
    let set = |v: Option<OsString>| v.filter(|v| !v.is_empty()).map(PathBuf::from);
    if let Some(dir) = set(juju_data) {
        return Ok(dir);
    }
    if let Some(xdg) = set(xdg) {
        return Ok(xdg.join("juju"));
    }
    set(home)
        .map(|home| home.join(".local").join("share").join("juju"))
        .ok_or_else(|| {
            Error::Config(
                "cannot find the juju client store: HOME is not set; set JUJU_DATA".into(),
            )
        })
}

fn env_value(name: &str, value: Option<OsString>) -> Result<Option<String>> {
    let value = value.filter(|v| !v.is_empty());
    value
        .map(|v| {
            v.into_string()
                .map_err(|_| Error::Config(format!("{name} is not valid UTF-8")))
        })
        .transpose()
}

/// Splits `[controller:]model` at the first `:`, as the CLI does; empty parts count as absent.
fn split_model_arg(model: Option<&str>) -> (Option<&str>, Option<&str>) {
    match model.map(|m| m.split_once(':')) {
        Some(Some((controller, model))) => {
            (non_empty_str(Some(controller)), non_empty_str(Some(model)))
        }
        Some(None) => (None, non_empty_str(model)),
        None => (None, None),
    }
}

/// `owner/model` with a canonical owner (`bob@local` is `bob`); a bare name gets the account's user.
pub(crate) fn qualify(model: &str, user: &str) -> String {
    let canonical = |u: &str| u.strip_suffix("@local").unwrap_or(u).to_owned();
    match model.split_once('/') {
        Some((owner, name)) => format!("{}/{name}", canonical(owner)),
        None => format!("{}/{model}", canonical(user)),
    }
}

/// Whether `s` is a whole UUID (`8-4-4-4-12` hex digits).
fn is_uuid(s: &str) -> bool {
    s.len() == 36
        && s.char_indices().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// The hosts a controller's macaroon cookies may be filed under: the Go client uses its public
/// host name or UUID (newer clients) or the endpoint it dialed (older ones).
fn cookie_hosts(controller: &Controller) -> Vec<String> {
    let mut hosts: Vec<String> = controller.uuid.iter().cloned().collect();
    hosts.extend(controller.public_hostname.iter().cloned());
    for endpoint in &controller.api_endpoints {
        let host = endpoint
            .rsplit_once(':')
            .map_or(endpoint.as_str(), |(h, _)| h);
        hosts.push(
            host.trim_start_matches('[')
                .trim_end_matches(']')
                .to_owned(),
        );
    }
    hosts.retain(|h| !h.is_empty());
    hosts
}

fn current_controller_file(dir: &Path) -> Result<Option<String>> {
    let text = read_optional(&dir.join(CURRENT_CONTROLLER))?;
    Ok(non_empty(text.map(|t| t.trim().to_owned())))
}

fn load<T: DeserializeOwned + Default>(path: &Path, secret: bool) -> Result<Option<T>> {
    parse_with_retry(path, secret, || read_optional(path))
}

/// Juju rewrites these files while we may be reading them, so a parse error gets one re-read.
fn parse_with_retry<T, F>(path: &Path, secret: bool, mut read: F) -> Result<Option<T>>
where
    T: DeserializeOwned + Default,
    F: FnMut() -> Result<Option<Zeroizing<String>>>,
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

fn parse<T: DeserializeOwned + Default>(text: &str) -> Result<T, serde_yaml_ng::Error> {
    if text.trim().is_empty() {
        return Ok(T::default());
    }
    serde_yaml_ng::from_str(text)
}

/// The text is zeroed on drop because accounts.yaml holds passwords.
fn read_optional(path: &Path) -> Result<Option<Zeroizing<String>>> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(Zeroizing::new(text))),
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

fn non_empty(s: Option<String>) -> Option<String> {
    s.filter(|s| !s.is_empty())
}

fn non_empty_str(s: Option<&str>) -> Option<&str> {
    s.filter(|s| !s.is_empty())
}

fn list<'a>(names: impl Iterator<Item = &'a String>) -> String {
    let names: Vec<&str> = names.map(String::as_str).collect();
    if names.is_empty() {
        "none".to_owned()
    } else {
        names.join(", ")
    }
}

#[cfg(test)]
mod tests;
