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
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    const CONTROLLERS_YAML: &str = r#"
controllers:
  prod:
    uuid: 1c2d3e4f-0000-4000-8000-000000000001
    api-endpoints: ['10.0.0.2:17070', '10.0.0.3:17070']
    ca-cert: |
      -----BEGIN CERTIFICATE-----
      MIIBprod
      -----END CERTIFICATE-----
    cloud: lxd
    region: localhost
    type: lxd
    agent-version: 3.6.4
    public-hostname: ""
    dns-cache: {}
    controller-machine-count: 1
    proxy-config: {type: kubernetes-port-forward, config: {namespace: x}}
  staging:
    api-endpoints: ['[fd00::1]:17070']
    ca-cert: "-----BEGIN CERTIFICATE-----"
    public-hostname: juju.example.com
  macaroon:
    api-endpoints: ['10.0.0.9:17070']
  orphan:
    api-endpoints: ['10.0.0.8:17070']
current-controller: prod
"#;

    const ACCOUNTS_YAML: &str = r"
controllers:
  prod: {user: admin, password: hunter2-prod, last-known-access: superuser}
  staging: {user: bob, password: hunter2-staging, last-known-access: login}
  macaroon: {user: carol@external, last-known-access: login}
";

    const MODELS_YAML: &str = r"
controllers:
  prod:
    models:
      admin/default: {uuid: 8f5a1b2c-3d4e-4f60-8a1b-2c3d4e5f6a7b, type: iaas, branch: master}
      admin/other: {uuid: 8f5a1b2c-ffff-4f60-8a1b-000000000002, type: caas}
      alice/shared: {uuid: 0a0a0a0a-0000-4000-8000-000000000003, type: iaas}
    current-model: admin/default
  staging:
    models:
      bob/dev: {uuid: 5b5b5b5b-0000-4000-8000-000000000004, type: iaas}
