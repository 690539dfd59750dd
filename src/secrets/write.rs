//! The writes of `SecretsApi`: add, update, remove, grant and revoke, single and in batches.
//! Each refuses what the controller would refuse before sending anything.

use crate::error::{Error, ErrorKind, Result};

use super::api::{
    after_sending, item_error, per_item, target, SecretsApi, CREATE, GRANT, REMOVE, REVOKE, UPDATE,
};
use super::content::SecretContent;
use super::reference::{IntoSecretRef, SecretRef};
use super::requests::{NewSecret, Removal, SecretUpdate};
use super::uri::SecretUri;
use super::wire::{self, Args, ContentParams};

fn wire_content(content: &SecretContent) -> Result<ContentParams<'_>> {
    Ok(ContentParams {
        data: content.to_wire()?,
    })
}

fn check_apps<S: AsRef<str>>(apps: &[S]) -> Result<()> {
    if apps.is_empty() {
        return Err(Error::invalid("name at least one application"));
    }
    check_app_names(apps)
}

/// Every application named, none empty (an empty list is for the caller to judge).
pub(super) fn check_app_names<S: AsRef<str>>(apps: &[S]) -> Result<()> {
    if apps.iter().any(|a| a.as_ref().trim().is_empty()) {
        return Err(Error::invalid("application names cannot be empty"));
    }
    Ok(())
}

/// The only item of a batch of one.
fn single<T>(mut results: Vec<Result<T>>) -> Result<T> {
    results
        .pop()
        .unwrap_or_else(|| Err(Error::protocol("the controller answered no result")))
}

