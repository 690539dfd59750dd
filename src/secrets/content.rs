//! Secret content: key rules, `key=value` / `#base64` / `#file` arguments, JSON or YAML files,
//! size limits, base64 on the wire, and values that never print.

use std::collections::BTreeMap;
use std::fmt;
use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use base64::alphabet;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};
use base64::engine::DecodePaddingMode;
use base64::Engine;
use zeroize::Zeroizing;

use crate::error::{Error, Result};

/// Largest value, measured on its base64 text (Juju 3.6: 1 MB, as vault refuses 1 MiB).
const MAX_VALUE_BYTES: usize = 1_000_000;
/// Largest sum of the base64 texts of all values; keys do not count (as in Juju 3.6).
const MAX_CONTENT_BYTES: usize = 1_000_000;
/// The most raw bytes whose base64 text fits in [`MAX_VALUE_BYTES`].
const MAX_RAW_VALUE_BYTES: usize = MAX_VALUE_BYTES / 4 * 3;
const FILE_SUFFIX: &str = "#file";
const BASE64_SUFFIX: &str = "#base64";

/// For what the controller returns, which other clients may have stored unpadded or wrapped:
/// Go's decoder, used by `juju`, skips line breaks and ignores trailing bits too.
const WIRE_DECODE: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

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

    fn encoded_len(&self) -> usize {
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
pub struct SecretContent(BTreeMap<String, SecretValue>);

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
        self.0.insert(key, value);
        Ok(())
    }

    /// Content from `juju add-secret` style arguments:
    /// * `key=value`: the key is the text before the first `=`, the value everything after it;
    /// * `key#base64=value`: the value is already base64 (standard alphabet, padded);
    /// * `key#file=path`: the value is the file's bytes (`key#base64#file=path`: its base64 text).
    ///
    /// Trailing `=` are taken as base64 padding, never as the separator, so `key=` is refused.
    /// Paths are used as given (no `~` expansion). Later arguments replace earlier ones.
    ///
    /// ```
    /// use juju_secrets::SecretContent;
    /// let args = ["user=admin", "token#base64=czNjcjN0", "key-1==y="];
    /// let content = SecretContent::from_args(&args)?;
    /// assert_eq!(content.get("token").and_then(|v| v.as_str()), Some("s3cr3t"));
    /// assert_eq!(content.get("key-1").and_then(|v| v.as_str()), Some("=y="));
    /// assert!(SecretContent::from_args(&["no-separator"]).is_err());
    /// assert!(SecretContent::from_args(&["Bad_Key=value"]).is_err());
    /// # Ok::<(), juju_secrets::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming the argument's position or its key (never its value): no
    /// `=`, an empty key or value, a key that is not valid, invalid base64, a file that cannot be
    /// read or is too large (checked before reading it), or content over the size limits.
    pub fn from_args<S: AsRef<str>>(args: &[S]) -> Result<Self> {
        let mut content = SecretContent::new();
        for (i, arg) in args.iter().enumerate() {
            content.insert_arg(i.saturating_add(1), arg.as_ref())?;
        }
        content.check_total()?;
        Ok(content)
    }

    /// Content from a JSON or YAML file (`juju add-secret --file`): a mapping of key to scalar.
    /// JSON is tried first, then YAML. Numbers and booleans become their text as YAML prints
    /// them (YAML `0x10` becomes `16`); keys may end with `#base64`.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] when the file cannot be read, is larger than 1,000,000 bytes, is
    /// neither JSON nor YAML, is not a mapping, has a null, list or mapping value (naming its
    /// key), or breaks a key or size rule.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let fail = |why: String| Error::invalid(format!("secret file {}: {why}", path.display()));
        let text = read_capped(path, MAX_CONTENT_BYTES, "").map_err(|e| fail(e.to_string()))?;
        let mut content = SecretContent::new();
        for (key, value) in parse_mapping(&text).map_err(fail)? {
            content.insert_raw(&key, SecretValue::from(value))?;
        }
        content.check_total()?;
        Ok(content)
    }

    /// Adds `other`'s keys, replacing values of keys both have (so file-derived keys override
    /// argument-derived ones when merged last). The total size is checked by `validate`.
    pub fn merge(&mut self, other: SecretContent) {
        self.0.extend(other.0);
    }

    /// The value of a key.
    pub fn get(&self, key: &str) -> Option<&SecretValue> {
        self.0.get(key)
    }

    /// The keys, in order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(String::as_str)
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

    /// The validated content as sent to the controller: key → standard padded base64.
    pub(crate) fn to_wire(&self) -> Result<Vec<(String, Zeroizing<String>)>> {
        self.validate()?;
        Ok(self
            .iter()
            .map(|(k, v)| (k.to_owned(), Zeroizing::new(STANDARD.encode(v.as_bytes()))))
            .collect())
    }

    /// Content as returned by the controller.
    pub(crate) fn from_wire(data: &BTreeMap<String, Zeroizing<String>>) -> Result<Self> {
        let mut content = SecretContent::new();
        for (key, text) in data {
            // Copy the text without line breaks only when it has some: values reach 1 MB.
            let value = if text.contains(['\r', '\n']) {
                WIRE_DECODE.decode(Zeroizing::new(text.replace(['\r', '\n'], "")).as_bytes())
            } else {
                WIRE_DECODE.decode(text.as_bytes())
            };
            let value = value.map_err(|_| {
                Error::protocol(format!(
                    "the controller sent secret content for key {key:?} that is not valid base64"
                ))
            })?;
            content.0.insert(key.clone(), SecretValue::new(value));
        }
        Ok(content)
    }

    fn insert_arg(&mut self, n: usize, arg: &str) -> Result<()> {
        let (key, value) = split_arg(n, arg)?;
        match key.strip_suffix(FILE_SUFFIX) {
            Some(key) => self.insert_raw(key, read_value_file(key, value)?),
            None => self.insert_raw(key, SecretValue::from(value)),
        }
    }

    /// Inserts a value whose key may end with `#base64`, meaning the value is base64 text.
    fn insert_raw(&mut self, key: &str, value: SecretValue) -> Result<()> {
        let Some(key) = key.strip_suffix(BASE64_SUFFIX) else {
            return self.insert(key, value);
        };
        check_key(key)?;
        let decoded = STANDARD.decode(value.as_bytes()).map_err(|_| {
            Error::invalid(format!(
                "the value of key {key:?} is not valid base64 (standard alphabet, padded)"
            ))
        })?;
        self.insert(key, decoded)
    }

    fn check_total(&self) -> Result<()> {
        let total = self
            .0
            .values()
            .fold(0usize, |sum, v| sum.saturating_add(v.encoded_len()));
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
        f.debug_map().entries(self.0.iter()).finish()
    }
}

