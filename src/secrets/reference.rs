//! A secret named by its URI or by its name, and the conversion every operation takes its
//! secret argument through.

use std::fmt;
use std::str::FromStr;

use crate::error::{Error, Result};

use super::uri::{is_classic_xid, split_scheme, SecretUri, SCHEME};

/// A secret addressed by its URI or by its name (the label shown as "Name" by `juju secrets`).
///
/// ```
/// use juju_secrets::{SecretRef, SecretUri};
/// let by_name = SecretRef::parse("db-password")?;
/// assert_eq!(by_name, SecretRef::name("db-password"));
/// let by_uri = SecretRef::parse("secret:d0q6g3l9h5s9k8a6s0rg")?;
/// assert_eq!(by_uri, SecretRef::from(SecretUri::parse("d0q6g3l9h5s9k8a6s0rg")?));
/// # Ok::<(), juju_secrets::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub enum SecretRef {
    /// The secret's URI.
    Uri(SecretUri),
    /// The secret's name (its label).
    Name(String),
}

impl SecretRef {
    /// Reads a secret reference the way the `juju` CLI reads one:
    ///
    /// * text starting with `secret:` (any case) is a URI and must parse as one;
    /// * a bare classic 20-character id (`[0-9a-v]{19}` then `0` or `g`) is an id;
    /// * anything else is a name.
    ///
    /// So an id of another form than Juju's (which this crate reads leniently) must be written
    /// with its `secret:` prefix, otherwise it is taken as a name. Use [`SecretRef::name`] for a
    /// name that would otherwise be read as a URI.
    ///
    /// ```
    /// use juju_secrets::SecretRef;
    /// assert!(matches!(SecretRef::parse("d0q6g3l9h5s9k8a6s0rg")?, SecretRef::Uri(_)));
    /// // An id of another form needs its prefix ...
    /// assert!(matches!(SecretRef::parse("secret:c9a1l5ekq3h2u7u2m4rt0g")?, SecretRef::Uri(_)));
    /// // ... without it, it is a name.
    /// assert!(matches!(SecretRef::parse("c9a1l5ekq3h2u7u2m4rt0g")?, SecretRef::Name(_)));
    /// assert!(SecretRef::parse("secret:").is_err());
    /// assert!(SecretRef::parse("  ").is_err());
    /// # Ok::<(), juju_secrets::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`] when the text is empty or only whitespace, or starts with
    /// `secret:` but is not a valid URI.
    pub fn parse(s: &str) -> Result<SecretRef> {
        if s.trim().is_empty() {
            return Err(Error::invalid(
                "a secret reference (URI or name) must not be empty",
            ));
        }
        let has_scheme =
            matches!(split_scheme(s), Some((scheme, _)) if scheme.eq_ignore_ascii_case(SCHEME));
        if has_scheme {
            return SecretUri::parse(s).map(SecretRef::Uri);
        }
        if is_classic_xid(s) {
            return Ok(SecretRef::Uri(SecretUri::local(s)));
        }
        Ok(SecretRef::Name(s.to_owned()))
    }

    /// A reference by name (label), taken as given.
    pub fn name(name: impl Into<String>) -> SecretRef {
        SecretRef::Name(name.into())
    }
}

impl From<SecretUri> for SecretRef {
    fn from(uri: SecretUri) -> Self {
        SecretRef::Uri(uri)
    }
}

impl From<&SecretUri> for SecretRef {
    fn from(uri: &SecretUri) -> Self {
        SecretRef::Uri(uri.clone())
    }
}

impl FromStr for SecretRef {
    type Err = Error;

    fn from_str(s: &str) -> Result<SecretRef> {
        SecretRef::parse(s)
    }
}

impl fmt::Display for SecretRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SecretRef::Uri(uri) => uri.fmt(f),
            SecretRef::Name(name) => f.write_str(name),
        }
    }
}

/// What an operation that names a secret accepts: a name or a URI as text (`&str`, `String`,
/// read as [`SecretRef::parse`] reads it), a [`SecretUri`] or a [`SecretRef`], owned or
/// borrowed. Text that cannot name a secret (empty, or a malformed `secret:` URI) is refused
/// before any I/O.
///
/// ```
/// # let controller = juju_secrets::testing::TestController::start()?;
/// # let mut client = juju_secrets::Client::connect(&controller.connect_options())?;
/// use juju_secrets::{NewSecret, SecretContent, SecretRef};
/// let mut secrets = client.secrets();
/// let content = SecretContent::from_pairs([("password", "s3cr3t")])?;
/// let uri = secrets.add(&NewSecret::new("db-creds", content))?;
/// let by_name = secrets.get_value("db-creds", "password")?;
/// let by_text = secrets.get_value(uri.to_string(), "password")?;
/// let by_uri = secrets.get_value(&uri, "password")?;
/// let by_ref = secrets.get_value(SecretRef::name("db-creds"), "password")?;
/// assert!(by_name == by_text && by_text == by_uri && by_uri == by_ref);
/// # Ok::<(), juju_secrets::Error>(())
/// ```
pub trait IntoSecretRef {
    /// The secret this names.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for text that names no secret.
    fn into_secret_ref(self) -> Result<SecretRef>;
}

