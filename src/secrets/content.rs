//! Secret content: keys and values, the key and size rules, and values that never print. How
//! content is read from arguments and files is in `content/input.rs`; how it crosses the wire,
//! in `content/wire.rs`.

mod input;
mod wire;

use std::fmt;

use zeroize::Zeroizing;

use crate::error::{Error, Result};

pub(crate) use wire::{Revealed, WireData};

/// Largest value, measured on its base64 text (Juju 3.6: 1 MB, as vault refuses 1 MiB).
const MAX_VALUE_BYTES: usize = 1_000_000;
/// Largest sum of the base64 texts of all values; keys do not count (as in Juju 3.6).
const MAX_CONTENT_BYTES: usize = 1_000_000;
/// The most raw bytes whose base64 text fits in [`MAX_VALUE_BYTES`].
const MAX_RAW_VALUE_BYTES: usize = MAX_VALUE_BYTES / 4 * 3;

/// One secret value: bytes (not necessarily UTF-8), zeroed when dropped. `Debug` and `Display`
/// print `***`.
///
/// ```
/// use juju_secrets::SecretValue;
/// let value = SecretValue::from("s3cr3t");
/// assert_eq!(value.as_str(), Some("s3cr3t"));
/// assert_eq!(format!("{value:?} {value}"), "*** ***");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct SecretValue(Zeroizing<Vec<u8>>);

impl SecretValue {
    /// Wraps bytes.
    pub fn new(bytes: impl Into<Vec<u8>>) -> Self {
        SecretValue(Zeroizing::new(bytes.into()))
    }

    /// The value's bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The value as text, when it is valid UTF-8.
    pub fn as_str(&self) -> Option<&str> {
        std::str::from_utf8(&self.0).ok()
    }

    /// The number of bytes (before base64 encoding).
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the value has no bytes.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub(super) fn encoded_len(&self) -> usize {
        encoded_len(self.0.len())
    }
}

impl fmt::Debug for SecretValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl fmt::Display for SecretValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl From<&str> for SecretValue {
    fn from(s: &str) -> Self {
        SecretValue::new(s.as_bytes())
    }
}

impl From<String> for SecretValue {
    fn from(s: String) -> Self {
        SecretValue::new(s.into_bytes())
    }
}

impl From<Vec<u8>> for SecretValue {
    fn from(bytes: Vec<u8>) -> Self {
        SecretValue::new(bytes)
    }
}

impl From<&[u8]> for SecretValue {
    fn from(bytes: &[u8]) -> Self {
        SecretValue::new(bytes)
    }
}

/// The content of a secret: keys mapped to [`SecretValue`]s, kept in key order.
///
/// The rules are those of the `juju` CLI (`core/secrets/createsecret.go`, Juju 3.6):
/// * a key matches `^([a-z](?:-?[a-z0-9]){2,})$`: at least 3 characters, lowercase letters,
///   digits and single inner hyphens, starting with a letter;
/// * each value's base64 text is at most 1,000,000 bytes (750,000 raw bytes), and the base64
///   texts of all values together at most 1,000,000 bytes (keys are not counted);
/// * content sent to the controller has at least one key.
///
/// Keys are checked as they are added; sizes are checked per value as they are added and in
/// total by [`SecretContent::validate`], which every operation calls before sending anything.
/// `Debug` prints the keys and `***` for each value.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct SecretContent(Vec<(String, SecretValue)>);

impl SecretContent {
    /// Empty content, to fill with [`SecretContent::insert`] or [`SecretContent::with`].
    pub fn new() -> Self {
        SecretContent::default()
    }

    /// Content from `(key, value)` pairs; a later pair replaces an earlier one with the same key.
    ///
    /// ```
    /// use juju_secrets::SecretContent;
    /// let content = SecretContent::from_pairs([("user", "admin"), ("password", "s3cr3t")])?;
    /// assert_eq!(content.keys().collect::<Vec<_>>(), ["password", "user"]);
    /// # Ok::<(), juju_secrets::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming the first key that is not valid or whose value is too large.
    pub fn from_pairs<I, K, V>(pairs: I) -> Result<Self>
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<SecretValue>,
    {
        let mut content = SecretContent::new();
        for (key, value) in pairs {
            content.insert(key, value)?;
        }
        Ok(content)
    }

    /// Adds a key, for chaining: `SecretContent::new().with("user", "admin")?.with(...)?`.
    ///
    /// # Errors
    /// As [`SecretContent::insert`].
    pub fn with(mut self, key: impl Into<String>, value: impl Into<SecretValue>) -> Result<Self> {
        self.insert(key, value)?;
        Ok(self)
    }