/// Splits `key=value` without ever echoing the argument, which may be a bare value.
fn split_arg(n: usize, arg: &str) -> Result<(&str, &str)> {
    let bad = |why: &str| Error::invalid(format!("argument {n} is not key=value: {why}"));
    // Trailing '=' may be base64 padding, so (as in juju) they cannot be the separator.
    let has_separator = arg.trim_end_matches('=').contains('=');
    match arg.split_once('=') {
        None => Err(bad("it has no '='")),
        Some(("", _)) => Err(bad("the key before '=' is empty")),
        Some(_) if !has_separator => Err(bad("there is no value after '='")),
        Some(pair) => Ok(pair),
    }
}

/// Reads the file of `key#file=path`; a `key` ending with `#base64` means the file holds base64.
fn read_value_file(key: &str, path: &str) -> Result<SecretValue> {
    let (name, cap, note) = match key.strip_suffix(BASE64_SUFFIX) {
        Some(name) => (name, MAX_VALUE_BYTES, String::new()),
        None => (
            key,
            MAX_RAW_VALUE_BYTES,
            format!(" ({MAX_VALUE_BYTES} bytes once base64 encoded)"),
        ),
    };
    check_key(name)?;
    let mut bytes = read_capped(Path::new(path), cap, &note)
        .map_err(|e| Error::invalid(format!("file {path:?} for key {name:?}: {e}")))?;
    Ok(SecretValue::new(std::mem::take(&mut *bytes)))
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

fn check_key(key: &str) -> Result<()> {
    if is_valid_key(key) {
        return Ok(());
    }
    Err(Error::invalid(format!(
        "key {key:?} not valid: use at least 3 lowercase letters, digits or single inner \
         hyphens, starting with a letter"
    )))
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

/// Reads a whole file of at most `cap` bytes, refusing a larger one before reading it.
fn read_capped(path: &Path, cap: usize, note: &str) -> io::Result<Zeroizing<Vec<u8>>> {
    let too_large = || {
        let msg = format!("larger than the {cap} bytes allowed{note}");
        io::Error::new(io::ErrorKind::FileTooLarge, msg)
    };
    let file = File::open(path)?;
    let size = usize::try_from(file.metadata()?.len()).unwrap_or(usize::MAX);
    if size > cap {
        return Err(too_large());
    }
    let mut bytes = Zeroizing::new(Vec::with_capacity(size.saturating_add(1)));
    // Pipes and special files report size 0: the cap bounds the read itself too.
    let limit = u64::try_from(cap).unwrap_or(u64::MAX).saturating_add(1);
    file.take(limit).read_to_end(&mut bytes)?;
    if bytes.len() > cap {
        return Err(too_large());
    }
    Ok(bytes)
}

/// Parses a JSON object or YAML mapping of key to scalar, as text pairs.
fn parse_mapping(text: &[u8]) -> std::result::Result<Vec<(String, String)>, String> {
    use serde_yaml_ng::Value;
    if let Ok(serde_json::Value::Object(map)) = serde_json::from_slice(text) {
        let pairs = map.into_iter().map(|(k, v)| {
            let value = match v {
                serde_json::Value::String(s) => Some(s),
                serde_json::Value::Number(n) => Some(n.to_string()),
                serde_json::Value::Bool(b) => Some(b.to_string()),
                _ => None,
            };
            match value {
                Some(v) => Ok((k, v)),
                None => Err(not_scalar(&k)),
            }
        });
        return pairs.collect();
    }
    let scalar = |v: Value| match v {
        Value::String(s) => Some(s),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    };
    let map = match serde_yaml_ng::from_slice(text) {
        Ok(Value::Mapping(map)) => map,
        Ok(_) => return Err("not a mapping of key to value".to_owned()),
        Err(e) => return Err(format!("neither JSON nor YAML: {e}")),
    };
    map.into_iter()
        .map(|(k, v)| {
            let key = scalar(k).ok_or_else(|| "a key is not a string".to_owned())?;
            match scalar(v) {
                Some(v) => Ok((key, v)),
                None => Err(not_scalar(&key)),
            }
        })
        .collect()
}

fn not_scalar(key: &str) -> String {
    format!("the value of key {key:?} is not a string, number or boolean")
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod proptests;
