//! Logging in on a fresh connection, with each kind of credentials: `Admin.Login` v3 (a password
//! or macaroons) or the v4 methods JAAS serves (client credentials, session tokens). Also the
//! one table of the facade versions this crate speaks, and what the controller said at login.

use std::collections::BTreeMap;

use log::debug;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::bounded::Items;
use crate::credentials::Credentials;
use crate::deadline::Deadline;
use crate::error::{Error, ErrorKind, Result};
use crate::names::{unique_endpoints, HostPort, Tag};
use crate::options::ConnectOptions;
use crate::rpc::{Call, Conn};
use crate::transport::CLIENT_VERSION;

/// The facades and versions this crate speaks: the one place they are listed. `Admin` v4 is
/// JAAS's login; `ModelManager` finds a model by name (v9: Juju 3.x, v10: 3.6 and 4.x, v11: 4.x).
pub(crate) const SPOKEN: &[(&str, &[u32])] = &[
    ("Admin", &[3, 4]),
    ("ModelManager", &[9, 10, 11]),
    ("Pinger", &[1]),
    ("Secrets", &[1, 2]),
];

/// The versions of `facade` this crate speaks (empty if none).
pub(crate) fn spoken_versions(facade: &str) -> &'static [u32] {
    SPOKEN
        .iter()
        .find(|(name, _)| *name == facade)
        .map_or(&[], |(_, versions)| versions)
}

/// What a connection logs in to: the controller (`/api`), or one of its models.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Target {
    Controller,
    Model(String),
}

impl Target {
    /// The websocket path.
    pub(crate) fn path(&self) -> String {
        match self {
            Target::Controller => "/api".to_owned(),
            Target::Model(uuid) => format!("/model/{uuid}/api"),
        }
    }
}

/// `params.LoginRequest` (Admin v3).
#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct LoginRequest<'a> {
    auth_tag: String,
    credentials: &'a str,
    nonce: &'a str,
    /// Macaroon slices, `[[root, discharge, ...], ...]`; empty for a password login.
    macaroons: &'a RawValue,
    user_data: &'a str,
    client_version: &'a str,
}

/// Admin v4 `LoginWithClientCredentials`'s argument.
#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct ClientCredentialsRequest<'a> {
    client_id: &'a str,
    client_secret: &'a str,
}

/// Admin v4 `LoginWithSessionToken`'s argument.
#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct SessionTokenRequest<'a> {
    session_token: &'a str,
}

/// `params.LoginResult`; every field may be absent.
#[derive(Deserialize, Default)]
#[serde(rename_all = "kebab-case", default)]
pub(crate) struct WireLoginResult {
    servers: Option<Items<Items<HostPort>>>,
    model_tag: String,
    controller_tag: String,
    user_info: Option<UserInfo>,
    facades: Option<Items<WireFacade>>,
    server_version: String,
    public_dns_name: String,
    /// A macaroon to discharge (legacy JSON) when the login needs one.
    discharge_required: Option<Box<RawValue>>,
    /// The same, as a bakery v2 macaroon (newer controllers).
    bakery_discharge_required: Option<Box<RawValue>>,
    discharge_required_error: String,
}

impl WireLoginResult {
    /// Whether the controller answered "discharge this macaroon first" instead of logging in.
    fn wants_discharge(&self) -> bool {
        let present = |m: &Option<Box<RawValue>>| m.as_ref().is_some_and(|v| v.get() != "null");
        present(&self.discharge_required) || present(&self.bakery_discharge_required)
    }
}

#[derive(Deserialize)]
struct WireFacade {
    name: String,
    #[serde(default)]
    versions: Vec<u32>,
}

/// Who the controller says the logged-in user is.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "kebab-case", default)]
#[non_exhaustive]
pub struct UserInfo {
    /// The user's display name.
    pub display_name: String,
    /// The user's tag, such as `user-admin`.
    pub identity: String,
    /// The user's access to the controller (`login`, `superuser`, ...).
    pub controller_access: String,
    /// The user's access to the model (`read`, `write`, `admin`).
    pub model_access: String,
}

