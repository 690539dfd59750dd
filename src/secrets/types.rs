//! The public shapes of secrets, filters and changes.

use crate::error::{ApiError, Error, Result};
use crate::rpc::WireError;

use super::content::SecretContent;
use super::uri::{SecretRef, SecretUri};
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
        self.owner.starts_with("model-")
    }

    /// The applications granted access, by name.
    pub fn granted_applications(&self) -> impl Iterator<Item = &str> {
        self.access.iter().filter_map(AccessGrant::application)
    }

    pub(crate) fn from_wire(w: wire::ListSecretResult) -> Result<SecretInfo> {
        let uri = SecretUri::parse(&w.uri).map_err(|e| {
            Error::protocol(format!(
                "the controller listed a secret with an unusable URI: {e}"
            ))
        })?;
        let content = match w.value {
            None => None,
            Some(wire::SecretValueResult { error: Some(e), .. }) => Some(Err(ApiError::from(e))),
            Some(wire::SecretValueResult { data, .. }) => {
                Some(Ok(SecretContent::from_wire(&data.unwrap_or_default())?))
            }
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
                .into_iter()
                .map(RevisionInfo::from_wire)
                .collect(),
            access: w
                .access
                .unwrap_or_default()
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
        self.target.strip_prefix("application-")
    }
}

/// Which secrets [`SecretsApi::list`](super::SecretsApi::list) returns. Conditions are ANDed; the
/// default matches every secret of the model.
///
/// ```
/// use juju_secrets::SecretFilter;
/// let filter = SecretFilter::all().name("db-password").revision(2);
/// # let _ = filter;
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SecretFilter {
    pub(crate) uri: Option<SecretUri>,
    pub(crate) name: Option<String>,
    pub(crate) revision: Option<u32>,
}

impl SecretFilter {
    /// Every secret of the model.
    pub fn all() -> Self {
        SecretFilter::default()
    }

    /// Only the secret with this URI.
    pub fn uri(mut self, uri: SecretUri) -> Self {
        self.uri = Some(uri);
        self
    }

    /// Only the secret with this name.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Reveal this revision instead of the latest. The controller fails the whole call when a
    /// matched secret has no such revision.
    pub fn revision(mut self, revision: u32) -> Self {
        self.revision = Some(revision);
        self
    }

    /// Matches exactly one secret, by URI or name.
    pub fn secret(secret: &SecretRef) -> Self {
        match secret {
            SecretRef::Uri(uri) => SecretFilter::all().uri(uri.clone()),
            SecretRef::Name(name) => SecretFilter::all().name(name.clone()),
        }
    }
}

/// Options of [`SecretsApi::show`](super::SecretsApi::show).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ShowOptions {
    /// Include the decoded content. Needs model admin access.
    pub reveal: bool,
    /// Reveal this revision instead of the latest.
    pub revision: Option<u32>,
    /// Keep the list of revisions in the result (otherwise it is left empty).
    pub revisions: bool,
}

/// A new user secret, for [`SecretsApi::add_many`](super::SecretsApi::add_many).
#[derive(Debug, Clone, PartialEq)]
pub struct NewSecret {
    /// The secret's name, unique in the model.
    pub name: String,
    /// The content.
    pub content: SecretContent,
    /// An optional description.
    pub description: Option<String>,
}

/// What to change in a secret: only what is set is sent. At least one change is required.
///
/// ```
/// use juju_secrets::{SecretContent, SecretUpdate};
/// let update = SecretUpdate::new()
///     .content(SecretContent::from_pairs([("password", "n3w")])?)
///     .description("rotated");
/// # let _ = update;
/// # Ok::<(), juju_secrets::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SecretUpdate {
    pub(crate) content: Option<SecretContent>,
    pub(crate) name: Option<String>,
    pub(crate) description: Option<String>,
    pub(crate) auto_prune: Option<bool>,
}

impl SecretUpdate {
    /// No changes yet.
    pub fn new() -> Self {
        SecretUpdate::default()
    }

    /// New content: a new revision, unless it equals the latest revision's content.
    pub fn content(mut self, content: SecretContent) -> Self {
        self.content = Some(content);
        self
    }

    /// A new name. Must not be empty.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// A new description (`""` clears it).
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// Turns auto-prune on or off: when on, revisions nobody uses are deleted as soon as a newer
    /// one exists.
    pub fn auto_prune(mut self, on: bool) -> Self {
        self.auto_prune = Some(on);
        self
    }

    /// Whether nothing would change.
    pub fn is_empty(&self) -> bool {
        self.content.is_none()
            && self.name.is_none()
            && self.description.is_none()
            && self.auto_prune.is_none()
    }
}

pub(crate) fn item_error(e: Option<WireError>) -> Result<()> {
    match e {
        Some(e) => Err(Error::Api(ApiError::from(e))),
        None => Ok(()),
    }
}
