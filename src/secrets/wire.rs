//! The `Secrets` facade's JSON, field for field as Juju names it (`rpc/params/secrets.go`).
//! Optional fields are omitted when unset: Juju reads a present `""` as "set to empty".

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use super::content::{Revealed, WireData};
use crate::bounded::Items;
use crate::rpc::WireError;

#[derive(Serialize)]
pub(crate) struct ContentParams<'a> {
    pub data: WireData<'a>,
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
    pub content: ContentParams<'a>,
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
    pub content: Option<ContentParams<'a>>,
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

/// `ListSecretResults`: each result bounded in what it may cost (see `bounded`).
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct ListResults {
    pub results: Option<Items<ListSecretResult>>,
}

/// The results of a write, kept as text until their count is checked against the arguments.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct WriteResults {
    pub results: Option<Box<RawValue>>,
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
    pub create_time: Option<String>,
    pub update_time: Option<String>,
    pub revisions: Option<Items<SecretRevision>>,
    pub access: Option<Items<AccessInfo>>,
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

/// A revealed value, decoded as it is read (see `Revealed`).
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct SecretValueResult {
    pub data: Option<Revealed>,
    pub error: Option<WireError>,
}