";

    const DEFAULT_UUID: &str = "8f5a1b2c-3d4e-4f60-8a1b-2c3d4e5f6a7b";

    /// A unique directory under the system temp dir, removed on drop.
    struct TempDir(PathBuf);

    impl TempDir {
        fn new() -> TempDir {
            static NEXT: AtomicUsize = AtomicUsize::new(0);
            let n = NEXT.fetch_add(1, Ordering::Relaxed);
            let dir =
                std::env::temp_dir().join(format!("juju-secrets-store-{}-{n}", std::process::id()));
            std::fs::create_dir_all(&dir).unwrap();
            TempDir(dir)
        }

        fn write(&self, file: &str, text: &str) -> &TempDir {
            std::fs::write(self.0.join(file), text).unwrap();
            self
        }

        fn open(&self) -> Result<ClientStore> {
            ClientStore::open(&self.0)
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn standard() -> TempDir {
        let dir = TempDir::new();
        dir.write(CONTROLLERS, CONTROLLERS_YAML)
            .write(ACCOUNTS, ACCOUNTS_YAML)
            .write(MODELS, MODELS_YAML);
        dir
    }

    fn resolve(controller: Option<&str>, model: Option<&str>) -> Result<ConnectOptions> {
        standard().open().unwrap().resolve(controller, model)
    }

    /// The message of a `Config` error, checked to mention each part and no password.
    fn config_error<T>(result: Result<T>, parts: &[&str]) -> String {
        let message = match result {
            Err(Error::Config(message)) => message,
            Err(other) => panic!("expected a config error, got {other:?}"),
            Ok(_) => panic!("expected a config error, got success"),
        };
        assert!(!message.contains("hunter2"), "{message}");
        for part in parts {
            assert!(message.contains(part), "{message:?} lacks {part:?}");
        }
        message
    }

    #[test]
    fn defaults_to_current_controller_and_model() {
        let o = resolve(None, None).unwrap();
        assert_eq!(o.endpoints(), ["10.0.0.2:17070", "10.0.0.3:17070"]);
        assert_eq!(o.model_uuid(), DEFAULT_UUID);
        assert_eq!(o.user(), "admin");
        let password = o.password.as_ref().map(Password::expose);
        assert_eq!(password, Some("hunter2-prod"));
        assert!(o.ca_cert.as_deref().unwrap_or("").contains("MIIBprod"));
        assert_eq!(o.server_name, crate::options::JUJU_SERVER_NAME);
        assert_eq!(o.controller_name(), Some("prod"));
        assert_eq!(o.model_name(), Some("admin/default"));
    }

    #[test]
    fn every_model_name_form() {
        for form in [
            "default",
            "admin/default",
            "prod:default",
            "prod:admin/default",
            "admin@local/default",
            DEFAULT_UUID,
            "8f5a1b2c-3d4e",
            "prod:8f5a1b2c-3d4e-4f60-8a1b-2c3d4e5f6a7b",
            "prod:",
        ] {
            let o = resolve(None, Some(form)).unwrap();
            assert_eq!(o.model_uuid(), DEFAULT_UUID, "{form}");
            assert_eq!(o.model_name(), Some("admin/default"), "{form}");
        }
        let o = resolve(None, Some("alice/shared")).unwrap();
        assert_eq!(o.model_name(), Some("alice/shared"));
    }

    #[test]
    fn explicit_controller_and_prefix() {
        let o = resolve(Some("staging"), Some("dev")).unwrap();
        assert_eq!(o.model_name(), Some("bob/dev"));
        assert_eq!(o.user(), "bob");
        assert_eq!(o.endpoints(), ["[fd00::1]:17070"]);
        // A controller: prefix wins over the controller argument.
        let o = resolve(Some("prod"), Some("staging:bob/dev")).unwrap();
        assert_eq!(o.controller_name(), Some("staging"));
        let o = resolve(Some("prod"), None).unwrap();
        assert_eq!(o.model_uuid(), DEFAULT_UUID);
        let o = resolve(Some(""), Some("")).unwrap();
        assert_eq!(o.controller_name(), Some("prod"));
    }

    #[test]
    fn public_hostname_is_the_server_name() {
        let o = resolve(Some("staging"), Some("dev")).unwrap();
        assert_eq!(o.server_name, "juju.example.com");
        assert_eq!(o.ca_cert.as_deref(), Some("-----BEGIN CERTIFICATE-----"));
    }

    #[test]
    fn missing_store_and_controllers_file() {
        let dir = TempDir::new();
        let missing = ClientStore::open(dir.0.join("nope"));
        config_error(
            missing,
            &[
                "no juju client store at",
                "nope",
                "juju bootstrap",
                "JUJU_DATA",
            ],
        );
        config_error(dir.open(), &["no controllers.yaml"]);
    }

    #[test]
    fn no_current_controller_names_the_known_ones() {
        let dir = TempDir::new();
        dir.write(
            CONTROLLERS,
            &CONTROLLERS_YAML.replace("current-controller: prod", ""),
        );
        let parts = [
            "no current controller",
            "macaroon, orphan, prod, staging",
            "juju switch",
        ];
        let e = config_error(dir.open().unwrap().resolve(None, None), &parts);
        assert!(
            e.contains("JUJU_CONTROLLER") && e.contains(CONTROLLERS),
            "{e}"
        );
        dir.write(CONTROLLERS, "");
        config_error(dir.open().unwrap().resolve(None, None), &["no controllers"]);
    }

    #[test]
    fn current_controller_file_is_a_fallback() {
        let dir = standard();
        dir.write(
            CONTROLLERS,
            &CONTROLLERS_YAML.replace("current-controller: prod", ""),
        )
        .write(CURRENT_CONTROLLER, "staging\n");
        assert_eq!(dir.open().unwrap().current_controller(), Some("staging"));
        dir.write(CONTROLLERS, CONTROLLERS_YAML);
        assert_eq!(dir.open().unwrap().current_controller(), Some("prod"));
    }

    #[test]
    fn unknown_controller_lists_the_known_ones() {
        let parts = [
            "unknown controller \"nope\"",
            "macaroon, orphan, prod, staging",
        ];
        config_error(resolve(Some("nope"), None), &parts);
        config_error(resolve(None, Some("gone:default")), &["\"gone\""]);
    }

    #[test]
    fn unlisted_model_names_are_left_to_the_controller() {
        for (form, name) in [("missing", "admin/missing"), ("bob@local/x", "bob/x")] {
            let o = resolve(None, Some(form)).unwrap();
            assert_eq!(o.model_uuid(), "", "{form}");
            assert_eq!(o.model_name(), Some(name), "{form}");
        }
        config_error(resolve(None, Some("8f5a1b2c")), &["several model UUIDs"]);
        let dir = standard();
        std::fs::remove_file(dir.0.join(MODELS)).unwrap();
        let o = dir.open().unwrap().resolve(None, Some("default")).unwrap();
        assert_eq!(o.model_name(), Some("admin/default"));
        assert_eq!(o.model_uuid(), "");
    }

    #[test]
    fn unlisted_full_uuids_are_used_as_given() {
        let uuid = "5d3c1f0e-9a8b-4c7d-8e6f-5a4b3c2d1e0f";
        let o = resolve(None, Some(uuid)).unwrap();
        assert_eq!(o.model_uuid(), uuid);
        assert_eq!(o.model_name(), None);
        let o = resolve(None, Some(&format!("staging:{uuid}"))).unwrap();
        assert_eq!((o.model_uuid(), o.user()), (uuid, "bob"));
        assert!(is_uuid(DEFAULT_UUID));
        assert!(!is_uuid("8f5a1b2c-3d4e-4f60-8a1b-2c3d4e5f6a7g"));
        assert!(!is_uuid("8f5a1b2c-3d4e"));
    }

    #[test]
    fn no_current_model() {
        let parts = [
            "controller \"staging\" has no current model",
            "JUJU_MODEL",
            MODELS,
        ];
        config_error(resolve(Some("staging"), None), &parts);
    }

    #[test]
    fn account_errors() {
        let parts = [
            "no account for controller \"orphan\"",
            "juju login -c orphan",
            ACCOUNTS,
        ];
        config_error(resolve(Some("orphan"), Some("x")), &parts);
        let dir = standard();
        std::fs::remove_file(dir.0.join(ACCOUNTS)).unwrap();
        let store = dir.open().unwrap();
        config_error(
            store.resolve(None, None),
            &["no account for controller \"prod\""],
        );
    }

    #[test]
    fn accounts_without_a_password_log_in_with_the_cookie_jar() {
        let dir = standard();
        let o = dir
            .open()
            .unwrap()
            .resolve(Some("macaroon"), Some("x"))
            .unwrap();
        assert_eq!(o.user(), "carol@external");
        assert_eq!(o.password, None);
        assert_eq!(o.macaroons.as_ref().map(|m| m.0.len()), Some(0));

        let slice = serde_json::json!([{"identifier": "carol-root", "signature": "sig"}]);
        let value = base64::Engine::encode(
            &base64::engine::general_purpose::STANDARD,
            slice.to_string(),
        );
        let cookie = |name: &str, domain: &str, expires: &str| {
            serde_json::json!({"Name": name, "Value": value, "Domain": domain, "Path": "/",
                "Secure": false, "HttpOnly": false, "Persistent": true, "HostOnly": true,
                "Expires": expires, "Creation": "2025-01-01T00:00:00Z"})
        };
        let jar = serde_json::json!([
            cookie("macaroon-fresh", "10.0.0.9", "2999-01-01T00:00:00Z"),
            cookie("macaroon-stale", "10.0.0.9", "2001-01-01T00:00:00Z"),
            cookie("macaroon-elsewhere", "10.0.0.8", "2999-01-01T00:00:00Z"),
        ]);
        std::fs::create_dir_all(dir.0.join(COOKIES)).unwrap();
        dir.write("cookies/macaroon.json", &jar.to_string());
        let o = dir
            .open()
            .unwrap()
            .resolve(Some("macaroon"), Some("x"))
            .unwrap();
        assert_eq!(o.macaroons.as_ref().map(|m| m.0.clone()), Some(vec![slice]));
        assert!(!format!("{o:?}").contains("carol-root"));

        dir.write("cookies/macaroon.json", "{\"not\": \"a list\"}");
        let store = dir.open().unwrap();
        config_error(
            store.resolve(Some("macaroon"), Some("x")),
            &["malformed cookie jar"],
        );
    }

    #[test]
    fn cookie_hosts_are_uuid_public_name_and_endpoint_hosts() {
        let controller = Controller {
            uuid: Some("c0ffee".into()),
            api_endpoints: vec!["10.0.0.2:17070".into(), "[fd00::1]:17070".into()],
            ca_cert: None,
            public_hostname: Some("juju.example.com".into()),
        };
        assert_eq!(
            cookie_hosts(&controller),
            ["c0ffee", "juju.example.com", "10.0.0.2", "fd00::1"]
        );
    }

    #[test]
    fn malformed_yaml_names_the_file() {
        let dir = standard();
        dir.write(MODELS, "controllers: [unclosed");
        config_error(dir.open(), &["malformed", MODELS]);
        dir.write(MODELS, MODELS_YAML)
            .write(CONTROLLERS, "controllers: 3\n");
        config_error(dir.open(), &["malformed", CONTROLLERS, "invalid type"]);
        // Parse errors can quote values; in accounts.yaml that could be a password.
        dir.write(CONTROLLERS, CONTROLLERS_YAML)
            .write(ACCOUNTS, "controllers:\n  prod: hunter2-secret\n");
        config_error(dir.open(), &["malformed", ACCOUNTS, "line 2"]);
    }

    #[test]
    fn parse_error_is_read_again_once() {
        let path = Path::new(MODELS);
        let mut texts = vec![
            "controllers: {prod: {current-model: a/b}}",
            "controllers: [torn",
        ];
        let read = || Ok(texts.pop().map(|t| Zeroizing::new(t.to_owned())));
        let file: ModelsFile = parse_with_retry(path, false, read).unwrap().unwrap();
        let current = file
            .controllers
            .get("prod")
            .and_then(|c| c.current_model.clone());
        assert_eq!(current.as_deref(), Some("a/b"));
        let torn = || Ok(Some(Zeroizing::new("controllers: [torn".to_owned())));
        config_error(
            parse_with_retry::<ModelsFile, _>(path, false, torn),
            &[MODELS],
        );
    }

    #[test]
    fn debug_never_prints_passwords() {
        let store = standard().open().unwrap();
        let text = format!("{store:?}");
        assert!(!text.contains("hunter2"), "{text}");
        assert!(
            text.contains("carol@external") && text.contains("staging"),
            "{text}"
        );
        assert_eq!(
            store.controller_names(),
            ["macaroon", "orphan", "prod", "staging"]
        );
    }

    #[test]
    fn store_dir_follows_juju_osenv() {
        let os = |s: &str| Some(OsString::from(s));
        let dir = |a, b, c| store_dir(a, b, c).unwrap();
        assert_eq!(dir(os("data"), os("xdg"), os("home")), Path::new("data"));
        assert_eq!(
            dir(os(""), os("xdg"), os("home")),
            Path::new("xdg").join("juju")
        );
        let home = Path::new("home").join(".local").join("share").join("juju");
        assert_eq!(dir(None, os(""), os("home")), home);
        config_error(store_dir(None, None, os("")), &["JUJU_DATA"]);
    }

    #[test]
    fn env_values_treat_empty_as_unset() {
        assert_eq!(env_value("JUJU_MODEL", Some("".into())).unwrap(), None);
        assert_eq!(env_value("JUJU_MODEL", None).unwrap(), None);
        let value = env_value("JUJU_MODEL", Some("c:m".into())).unwrap();
        assert_eq!(value.as_deref(), Some("c:m"));
    }
}
