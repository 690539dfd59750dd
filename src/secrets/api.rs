//! `SecretsApi`: the `Secrets` facade of one client, the table of its methods, and what every
//! operation shares (addressing a secret, one result per item).

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::value::RawValue;

use crate::bounded::{self, Count};
use crate::client::Client;
use crate::error::{ApiError, Error, Result};
use crate::rpc::{Call, WireError};

use super::wire::WriteResults;

use super::reference::SecretRef;

/// The user secrets of the model a [`Client`] is logged in to: one blocking function per
/// operation.
///
/// Each operation sends one request and blocks until the controller answers. Everything the
/// controller would refuse is checked first, so invalid input fails before any I/O. Every
/// operation that names a secret takes a name, a URI (as text or typed) or a
/// [`SecretRef`](crate::SecretRef): see [`IntoSecretRef`](crate::IntoSecretRef).
///
/// ```
/// # let controller = juju_secrets::testing::TestController::start()?;
/// # let options = controller.connect_options();
/// use juju_secrets::{Client, NewSecret, SecretContent};
/// let mut client = Client::connect(&options)?;
/// let mut secrets = client.secrets();
/// let content = SecretContent::from_pairs([("password", "s3cr3t")])?;
/// let uri = secrets.add(&NewSecret::new("db-password", content).description("the database password"))?;
/// let value = secrets.get_value("db-password", "password")?;
/// assert_eq!(value.as_str(), Some("s3cr3t"));
/// secrets.remove(&uri)?;
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

/// One method of the `Secrets` facade: its name, the facade version that added it, and whether
/// it changes something (a write is never sent twice, and a failure after sending it is
/// [`Error::OutcomeUnknown`]).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Method {
    pub name: &'static str,
    since: u32,
    writes: bool,
}

/// Juju 3.1 and 3.2 offer only v1, which lists; v2 (Juju 3.3) adds the user secret writes.
pub(super) const LIST: Method = Method::read("ListSecrets", 1);
pub(super) const CREATE: Method = Method::write("CreateSecrets", 2);
pub(crate) const UPDATE: Method = Method::write("UpdateSecrets", 2);
pub(super) const REMOVE: Method = Method::write("RemoveSecrets", 2);
pub(super) const GRANT: Method = Method::write("GrantSecret", 2);
pub(super) const REVOKE: Method = Method::write("RevokeSecret", 2);

impl Method {
    const fn read(name: &'static str, since: u32) -> Method {
        Method {
            name,
            since,
            writes: false,
        }
    }

    const fn write(name: &'static str, since: u32) -> Method {
        Method {
            name,
            since,
            writes: true,
        }
    }

    /// `Secrets.Method`, for messages.
    pub fn operation(&self) -> String {
        format!("Secrets.{}", self.name)
    }
}

impl SecretsApi<'_> {
    /// The negotiated `Secrets` version, which must have `method`.
    pub(super) fn version_for(&self, method: Method) -> Result<u32> {
        let version = self.client.require_facade("Secrets")?;
        if version < method.since {
            return Err(Error::Unsupported(format!(
                "user secrets need Juju 3.3 or later (Secrets facade v{}); this controller \
                 (Juju {}) offers only v{version}",
                method.since,
                self.client.login_info().server_version
            )));
        }
        Ok(version)
    }

    /// The Juju version the controller reported at login.
    pub(super) fn server_version(&self) -> &str {
        &self.client.login_info().server_version
    }

    /// Calls `method` with `params` at the negotiated version.
    pub(super) fn call<P: Serialize, R: DeserializeOwned>(
        &mut self,
        method: Method,
        params: &P,
    ) -> Result<R> {
        let version = self.version_for(method)?;
        let call = if method.writes {
            Call::write("Secrets", version, method.name)
        } else {
            Call::read("Secrets", version, method.name)
        };
        self.client.call(call, params)
    }

    /// An empty batch: no results and no round trip, but the same refusal as any write on a
    /// controller without user secrets.
    pub(super) fn nothing_to_send<T>(&self, method: Method) -> Result<Vec<T>> {
        self.version_for(method)?;
        Ok(Vec::new())
    }
}

/// The `uri` and `label` to send; one of them is empty, never both: an empty name would
/// address no secret (Juju 3.6 refuses it, older releases looked up the label `""`).
pub(super) fn target(secret: &SecretRef) -> Result<(String, &str)> {
    match secret {
        SecretRef::Uri(uri) => Ok((uri.to_string(), "")),
        SecretRef::Name(name) if name.trim().is_empty() => Err(Error::invalid(
            "a secret's name cannot be empty: name it or use its URI",
        )),
        SecretRef::Name(name) => Ok((String::new(), name.as_str())),
    }
}

/// A write's results, one per item sent. More or fewer is never taken for success, nor
/// decoded: the change may or may not have been made ([`Error::OutcomeUnknown`]).
pub(crate) fn per_item<T: DeserializeOwned>(
    reply: WriteResults,
    expected: usize,
    method: Method,
) -> Result<Vec<T>> {
    let text = reply.results.as_deref().map_or("null", RawValue::get);
    let text = if text == "null" { "[]" } else { text };
    let cause = match bounded::exactly(text, expected) {
        Ok(results) => return Ok(results),
        Err(Count::Wrong(count)) => Error::protocol(format!(
            "{} answered {count} results for {expected} items",
            method.operation()
        )),
        Err(Count::Malformed(why)) => Error::protocol(format!(
            "the results of {} do not have the expected shape: {why}",
            method.operation()
        )),
    };
    Err(after_sending(method, cause))
}

/// An answer a write cannot make sense of: it may have been carried out all the same.
pub(super) fn after_sending(method: Method, cause: Error) -> Error {
    if method.writes {
        Error::OutcomeUnknown {
            operation: method.operation(),
            cause: Box::new(cause),
        }
    } else {
        cause
    }
}

/// A per-item error, as the controller sent it.
pub(super) fn item_error(e: Option<WireError>) -> Result<()> {
    match e {
        Some(e) => Err(Error::Api(ApiError::from(e))),
        None => Ok(()),
    }
}
