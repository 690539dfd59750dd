//! The juju client store (`$JUJU_DATA`): controllers.yaml, accounts.yaml, models.yaml, resolved the
//! way the `juju` CLI resolves a controller and model.

mod yaml;

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fmt;
use std::path::{Path, PathBuf};

use log::{debug, warn};

use crate::cookies;
use crate::credentials::ClientSecret;
use crate::error::{Error, Result};
use crate::names::{endpoint_host, is_uuid, qualify};
use crate::options::{ConnectOptions, ConnectOptionsBuilder};
use yaml::{Account, Controller, ControllerModels, ControllersFile, Model, ModelsFile};

const CONTROLLERS: &str = "controllers.yaml";
const ACCOUNTS: &str = "accounts.yaml";
const MODELS: &str = "models.yaml";
/// The directory of the per-controller macaroon cookie jars, `cookies/<controller>.json`.
const COOKIES: &str = "cookies";
/// Early Juju 2 clients kept the current controller in this file instead of controllers.yaml.
const CURRENT_CONTROLLER: &str = "current-controller";
/// The identity JAAS gives the service account of client credentials (canonical/jimm).
const SERVICE_ACCOUNT_DOMAIN: &str = "serviceaccount";

impl ConnectOptions {
    /// Settings resolved the way the `juju` CLI resolves them: the client store in `JUJU_DATA`
    /// (else `$XDG_DATA_HOME/juju`, else `~/.local/share/juju`), the controller from
    /// `JUJU_CONTROLLER` or `current-controller`, the model from `JUJU_MODEL` or the controller's
    /// `current-model`. Short for `ClientStore::from_env()?.resolve_env(None)`.
    ///
    /// # Errors
    /// [`Error::Config`] naming the missing or malformed file, or the unknown controller or model
    /// together with the ones that exist.
    pub fn from_juju_env() -> Result<ConnectOptions> {
        ClientStore::from_env()?.resolve_env(None)
    }
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
        let file: ControllersFile = yaml::load(&dir.join(CONTROLLERS), false)?
            .ok_or_else(|| no_store(" (no controllers.yaml)"))?;
        let accounts: yaml::AccountsFile =
            yaml::load(&dir.join(ACCOUNTS), true)?.unwrap_or_default();
        let models: ModelsFile = yaml::load(&dir.join(MODELS), false)?.unwrap_or_default();
        let current_controller = match non_empty(file.current_controller) {
            Some(name) => Some(name),
            None => yaml::current_controller_file(&dir.join(CURRENT_CONTROLLER))?,
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
    /// controller asks for a discharge ([`Error::DischargeRequired`]: run `juju login`). A
    /// controller marked `oidc-login` (JAAS) logs in with the session token `juju login` saved
    /// for the account (`access-token`); [`ClientStore::resolve_env`] also takes client
    /// credentials from the environment.
    ///
    /// A Kubernetes controller that the `juju` CLI reaches through a port-forward
    /// (`proxy-config`) is refused with the `kubectl port-forward` command that makes it
    /// reachable: this crate does not open port-forwards.
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
    /// assert_eq!(options.model_uuid(), Some("8f5a1b2c-3d4e-4f60-8a1b-2c3d4e5f6a7b"));
    /// assert_eq!(options.model_name(), Some("admin/default"));
    /// assert_eq!(options.endpoints(), ["10.0.0.2:17070"]);
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Config`] saying what to do when there is no current controller or model, the
    /// controller is unknown (listing the known ones), a UUID prefix matches several models, the
    /// controller has no account or session token, its cookie jar cannot be read, or it is
    /// reached through a Kubernetes port-forward.
    pub fn resolve(&self, controller: Option<&str>, model: Option<&str>) -> Result<ConnectOptions> {
        self.resolve_with(controller, model, None)
    }

    /// Resolves as the `juju` CLI does: the controller from `JUJU_CONTROLLER`, the model from
    /// `model` (what `-m` gives the CLI) or else `JUJU_MODEL`; empty variables count as unset.
    /// For a controller that logs users in through OIDC (JAAS), `JUJU_CLIENT_ID` and
    /// `JUJU_CLIENT_SECRET`, when both are set, give the client credentials of a service
    /// account, as the Go client takes them; otherwise the session token `juju login` stored
    /// is used.
    ///
    /// # Errors
    /// As [`ClientStore::resolve`]; also when a variable is not valid UTF-8.
    pub fn resolve_env(&self, model: Option<&str>) -> Result<ConnectOptions> {
        let var = |name: &str| env_value(name, std::env::var_os(name));
        let controller = var("JUJU_CONTROLLER")?;
        let model = match model {
            Some(model) => Some(model.to_owned()),
            None => var("JUJU_MODEL")?,
        };
        let client = match (var("JUJU_CLIENT_ID")?, var("JUJU_CLIENT_SECRET")?) {
            (Some(id), Some(secret)) => Some((id, ClientSecret::new(secret))),
            (Some(_), None) | (None, Some(_)) => {
                warn!("only one of JUJU_CLIENT_ID and JUJU_CLIENT_SECRET is set: both must be set to log in with client credentials; ignoring it");
                None
            }
            (None, None) => None,
        };
        self.resolve_with(controller.as_deref(), model.as_deref(), client)
    }

    fn resolve_with(
        &self,
        controller: Option<&str>,
        model: Option<&str>,
        client: Option<(String, ClientSecret)>,
    ) -> Result<ConnectOptions> {
        let (prefix, model) = split_model_arg(model);
        let name = self.pick_controller(prefix.or(non_empty_str(controller)))?;
        let entry = self.controller(name)?;
        if let Some(proxy) = &entry.proxy_config {
            return Err(self.config(CONTROLLERS, port_forward_needed(name, proxy)));
        }
        if entry.api_endpoints.is_empty() {
            return Err(self.config(
                CONTROLLERS,
                format!("controller {name:?} has no api-endpoints"),
            ));
        }
        let builder = self.credentials(name, entry, client.filter(|_| entry.oidc_login))?;
        let user = builder.user_name().to_owned();
        let (model_name, uuid) = self.model(name, &user, model)?;
        let mut builder = builder
            .endpoints(entry.api_endpoints.iter().cloned())
            .controller_name(name);
        if let Some(uuid) = uuid {
            builder = builder.model_uuid(uuid);
        }
        if let Some(model_name) = model_name {
            builder = builder.model_name(model_name);
        }
        if let Some(ca) = &entry.ca_cert {
            builder = builder.ca_cert(ca);
        }
        if let Some(host) = &entry.public_hostname {
            builder = builder.public_hostname(host);
        }
        builder.build().map_err(|e| match e {
            Error::Config(m) => self.config(CONTROLLERS, format!("controller {name:?}: {m}")),
            other => other,
        })
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

    /// A builder with the user and credentials to log in to controller `name` with:
    /// - on a controller that logs users in through OIDC (JAAS): the client credentials given
    ///   (`JUJU_CLIENT_ID`, `JUJU_CLIENT_SECRET`), else the account's session token;
    /// - otherwise the account's password, else the macaroons of the controller's cookie jar.
    fn credentials(
        &self,
        name: &str,
        controller: &Controller,
        client: Option<(String, ClientSecret)>,
    ) -> Result<ConnectOptionsBuilder> {
        if let Some((id, secret)) = client {
            debug!("logging in to {name:?} with the client credentials of {id:?}");
            let user = format!("{id}@{SERVICE_ACCOUNT_DOMAIN}");
            return Ok(ConnectOptions::builder()
                .user(user)
                .client_credentials(id, secret));
        }
        if controller.oidc_login {
            let token = self.accounts.get(name).and_then(|a| {
                let token = a.access_token.clone()?;
                Some((a.user.as_str(), token))
            });
            let Some((user, token)) = token else {
                return Err(self.config(
                    ACCOUNTS,
                    format!(
                        "controller {name:?} logs users in through OIDC (JAAS) and there is no \
                         session token for it: run `juju login -c {name}`, or set \
                         JUJU_CLIENT_ID and JUJU_CLIENT_SECRET for a service account"
                    ),
                ));
            };
            let builder = ConnectOptions::builder().session_token(token);
            return Ok(if user.is_empty() {
                builder
            } else {
                builder.user(user)
            });
        }
        let account = self.account(name)?;
        let builder = ConnectOptions::builder().user(&account.user);
        if let Some(password) = &account.password {
            return Ok(builder.password(password.clone()));
        }
        let jar = self.dir.join(COOKIES).join(format!("{name}.json"));
        let macaroons = cookies::load_jar(&jar, &cookie_hosts(controller))?;
        debug!(
            "{} macaroon slices for {} from {}",
            macaroons.len(),
            account.user,
            jar.display()
        );
        Ok(builder.loaded_macaroons(macaroons))
    }

    /// Finds a model by qualified name, then by UUID prefix, as `juju -m` does: its name and
    /// UUID. A full UUID not listed is `(None, Some(uuid))`; a name not listed is
    /// `(Some(name), None)`, to be looked up on the controller.
    fn model(
        &self,
        controller: &str,
        user: &str,
        wanted: Option<&str>,
    ) -> Result<(Option<String>, Option<String>)> {
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
                return Ok((Some((*name).clone()), Some(m.uuid.clone())))
            }
            [(name, _)] => format!(
                "model {name:?} of controller {controller:?} has no uuid: run `juju models -c {controller}`"
            ),
            [] if is_uuid(wanted) => return Ok((None, Some(wanted.to_owned()))),
            [] => {
                log::debug!("model {qualified:?} is not in {MODELS}: to look up on {controller:?}");
                return Ok((Some(qualified), None));
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

/// What to do about a controller the `juju` CLI reaches through a Kubernetes port-forward,
/// which this crate does not open.
fn port_forward_needed(name: &str, proxy: &yaml::ProxyConfig) -> String {
    let namespace = proxy
        .setting("namespace")
        .unwrap_or_else(|| "<namespace>".to_owned());
    let service = proxy
        .setting("service")
        .unwrap_or_else(|| "<service>".to_owned());
    let port = proxy
        .setting("remote-port")
        .unwrap_or_else(|| "17070".to_owned());
    format!(
        "controller {name:?} is a Kubernetes controller that the juju CLI reaches through a \
         port-forward ({} proxy-config), which this crate cannot open; forward a local port \
         yourself with `kubectl port-forward -n {namespace} service/{service} 17070:{port}` and \
         connect with an explicit endpoint (ConnectOptions::builder().endpoint(\"127.0.0.1:17070\") \
         with the controller's CA, credentials and model)",
        if proxy.kind.is_empty() { "a" } else { proxy.kind.as_str() }
    )
}

/// The hosts a controller's macaroon cookies may be filed under: the Go client uses its public
/// host name or UUID (newer clients) or the endpoint it dialed (older ones).
fn cookie_hosts(controller: &Controller) -> Vec<String> {
    let mut hosts: Vec<String> = controller.uuid.iter().cloned().collect();
    hosts.extend(controller.public_hostname.iter().cloned());
    hosts.extend(
        controller
            .api_endpoints
            .iter()
            .map(|e| endpoint_host(e).to_owned()),
    );
    hosts.retain(|h| !h.is_empty());
    hosts
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
