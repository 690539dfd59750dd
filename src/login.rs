//! `Admin.Login` v3: the request (a password or macaroons), the result (or a discharge the
//! controller asks for), and facade version negotiation.

use std::collections::BTreeMap;
use std::time::Instant;

use log::debug;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::client::Client;
use crate::error::{Error, Result};
use crate::options::ConnectOptions;

/// The facades and versions this client implements. `ModelManager` (controller connections)
/// finds a model by name.
pub(crate) const CLIENT_FACADES: &[(&str, &[u32])] = &[
    ("Admin", &[3]),
    ("ModelManager", &[9, 10]),
    ("Pinger", &[1]),
    ("Secrets", &[1, 2]),
];

/// The Juju version this client presents itself as: the release whose API it speaks.
pub(crate) const CLIENT_VERSION: &str = "3.6.0";

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) struct LoginRequest<'a> {
    pub auth_tag: String,
    pub credentials: &'a str,
    pub nonce: &'a str,
    /// Macaroon slices, `[[root, discharge, ...], ...]`; empty for a password login.
    pub macaroons: &'a [Value],
    pub user_data: &'a str,
    pub client_version: &'a str,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "kebab-case", default)]
pub(crate) struct WireLoginResult {
    servers: Option<Vec<Vec<HostPort>>>,
    model_tag: String,
    controller_tag: String,
    user_info: Option<UserInfo>,
    facades: Option<Vec<WireFacade>>,
    server_version: String,
    public_dns_name: String,
    /// A macaroon to discharge (legacy JSON) when the login needs one.
    discharge_required: Option<Value>,
    /// The same, as a bakery v2 macaroon (newer controllers).
    bakery_discharge_required: Option<Value>,
    discharge_required_error: String,
}

impl WireLoginResult {
    /// Whether the controller answered "discharge this macaroon first" instead of logging in.
    fn wants_discharge(&self) -> bool {
        let present = |m: &Option<Value>| m.as_ref().is_some_and(|v| !v.is_null());
        present(&self.discharge_required) || present(&self.bakery_discharge_required)
    }
}

#[derive(Deserialize)]
struct WireFacade {
    name: String,
    #[serde(default)]
    versions: Vec<u32>,
}

/// One address of a controller node, as `LoginResult.servers` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub struct HostPort {
    /// The host: an IP address or a host name.
    pub value: String,
    /// `ipv4`, `ipv6` or `hostname`.
    #[serde(rename = "type", default)]
    pub kind: String,
    /// `public`, `local-cloud`, `local-machine`, ...
    #[serde(default)]
    pub scope: String,
    /// The API port.
    #[serde(default)]
    pub port: u16,
}

impl HostPort {
    /// The address as `host:port`, IPv6 hosts in brackets.
    pub fn endpoint(&self) -> String {
        if self.value.contains(':') {
            format!("[{}]:{}", self.value, self.port)
        } else {
            format!("{}:{}", self.value, self.port)
        }
    }
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
    /// The model's tag, `model-<uuid>`.
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
        let mut endpoints: Vec<String> = Vec::new();
        for endpoint in self.servers.iter().flatten().map(HostPort::endpoint) {
            if !endpoints.contains(&endpoint) {
                endpoints.push(endpoint);
            }
        }
        endpoints
    }

    /// The model's UUID, from its tag.
    pub fn model_uuid(&self) -> &str {
        self.model_tag
            .strip_prefix("model-")
            .unwrap_or(&self.model_tag)
    }

    /// The highest version of `facade` that both this client and the controller support.
    pub fn best_version(&self, facade: &str) -> Option<u32> {
        let ours = client_versions(facade);
        self.facades
            .get(facade)?
            .iter()
            .filter(|v| ours.contains(v))
            .max()
            .copied()
    }
}

impl From<WireLoginResult> for LoginInfo {
    fn from(w: WireLoginResult) -> Self {
        let facades = w
            .facades
            .unwrap_or_default()
            .into_iter()
            .map(|f| (f.name, f.versions))
            .collect();
        LoginInfo {
            server_version: w.server_version,
            model_tag: w.model_tag,
            controller_tag: w.controller_tag,
            user_info: w.user_info,
            servers: w.servers.unwrap_or_default(),
            public_dns_name: Some(w.public_dns_name).filter(|s| !s.is_empty()),
            facades,
        }
    }
}

/// Logs `client` in as `options` say, before `deadline`: with the password if there is one,
/// else with the macaroons (as python-libjuju does). A controller that wants a discharge gets
/// [`Error::DischargeRequired`]; a redirect stays the API error it is, for the caller to follow.
pub(crate) fn login(
    client: &mut Client,
    options: &ConnectOptions,
    deadline: Instant,
) -> Result<LoginInfo> {
    let (credentials, macaroons) = match (&options.password, &options.macaroons) {
        (Some(password), _) => (password.expose(), &[][..]),
        (None, Some(macaroons)) => ("", macaroons.0.as_slice()),
        (None, None) => ("", &[][..]),
    };
    let request = LoginRequest {
        auth_tag: format!("user-{}", options.user),
        credentials,
        nonce: "",
        macaroons,
        user_data: "",
        client_version: CLIENT_VERSION,
    };
    let timeout = options.connect_timeout;
    let result: WireLoginResult = client
        .round_trip("Admin", 3, "Login", &request, deadline, timeout)
        .map_err(|e| login_failed(e, options, client.endpoint()))?;
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
    let expected = format!("model-{}", options.model_uuid);
    if !options.model_uuid.is_empty() && !info.model_tag.is_empty() && info.model_tag != expected {
        return Err(Error::protocol(format!(
            "logged in to {} but asked for {expected}",
            info.model_tag
        )));
    }
    Ok(info)
}