    /// Sets a key's value, replacing any earlier one.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming the key when it is not valid or its value's base64 text
    /// would exceed 1,000,000 bytes.
    pub fn insert(&mut self, key: impl Into<String>, value: impl Into<SecretValue>) -> Result<()> {
        let (key, value) = (key.into(), value.into());
        check_key(&key)?;
        check_value_size(&key, &value)?;
        self.set(key, value);
        Ok(())
    }

    /// Adds `other`'s keys, replacing values of keys both have (so file-derived keys override
    /// argument-derived ones when merged last). The total size is checked by `validate`.
    pub fn merge(&mut self, other: SecretContent) {
        for (key, value) in other.0 {
            self.set(key, value);
        }
    }

    /// The value of a key.
    pub fn get(&self, key: &str) -> Option<&SecretValue> {
        let at = self.position(key).ok()?;
        self.0.get(at).map(|(_, value)| value)
    }

    /// Takes the value of a key out, without copying it.
    pub(crate) fn take(&mut self, key: &str) -> Option<SecretValue> {
        let at = self.position(key).ok()?;
        Some(self.0.remove(at).1)
    }

    /// The keys, in order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(k, _)| k.as_str())
    }

    /// The keys and values, in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &SecretValue)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// The number of keys.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are no keys.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Checks everything the `juju` CLI checks: at least one key, valid keys, and the per-value
    /// and total size limits.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming the offending key, or the total size.
    pub fn validate(&self) -> Result<()> {
        if self.0.is_empty() {
            return Err(Error::invalid(
                "secret content is empty: give at least one key and value",
            ));
        }
        for (key, value) in &self.0 {
            check_key(key)?;
            check_value_size(key, value)?;
        }
        self.check_total()
    }

    /// Where `key` is, or where it would go.
    fn position(&self, key: &str) -> std::result::Result<usize, usize> {
        self.0.binary_search_by(|(k, _)| k.as_str().cmp(key))
    }

    /// Sets a key already checked, keeping the keys in order.
    fn set(&mut self, key: String, value: SecretValue) {
        match self.position(&key) {
            Ok(at) => {
                if let Some(slot) = self.0.get_mut(at) {
                    slot.1 = value;
                }
            }
            Err(at) => self.0.insert(at, (key, value)),
        }
    }

    fn check_total(&self) -> Result<()> {
        let total = self
            .0
            .iter()
            .fold(0usize, |sum, (_, v)| sum.saturating_add(v.encoded_len()));
        if total > MAX_CONTENT_BYTES {
            return Err(Error::invalid(format!(
                "base64 encoded secret content too large: {total} bytes (limit {MAX_CONTENT_BYTES})"
            )));
        }
        Ok(())
    }
}

impl fmt::Debug for SecretContent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretContent ")?;
        f.debug_map()
            .entries(self.0.iter().map(|(k, v)| (k, v)))
            .finish()
    }
}

/// The key rule `^([a-z](?:-?[a-z0-9]){2,})$`, by hand.
fn is_valid_key(key: &str) -> bool {
    let mut bytes = key.bytes();
    if !matches!(bytes.next(), Some(b'a'..=b'z')) {
        return false;
    }
    let (mut groups, mut after_hyphen) = (0usize, false);
    for b in bytes {
        match b {
            b'-' if !after_hyphen => after_hyphen = true,
            b'a'..=b'z' | b'0'..=b'9' => (groups, after_hyphen) = (groups.saturating_add(1), false),
            _ => return false,
        }
    }
    !after_hyphen && groups >= 2
}

/// What a key must be, for messages.
const KEY_RULE: &str =
    "use at least 3 lowercase letters, digits or single inner hyphens, starting with a letter";

fn check_key(key: &str) -> Result<()> {
    if is_valid_key(key) {
        return Ok(());
    }
    Err(Error::invalid(format!("key {key:?} not valid: {KEY_RULE}")))
}

fn check_value_size(key: &str, value: &SecretValue) -> Result<()> {
    let size = value.encoded_len();
    if size > MAX_VALUE_BYTES {
        return Err(Error::invalid(format!(
            "base64 encoded secret content for key {key:?} too large: {size} bytes \
             (limit {MAX_VALUE_BYTES})"
        )));
    }
    Ok(())
}

/// The length of padded base64 text for `n` bytes: 4 per started group of 3.
fn encoded_len(n: usize) -> usize {
    n.div_ceil(3).saturating_mul(4)
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod proptests;
