//! The one error type of this crate, and the API error a controller returns. Depends only on
//! the data the errors carry (`redirect`).

use std::fmt;
use std::time::Duration;

use crate::redirect::Redirect;

/// A `Result` whose error is this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong, by layer: configuration and input, transport (I/O, TLS,
/// websocket), the Juju envelope (protocol, timeout, closed connection) and the API itself.
///
/// Messages are lowercase, say what failed and what to do next, and never contain a password, a
/// token or a secret value. Match on [`Error::kind`] for what the controller said.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The connection settings are incomplete or contradictory, or the juju client store could not
    /// be used. Nothing was sent.
    #[error("invalid configuration: {0}")]
    Config(String),

    /// An argument was refused before anything was sent: a bad key, an oversize value, a malformed
    /// URI, an empty list.
    #[error("invalid input: {0}")]
    InvalidInput(String),

    /// A socket or file operation failed.
    #[error("i/o error while {context}: {source}")]
    Io {
        /// What the client was doing, such as `connecting to 10.0.0.2:17070`.
        context: String,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },

    /// The TLS handshake failed, for example because the controller's certificate is not signed by
    /// the configured CA or is not valid for the expected server name.
    #[error("tls error with {endpoint}: {message}")]
    Tls {
        /// The endpoint (`host:port`).
        endpoint: String,
        /// The TLS library's explanation, and what to check.
        message: String,
    },

    /// The websocket layer failed (handshake refused, bad frame, ...).
    #[error("websocket error: {0}")]
    WebSocket(#[source] Box<tungstenite::Error>),

    /// The controller sent something that is not a valid Juju API message.
    #[error("protocol error: {0}")]
    Protocol(String),

    /// A message from the controller is larger than the configured maximum. The connection is
    /// closed.
    #[error("a message from the controller is larger than the maximum of {limit} bytes ({detail}); raise it with ConnectOptionsBuilder::max_message_size")]
    MessageTooLarge {
        /// The configured maximum, in bytes.
        limit: usize,
        /// What the websocket layer reported.
        detail: String,
    },

    /// A call that changes something failed after its request may have reached the controller,
    /// so the change may or may not have been made. It is never re-sent automatically.
    #[error("{operation} may or may not have taken effect: {cause}; check the secret (list it by name) before trying again")]
    OutcomeUnknown {
        /// The facade method, such as `Secrets.CreateSecrets`.
        operation: String,
        /// What went wrong after the request was sent.
        cause: Box<Error>,
    },

    /// No answer came within the configured time.
    #[error("timed out after {after:?} while {context}; raise the timeout in ConnectOptions or check that the controller is reachable")]
    Timeout {
        /// What the client was doing, such as `waiting for the TLS handshake with 10.0.0.2:17070`.
        context: String,
        /// The timeout that expired.
        after: Duration,
    },

    /// The connection is closed (by the controller, by a network fault, or after an earlier
    /// failure left it unusable). Connect again to continue.
    #[error("connection closed: {0}; connect again")]
    ConnectionClosed(String),

    /// No API endpoint could be reached. Each attempt is listed with its own error.
    #[error("could not connect to any API endpoint: {}", ListAttempts(.0))]
    AllEndpointsFailed(Vec<(String, Error)>),

    /// The model named in the settings is not one the controller lists for the user. The
    /// controller was asked (`ModelManager.ListModels`).
    #[error("{0}")]
    UnknownModel(Box<UnknownModel>),

    /// A secret has no value under the key asked for. The message lists the keys it has.
    #[error("secret {secret} has no key {key:?}; its keys are: {}", .keys.join(", "))]
    NoSuchKey {
        /// The secret, as addressed.
        secret: String,
        /// The key asked for.
        key: String,
        /// The keys the secret has.
        keys: Vec<String>,
    },

    /// The controller answered the call with an error.
    #[error(transparent)]
    Api(#[from] ApiError),

    /// The controller does not offer what this call needs (a facade, a facade version or a
    /// feature). Nothing was sent.
    #[error("unsupported by this controller: {0}")]
    Unsupported(String),

    /// The model has moved to another controller (a model migration) and following redirects
    /// is turned off ([`ConnectOptionsBuilder::follow_redirects`]): the [`Redirect`] holds the
    /// new controller's addresses, CA certificate, tag and alias, as the `juju` CLI reports them.
    ///
    /// [`ConnectOptionsBuilder::follow_redirects`]: crate::ConnectOptionsBuilder::follow_redirects
    #[error("{0}")]
    Redirected(Box<Redirect>),

    /// Following a redirect led to another one: the model's new controller sent the client on
    /// again, or back where it came from (`is_loop`). Only one redirect is followed.
    #[error("{}", RedirectedAgain(first, second, *is_loop))]
    RedirectedAgain {
        /// The redirect that was followed.
        first: Box<Redirect>,
        /// The redirect the new controller answered with.
        second: Box<Redirect>,
        /// Whether the second redirect leads back to the first controller.
        is_loop: bool,
    },

    /// Logging in needs a macaroon discharged by the identity provider (Candid, JAAS): the
    /// macaroons in the client store are missing, expired or not enough. This crate does not
    /// perform third-party discharges; `juju login` does, and stores the result for the next
    /// connection.
    #[error("logging in as {user:?} needs a macaroon discharged by the identity provider ({reason}); run `{command}` to refresh the macaroons in the juju client store, then connect again")]
    DischargeRequired {
        /// The user logging in.
        user: String,
        /// The controller's reason.
        reason: String,
        /// The command that refreshes the macaroons, such as `juju login -c prod`.
        command: String,
    },

    /// The controller refused the session token `juju login` stored for it (an OIDC login, as
    /// JAAS uses): it expired or was revoked. This crate does not run the device login that
    /// gets a new one; `juju login` does, and stores it for the next connection.
    #[error("the controller refused the session token ({reason}); run `{command}` to log in again (this crate does not run the device login), then connect again")]
    SessionTokenRefused {
        /// The controller's reason.
        reason: String,
        /// The command that logs in again, such as `juju login -c jaas`.
        command: String,
    },
}

impl Error {
    /// The API error behind this error, if the controller answered with one.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(e) => Some(e),
            _ => None,
        }
    }

    /// What kind of answer the controller gave, when this error is one: the kind of an
    /// [`Error::Api`]'s code, [`ErrorKind::RedirectionRequired`] for a redirect,
    /// [`ErrorKind::DischargeRequired`] for a needed discharge,
    /// [`ErrorKind::SessionTokenInvalid`] for a refused session token and
    /// [`ErrorKind::ModelNotFound`] for an unknown model. `None` for every other error, and for
    /// an API error without a code.
    ///
    /// ```
    /// # let controller = juju_secrets::testing::TestController::start()?;
    /// # let mut client = juju_secrets::Client::connect(&controller.connect_options())?;
    /// use juju_secrets::ErrorKind;
    /// let err = client.secrets().remove("no-such-secret").unwrap_err();
    /// assert_eq!(err.kind(), Some(ErrorKind::NotFound));
    /// # Ok::<(), juju_secrets::Error>(())
    /// ```
    pub fn kind(&self) -> Option<ErrorKind> {
        match self {
            Error::Redirected(_) | Error::RedirectedAgain { .. } => {
                Some(ErrorKind::RedirectionRequired)
            }
            Error::DischargeRequired { .. } => Some(ErrorKind::DischargeRequired),
            Error::SessionTokenRefused { .. } => Some(ErrorKind::SessionTokenInvalid),
            Error::UnknownModel(_) => Some(ErrorKind::ModelNotFound),
            Error::Api(e) => e.kind(),
            _ => None,
        }
    }

    pub(crate) fn io(context: impl Into<String>, source: std::io::Error) -> Error {
        Error::Io {
            context: context.into(),
            source,
        }
    }

    pub(crate) fn protocol(message: impl Into<String>) -> Error {
        Error::Protocol(message.into())
    }

    pub(crate) fn invalid(message: impl Into<String>) -> Error {
        Error::InvalidInput(message.into())
    }

    pub(crate) fn config(message: impl Into<String>) -> Error {
        Error::Config(message.into())
    }
}

