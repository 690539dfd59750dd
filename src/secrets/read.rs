//! The reads of `SecretsApi`: list, show, get and get_value, all `ListSecrets`.

use crate::error::{ApiError, Error, Result};

use super::api::{target, SecretsApi, LIST};
use super::content::{SecretContent, SecretValue};
use super::info::SecretInfo;
use super::reference::{IntoSecretRef, SecretRef};
use super::requests::{check_revision, ListOptions, ShowOptions};
use super::wire;

impl SecretsApi<'_> {
    /// Lists the model's secrets (user and charm secrets alike), or the one
    /// [`ListOptions::secret`] names; with [`ListOptions::reveal`], each with its decoded
    /// content. (`ListSecrets`)
    ///
    /// ```
    /// # let controller = juju_secrets::testing::TestController::start()?;
    /// # controller.insert_secret("api-token", &[("token", b"t0ken".as_slice())]);
    /// # let mut client = juju_secrets::Client::connect(&controller.connect_options())?;
    /// use juju_secrets::ListOptions;
    /// let all = client.secrets().list(&ListOptions::new())?;
    /// assert_eq!(all[0].name.as_deref(), Some("api-token"));
    /// let revealed = client.secrets().list(&ListOptions::new().reveal())?;
    /// let content = revealed[0].content.as_ref().unwrap().as_ref().unwrap();
    /// assert_eq!(content.get("token").unwrap().as_bytes(), b"t0ken");
    /// # Ok::<(), juju_secrets::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`] before any I/O for a secret that names nothing, a revision of 0
    /// or a revision without a secret; [`Error::Api`] when the controller refuses (revealing
    /// needs model admin access; a revision the secret lacks is
    /// [`ErrorKind::NotFound`](crate::ErrorKind::NotFound)).
    pub fn list(&mut self, options: &ListOptions) -> Result<Vec<SecretInfo>> {
        let secret = options.checked_secret()?;
        if let Some(revision) = options.revision {
            check_revision(revision)?;
            if secret.is_none() {
                return Err(Error::invalid(
                    "a revision is shown for one secret: name it with ListOptions::secret",
                ));
            }
        }
        if let (Some(name @ SecretRef::Name(_)), Some(revision)) = (&secret, options.revision) {
            if self.ignores_name_filter()? {
                return self.list_named_at(name, revision, options.reveal);
            }
        }
        let (uri, label) = match &secret {
            Some(secret) => {
                let (uri, label) = target(secret)?;
                (
                    Some(uri).filter(|u| !u.is_empty()),
                    Some(label).filter(|l| !l.is_empty()),
                )
            }
            None => (None, None),
        };
        let args = wire::ListSecretsArgs {
            show_secrets: options.reveal,
            filter: wire::SecretsFilter {
                uri,
                label,
                revision: options.revision,
                owner_tag: None,
            },
        };
        let reply = match self.call(LIST, &args) {
            // Juju 4.0.1 and later answer an unknown URI with an error where Juju 3 lists
            // nothing: list nothing either way (a missing revision stays an error on both).
            Err(Error::Api(e))
                if args.filter.uri.is_some() && e.code.as_deref() == Some("secret not found") =>
            {
                return Ok(Vec::new())
            }
            reply => reply?,
        };
        let mut found = infos(reply)?;
        // Juju 3.1 and 3.2 (Secrets v1) have no `label` filter and 4.0.0 ignores it, listing
        // every secret: without this, `show` by name could answer another secret.
        if let Some(SecretRef::Name(name)) = &secret {
            found.retain(|info| info.name.as_ref() == Some(name));
        }
        Ok(found)
    }

    /// Whether the controller lists every secret whatever name is asked for: Secrets v1 (Juju
    /// 3.1, 3.2) has no name filter, and Juju 4.0.0 ignores it (juju/juju#21296, fixed in
    /// 4.0.1).
    fn ignores_name_filter(&self) -> Result<bool> {
        let version = self.version_for(LIST)?;
        let mut parts = self.server_version().split(['.', '-']);
        let juju_4_0_0 =
            (parts.next(), parts.next(), parts.next()) == (Some("4"), Some("0"), Some("0"));
        Ok(version < 2 || juju_4_0_0)
    }

    /// `list` by name at a revision where the name filter is ignored: there, one other secret
    /// without that revision fails the whole call. So the name is listed first (and filtered
    /// here), then each secret of that name by URI.
    fn list_named_at(
        &mut self,
        name: &SecretRef,
        revision: u32,
        reveal: bool,
    ) -> Result<Vec<SecretInfo>> {
        let named = self.list(&ListOptions::new().secret(name))?;
        let mut found = Vec::with_capacity(named.len());
        for info in named {
            let mut at = ListOptions::new().secret(&info.uri).at_revision(revision);
            at.reveal = reveal;
            found.extend(self.list(&at)?);
        }
        Ok(found)
    }

    /// One secret, by name or URI.
    ///
    /// ```
    /// # let controller = juju_secrets::testing::TestController::start()?;
    /// # controller.insert_secret("api-token", &[("token", b"t0ken".as_slice())]);
    /// # let mut client = juju_secrets::Client::connect(&controller.connect_options())?;
    /// use juju_secrets::ShowOptions;
    /// let info = client.secrets().show("api-token", &ShowOptions::new().list_revisions())?;
    /// assert_eq!((info.latest_revision, info.revisions.len()), (1, 1));
    /// # Ok::<(), juju_secrets::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`] before any I/O for an empty name or revision 0; [`Error::Api`]
    /// with [`ErrorKind::NotFound`](crate::ErrorKind::NotFound) when no such secret or revision
    /// exists, whichever way the controller says it (Juju 3 lists nothing, and this crate makes
    /// the error as the juju CLI does; Juju 4 answers with an error).
    pub fn show(
        &mut self,
        secret: impl IntoSecretRef,
        options: &ShowOptions,
    ) -> Result<SecretInfo> {
        let secret = secret.into_secret_ref()?;
        target(&secret)?;
        let mut list = ListOptions::new().secret(&secret);
        list.revision = options.revision;
        list.reveal = options.reveal;
        let mut found = self.list(&list)?;
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
        if !options.list_revisions {
            info.revisions.clear();
        }
        Ok(info)
    }

    /// The decoded content of a secret's latest revision.
    ///
    /// ```
    /// # let controller = juju_secrets::testing::TestController::start()?;
    /// # controller.insert_secret("db-creds", &[("user", b"app".as_slice()), ("password", b"s3cr3t".as_slice())]);
    /// # let mut client = juju_secrets::Client::connect(&controller.connect_options())?;
    /// let content = client.secrets().get("db-creds")?;
    /// assert_eq!(content.keys().collect::<Vec<_>>(), ["password", "user"]);
    /// # Ok::<(), juju_secrets::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`SecretsApi::show`], and the controller's error when the content cannot be read.
    pub fn get(&mut self, secret: impl IntoSecretRef) -> Result<SecretContent> {
        match self.show(secret, &ShowOptions::new().reveal())?.content {
            Some(Ok(content)) => Ok(content),
            Some(Err(e)) => Err(Error::Api(e)),
            None => Err(Error::protocol("the controller revealed no content")),
        }
    }

    /// One value of a secret's latest revision.
    ///
    /// ```
    /// # let controller = juju_secrets::testing::TestController::start()?;
    /// # controller.insert_secret("db-creds", &[("password", b"s3cr3t".as_slice())]);
    /// # let mut client = juju_secrets::Client::connect(&controller.connect_options())?;
    /// let password = client.secrets().get_value("db-creds", "password")?;
    /// assert_eq!(password.as_str(), Some("s3cr3t"));
    /// let err = client.secrets().get_value("db-creds", "user").unwrap_err();
    /// assert!(matches!(err, juju_secrets::Error::NoSuchKey { .. }));
    /// # Ok::<(), juju_secrets::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`SecretsApi::get`], and [`Error::NoSuchKey`] naming the keys that exist.
    pub fn get_value(&mut self, secret: impl IntoSecretRef, key: &str) -> Result<SecretValue> {
        let secret = secret.into_secret_ref()?;
        let mut content = self.get(&secret)?;
        // Moved out, not copied: a value may be a megabyte.
        content.take(key).ok_or_else(|| Error::NoSuchKey {
            secret: secret.to_string(),
            key: key.to_owned(),
            keys: content.keys().map(str::to_owned).collect(),
        })
    }
}

/// The secrets a `ListSecrets` answer lists, in a vector of exactly their number.
pub(crate) fn infos(reply: wire::ListResults) -> Result<Vec<SecretInfo>> {
    let listed = reply.results.unwrap_or_default().into_vec();
    let mut found = Vec::with_capacity(listed.len());
    for result in listed {
        found.push(SecretInfo::from_wire(result)?);
    }
    Ok(found)
}
