//! Secret URIs: `secret:<id>` and `secret://<model-uuid>/<id>`.

use std::fmt;
use std::str::FromStr;

use crate::error::{Error, Result};
use crate::names::is_lowercase_uuid;

pub(crate) const SCHEME: &str = "secret";

/// The URI of a secret: `secret:<id>`, or `secret://<model-uuid>/<id>` when the model the secret
/// comes from is known.
///
/// Juju issues 20-character ids (an xid's 12 bytes in lowercase base32hex, such as
/// `d0q6g3l9h5s9k8a6s0rg`) on every release, 3.x and 4.x alike; since Juju 3.6.19 they are random
/// rather than time-ordered, so never sort secrets by id. This crate reads ids leniently: any
/// non-empty id without `/`, whitespace or control characters is accepted and kept as given.
///
/// ```
/// use juju_secrets::SecretUri;
/// let uri = SecretUri::parse("secret:d0q6g3l9h5s9k8a6s0rg")?;
/// assert_eq!(uri.id(), "d0q6g3l9h5s9k8a6s0rg");
/// assert_eq!(uri.source_model_uuid(), None);
/// assert_eq!(uri.to_string(), "secret:d0q6g3l9h5s9k8a6s0rg");
///
/// let remote = SecretUri::parse("secret://8f5a1b2c-3d4e-4f60-8a1b-2c3d4e5f6a7b/d0q6g3l9h5s9k8a6s0rg")?;
/// assert_eq!(remote.source_model_uuid(), Some("8f5a1b2c-3d4e-4f60-8a1b-2c3d4e5f6a7b"));
/// # Ok::<(), juju_secrets::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct SecretUri {
    source_model_uuid: Option<String>,
    id: String,
}

impl SecretUri {
    /// Parses `secret:<id>`, `secret://<model-uuid>/<id>`, `secret:<model-uuid>/<id>`, or a bare
    /// `<id>` (or `<model-uuid>/<id>`), as `juju` does. The scheme is matched case-insensitively.
    ///
    /// ```
    /// use juju_secrets::SecretUri;
    /// // Ids are read leniently: a longer id than Juju issues is kept as it is.
    /// let uri = SecretUri::parse("secret:c9a1l5ekq3h2u7u2m4rtq8v0a1b2c3d4e5f6")?;
    /// assert_eq!(uri.id(), "c9a1l5ekq3h2u7u2m4rtq8v0a1b2c3d4e5f6");
    /// assert!(SecretUri::parse("https://example.com/x").is_err());
    /// assert!(SecretUri::parse("secret://not-a-uuid/d0q6g3l9h5s9k8a6s0rg").is_err());
    /// # Ok::<(), juju_secrets::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming the input and the problem: a scheme other than `secret`, a
    /// model part that is not a lowercase UUID, or an empty id or one with `/`, whitespace or
    /// control characters.
    pub fn parse(s: &str) -> Result<SecretUri> {
        let rest = match split_scheme(s) {
            Some((scheme, rest)) if scheme.eq_ignore_ascii_case(SCHEME) => rest,
            Some((scheme, _)) => {
                return Err(Error::invalid(format!(
                    "secret URI scheme {scheme:?} not valid in {s:?}: use secret:<id>"
                )))
            }
            None => s,
        };
        let (source, id) = match rest.strip_prefix("//") {
            Some(authority) => match authority.split_once('/') {
                Some((host, id)) => (Some(host), id),
                None => return Err(not_valid(s, "no id after the model UUID")),
            },
            None => match rest.split_once('/') {
                Some((source, id)) => (Some(source), id),
                None => (None, rest),
            },
        };
        if let Some(uuid) = source.filter(|u| !is_lowercase_uuid(u)) {
            return Err(not_valid(
                s,
                &format!("{uuid:?} is not a lowercase model UUID"),
            ));
        }
        check_id(s, id)?;
        Ok(SecretUri {
            source_model_uuid: source.map(str::to_owned),
            id: id.to_owned(),
        })
    }

    /// A local URI, `secret:<id>`, for an id already checked.
    pub(crate) fn local(id: &str) -> SecretUri {
        SecretUri {
            source_model_uuid: None,
            id: id.to_owned(),
        }
    }

    /// The secret's id, without scheme or model.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The UUID of the model the secret comes from, when the URI names one.
    pub fn source_model_uuid(&self) -> Option<&str> {
        self.source_model_uuid.as_deref()
    }
}

impl fmt::Display for SecretUri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.source_model_uuid {
            Some(uuid) => write!(f, "{SCHEME}://{uuid}/{}", self.id),
            None => write!(f, "{SCHEME}:{}", self.id),
        }
    }
}

impl FromStr for SecretUri {
    type Err = Error;

    fn from_str(s: &str) -> Result<SecretUri> {
        SecretUri::parse(s)
    }
}

fn not_valid(input: &str, problem: &str) -> Error {
    Error::invalid(format!("secret URI {input:?} not valid: {problem}"))
}

