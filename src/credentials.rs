//! Who logs in and with what: a password, macaroons, JAAS client credentials or a session token.
//! The secrets are zeroed when dropped and never printed; `login` turns them into requests.

use std::fmt;

use serde_json::value::RawValue;
use serde_json::Value;
use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::sensitive;

/// Declares a public secret-text type: zeroed when dropped, printed as `***` by `Debug`.
macro_rules! secret_text {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq)]
        pub struct $name(Zeroizing<String>);

        impl $name {
            /// Wraps the text.
            pub fn new(text: impl Into<String>) -> $name {
                $name(Zeroizing::new(text.into()))
            }

            /// The text itself, for sending it in a login request.
            pub fn expose(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("***")
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                $name::new(s)
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                $name::new(s)
            }
        }
    };
}

secret_text!(
    /// A local user's password: zeroed when dropped, printed as `***` by `Debug`.
    Password
);

secret_text!(
    /// The secret of JAAS client credentials (a service account), `JUJU_CLIENT_SECRET`: zeroed
    /// when dropped, printed as `***` by `Debug`.
    ClientSecret
);

secret_text!(
    /// The session token `juju login` stores for a controller that logs users in through OIDC
    /// (JAAS): zeroed when dropped, printed as `***` by `Debug`.
    SessionToken
);

/// Macaroon slices for `Admin.Login` (`"macaroons": [[root, discharge, ...], ...]`), kept as
/// their JSON text in a zeroing buffer. `Debug` prints only how many there are.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Macaroons {
    json: Zeroizing<String>,
    slices: usize,
}

impl Macaroons {
    /// Slices given as JSON values: each item one slice (a JSON array); anything else is taken
    /// as a slice of one.
    pub(crate) fn from_values(values: Vec<Value>) -> Result<Macaroons> {
        let slices: Vec<Value> = values
            .into_iter()
            .map(|v| match v {
                Value::Array(_) => v,
                single => Value::Array(vec![single]),
            })
            .collect();
        let mut bytes = sensitive::to_json(&slices)
            .map_err(|e| Error::config(format!("the macaroons cannot be encoded: {e}")))?;
        // Moved, not copied: serde_json writes UTF-8, so this cannot fail with the bytes inside.
        let json = String::from_utf8(std::mem::take(&mut *bytes))
            .map_err(|_| Error::config("the macaroons are not valid UTF-8"))?;
        Ok(Macaroons {
            json: Zeroizing::new(json),
            slices: slices.len(),
        })
    }

    /// Slices given as the JSON text of each (a JSON array of macaroon objects, as a cookie of
    /// the jar holds it), joined without re-encoding.
    pub(crate) fn from_slice_texts(texts: &[&str]) -> Macaroons {
        let size = texts
            .iter()
            .map(|t| t.len().saturating_add(1))
            .sum::<usize>();
        let mut json = Zeroizing::new(String::with_capacity(size.saturating_add(2)));
        json.push('[');
        for (i, text) in texts.iter().enumerate() {
            if i > 0 {
                json.push(',');
            }
            json.push_str(text);
        }
        json.push(']');
        Macaroons {
            json,
            slices: texts.len(),
        }
    }

    /// The slices as JSON, to embed in a request.
    pub(crate) fn as_raw(&self) -> Result<&RawValue> {
        serde_json::from_str(&self.json)
            .map_err(|_| Error::config("the macaroons are not valid JSON"))
    }

    /// How many slices there are.
    pub(crate) fn len(&self) -> usize {
        self.slices
    }
}

impl fmt::Debug for Macaroons {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<{} macaroon slices>", self.slices)
    }
}

/// What a user logs in with; exactly one kind per connection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Credentials {
    /// A local user's password (`Admin.Login` v3).
    Password(Password),
    /// Macaroons of an external user, from `juju login` (`Admin.Login` v3).
    Macaroons(Macaroons),
    /// JAAS client credentials of a service account (`Admin.LoginWithClientCredentials` v4).
    Client { id: String, secret: ClientSecret },
    /// An OIDC session token from `juju login` (`Admin.LoginWithSessionToken` v4).
    SessionToken(SessionToken),
}

impl Credentials {
    /// What kind of credentials these are, for messages.
    pub(crate) fn describe(&self) -> String {
        match self {
            Credentials::Password(_) => "a password".to_owned(),
            Credentials::Macaroons(m) => format!("{} macaroon slices", m.len()),
            Credentials::Client { id, .. } => format!("the client credentials of {id:?}"),
            Credentials::SessionToken(_) => "a session token".to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn debug_hides_secrets() {
        assert_eq!(format!("{:?}", Password::new("hunter2")), "***");
        assert_eq!(format!("{:?}", ClientSecret::from("s3cr3t")), "***");
        assert_eq!(
            format!("{:?}", SessionToken::from("t0ken".to_owned())),
            "***"
        );
        let m =
            Macaroons::from_values(vec![json!({"signature": "s3cr3t-sig"}), json!([])]).unwrap();
        assert_eq!(format!("{m:?}"), "<2 macaroon slices>");
        let c = Credentials::Macaroons(m);
        assert!(!format!("{c:?}").contains("s3cr3t"));
    }

    #[test]
    fn single_macaroons_become_slices() {
        let m = Macaroons::from_values(vec![json!({"i": "a"}), json!([{"i": "b"}])]).unwrap();
        let raw: Value = serde_json::from_str(m.as_raw().unwrap().get()).unwrap();
        assert_eq!(raw, json!([[{"i": "a"}], [{"i": "b"}]]));
        let m = Macaroons::from_slice_texts(&[r#"[{"i":"a"}]"#, r#"[{"i":"b"}]"#]);
        let raw: Value = serde_json::from_str(m.as_raw().unwrap().get()).unwrap();
        assert_eq!(raw, json!([[{"i": "a"}], [{"i": "b"}]]));
        assert_eq!(
            Macaroons::from_slice_texts(&[]).as_raw().unwrap().get(),
            "[]"
        );
    }
}