/// What the controller said at login.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LoginInfo {
    /// The controller's Juju version, such as `3.6.4`.
    pub server_version: String,
    /// The model's tag, `model-<uuid>`; empty for a controller login.
    pub model_tag: String,
    /// The controller's tag, `controller-<uuid>`.
    pub controller_tag: String,
    /// The logged-in user.
    pub user_info: Option<UserInfo>,
    /// The controller's current addresses, one list per controller node.
    pub servers: Vec<Vec<HostPort>>,
    /// The controller's public DNS name, if it has one.
    pub public_dns_name: Option<String>,
    /// Every facade the controller offers, with its versions.
    pub facades: BTreeMap<String, Vec<u32>>,
}

impl LoginInfo {
    /// The controller's current API endpoints (`host:port`) from [`servers`](Self::servers),
    /// every node's addresses in the order the controller gave them, without repeats. A caller
    /// may store them for the next connection (the `juju` CLI updates `controllers.yaml` with
    /// them); this crate never rewrites the client store.
    ///
    /// ```
    /// # let controller = juju_secrets::testing::TestController::start()?;
    /// # let options = controller.connect_options();
    /// let client = juju_secrets::Client::connect(&options)?;
    /// assert_eq!(client.login_info().endpoints(), [controller.endpoint()]);
    /// # Ok::<(), juju_secrets::Error>(())
    /// ```
    pub fn endpoints(&self) -> Vec<String> {
        unique_endpoints(self.servers.iter().flatten().map(HostPort::endpoint))
    }

    /// The model's UUID, from its tag.
    pub fn model_uuid(&self) -> &str {
        Tag::Model.id_or_text(&self.model_tag)
    }

    /// The versions of `facade` the controller offers (empty if none).
    pub fn offered(&self, facade: &str) -> &[u32] {
        self.facades.get(facade).map_or(&[], Vec::as_slice)
    }

    /// The highest version of `facade` that both this crate and the controller speak.
    pub fn best_version(&self, facade: &str) -> Option<u32> {
        let ours = spoken_versions(facade);
        self.offered(facade)
            .iter()
            .filter(|v| ours.contains(v))
            .max()
            .copied()
    }

    /// Like [`LoginInfo::best_version`], but an error naming both sides' versions when there
    /// is none.
    pub(crate) fn require(&self, facade: &str) -> Result<u32> {
        self.best_version(facade).ok_or_else(|| {
            Error::Unsupported(format!(
                "the controller offers {facade} versions {:?}, this client speaks {:?}",
                self.offered(facade),
                spoken_versions(facade)
            ))
        })
    }
}

impl From<WireLoginResult> for LoginInfo {
    fn from(w: WireLoginResult) -> Self {
        let facades = w
            .facades
            .unwrap_or_default()
            .into_vec()
            .into_iter()
            .map(|f| (f.name, f.versions))
            .collect();
        LoginInfo {
            server_version: w.server_version,
            model_tag: w.model_tag,
            controller_tag: w.controller_tag,
            user_info: w.user_info,
            servers: w
                .servers
                .unwrap_or_default()
                .into_vec()
                .into_iter()
                .map(Items::into_vec)
                .collect(),
            public_dns_name: Some(w.public_dns_name).filter(|s| !s.is_empty()),
            facades,
        }
    }
}