impl SecretsApi<'_> {
    /// Adds a user secret and returns its URI. (`CreateSecrets`)
    ///
    /// ```
    /// # let controller = juju_secrets::testing::TestController::start()?;
    /// # let mut client = juju_secrets::Client::connect(&controller.connect_options())?;
    /// use juju_secrets::{NewSecret, SecretContent};
    /// let content = SecretContent::from_args(&["user=app", "password=s3cr3t"])?;
    /// let uri = client.secrets().add(&NewSecret::new("db-creds", content).description("database credentials"))?;
    /// assert!(uri.to_string().starts_with("secret:"));
    /// # Ok::<(), juju_secrets::Error>(())
    /// ```
    ///
    /// # Errors
    /// - [`Error::InvalidInput`] before any I/O: an empty name, invalid content;
    /// - [`Error::Unsupported`] before any I/O on controllers older than Juju 3.3;
    /// - [`Error::Api`] with [`ErrorKind::AlreadyExists`](crate::ErrorKind::AlreadyExists) when
    ///   the name is taken.
    pub fn add(&mut self, secret: &NewSecret) -> Result<SecretUri> {
        single(self.create(std::slice::from_ref(secret))?)
    }

    /// Adds several user secrets in one round trip; one result per secret, in order. An empty
    /// list sends nothing.
    ///
    /// ```
    /// # let controller = juju_secrets::testing::TestController::start()?;
    /// # let mut client = juju_secrets::Client::connect(&controller.connect_options())?;
    /// use juju_secrets::{ErrorKind, NewSecret, SecretContent};
    /// let content = SecretContent::from_pairs([("token", "t0ken")])?;
    /// let results = client.secrets().add_many(&[
    ///     NewSecret::new("first", content.clone()),
    ///     NewSecret::new("first", content),
    /// ])?;
    /// assert!(results[0].is_ok());
    /// assert_eq!(results[1].as_ref().unwrap_err().kind(), Some(ErrorKind::AlreadyExists));
    /// # Ok::<(), juju_secrets::Error>(())
    /// ```
    ///
    /// # Errors
    /// The outer error when the whole call fails (including any invalid item, before any I/O);
    /// each item's own error otherwise.
    pub fn add_many(&mut self, secrets: &[NewSecret]) -> Result<Vec<Result<SecretUri>>> {
        self.create(secrets)
    }

    fn create(&mut self, secrets: &[NewSecret]) -> Result<Vec<Result<SecretUri>>> {
        if secrets.is_empty() {
            return self.nothing_to_send(CREATE);
        }
        let mut args = Vec::with_capacity(secrets.len());
        for secret in secrets {
            secret.validate()?;
            args.push(wire::CreateSecretArg {
                label: Some(&secret.name),
                description: secret.description.as_deref(),
                content: wire_content(&secret.content)?,
                owner_tag: "",
            });
        }
        let reply = self.call(CREATE, &Args { args })?;
        let results: Vec<wire::StringResult> = per_item(reply, secrets.len(), CREATE)?;
        Ok(results
            .into_iter()
            .map(|r| {
                item_error(r.error)?;
                SecretUri::parse(&r.result).map_err(|_| {
                    // Not quoted: decoding errors never repeat what the controller sent.
                    let unusable = Error::protocol(
                        "the controller answered with a URI that is not a secret URI",
                    );
                    after_sending(CREATE, unusable)
                })
            })
            .collect())
    }

    /// Changes a secret: only what `changes` sets is sent. (`UpdateSecrets`)
    ///
    /// ```
    /// # let controller = juju_secrets::testing::TestController::start()?;
    /// # controller.insert_secret("db-creds", &[("password", b"s3cr3t".as_slice())]);
    /// # let mut client = juju_secrets::Client::connect(&controller.connect_options())?;
    /// use juju_secrets::{SecretContent, SecretUpdate, ShowOptions};
    /// let rotated = SecretContent::from_pairs([("password", "n3w")])?;
    /// client.secrets().update("db-creds", &SecretUpdate::new().content(rotated))?;
    /// let info = client.secrets().show("db-creds", &ShowOptions::new())?;
    /// assert_eq!(info.latest_revision, 2);
    /// # Ok::<(), juju_secrets::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`] before any I/O for an empty update, an empty name (current or
    /// new) or invalid content; [`Error::Api`] from the controller (not found, name already
    /// used).
    pub fn update(&mut self, secret: impl IntoSecretRef, changes: &SecretUpdate) -> Result<()> {
        let secret = secret.into_secret_ref()?;
        single(self.update_items(&[(&secret, changes)])?)
    }

    /// Changes several secrets in one round trip; one result per change, in order. An empty
    /// list sends nothing.
    ///
    /// ```
    /// # let controller = juju_secrets::testing::TestController::start()?;
    /// # controller.insert_secret("first", &[("token", b"1".as_slice())]);
    /// # let mut client = juju_secrets::Client::connect(&controller.connect_options())?;
    /// use juju_secrets::{SecretRef, SecretUpdate};
    /// let results = client.secrets().update_many(&[
    ///     (SecretRef::name("first"), SecretUpdate::new().description("the first")),
    ///     (SecretRef::name("missing"), SecretUpdate::new().description("nobody")),
    /// ])?;
    /// assert!(results[0].is_ok() && results[1].is_err());
    /// # Ok::<(), juju_secrets::Error>(())
    /// ```
    ///
    /// # Errors
    /// The outer error when the whole call fails (including any invalid item, before any I/O).
    pub fn update_many(
        &mut self,
        changes: &[(SecretRef, SecretUpdate)],
    ) -> Result<Vec<Result<()>>> {
        let items: Vec<_> = changes.iter().map(|(s, c)| (s, c)).collect();
        self.update_items(&items)
    }

    fn update_items(&mut self, changes: &[(&SecretRef, &SecretUpdate)]) -> Result<Vec<Result<()>>> {
        if changes.is_empty() {
            return self.nothing_to_send(UPDATE);
        }
        let mut args = Vec::with_capacity(changes.len());
        for &(secret, change) in changes {
            change.validate()?;
            let (uri, existing_label) = target(secret)?;
            args.push(wire::UpdateUserSecretArg {
                uri,
                existing_label,
                label: change.name.as_deref(),
                description: change.description.as_deref(),
                auto_prune: change.auto_prune,
                content: change.content.as_ref().map(wire_content).transpose()?,
            });
        }
        let reply = self.call(UPDATE, &Args { args })?;
        let results: Vec<wire::ErrorResult> = per_item(reply, changes.len(), UPDATE)?;
        Ok(results.into_iter().map(|r| item_error(r.error)).collect())
    }

    /// Removes a whole secret: every revision, its grants and its name. (`RemoveSecrets`)
    ///
    /// ```
    /// # let controller = juju_secrets::testing::TestController::start()?;
    /// # let uri = controller.insert_secret("old-token", &[("token", b"1".as_slice())]);
    /// # let mut client = juju_secrets::Client::connect(&controller.connect_options())?;
    /// client.secrets().remove("old-token")?; // or its URI: remove(&uri), remove("secret:...")
    /// assert!(client.secrets().remove(uri.as_str()).is_err()); // gone
    /// # Ok::<(), juju_secrets::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`] before any I/O for an empty name; [`Error::Api`] with
    /// [`ErrorKind::NotFound`](crate::ErrorKind::NotFound) for an unknown secret.
    pub fn remove(&mut self, secret: impl IntoSecretRef) -> Result<()> {
        single(self.remove_many(&[Removal::secret(secret.into_secret_ref()?)])?)
    }

    /// Removes some revisions of a secret; removing every remaining revision removes the
    /// secret. (`RemoveSecrets`)
    ///
    /// ```
    /// # let controller = juju_secrets::testing::TestController::start()?;
    /// # controller.insert_secret("db-creds", &[("password", b"s3cr3t".as_slice())]);
    /// # let mut client = juju_secrets::Client::connect(&controller.connect_options())?;
    /// use juju_secrets::{SecretContent, SecretUpdate};
    /// let mut secrets = client.secrets();
    /// secrets.update("db-creds", &SecretUpdate::new().content(SecretContent::from_pairs([("password", "n3w")])?))?;
    /// secrets.remove_revisions("db-creds", &[1])?;
    /// assert!(secrets.remove_revisions("db-creds", &[]).is_err());
    /// # Ok::<(), juju_secrets::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for an empty list or revision 0; as [`SecretsApi::remove`], and
    /// [`ErrorKind::NotFound`](crate::ErrorKind::NotFound) when none of the revisions exists.
    pub fn remove_revisions(
        &mut self,
        secret: impl IntoSecretRef,
        revisions: &[u32],
    ) -> Result<()> {
        let removal = Removal::revisions(secret.into_secret_ref()?, revisions.iter().copied());
        single(self.remove_many(&[removal])?)
    }

    /// Removes several secrets or revisions in one round trip; one result per item, in order.
    /// An empty list sends nothing.
    ///
    /// ```
    /// # let controller = juju_secrets::testing::TestController::start()?;
    /// # controller.insert_secret("a-token", &[("token", b"1".as_slice())]);
    /// # controller.insert_secret("b-token", &[("token", b"1".as_slice())]);
    /// # let mut client = juju_secrets::Client::connect(&controller.connect_options())?;
    /// use juju_secrets::{Removal, SecretRef};
    /// let results = client.secrets().remove_many(&[
    ///     Removal::secret(SecretRef::name("a-token")),
    ///     Removal::revisions(SecretRef::name("b-token"), [1]),
    /// ])?;
    /// assert!(results.iter().all(Result::is_ok));
    /// # Ok::<(), juju_secrets::Error>(())
    /// ```
    ///
    /// # Errors
    /// The outer error when the whole call fails (including an item without revisions or with
    /// revision 0, before any I/O).
    pub fn remove_many(&mut self, removals: &[Removal]) -> Result<Vec<Result<()>>> {
        if removals.is_empty() {
            return self.nothing_to_send(REMOVE);
        }
        let mut args = Vec::with_capacity(removals.len());
        for removal in removals {
            removal.validate()?;
            let (uri, label) = target(&removal.secret)?;
            args.push(wire::DeleteSecretArg {
                uri,
                label,
                revisions: &removal.revisions,
            });
        }
        let reply = self.call(REMOVE, &Args { args })?;
        let results: Vec<wire::ErrorResult> = per_item(reply, removals.len(), REMOVE)?;
        Ok(results.into_iter().map(|r| item_error(r.error)).collect())
    }

    /// Grants applications `view` access; one result per application, in order, so one
    /// application's failure never hides the others' success. (`GrantSecret`)
    ///
    /// ```
    /// # let controller = juju_secrets::testing::TestController::start()?;
    /// # controller.insert_secret("db-creds", &[("password", b"s3cr3t".as_slice())]);
    /// # let mut client = juju_secrets::Client::connect(&controller.connect_options())?;
    /// for (app, result) in client.secrets().grant("db-creds", &["mysql", "no-such-app"])? {
    ///     println!("{app}: {}", if result.is_ok() { "granted" } else { "refused" });
    /// }
    /// # Ok::<(), juju_secrets::Error>(())
    /// ```
    ///
    /// # Errors
    /// The outer error when the whole call fails (no applications or an empty name given, before
    /// any I/O; an unknown secret name).
    pub fn grant<S: AsRef<str>>(
        &mut self,
        secret: impl IntoSecretRef,
        apps: &[S],
    ) -> Result<Vec<(String, Result<()>)>> {
        self.grant_or_revoke(GRANT, &secret.into_secret_ref()?, apps)
    }

    /// Revokes applications' access; one result per application. Revoking an access that does
    /// not exist succeeds: Juju 3.6 answers so for an unknown application or a URI that names
    /// no secret, and Juju 4's "not found" for them is taken as that same success, so the
    /// result is the same whichever release answers. (`RevokeSecret`)
    ///
    /// ```
    /// # let controller = juju_secrets::testing::TestController::start()?;
    /// # controller.insert_secret("db-creds", &[("password", b"s3cr3t".as_slice())]);
    /// # let mut client = juju_secrets::Client::connect(&controller.connect_options())?;
    /// let mut secrets = client.secrets();
    /// secrets.grant("db-creds", &["mysql", "wordpress"])?;
    /// secrets.revoke("db-creds", &["mysql"])?;
    /// let info = secrets.show("db-creds", &Default::default())?;
    /// assert_eq!(info.granted_applications().collect::<Vec<_>>(), ["wordpress"]);
    /// # Ok::<(), juju_secrets::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`SecretsApi::grant`].
    pub fn revoke<S: AsRef<str>>(
        &mut self,
        secret: impl IntoSecretRef,
        apps: &[S],
    ) -> Result<Vec<(String, Result<()>)>> {
        self.grant_or_revoke(REVOKE, &secret.into_secret_ref()?, apps)
    }

    pub(super) fn grant_or_revoke<S: AsRef<str>>(
        &mut self,
        method: super::api::Method,
        secret: &SecretRef,
        apps: &[S],
    ) -> Result<Vec<(String, Result<()>)>> {
        check_apps(apps)?;
        let (uri, label) = target(secret)?;
        let applications: Vec<&str> = apps.iter().map(AsRef::as_ref).collect();
        let arg = wire::GrantRevokeUserSecretArg {
            uri,
            label,
            applications: &applications,
        };
        let reply = self.call(method, &arg)?;
        let results: Vec<wire::ErrorResult> = per_item(reply, apps.len(), method)?;
        let revoking = method.name == REVOKE.name;
        Ok(applications
            .iter()
            .zip(results)
            .map(|(app, r)| {
                let result = match item_error(r.error) {
                    // Nothing to revoke: afterwards the application has no access either way.
                    Err(e) if revoking && e.kind() == Some(ErrorKind::NotFound) => Ok(()),
                    other => other,
                };
                ((*app).to_owned(), result)
            })
            .collect())
    }
}