impl IntoSecretRef for SecretRef {
    fn into_secret_ref(self) -> Result<SecretRef> {
        Ok(self)
    }
}

impl IntoSecretRef for &SecretRef {
    fn into_secret_ref(self) -> Result<SecretRef> {
        Ok(self.clone())
    }
}

impl IntoSecretRef for SecretUri {
    fn into_secret_ref(self) -> Result<SecretRef> {
        Ok(SecretRef::Uri(self))
    }
}

impl IntoSecretRef for &SecretUri {
    fn into_secret_ref(self) -> Result<SecretRef> {
        Ok(SecretRef::Uri(self.clone()))
    }
}

impl IntoSecretRef for &str {
    fn into_secret_ref(self) -> Result<SecretRef> {
        SecretRef::parse(self)
    }
}

impl IntoSecretRef for String {
    fn into_secret_ref(self) -> Result<SecretRef> {
        SecretRef::parse(&self)
    }
}

impl IntoSecretRef for &String {
    fn into_secret_ref(self) -> Result<SecretRef> {
        SecretRef::parse(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const UUID: &str = "8f5a1b2c-3d4e-4f60-8a1b-2c3d4e5f6a7b";
    const XID: &str = "d0q6g3l9h5s9k8a6s0rg";

    #[test]
    fn secret_ref_reads_like_the_cli() {
        let uri = |s: &str| SecretRef::Uri(SecretUri::parse(s).unwrap());
        assert_eq!(SecretRef::parse(XID).unwrap(), uri(XID));
        assert_eq!(
            SecretRef::parse(&format!("secret:{XID}")).unwrap(),
            uri(XID)
        );
        let long = "secret:c9a1l5ekq3h2u7u2m4rtq8v0a1b2c3d4e5f6";
        assert_eq!(SecretRef::parse(long).unwrap(), uri(long));
        let remote = format!("secret://{UUID}/{XID}");
        assert_eq!(SecretRef::parse(&remote).unwrap(), uri(&remote));
        for name in [
            "db-password",
            "c9a1l5ekq3h2u7u2m4rtq8v0",
            "d0q6g3l9h5s9k8a6s0rh",
            "a b",
        ] {
            assert_eq!(SecretRef::parse(name).unwrap(), SecretRef::name(name));
        }
        assert_eq!(
            SecretRef::parse("db:pass").unwrap(),
            SecretRef::name("db:pass")
        );
        for bad in ["", " ", "\t\n", "secret:", "secret:a b", "secret://x/y"] {
            assert!(
                matches!(SecretRef::parse(bad), Err(Error::InvalidInput(_))),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn secret_ref_conversions_and_display() {
        let uri = SecretUri::parse(XID).unwrap();
        assert_eq!(SecretRef::from(&uri), SecretRef::from(uri.clone()));
        assert_eq!(SecretRef::from(uri).to_string(), format!("secret:{XID}"));
        assert_eq!(SecretRef::name("my name").to_string(), "my name");
        let parsed: SecretRef = "my-name".parse().unwrap();
        assert_eq!(parsed, SecretRef::name("my-name"));
    }

    #[test]
    fn every_kind_of_argument_converts() {
        let uri = SecretUri::parse(XID).unwrap();
        let want = SecretRef::Uri(uri.clone());
        assert_eq!(format!("secret:{XID}").into_secret_ref().unwrap(), want);
        assert_eq!((&format!("secret:{XID}")).into_secret_ref().unwrap(), want);
        assert_eq!(XID.into_secret_ref().unwrap(), want);
        assert_eq!((&uri).into_secret_ref().unwrap(), want);
        assert_eq!(uri.into_secret_ref().unwrap(), want);
        assert_eq!((&want).into_secret_ref().unwrap(), want);
        assert_eq!(
            "db-creds".into_secret_ref().unwrap(),
            SecretRef::name("db-creds")
        );
        assert!("".into_secret_ref().is_err());
    }
}
