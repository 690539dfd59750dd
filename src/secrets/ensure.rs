//! Declarative helpers: make a secret, or who may read it, be as described, writing only what
//! differs.

use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

use super::api::{target, SecretsApi, CREATE, GRANT, REVOKE};
use super::content::WireData;
use super::info::SecretInfo;
use super::reference::{IntoSecretRef, SecretRef};
use super::requests::{ListOptions, NewSecret, SecretUpdate, ShowOptions};
use super::uri::SecretUri;
use super::write::check_app_names;
use crate::sensitive;

/// What [`SecretsApi::ensure`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ensured {
    /// The name was free: the secret was created.
    Created(SecretUri),
    /// The secret existed and differed: a new revision, a new description, or both.
    Updated(SecretUri),
    /// The secret was already as described: nothing was written.
    Unchanged(SecretUri),
}

impl Ensured {
    /// The secret's URI.
    pub fn uri(&self) -> &SecretUri {
        match self {
            Ensured::Created(uri) | Ensured::Updated(uri) | Ensured::Unchanged(uri) => uri,
        }
    }
}

/// What [`SecretsApi::ensure_access`] did for one application.
#[derive(Debug)]
#[non_exhaustive]
pub struct AccessChange {
    /// The application.
    pub application: String,
    /// Whether access was granted or revoked.
    pub action: AccessAction,
    /// The controller's answer for this application.
    pub result: Result<()>,
}

/// A change of an application's access to a secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccessAction {
    /// `view` access was granted.
    Grant,
    /// Access was revoked.
    Revoke,
}

