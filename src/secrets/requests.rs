//! What the operations of [`SecretsApi`](super::SecretsApi) take: options of the reads, new
//! secrets, changes and removals.

use crate::error::{Error, Result};

use super::content::SecretContent;
use super::reference::{IntoSecretRef, SecretRef};

/// Options of [`SecretsApi::list`](super::SecretsApi::list): which secrets, and whether to
/// reveal their content. The default lists every secret of the model (user and charm secrets
/// alike) without content.
///
/// ```
/// use juju_secrets::ListOptions;
/// let everything = ListOptions::new().reveal();
/// let one = ListOptions::new().secret("db-creds").at_revision(2).reveal();
/// # let _ = (everything, one);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListOptions {
    pub(crate) secret: Option<std::result::Result<SecretRef, String>>,
    pub(crate) revision: Option<u32>,
    pub(crate) reveal: bool,
}

impl ListOptions {
    /// Every secret, metadata only.
    pub fn new() -> Self {
        ListOptions::default()
    }

    /// Only this secret, by name or URI (see [`IntoSecretRef`]). Text that names no secret is
    /// reported by `list`, before any I/O.
    pub fn secret(mut self, secret: impl IntoSecretRef) -> Self {
        self.secret = Some(secret.into_secret_ref().map_err(|e| match e {
            Error::InvalidInput(why) => why,
            other => other.to_string(),
        }));
        self
    }

    /// Show the secret at this revision (its content, when revealed) instead of the latest.
    /// Needs [`secret`](Self::secret): Juju 4 refuses a revision without one, and Juju 3 fails
    /// the whole list when any secret lacks it.
    pub fn at_revision(mut self, revision: u32) -> Self {
        self.revision = Some(revision);
        self
    }

    /// Include each secret's decoded content. Needs model admin access.
    pub fn reveal(mut self) -> Self {
        self.reveal = true;
        self
    }

    /// The secret to list, checked.
    pub(crate) fn checked_secret(&self) -> Result<Option<SecretRef>> {
        match &self.secret {
            None => Ok(None),
            Some(Ok(secret)) => Ok(Some(secret.clone())),
            Some(Err(why)) => Err(Error::invalid(why.clone())),
        }
    }
}

/// Options of [`SecretsApi::show`](super::SecretsApi::show). The default shows the latest
/// revision's metadata, without content or the list of revisions.
///
/// ```
/// use juju_secrets::ShowOptions;
/// let options = ShowOptions::new().reveal().at_revision(2);
/// # let _ = options;
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ShowOptions {
    pub(crate) reveal: bool,
    pub(crate) revision: Option<u32>,
    pub(crate) list_revisions: bool,
}

impl ShowOptions {
    /// The latest revision's metadata.
    pub fn new() -> Self {
        ShowOptions::default()
    }

    /// Include the decoded content. Needs model admin access.
    pub fn reveal(mut self) -> Self {
        self.reveal = true;
        self
    }

    /// Show this revision (its content, when revealed) instead of the latest.
    pub fn at_revision(mut self, revision: u32) -> Self {
        self.revision = Some(revision);
        self
    }

    /// Include the metadata of every revision that still exists
    /// ([`SecretInfo::revisions`](super::SecretInfo::revisions), otherwise left empty); with
    /// [`at_revision`](Self::at_revision), Juju lists only that revision.
    pub fn list_revisions(mut self) -> Self {
        self.list_revisions = true;
        self
    }
}

/// A user secret to add: its name, unique in the model, its content and an optional
/// description. For [`SecretsApi::add`](super::SecretsApi::add),
/// [`add_many`](super::SecretsApi::add_many) and [`ensure`](super::SecretsApi::ensure).
///
/// ```
/// use juju_secrets::{NewSecret, SecretContent};
/// let secret = NewSecret::new("db-creds", SecretContent::from_pairs([("password", "s3cr3t")])?)
///     .description("database credentials");
/// # let _ = secret;
/// # Ok::<(), juju_secrets::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct NewSecret {
    pub(crate) name: String,
    pub(crate) content: SecretContent,
    pub(crate) description: Option<String>,
}

