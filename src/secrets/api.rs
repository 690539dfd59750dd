//! `SecretsApi`: one blocking function per operation of the `Secrets` facade.

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::client::Client;
use crate::error::{ApiError, Error, Result};

use super::content::{SecretContent, SecretValue};
use super::types::{item_error, NewSecret, SecretFilter, SecretInfo, SecretUpdate, ShowOptions};
use super::uri::{SecretRef, SecretUri};
use super::wire::{self, Args, ContentParams, WireData};

/// The facade version that added user secret writes (Juju 3.3).
const WRITE_VERSION: u32 = 2;

/// The user secrets of the model a [`Client`] is logged in to.
///
/// Each operation sends one request and blocks until the controller answers. Everything the
/// controller would refuse is checked first, so invalid input fails before any I/O.
///
/// ```
/// # let controller = juju_secrets::testing::TestController::start()?;
/// # let options = controller.connect_options();
/// use juju_secrets::{Client, SecretContent, SecretRef};
/// let mut client = Client::connect(&options)?;
/// let mut secrets = client.secrets();
/// let content = SecretContent::from_pairs([("password", "s3cr3t")])?;
/// let uri = secrets.add("db-password", &content, Some("the database password"))?;
/// let value = secrets.get_value(&SecretRef::name("db-password"), "password")?;
/// assert_eq!(value.as_str(), Some("s3cr3t"));
/// secrets.remove(&uri.into(), None)?;
/// # Ok::<(), juju_secrets::Error>(())
/// ```
#[derive(Debug)]
pub struct SecretsApi<'a> {
    client: &'a mut Client,
}

impl Client {
    /// The user secrets of this client's model.
    pub fn secrets(&mut self) -> SecretsApi<'_> {
        SecretsApi { client: self }
    }
}

/// The `uri` and `label` to send; one of them is empty, never both: with both empty Juju 3.6
/// looks up the label `""`, which matches (and `RemoveSecrets` deletes) a secret without a name.
fn target(secret: &SecretRef) -> Result<(String, &str)> {
    match secret {
        SecretRef::Uri(uri) => Ok((uri.to_string(), "")),
        SecretRef::Name(name) if name.trim().is_empty() => Err(Error::invalid(
            "a secret's name cannot be empty: name it or use its URI",
        )),
        SecretRef::Name(name) => Ok((String::new(), name.as_str())),
    }
}

fn wire_content(content: &SecretContent) -> Result<ContentParams> {
    Ok(ContentParams {
        data: WireData(content.to_wire()?),
    })
}

fn check_apps(apps: &[&str]) -> Result<()> {
    if apps.is_empty() {
        return Err(Error::invalid("name at least one application"));
    }
    if apps.iter().any(|a| a.trim().is_empty()) {
        return Err(Error::invalid("application names cannot be empty"));
    }
    Ok(())
}

fn check_revision(revision: u32) -> Result<()> {
    if revision == 0 {
        return Err(Error::invalid(
            "secret revisions start at 1; revision 0 does not exist",
        ));
    }
    Ok(())
}

/// One result per item sent: fewer or more is a protocol error, never a silent success.
fn per_item<T>(results: Option<Vec<T>>, expected: usize, what: &str) -> Result<Vec<T>> {
    let results = results.unwrap_or_default();
    if results.len() != expected {
        return Err(Error::protocol(format!(
            "{what} answered {} results for {expected} items",
            results.len()
        )));
    }
    Ok(results)
}

