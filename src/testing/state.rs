//! What the test controller remembers about each model's user secrets.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use super::config::Config;
use super::profile::format_time;

/// The current time as Go writes it in JSON (RFC 3339, UTC).
pub(crate) fn now() -> String {
    format_time(OffsetDateTime::now_utc())
}

/// Hex SHA-256 of the compact JSON of the (sorted) base64 data map, as Juju stores it.
fn checksum(data: &BTreeMap<String, String>) -> String {
    // The JSON goes straight into the hash, not into a copy first.
    let mut hasher = Sha256::new();
    let _ = serde_json::to_writer(&mut hasher, data);
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// One revision's content (base64 values, as sent) and metadata. Times are kept exact; each
/// profile writes them its own way (`Config::go_time`).
#[derive(Clone, Debug)]
pub(crate) struct Revision {
    pub data: BTreeMap<String, String>,
    /// Made when first listed: Juju makes it on write, but only listing shows it.
    checksum: OnceLock<String>,
    pub created: OffsetDateTime,
    pub updated: OffsetDateTime,
}

impl Revision {
    pub(crate) fn new(data: BTreeMap<String, String>) -> Self {
        let time = OffsetDateTime::now_utc();
        Revision {
            checksum: OnceLock::new(),
            data,
            created: time,
            updated: time,
        }
    }

    /// What Juju lists as `latest-revision-checksum`.
    pub(crate) fn checksum(&self) -> &str {
        self.checksum.get_or_init(|| checksum(&self.data))
    }
}

/// A model-owned (user) secret.
#[derive(Clone, Debug)]
pub(crate) struct Secret {
    pub id: String,
    pub label: Option<String>,
    pub description: String,
    pub latest_revision: u32,
    pub revisions: BTreeMap<u32, Revision>,
    pub auto_prune: bool,
    pub created: OffsetDateTime,
    pub updated: OffsetDateTime,
    /// Applications granted `view`, in the order granted.
    pub grants: Vec<String>,
}

impl Secret {
    pub(crate) fn new(
        id: String,
        label: Option<String>,
        description: String,
        first: Revision,
    ) -> Self {
        Secret {
            id,
            label,
            description,
            latest_revision: 1,
            created: first.created,
            updated: first.created,
            revisions: BTreeMap::from([(1, first)]),
            auto_prune: false,
            grants: Vec::new(),
        }
    }

    pub(crate) fn uri(&self) -> String {
        format!("secret:{}", self.id)
    }

    /// Applies an update; present fields overwrite (even with ""), absent ones stay.
    pub(crate) fn update(
        &mut self,
        label: Option<String>,
        description: Option<String>,
        auto_prune: Option<bool>,
        data: Option<BTreeMap<String, String>>,
    ) {
        if let Some(label) = label {
            self.label = Some(label).filter(|l| !l.is_empty());
        }
        if let Some(description) = description {
            self.description = description;
        }
        if let Some(auto_prune) = auto_prune {
            self.auto_prune = auto_prune;
        }
        if let Some(data) = data {
            let latest = self.revisions.get(&self.latest_revision);
            // Identical content (same checksum) makes no new revision (juju/juju#17677).
            if latest.map(|r| &r.data) != Some(&data) {
                self.latest_revision += 1;
                self.revisions
                    .insert(self.latest_revision, Revision::new(data));
            }
        }
        if self.auto_prune {
            // Nothing consumes revisions here, so every older revision is unused.
            let latest = self.latest_revision;
            self.revisions.retain(|r, _| *r == latest);
        }
        self.updated = OffsetDateTime::now_utc();
    }

    pub(crate) fn set_grant(&mut self, app: &str, grant: bool) {
        let present = self.grants.iter().any(|a| a == app);
        if grant && !present {
            self.grants.push(app.to_owned());
        } else if !grant {
            self.grants.retain(|a| a != app);
        }
    }

    /// The `ListSecretResult` JSON, without `value`: every revision, or only revision `only`
    /// (as 3.6 lists with a revision filter), times as `config`'s release writes them.
    pub(crate) fn to_list_result(
        &self,
        model_uuid: &str,
        only: Option<u32>,
        config: &Config,
    ) -> Value {
        let time = |t: OffsetDateTime| config.go_time(t);
        let revisions: Vec<Value> = self
            .revisions
            .iter()
            .filter(|(n, _)| only.is_none_or(|o| o == **n))
            .map(|(n, r)| {
                json!({"revision": n, "backend-name": "internal", "create-time": time(r.created), "update-time": time(r.updated)})
            })
            .collect();
        let mut result = json!({
            "uri": self.uri(),
            "version": 1,
            "owner-tag": format!("model-{model_uuid}"),
            "latest-revision": self.latest_revision,
            "create-time": time(self.created),
            "update-time": time(self.updated),
            "revisions": revisions,
        });
        if let Some(label) = &self.label {
            result["label"] = json!(label);
        }
        if !self.description.is_empty() {
            result["description"] = json!(self.description);
        }
        if let Some(latest) = self.revisions.get(&self.latest_revision) {
            result["latest-revision-checksum"] = json!(latest.checksum());
        }
        if !self.grants.is_empty() {
            let access: Vec<Value> = self
                .grants
                .iter()
                .map(|app| json!({"target-tag": format!("application-{app}"), "scope-tag": format!("model-{model_uuid}"), "role": "view"}))
                .collect();
            result["access"] = json!(access);
        }
        result
    }
}

/// A model's user secrets, in creation order.
#[derive(Default, Debug)]
pub(crate) struct ModelSecrets {
    secrets: Vec<Secret>,
}

impl ModelSecrets {
    pub(crate) fn iter(&self) -> impl Iterator<Item = &Secret> {
        self.secrets.iter()
    }

    pub(crate) fn push(&mut self, secret: Secret) {
        self.secrets.push(secret);
    }

    pub(crate) fn get(&self, index: usize) -> Option<&Secret> {
        self.secrets.get(index)
    }

    pub(crate) fn get_mut(&mut self, index: usize) -> Option<&mut Secret> {
        self.secrets.get_mut(index)
    }

    pub(crate) fn remove(&mut self, index: usize) {
        if index < self.secrets.len() {
            self.secrets.remove(index);
        }
    }

    pub(crate) fn by_id(&self, id: &str) -> Option<usize> {
        self.secrets.iter().position(|s| s.id == id)
    }

    pub(crate) fn by_label(&self, label: &str) -> Option<usize> {
        self.secrets
            .iter()
            .position(|s| s.label.as_deref() == Some(label))
    }

    /// Puts in a user secret (replacing one with the same id) and returns its URI.
    pub(crate) fn insert_user_secret(
        &mut self,
        id: String,
        name: &str,
        data: BTreeMap<String, String>,
    ) -> String {
        if let Some(old) = self.by_id(&id) {
            self.remove(old);
        }
        let label = Some(name.to_owned()).filter(|n| !n.is_empty());
        let secret = Secret::new(id, label, String::new(), Revision::new(data));
        let uri = secret.uri();
        self.push(secret);
        uri
    }

    /// A new id: 12 random bytes in lowercase base32hex (20 characters), as Juju issues them, or
    /// a longer opaque id when asked, as controllers since 3.6.19 may.
    pub(crate) fn new_id(&self, long: bool) -> String {
        loop {
            let mut bytes = uuid::Uuid::new_v4().as_bytes()[..12].to_vec();
            if long {
                bytes.extend_from_slice(uuid::Uuid::new_v4().as_bytes());
            }
            let id = data_encoding::BASE32HEX_NOPAD
                .encode(&bytes)
                .to_ascii_lowercase();
            if self.by_id(&id).is_none() {
                return id;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksum_matches_juju() {
        let data = BTreeMap::from([("token".to_owned(), "MQ==".to_owned())]);
        assert_eq!(
            checksum(&data),
            "cf73a4b0cec4a43e0f5e251d8d6b901c728e3a466168e225638703b4af657883"
        );
    }
}