/// Splits `scheme:rest` when the text before the first `:` is an RFC 3986 scheme.
pub(crate) fn split_scheme(s: &str) -> Option<(&str, &str)> {
    let (scheme, rest) = s.split_once(':')?;
    let mut chars = scheme.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic());
    let rest_ok = chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    (first_ok && rest_ok).then_some((scheme, rest))
}

fn check_id(input: &str, id: &str) -> Result<()> {
    if id.is_empty() {
        return Err(not_valid(input, "the id is empty"));
    }
    if id.contains('/') {
        return Err(not_valid(input, "the id contains '/'"));
    }
    if id.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(not_valid(
            input,
            "the id contains whitespace or control characters",
        ));
    }
    Ok(())
}

/// The id form Juju issues: 12 bytes in base32hex, 20 characters. 96 bits leave one data bit in
/// the last character, so it can only be `0` or `g`.
pub(crate) fn is_classic_xid(s: &str) -> bool {
    s.len() == 20
        && s.bytes().enumerate().all(|(i, b)| match i {
            19 => matches!(b, b'0' | b'g'),
            _ => matches!(b, b'0'..=b'9' | b'a'..=b'v'),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    const UUID: &str = "8f5a1b2c-3d4e-4f60-8a1b-2c3d4e5f6a7b";
    const XID: &str = "d0q6g3l9h5s9k8a6s0rg";

    fn err(s: &str) -> String {
        match SecretUri::parse(s) {
            Err(e @ Error::InvalidInput(_)) => e.to_string(),
            other => panic!("{s:?} gave {other:?}"),
        }
    }

    #[test]
    fn parses_every_form() {
        for s in [
            format!("secret:{XID}"),
            XID.to_owned(),
            format!("SECRET:{XID}"),
        ] {
            let uri = SecretUri::parse(&s).unwrap();
            assert_eq!((uri.id(), uri.source_model_uuid()), (XID, None), "{s}");
            assert_eq!(uri.to_string(), format!("secret:{XID}"));
        }
        for s in [
            format!("secret://{UUID}/{XID}"),
            format!("secret:{UUID}/{XID}"),
            format!("{UUID}/{XID}"),
        ] {
            let uri: SecretUri = s.parse().unwrap();
            assert_eq!(
                (uri.id(), uri.source_model_uuid()),
                (XID, Some(UUID)),
                "{s}"
            );
            assert_eq!(uri.to_string(), format!("secret://{UUID}/{XID}"));
        }
    }

    #[test]
    fn ids_are_opaque() {
        for id in [
            "c9a1l5ekq3h2u7u2m4rtq8v0a1b2c3d4e5f6",
            "x",
            "ABC_def.123~",
            "ü-id",
        ] {
            let uri = SecretUri::parse(&format!("secret:{id}")).unwrap();
            assert_eq!(uri.id(), id);
            let uri = SecretUri::parse(&format!("secret://{UUID}/{id}")).unwrap();
            assert_eq!(uri.id(), id);
            assert_eq!(SecretUri::parse(&uri.to_string()).unwrap(), uri);
        }
    }

    #[test]
    fn rejects_bad_uris_naming_the_problem() {
        assert!(err("https://x/y").contains("scheme \"https\""));
        assert!(err(&format!("secret://{}/{XID}", UUID.to_uppercase())).contains("model UUID"));
        assert!(err(&format!("secret://host/{XID}")).contains("\"host\""));
        assert!(err(&format!("secret://{UUID}x/{XID}")).contains("model UUID"));
        assert!(err(&format!("secret://{UUID}")).contains("no id"));
        assert!(err(&format!("secret://{UUID}/")).contains("empty"));
        assert!(err("secret:").contains("empty"));
        assert!(err("").contains("empty"));
        assert!(err(&format!("secret:{UUID}/a/b")).contains("'/'"));
        assert!(err("secret:not-uuid/abc").contains("\"not-uuid\""));
        assert!(err("secret:ab c").contains("whitespace"));
        assert!(err("secret:abc\n").contains("whitespace"));
        assert!(err("secret:ab\u{7}c").contains("control"));
        assert!(err("secret:ab c").contains("\"secret:ab c\""));
    }

    #[test]
    fn helpers_match_their_patterns() {
        assert!(is_classic_xid(XID));
        assert!(is_classic_xid("00000000000000000000"));
        assert!(
            !is_classic_xid("d0q6g3l9h5s9k8a6s0rh"),
            "last char must be 0 or g"
        );
        assert!(!is_classic_xid("d0q6g3l9h5s9k8a6s0r"), "19 chars");
        assert!(!is_classic_xid("d0q6g3l9h5s9k8a6s0rg0"), "21 chars");
        assert!(
            !is_classic_xid("w0q6g3l9h5s9k8a6s0rg"),
            "w is not base32hex"
        );
        assert!(!is_classic_xid("D0Q6G3L9H5S9K8A6S0RG"));
    }
}

#[cfg(test)]
mod proptests;