impl SecretsApi<'_> {
    /// The negotiated `Secrets` version, which must be at least `min`.
    fn version(&self, min: u32) -> Result<u32> {
        let version = self.client.require_facade("Secrets")?;
        if version < min {
            return Err(Error::Unsupported(format!(
                "user secrets need Juju 3.3 or later (Secrets facade v{min}); this controller \
                 (Juju {}) offers only v{version}",
                self.client.login_info().server_version
            )));
        }
        Ok(version)
    }

    fn call<P: Serialize, R: DeserializeOwned>(
        &mut self,
        min: u32,
        method: &str,
        params: &P,
    ) -> Result<R> {
        let version = self.version(min)?;
        if min >= WRITE_VERSION {
            // Writes are not idempotent: never guess whether one took effect.
            self.client.call_write("Secrets", version, method, params)
        } else {
            self.client.call("Secrets", version, method, params)
        }
    }

    /// An empty batch: no results and no round trip, but the same refusal as any write on a
    /// controller without user secrets.
    fn nothing_to_send<T>(&self) -> Result<Vec<T>> {
        self.version(WRITE_VERSION)?;
        Ok(Vec::new())
    }

    /// Adds a user secret and returns its URI. (`CreateSecrets`)
    ///
    /// # Errors
    /// - [`Error::InvalidInput`] before any I/O: empty name, invalid content;
    /// - [`Error::Unsupported`] before any I/O on controllers older than Juju 3.3;
    /// - [`Error::Api`] with [`ErrorCode::AlreadyExists`](crate::ErrorCode::AlreadyExists) when
    ///   the name is taken.
    pub fn add(
        &mut self,
        name: &str,
        content: &SecretContent,
        description: Option<&str>,
    ) -> Result<SecretUri> {
        let mut results = self.create(&[(name, content, description)])?;
        results
            .pop()
            .unwrap_or_else(|| Err(Error::protocol("CreateSecrets answered no result")))
    }

    /// Adds several user secrets in one round trip; one result per secret, in order. An empty
    /// list sends nothing.
    ///
    /// # Errors
    /// The outer error when the whole call fails (including any invalid item, before any I/O);
    /// each item's own error otherwise.
    pub fn add_many(&mut self, secrets: &[NewSecret]) -> Result<Vec<Result<SecretUri>>> {
        let items: Vec<_> = secrets
            .iter()
            .map(|s| (s.name.as_str(), &s.content, s.description.as_deref()))
            .collect();
        self.create(&items)
    }

    /// `CreateSecrets` for borrowed items: (name, content, description).
    fn create(
        &mut self,
        secrets: &[(&str, &SecretContent, Option<&str>)],
    ) -> Result<Vec<Result<SecretUri>>> {
        if secrets.is_empty() {
            return self.nothing_to_send();
        }
        let mut args = Vec::with_capacity(secrets.len());
        for &(name, content, description) in secrets {
            if name.trim().is_empty() {
                return Err(Error::invalid("a user secret needs a name"));
            }
            args.push(wire::CreateSecretArg {
                label: Some(name),
                description: description.filter(|d| !d.is_empty()),
                content: wire_content(content)?,
                owner_tag: "",
            });
        }
        let reply: wire::Results<wire::StringResult> =
            self.call(WRITE_VERSION, "CreateSecrets", &Args { args })?;
        let results = per_item(reply.results, secrets.len(), "CreateSecrets")?;
        Ok(results
            .into_iter()
            .map(|r| {
                item_error(r.error)?;
                SecretUri::parse(&r.result).map_err(|e| {
                    Error::protocol(format!("CreateSecrets returned an unusable URI: {e}"))
                })
            })
            .collect())
    }

    /// Lists the model's secrets (user and charm secrets alike) matching `filter`; with `reveal`,
    /// each with its decoded content. (`ListSecrets`)
    ///
    /// # Errors
    /// [`Error::InvalidInput`] before any I/O for a filter revision of 0; [`Error::Api`] when the
    /// controller refuses (revealing needs model admin access; a filter revision some matched
    /// secret lacks fails the whole call).
    pub fn list(&mut self, filter: &SecretFilter, reveal: bool) -> Result<Vec<SecretInfo>> {
        if let Some(r) = filter.revision {
            check_revision(r)?;
        }
        let args = wire::ListSecretsArgs {
            show_secrets: reveal,
            filter: wire::SecretsFilter {
                uri: filter.uri.as_ref().map(ToString::to_string),
                label: filter.name.as_deref(),
                revision: filter.revision,
                owner_tag: None,
            },
        };
        let reply: wire::Results<wire::ListSecretResult> = self.call(1, "ListSecrets", &args)?;
        let mut found: Vec<SecretInfo> = reply
            .results
            .unwrap_or_default()
            .into_iter()
            .map(SecretInfo::from_wire)
            .collect::<Result<_>>()?;
        // Before Juju 3.3 (Secrets v1 only) the filter has no `label` and the controller ignores
        // it, listing every secret: without this, `show` by name could answer another secret.
        if let Some(name) = &filter.name {
            found.retain(|info| info.name.as_ref() == Some(name));
        }
        Ok(found)
    }

    /// One secret, by URI or name.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] before any I/O for an empty name or revision 0; [`Error::Api`]
    /// with [`ErrorCode::NotFound`](crate::ErrorCode::NotFound) when no such secret exists (made
    /// here, as the juju CLI does, since the controller just lists nothing).
    pub fn show(&mut self, secret: &SecretRef, options: &ShowOptions) -> Result<SecretInfo> {
        if let Some(r) = options.revision {
            check_revision(r)?;
        }
        target(secret)?;
        let mut filter = SecretFilter::secret(secret);
        filter.revision = options.revision;
        let mut found = self.list(&filter, options.reveal)?;
        let mut info = match found.pop() {
            Some(info) if found.is_empty() => info,
            Some(_) => {
                return Err(Error::protocol(format!(
                    "more than one secret matched {secret}"
                )))
            }
            None => {
                return Err(Error::Api(ApiError {
                    message: format!("secret {:?} not found", secret.to_string()),
                    code: Some("not found".into()),
                    info: None,
                }))
            }
        };
        if !options.revisions {
            info.revisions.clear();
        }
        Ok(info)
    }

    /// The decoded content of a secret's latest revision.
    ///
    /// # Errors
    /// As [`SecretsApi::show`], and the controller's error when the content cannot be read.
    pub fn get(&mut self, secret: &SecretRef) -> Result<SecretContent> {
        let options = ShowOptions {
            reveal: true,
            ..ShowOptions::default()
        };
        match self.show(secret, &options)?.content {
            Some(Ok(content)) => Ok(content),
            Some(Err(e)) => Err(Error::Api(e)),
            None => Err(Error::protocol("the controller revealed no content")),
        }
    }

    /// One value of a secret's latest revision: the one-liner for build scripts.
    ///
    /// # Errors
    /// As [`SecretsApi::get`], and [`Error::NoSuchKey`] naming the keys that exist.
    pub fn get_value(&mut self, secret: &SecretRef, key: &str) -> Result<SecretValue> {
        let content = self.get(secret)?;
        content.get(key).cloned().ok_or_else(|| Error::NoSuchKey {
            secret: secret.to_string(),
            key: key.to_owned(),
            keys: content.keys().map(str::to_owned).collect(),
        })
    }

    /// Changes a secret: only what `changes` sets is sent. (`UpdateSecrets`)
    ///
    /// # Errors
    /// [`Error::InvalidInput`] before any I/O for an empty update, an empty name (current or
    /// new) or invalid content; [`Error::Api`] from the controller (not found, name already used).
    pub fn update(&mut self, secret: &SecretRef, changes: &SecretUpdate) -> Result<()> {
        let mut results = self.update_items(&[(secret, changes)])?;
        results
            .pop()
            .unwrap_or_else(|| Err(Error::protocol("UpdateSecrets answered no result")))
    }

    /// Changes several secrets in one round trip; one result per change, in order. An empty
    /// list sends nothing.
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

    /// `UpdateSecrets` for borrowed items.
    fn update_items(&mut self, changes: &[(&SecretRef, &SecretUpdate)]) -> Result<Vec<Result<()>>> {
        if changes.is_empty() {
            return self.nothing_to_send();
        }
        let mut args = Vec::with_capacity(changes.len());
        for &(secret, change) in changes {
            if change.is_empty() {
                return Err(Error::invalid(format!(
                    "the update of {secret} changes nothing"
                )));
            }
            if change.name.as_deref().is_some_and(|n| n.trim().is_empty()) {
                return Err(Error::invalid("a secret's new name cannot be empty"));
            }
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
        let reply: wire::Results<wire::ErrorResult> =
            self.call(WRITE_VERSION, "UpdateSecrets", &Args { args })?;
        let results = per_item(reply.results, changes.len(), "UpdateSecrets")?;
        Ok(results.into_iter().map(|r| item_error(r.error)).collect())
    }

    /// Removes a whole secret (`revision` `None`) or one revision of it. (`RemoveSecrets`)
    ///
    /// # Errors
    /// [`Error::InvalidInput`] before any I/O for revision 0 or an empty name; [`Error::Api`] with
    /// [`ErrorCode::NotFound`](crate::ErrorCode::NotFound) for an unknown secret or revision.
    pub fn remove(&mut self, secret: &SecretRef, revision: Option<u32>) -> Result<()> {
        let revisions: Vec<u32> = revision.into_iter().collect();
        if revision.is_some() {
            self.remove_revisions(secret, &revisions)
        } else {
            self.remove_one(secret, &[])
        }
    }

    /// Removes some revisions of a secret; removing every remaining revision removes the secret.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for an empty list or revision 0; as [`SecretsApi::remove`].
    pub fn remove_revisions(&mut self, secret: &SecretRef, revisions: &[u32]) -> Result<()> {
        if revisions.is_empty() {
            return Err(Error::invalid("name at least one revision to remove"));
        }
        revisions.iter().try_for_each(|r| check_revision(*r))?;
        self.remove_one(secret, revisions)
    }

    fn remove_one(&mut self, secret: &SecretRef, revisions: &[u32]) -> Result<()> {
        let mut results = self.remove_many(&[(secret.clone(), revisions.to_vec())])?;
        results
            .pop()
            .unwrap_or_else(|| Err(Error::protocol("RemoveSecrets answered no result")))
    }

    /// Removes several secrets (an empty revision list) or revisions in one round trip; one
    /// result per item, in order. An empty list sends nothing.
    ///
    /// # Errors
    /// The outer error when the whole call fails (including revision 0, before any I/O).
    pub fn remove_many(&mut self, items: &[(SecretRef, Vec<u32>)]) -> Result<Vec<Result<()>>> {
        if items.is_empty() {
            return self.nothing_to_send();
        }
        let mut args = Vec::with_capacity(items.len());
        for (secret, revisions) in items {
            revisions.iter().try_for_each(|r| check_revision(*r))?;
            let (uri, label) = target(secret)?;
            args.push(wire::DeleteSecretArg {
                uri,
                label,
                revisions,
            });
        }
        let reply: wire::Results<wire::ErrorResult> =
            self.call(WRITE_VERSION, "RemoveSecrets", &Args { args })?;
        let results = per_item(reply.results, items.len(), "RemoveSecrets")?;
        Ok(results.into_iter().map(|r| item_error(r.error)).collect())
    }

    /// Grants applications `view` access; one result per application, in order, so one
    /// application's failure never hides the others' success. (`GrantSecret`)
    ///
    /// # Errors
    /// The outer error when the whole call fails (no applications or an empty name given, before
    /// any I/O; an unknown secret name).
    pub fn grant(
        &mut self,
        secret: &SecretRef,
        apps: &[&str],
    ) -> Result<Vec<(String, Result<()>)>> {
        self.grant_or_revoke("GrantSecret", secret, apps)
    }

    /// Revokes applications' access; one result per application. Revoking an access that does
    /// not exist succeeds. (`RevokeSecret`)
    ///
    /// # Errors
    /// As [`SecretsApi::grant`].
    pub fn revoke(
        &mut self,
        secret: &SecretRef,
        apps: &[&str],
    ) -> Result<Vec<(String, Result<()>)>> {
        self.grant_or_revoke("RevokeSecret", secret, apps)
    }

    fn grant_or_revoke(
        &mut self,
        method: &str,
        secret: &SecretRef,
        apps: &[&str],
    ) -> Result<Vec<(String, Result<()>)>> {
        check_apps(apps)?;
        let (uri, label) = target(secret)?;
        let arg = wire::GrantRevokeUserSecretArg {
            uri,
            label,
            applications: apps,
        };
        let reply: wire::Results<wire::ErrorResult> = self.call(WRITE_VERSION, method, &arg)?;
        let results = per_item(reply.results, apps.len(), method)?;
        Ok(apps
            .iter()
            .zip(results)
            .map(|(app, r)| ((*app).to_owned(), item_error(r.error)))
            .collect())
    }
}