impl From<tungstenite::Error> for Error {
    fn from(e: tungstenite::Error) -> Self {
        Error::WebSocket(Box::new(e))
    }
}

/// A model name the controller does not list for the user, carried by
/// [`Error::UnknownModel`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct UnknownModel {
    /// The model asked for, qualified (`owner/name`).
    pub model: String,
    /// The controller asked, for messages: its name, else its endpoints.
    pub controller: String,
    /// The user whose models were listed.
    pub user: String,
    /// The models the controller lists for the user, qualified and sorted.
    pub known: Vec<String>,
    /// Why the model may be listed under another name, when that is likely.
    pub note: Option<String>,
}

impl fmt::Display for UnknownModel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let known = if self.known.is_empty() {
            "none".to_owned()
        } else {
            self.known.join(", ")
        };
        write!(
            f,
            "unknown model {:?} on {} (models user {:?} can see: {known})",
            self.model, self.controller, self.user
        )?;
        match &self.note {
            Some(note) => write!(f, "; {note}"),
            None => Ok(()),
        }
    }
}

struct RedirectedAgain<'a>(&'a Redirect, &'a Redirect, bool);

impl fmt::Display for RedirectedAgain<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (first, second, is_loop) = (self.0, self.1, self.2);
        write!(
            f,
            "model {} was redirected from {} to {}, which redirected it again to {}",
            first.model_uuid,
            first.from,
            first.target(),
            second.target()
        )?;
        if is_loop {
            f.write_str(" (a redirect loop)")?;
        }
        f.write_str("; only one redirect is followed: connect to the model's controller directly")
    }
}