impl NewSecret {
    /// A secret named `name` holding `content`, without description.
    pub fn new(name: impl Into<String>, content: SecretContent) -> Self {
        NewSecret {
            name: name.into(),
            content,
            description: None,
        }
    }

    /// A description (an empty one counts as none).
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into()).filter(|d: &String| !d.is_empty());
        self
    }

    /// The name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The content.
    pub fn content(&self) -> &SecretContent {
        &self.content
    }

    /// Checks what the controller would refuse, as adding the secret does before sending
    /// anything: an empty name, or content that breaks Juju's rules. A name that reads as a
    /// secret URI (`secret:...`, or a bare 20-character Juju id) is refused too: neither the
    /// juju CLI nor a name given as text could address the secret by it afterwards.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] saying what is wrong.
    pub fn validate(&self) -> Result<()> {
        if self.name.trim().is_empty() {
            return Err(Error::invalid("a user secret needs a name"));
        }
        if !matches!(SecretRef::parse(&self.name), Ok(SecretRef::Name(_))) {
            return Err(Error::invalid(format!(
                "the name {:?} reads as a secret URI, so it could not name the secret: choose \
                 another",
                self.name
            )));
        }
        self.content.validate()
    }
}

/// What to change in a secret, for [`SecretsApi::update`](super::SecretsApi::update): only what
/// is set is sent. At least one change is required.
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

    /// Checks what the controller would refuse, as updating does before sending anything: no
    /// change at all, an empty new name, or content that breaks Juju's rules.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] saying what is wrong.
    pub fn validate(&self) -> Result<()> {
        if self.is_empty() {
            return Err(Error::invalid(
                "the update changes nothing: give new content, a new name, a description or \
                 auto-prune",
            ));
        }
        if self.name.as_deref().is_some_and(|n| n.trim().is_empty()) {
            return Err(Error::invalid("a secret's new name cannot be empty"));
        }
        match &self.content {
            Some(content) => content.validate(),
            None => Ok(()),
        }
    }
}

/// What to remove, for [`SecretsApi::remove_many`](super::SecretsApi::remove_many): a whole
/// secret, or some of its revisions (the single forms are
/// [`remove`](super::SecretsApi::remove) and
/// [`remove_revisions`](super::SecretsApi::remove_revisions)).
///
/// ```
/// use juju_secrets::{Removal, SecretRef};
/// let removals = [
///     Removal::secret(SecretRef::name("old-token")),
///     Removal::revisions(SecretRef::name("db-creds"), [1, 2]),
/// ];
/// # let _ = removals;
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Removal {
    pub(crate) secret: SecretRef,
    /// Empty for the whole secret.
    pub(crate) revisions: Vec<u32>,
    pub(crate) whole: bool,
}

impl Removal {
    /// The whole secret: every revision, its grants and its name.
    pub fn secret(secret: impl Into<SecretRef>) -> Self {
        Removal {
            secret: secret.into(),
            revisions: Vec::new(),
            whole: true,
        }
    }

    /// These revisions of the secret; removing every remaining revision removes the secret.
    /// The list must not be empty.
    pub fn revisions(
        secret: impl Into<SecretRef>,
        revisions: impl IntoIterator<Item = u32>,
    ) -> Self {
        Removal {
            secret: secret.into(),
            revisions: revisions.into_iter().collect(),
            whole: false,
        }
    }

    /// Checks what cannot be sent, as removing does before sending anything: no revisions, or
    /// revision 0.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] saying what is wrong.
    pub fn validate(&self) -> Result<()> {
        if !self.whole && self.revisions.is_empty() {
            return Err(Error::invalid(format!(
                "name at least one revision of {} to remove (Removal::secret removes it all)",
                self.secret
            )));
        }
        self.revisions.iter().try_for_each(|r| check_revision(*r))
    }
}

/// Juju numbers revisions from 1.
pub(crate) fn check_revision(revision: u32) -> Result<()> {
    if revision == 0 {
        return Err(Error::invalid(
            "secret revisions start at 1; revision 0 does not exist",
        ));
    }
    Ok(())
}