/// A failed login's error: a timeout says it was the login, and a discharge asked for as an
/// error (code `macaroon discharge required`) is the same as one asked for in the result.
fn login_failed(e: Error, options: &ConnectOptions, endpoint: &str) -> Error {
    match e {
        Error::Timeout { .. } => Error::Timeout {
            context: format!("logging in at {endpoint}"),
            after: options.connect_timeout,
        },
        Error::Api(api) if api.kind() == crate::ErrorCode::DischargeRequired => {
            discharge_required(options, &api.message)
        }
        other => other,
    }
}

fn discharge_required(options: &ConnectOptions, reason: &str) -> Error {
    let command = match &options.controller_name {
        Some(name) => format!("juju login -c {name}"),
        None => "juju login".to_owned(),
    };
    let reason = if reason.is_empty() {
        "no reason given"
    } else {
        reason
    };
    Error::DischargeRequired {
        user: options.user.clone(),
        reason: reason.to_owned(),
        command,
    }
}

/// The versions of `facade` this client implements (empty if none).
pub(crate) fn client_versions(facade: &str) -> &'static [u32] {
    CLIENT_FACADES
        .iter()
        .find(|(name, _)| *name == facade)
        .map_or(&[], |(_, versions)| versions)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(facades: &[(&str, &[u32])]) -> LoginInfo {
        LoginInfo::from(WireLoginResult {
            facades: Some(
                facades
                    .iter()
                    .map(|(n, v)| WireFacade {
                        name: (*n).into(),
                        versions: v.to_vec(),
                    })
                    .collect(),
            ),
            ..Default::default()
        })
    }

    #[test]
    fn best_version_is_highest_common() {
        let i = info(&[("Secrets", &[1, 2, 3]), ("Pinger", &[1]), ("Other", &[5])]);
        assert_eq!(i.best_version("Secrets"), Some(2));
        assert_eq!(i.best_version("Pinger"), Some(1));
        assert_eq!(i.best_version("Other"), None);
        assert_eq!(info(&[("Secrets", &[1])]).best_version("Secrets"), Some(1));
        assert_eq!(info(&[]).best_version("Secrets"), None);
    }

    #[test]
    fn login_result_parses_list_of_lists_servers() {
        let w: WireLoginResult = serde_json::from_str(
            r#"{"servers":[[{"value":"10.0.0.2","type":"ipv4","scope":"public","port":17070}],
                [{"value":"::1","type":"ipv6","scope":"local-machine","port":17070}]],
                "model-tag":"model-abc","server-version":"3.6.4","unknown-field":1}"#,
        )
        .unwrap();
        assert!(!w.wants_discharge());
        let i = LoginInfo::from(w);
        assert_eq!(i.endpoints(), ["10.0.0.2:17070", "[::1]:17070"]);
        assert_eq!(i.model_uuid(), "abc");
        assert_eq!(i.servers[0][0].endpoint(), "10.0.0.2:17070");
        assert_eq!(i.servers[1][0].endpoint(), "[::1]:17070");
        assert_eq!(i.public_dns_name, None);
    }

    #[test]
    fn discharge_required_results_are_recognised() {
        for key in ["discharge-required", "bakery-discharge-required"] {
            let text =
                format!(r#"{{"{key}": {{"identifier": "x"}}, "discharge-required-error": "why"}}"#);
            let w: WireLoginResult = serde_json::from_str(&text).unwrap();
            assert!(w.wants_discharge(), "{key}");
        }
        let w: WireLoginResult = serde_json::from_str(r#"{"discharge-required": null}"#).unwrap();
        assert!(!w.wants_discharge());
    }

    #[test]
    fn discharge_error_says_to_run_juju_login() {
        let options = ConnectOptions::builder()
            .endpoint("10.0.0.1:17070")
            .model_uuid("m")
            .user("bob@external")
            .macaroons(Vec::new())
            .controller_name("prod")
            .build()
            .unwrap();
        let e = discharge_required(&options, "verification failed");
        assert_eq!(e.code(), Some(crate::ErrorCode::DischargeRequired));
        let as_error = Error::Api(crate::ApiError {
            message: "verification failed".into(),
            code: Some("macaroon discharge required".into()),
            info: Some(serde_json::json!({"macaroon": {"identifier": "x"}})),
        });
        let mapped = login_failed(as_error, &options, "10.0.0.1:17070");
        assert_eq!(mapped.to_string(), e.to_string());
        let timeout = Error::Timeout {
            context: "waiting for the answer to Admin.Login".into(),
            after: std::time::Duration::from_secs(1),
        };
        let mapped = login_failed(timeout, &options, "10.0.0.1:17070").to_string();
        assert!(mapped.contains("logging in at 10.0.0.1:17070"), "{mapped}");
        let text = e.to_string();
        for part in [
            "\"bob@external\"",
            "verification failed",
            "`juju login -c prod`",
        ] {
            assert!(text.contains(part), "{text:?} lacks {part:?}");
        }
    }
}