impl SecretsApi<'_> {
    /// Makes the user secret `secret.name()` hold `secret.content()` (and its description, when
    /// one is given): creates it if the name is free, adds a revision only if the content
    /// differs from the latest revision's, and changes the description only if it differs. A
    /// secret already as described is not written to at all.
    ///
    /// The content is compared by the latest revision's checksum, which Juju 3.6 and later
    /// report (the hex SHA-256 of the JSON of the base64 values, as Juju computes it); with
    /// older controllers the latest revision is revealed and compared, which needs model admin
    /// access.
    ///
    /// ```
    /// # let controller = juju_secrets::testing::TestController::start()?;
    /// # let mut client = juju_secrets::Client::connect(&controller.connect_options())?;
    /// use juju_secrets::{Ensured, NewSecret, SecretContent};
    /// let wanted = NewSecret::new("api-token", SecretContent::from_pairs([("token", "t0ken")])?);
    /// let mut secrets = client.secrets();
    /// assert!(matches!(secrets.ensure(&wanted)?, Ensured::Created(_)));
    /// assert!(matches!(secrets.ensure(&wanted)?, Ensured::Unchanged(_)));
    /// let rotated = NewSecret::new("api-token", SecretContent::from_pairs([("token", "n3w")])?);
    /// assert!(matches!(secrets.ensure(&rotated)?, Ensured::Updated(_)));
    /// # Ok::<(), juju_secrets::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`] before any I/O for an empty name or invalid content;
    /// [`Error::Unsupported`] before any I/O on controllers older than Juju 3.3; as
    /// [`SecretsApi::add`] and [`SecretsApi::update`]. When another client takes the name
    /// between the look-up and the create, the create fails with
    /// [`ErrorKind::AlreadyExists`](crate::ErrorKind::AlreadyExists) and nothing is overwritten.
    pub fn ensure(&mut self, secret: &NewSecret) -> Result<Ensured> {
        secret.validate()?;
        // It may have to write: refused, like any write, on controllers without user secrets.
        self.version_for(CREATE)?;
        let wire = secret.content.to_wire()?;
        let Some(existing) = self.user_secret(&secret.name)? else {
            return self.add(secret).map(Ensured::Created);
        };
        let same_content = match &existing.latest_checksum {
            Some(sum) => *sum == checksum(&wire)?,
            None => self.get(&existing.uri)? == secret.content,
        };
        let same_description = secret
            .description
            .as_ref()
            .is_none_or(|d| existing.description.as_ref() == Some(d));
        if same_content && same_description {
            return Ok(Ensured::Unchanged(existing.uri));
        }
        let mut update = SecretUpdate::new();
        if !same_content {
            update = update.content(secret.content.clone());
        }
        if let Some(description) = secret.description.as_ref().filter(|_| !same_description) {
            update = update.description(description.as_str());
        }
        self.update(&existing.uri, &update)?;
        Ok(Ensured::Updated(existing.uri))
    }

    /// Grants and revokes so that exactly `apps` have access to `secret`: grants those that
    /// lack it, revokes those not named, and leaves the rest alone. One [`AccessChange`] per
    /// application changed (grants first), none when access is already as described.
    ///
    /// ```
    /// # let controller = juju_secrets::testing::TestController::start()?;
    /// # controller.insert_secret("db-creds", &[("password", b"s3cr3t".as_slice())]);
    /// # let mut client = juju_secrets::Client::connect(&controller.connect_options())?;
    /// let mut secrets = client.secrets();
    /// secrets.grant("db-creds", &["mysql"])?;
    /// let changes = secrets.ensure_access("db-creds", &["wordpress"])?;
    /// assert_eq!(changes.len(), 2); // wordpress granted, mysql revoked
    /// assert!(secrets.ensure_access("db-creds", &["wordpress"])?.is_empty());
    /// # Ok::<(), juju_secrets::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`] before any I/O for an empty name or application name;
    /// [`Error::Unsupported`] before any I/O on controllers older than Juju 3.3; as
    /// [`SecretsApi::show`], [`SecretsApi::grant`] and [`SecretsApi::revoke`].
    pub fn ensure_access<S: AsRef<str>>(
        &mut self,
        secret: impl IntoSecretRef,
        apps: &[S],
    ) -> Result<Vec<AccessChange>> {
        let secret = secret.into_secret_ref()?;
        target(&secret)?;
        check_app_names(apps)?;
        self.version_for(GRANT)?;
        let info = self.show(&secret, &ShowOptions::new())?;
        let granted: Vec<&str> = info.granted_applications().collect();
        let mut grant: Vec<&str> = Vec::new();
        for app in apps.iter().map(AsRef::as_ref) {
            if !granted.contains(&app) && !grant.contains(&app) {
                grant.push(app);
            }
        }
        let revoke: Vec<&str> = granted
            .iter()
            .copied()
            .filter(|g| !apps.iter().any(|a| a.as_ref() == *g))
            .collect();
        let secret = SecretRef::Uri(info.uri.clone());
        let mut changes = Vec::new();
        for (method, action, apps) in [
            (GRANT, AccessAction::Grant, grant),
            (REVOKE, AccessAction::Revoke, revoke),
        ] {
            if apps.is_empty() {
                continue;
            }
            for (application, result) in self.grant_or_revoke(method, &secret, &apps)? {
                changes.push(AccessChange {
                    application,
                    action,
                    result,
                });
            }
        }
        Ok(changes)
    }

    /// The model-owned secret named `name`, if there is one.
    fn user_secret(&mut self, name: &str) -> Result<Option<SecretInfo>> {
        let listed = self.list(&ListOptions::new().secret(SecretRef::name(name)))?;
        Ok(listed.into_iter().find(SecretInfo::is_user_secret))
    }
}

/// The checksum Juju keeps of a revision's content: the hex SHA-256 of the compact JSON of the
/// base64 values by key, keys sorted (`coresecrets.SecretValue.Checksum`).
pub(crate) fn checksum(data: &WireData) -> Result<String> {
    let json = sensitive::to_json(data)
        .map_err(|e| Error::invalid(format!("cannot encode the content: {e}")))?;
    Ok(Sha256::digest(&json[..])
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secrets::SecretContent;

    #[test]
    fn checksum_matches_juju() {
        let content = SecretContent::from_pairs([("token", "1")]).unwrap();
        let sum = checksum(&content.to_wire().unwrap()).unwrap();
        assert_eq!(
            sum,
            "cf73a4b0cec4a43e0f5e251d8d6b901c728e3a466168e225638703b4af657883"
        );
    }
}
