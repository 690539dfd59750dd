//! What the controller says of a secret: its metadata, revisions, grants and (revealed)
//! content.

use crate::error::{ApiError, Error, Result};
use crate::names::Tag;

use super::content::SecretContent;
use super::uri::SecretUri;
use super::wire;

/// A secret as the controller lists it. Values are present only when revealed.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct SecretInfo {
    /// The secret's URI.
    pub uri: SecretUri,
    /// The secret's name (Juju's `label`), if it has one.
    pub name: Option<String>,
    /// The description, if any.
    pub description: Option<String>,
    /// The owner's tag: `model-<uuid>` for user secrets, an application or unit tag for charm
    /// secrets.
    pub owner: String,
    /// The latest revision number.
    pub latest_revision: u32,
    /// The SHA-256 of the latest revision's content, on controllers that report it (Juju 3.6).
    pub latest_checksum: Option<String>,
    /// The rotation policy (charm secrets only).
    pub rotate_policy: Option<String>,
    /// When the secret was created (RFC 3339, as sent).
    pub created: Option<String>,
    /// When the secret was last updated (RFC 3339, as sent).
    pub updated: Option<String>,
    /// The revisions that still exist, oldest first.
    pub revisions: Vec<RevisionInfo>,
    /// Who has been granted access.
    pub access: Vec<AccessGrant>,
    /// When revealed: the content of the latest (or asked-for) revision, or why it could not be
    /// read. `None` when not revealed.
    pub content: Option<std::result::Result<SecretContent, ApiError>>,
}

impl SecretInfo {
    /// Whether this is a user secret (owned by the model), not a charm's.
    pub fn is_user_secret(&self) -> bool {
        Tag::Model.id(&self.owner).is_some()
    }

    /// The applications granted access, by name.
    pub fn granted_applications(&self) -> impl Iterator<Item = &str> {
        self.access.iter().filter_map(AccessGrant::application)
    }

    pub(crate) fn from_wire(w: wire::ListSecretResult) -> Result<SecretInfo> {
        // The URI is not quoted: decoding errors never repeat what the controller sent.
        let uri = SecretUri::parse(&w.uri).map_err(|_| {
            Error::protocol("the controller listed a secret whose URI is not a secret URI")
        })?;
        let content = match w.value {
            None => None,
            Some(wire::SecretValueResult { error: Some(e), .. }) => Some(Err(ApiError::from(e))),
            Some(wire::SecretValueResult { data, .. }) => Some(Ok(data.unwrap_or_default().0)),
        };
        Ok(SecretInfo {
            uri,
            name: w.label.filter(|l| !l.is_empty()),
            description: w.description.filter(|d| !d.is_empty()),
            owner: w.owner_tag,
            latest_revision: w.latest_revision,
            latest_checksum: w.latest_revision_checksum.filter(|c| !c.is_empty()),
            rotate_policy: w.rotate_policy.filter(|p| !p.is_empty()),
            created: w.create_time,
            updated: w.update_time,
            revisions: w
                .revisions
                .unwrap_or_default()
                .into_vec()
                .into_iter()
                .map(RevisionInfo::from_wire)
                .collect(),
            access: w
                .access
                .unwrap_or_default()
                .into_vec()
                .into_iter()
                .map(|a| AccessGrant {
                    target: a.target_tag,
                    scope: a.scope_tag,
                    role: a.role,
                })
                .collect(),
            content,
        })
    }
}

/// One revision of a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RevisionInfo {
    /// The revision number, from 1.
    pub revision: u32,
    /// Where the content is stored: `internal` for the controller's database.
    pub backend: Option<String>,
    /// When the revision was created (RFC 3339).
    pub created: Option<String>,
    /// When the revision was last updated (RFC 3339).
    pub updated: Option<String>,
    /// When the revision expires (charm secrets only).
    pub expires: Option<String>,
}

impl RevisionInfo {
    fn from_wire(r: wire::SecretRevision) -> Self {
        RevisionInfo {
            revision: r.revision,
            backend: r.backend_name.filter(|b| !b.is_empty()),
            created: r.create_time,
            updated: r.update_time,
            expires: r.expire_time,
        }
    }
}

/// An access grant on a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct AccessGrant {
    /// Who has access, as a tag such as `application-mysql`.
    pub target: String,
    /// The scope of the grant, such as `model-<uuid>`.
    pub scope: String,
    /// `view` or `manage`.
    pub role: String,
}

impl AccessGrant {
    /// The application's name, when the target is an application.
    pub fn application(&self) -> Option<&str> {
        Tag::Application.id(&self.target)
    }
}
