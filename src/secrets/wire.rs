//! The `Secrets` facade's JSON, field for field as Juju names it (`rpc/params/secrets.go`).
//! Optional fields are omitted when unset: Juju reads a present `""` as "set to empty".

use std::collections::BTreeMap;

use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize, Serializer};
use zeroize::Zeroizing;

use crate::rpc::WireError;

/// Base64 values, zeroed when dropped.
pub(crate) struct WireData(pub Vec<(String, Zeroizing<String>)>);

impl Serialize for WireData {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, value) in &self.0 {
            map.serialize_entry(key, value.as_str())?;
        }
        map.end()
    }
}

#[derive(Serialize)]
pub(crate) struct ContentParams {
    pub data: WireData,
}

#[derive(Serialize)]
pub(crate) struct Args<T> {
    pub args: Vec<T>,
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) struct ListSecretsArgs<'a> {
    pub show_secrets: bool,
    pub filter: SecretsFilter<'a>,
}

#[derive(Serialize, Default)]
#[serde(rename_all = "kebab-case")]
pub(crate) struct SecretsFilter<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revision: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner_tag: Option<&'a str>,
}

/// `CreateSecretArg`: the Go client sends `owner-tag: ""` (the model) and no `uri`.
#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) struct CreateSecretArg<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<&'a str>,
    pub content: ContentParams,
    pub owner_tag: &'static str,
}

/// `UpdateUserSecretArg`: `uri` and `existing-label` are always sent, one of them empty.
#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) struct UpdateUserSecretArg<'a> {
    pub uri: String,
    pub existing_label: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auto_prune: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content: Option<ContentParams>,
}

/// `DeleteSecretArg`: `uri` and `label` are always sent; no `revisions` means all of them.
#[derive(Serialize)]
pub(crate) struct DeleteSecretArg<'a> {
    pub uri: String,
    pub label: &'a str,
    #[serde(skip_serializing_if = "<[u32]>::is_empty")]
    pub revisions: &'a [u32],
}

/// `GrantRevokeUserSecretArg`: one object, not wrapped in `args`.
#[derive(Serialize)]
pub(crate) struct GrantRevokeUserSecretArg<'a> {
    pub uri: String,
    pub label: &'a str,
    pub applications: &'a [&'a str],
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct Results<T> {
    pub results: Option<Vec<T>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct ErrorResult {
    pub error: Option<WireError>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct StringResult {
    pub result: String,
    pub error: Option<WireError>,
}

/// `ListSecretResult`: every field but `uri` is treated as optional, since what a controller
/// sends varies between releases of the same facade version.
#[derive(Deserialize, Default)]
#[serde(rename_all = "kebab-case", default)]
pub(crate) struct ListSecretResult {
    pub uri: String,
    pub owner_tag: String,
    pub label: Option<String>,
    pub description: Option<String>,
    pub latest_revision: u32,
    pub latest_revision_checksum: Option<String>,
    pub rotate_policy: Option<String>,
    pub latest_expire_time: Option<String>,
    pub next_rotate_time: Option<String>,
    pub create_time: Option<String>,
    pub update_time: Option<String>,
    pub revisions: Option<Vec<SecretRevision>>,
    pub access: Option<Vec<AccessInfo>>,
    pub value: Option<SecretValueResult>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "kebab-case", default)]
pub(crate) struct SecretRevision {
    pub revision: u32,
    pub backend_name: Option<String>,
    pub create_time: Option<String>,
    pub update_time: Option<String>,
    pub expire_time: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "kebab-case", default)]
pub(crate) struct AccessInfo {
    pub target_tag: String,
    pub scope_tag: String,
    pub role: String,
}

/// A revealed value: base64 text, zeroed when dropped like the values decoded from it.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct SecretValueResult {
    pub data: Option<BTreeMap<String, Zeroizing<String>>>,
    pub error: Option<WireError>,
}