struct ListAttempts<'a>(&'a [(String, Error)]);

impl fmt::Display for ListAttempts<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("no endpoints were given");
        }
        for (i, (endpoint, error)) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{endpoint}: {error}")?;
        }
        Ok(())
    }
}

/// An error reported by the controller: for a whole call (in the response envelope) or for one
/// item of a bulk call (in its result).
///
/// `message` and `code` are exactly what the controller sent; match on [`ApiError::kind`]
/// rather than on strings, since Juju releases word and code the same error differently.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}", self.describe())]
pub struct ApiError {
    /// The controller's message.
    pub message: String,
    /// The controller's error code as sent, such as `not found`; `None` when it sent none.
    pub code: Option<String>,
    /// The JSON text of the extra data some errors carry (`error-info`), such as a redirect's
    /// target. Kept as text: decoding it is the caller's choice, and its cost.
    pub info: Option<String>,
}

impl ApiError {
    /// The kind of this error, from its code; `None` when the controller sent no code. Juju 4
    /// sends some "not found" errors without a code (an unknown application in a grant): an
    /// error without a code whose message ends with `not found` is [`ErrorKind::NotFound`] too,
    /// so that the kind is the same whichever release answered.
    ///
    /// ```
    /// use juju_secrets::{ApiError, ErrorKind};
    /// let e = ApiError { message: "secret \"x\" not found".into(), code: Some("not found".into()), info: None };
    /// assert_eq!(e.kind(), Some(ErrorKind::NotFound));
    /// ```
    pub fn kind(&self) -> Option<ErrorKind> {
        match self.code.as_deref().filter(|c| !c.is_empty()) {
            Some(code) => Some(ErrorKind::from_code(code)),
            None if self.message.ends_with(" not found") => Some(ErrorKind::NotFound),
            None => None,
        }
    }

    fn describe(&self) -> String {
        match self.code.as_deref() {
            Some(code) if !code.is_empty() => format!("{} (code: {code})", self.message),
            _ => self.message.clone(),
        }
    }
}

