//! `Admin.Login` v3: the request, the result, and facade version negotiation.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The facades and versions this client implements.
pub(crate) const CLIENT_FACADES: &[(&str, &[u32])] =
    &[("Admin", &[3]), ("Pinger", &[1]), ("Secrets", &[1, 2])];

/// The Juju version this client presents itself as: the release whose API it speaks.
pub(crate) const CLIENT_VERSION: &str = "3.6.0";

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) struct LoginRequest<'a> {
    pub auth_tag: String,
    pub credentials: &'a str,
    pub nonce: &'a str,
    pub macaroons: [(); 0],
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
        let i = LoginInfo::from(w);
        assert_eq!(i.model_uuid(), "abc");
        assert_eq!(i.servers[0][0].endpoint(), "10.0.0.2:17070");
        assert_eq!(i.servers[1][0].endpoint(), "[::1]:17070");
        assert_eq!(i.public_dns_name, None);
    }
}