/// Logs in on `conn` to `target` with the credentials of `options`, before `deadline`.
///
/// A controller that wants a macaroon discharged gets [`Error::DischargeRequired`], a refused
/// session token [`Error::SessionTokenRefused`]; a redirect stays the API error it is, for the
/// caller to follow.
pub(crate) fn login(
    conn: &mut Conn,
    options: &ConnectOptions,
    target: &Target,
    deadline: Deadline,
) -> Result<LoginInfo> {
    let Some(credentials) = options.credentials.as_deref() else {
        return Err(Error::config(format!(
            "no credentials for user {:?}",
            options.user
        )));
    };
    debug!(
        "logging in at {} as {} with {}",
        conn.endpoint(),
        options.user,
        credentials.describe()
    );
    let answer: Result<WireLoginResult> = match credentials {
        Credentials::Password(password) => {
            let request = v3_request(options, password.expose(), empty_slices()?);
            conn.call(Call::read("Admin", 3, "Login"), &request, deadline)
        }
        Credentials::Macaroons(macaroons) => {
            let request = v3_request(options, "", macaroons.as_raw()?);
            conn.call(Call::read("Admin", 3, "Login"), &request, deadline)
        }
        Credentials::Client { id, secret } => {
            let request = ClientCredentialsRequest {
                client_id: id,
                client_secret: secret.expose(),
            };
            let call = Call::read("Admin", 4, "LoginWithClientCredentials");
            conn.call(call, &request, deadline)
        }
        Credentials::SessionToken(token) => {
            let request = SessionTokenRequest {
                session_token: token.expose(),
            };
            conn.call(
                Call::read("Admin", 4, "LoginWithSessionToken"),
                &request,
                deadline,
            )
        }
    };
    let result = answer.map_err(|e| login_failed(e, options, conn.endpoint()))?;
    if result.wants_discharge() {
        debug!(
            "the controller wants a macaroon discharge for {}",
            options.user
        );
        return Err(discharge_required(
            options,
            &result.discharge_required_error,
        ));
    }
    let info = LoginInfo::from(result);
    if let Target::Model(uuid) = target {
        let expected = Tag::Model.of(uuid);
        if !info.model_tag.is_empty() && info.model_tag != expected {
            return Err(Error::protocol(format!(
                "logged in to {} but asked for {expected}",
                info.model_tag
            )));
        }
    }
    Ok(info)
}

/// `Admin.Login` v3. External users send no tag, only macaroons, as the Go client does (older
/// 3.x servers take any user tag to password authentication); local users send theirs.
fn v3_request<'a>(
    options: &ConnectOptions,
    password: &'a str,
    macaroons: &'a RawValue,
) -> LoginRequest<'a> {
    let auth_tag = if is_local_user(&options.user) || !password.is_empty() {
        Tag::User.of(&options.user)
    } else {
        String::new()
    };
    LoginRequest {
        auth_tag,
        credentials: password,
        nonce: "",
        macaroons,
        user_data: "",
        client_version: CLIENT_VERSION,
    }
}

fn empty_slices() -> Result<&'static RawValue> {
    serde_json::from_str("[]").map_err(|_| Error::protocol("cannot encode an empty list"))
}

/// Whether `user` is a local user of the controller (`admin`, `bob@local`), not an external one
/// (`bob@external`, `alice@canonical.com`): Juju's `names.UserTag.IsLocal`.
pub(crate) fn is_local_user(user: &str) -> bool {
    match user.split_once('@') {
        None => true,
        Some((_, domain)) => domain == "local",
    }
}

/// A failed login's error: a timeout says it was the login, a discharge asked for as an error
/// (code `macaroon discharge required`) is the same as one asked for in the result, and a
/// refused session token says to run `juju login`.
fn login_failed(e: Error, options: &ConnectOptions, endpoint: &str) -> Error {
    match e {
        Error::Timeout { after, .. } => Error::Timeout {
            context: format!("logging in at {endpoint}"),
            after,
        },
        Error::Api(api) if api.kind() == Some(ErrorKind::DischargeRequired) => {
            discharge_required(options, &api.message)
        }
        Error::Api(api) if api.kind() == Some(ErrorKind::SessionTokenInvalid) => {
            Error::SessionTokenRefused {
                reason: api.message,
                command: options.login_command(),
            }
        }
        other => other,
    }
}

fn discharge_required(options: &ConnectOptions, reason: &str) -> Error {
    let reason = if reason.is_empty() {
        "no reason given"
    } else {
        reason
    };
    Error::DischargeRequired {
        user: options.user.clone(),
        reason: reason.to_owned(),
        command: options.login_command(),
    }
}

#[cfg(test)]
mod tests;