/// The kinds of controller errors a caller usually wants to tell apart, from the codes of Juju's
/// `rpc/params/apierror.go` (3.x) and `apiserver/errors` (4.x).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// `not found`, and Juju 4's `secret not found` and `secret revision not found`.
    NotFound,
    /// `already exists`.
    AlreadyExists,
    /// `not valid`.
    NotValid,
    /// `unauthorized access`: wrong credentials or no permission.
    Unauthorized,
    /// `not supported`.
    NotSupported,
    /// `not implemented`: unknown facade, version or method.
    NotImplemented,
    /// `redirection required`: the model lives on another controller.
    RedirectionRequired,
    /// `macaroon discharge required`.
    DischargeRequired,
    /// `model not found`.
    ModelNotFound,
    /// `forbidden`.
    Forbidden,
    /// `try again`, `upgrade in progress` or `model migration in progress`: retry later.
    TryAgain,
    /// `session token invalid`: JAAS refused an expired or revoked session token.
    SessionTokenInvalid,
    /// Any other code.
    Other,
}

impl ErrorKind {
    /// Classifies a Juju error code string.
    pub fn from_code(code: &str) -> ErrorKind {
        match code {
            "not found" | "secret not found" | "secret revision not found" => ErrorKind::NotFound,
            "already exists" => ErrorKind::AlreadyExists,
            "not valid" => ErrorKind::NotValid,
            "unauthorized access" => ErrorKind::Unauthorized,
            "not supported" => ErrorKind::NotSupported,
            "not implemented" => ErrorKind::NotImplemented,
            "redirection required" => ErrorKind::RedirectionRequired,
            "macaroon discharge required" => ErrorKind::DischargeRequired,
            "model not found" => ErrorKind::ModelNotFound,
            "forbidden" => ErrorKind::Forbidden,
            "try again" | "upgrade in progress" | "model migration in progress" => {
                ErrorKind::TryAgain
            }
            "session token invalid" => ErrorKind::SessionTokenInvalid,
            _ => ErrorKind::Other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync + 'static>() {}

    #[test]
    fn errors_are_send_sync_and_small() {
        assert_send_sync::<Error>();
        assert!(
            std::mem::size_of::<Error>() <= 80,
            "{}",
            std::mem::size_of::<Error>()
        );
    }

    #[test]
    fn api_error_display_keeps_message_and_code() {
        let e = ApiError {
            message: "permission denied".into(),
            code: Some("unauthorized access".into()),
            info: None,
        };
        assert_eq!(
            e.to_string(),
            "permission denied (code: unauthorized access)"
        );
        assert_eq!(e.kind(), Some(ErrorKind::Unauthorized));
        let plain = ApiError {
            message: "empty URI".into(),
            code: None,
            info: None,
        };
        assert_eq!(plain.to_string(), "empty URI");
        assert_eq!(plain.kind(), None);
        let juju4 = ApiError {
            message:
                "cannot change access to \"secret:x\" for \"app\": application \"app\" not found"
                    .into(),
            code: None,
            info: None,
        };
        assert_eq!(juju4.kind(), Some(ErrorKind::NotFound));
        assert_eq!(Error::Api(plain).kind(), None);
        let odd = ApiError {
            message: "m".into(),
            code: Some("something new".into()),
            info: None,
        };
        assert_eq!(odd.kind(), Some(ErrorKind::Other));
    }

    #[test]
    fn all_endpoints_failed_lists_each() {
        let e = Error::AllEndpointsFailed(vec![
            ("10.0.0.1:17070".into(), Error::Protocol("a".into())),
            ("10.0.0.2:17070".into(), Error::ConnectionClosed("b".into())),
        ]);
        let text = e.to_string();
        assert!(text.contains("10.0.0.1:17070: protocol error: a"), "{text}");
        assert!(
            text.contains("10.0.0.2:17070: connection closed: b"),
            "{text}"
        );
    }

    #[test]
    fn unknown_model_lists_what_there_is() {
        let e = Error::UnknownModel(Box::new(UnknownModel {
            model: "admin/nope".into(),
            controller: "controller \"prod\"".into(),
            user: "admin".into(),
            known: vec![],
            note: None,
        }));
        assert_eq!(e.kind(), Some(ErrorKind::ModelNotFound));
        assert_eq!(
            e.to_string(),
            "unknown model \"admin/nope\" on controller \"prod\" (models user \"admin\" can see: none)"
        );
    }
}
