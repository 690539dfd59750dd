//! Content as the `juju` CLI takes it: `key=value`, `key#base64=value` and `key#file=path`
//! arguments, and JSON or YAML files. Values go straight into zeroing buffers, and errors about
//! arguments never repeat what may be a value.

use std::fmt;
use std::path::Path;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;
use zeroize::Zeroizing;

use super::{
    check_key, is_valid_key, SecretContent, SecretValue, KEY_RULE, MAX_CONTENT_BYTES,
    MAX_RAW_VALUE_BYTES, MAX_VALUE_BYTES,
};
use crate::error::{Error, Result};
use crate::files;

const FILE_SUFFIX: &str = "#file";
const BASE64_SUFFIX: &str = "#base64";

impl SecretContent {
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
    /// [`Error::InvalidInput`] naming the argument's position (never its text, which may be a
    /// value typed without its key): no `=`, an empty key or value, a key that is not valid,
    /// invalid base64, a file that cannot be read or is too large (checked before reading a
    /// regular file, while reading a pipe), or content over the size limits.
    pub fn from_args<S: AsRef<str>>(args: &[S]) -> Result<Self> {
        let mut content = SecretContent::new();
        for (i, arg) in args.iter().enumerate() {
            content.insert_arg(i.saturating_add(1), arg.as_ref())?;
        }
        content.check_total()?;
        Ok(content)
    }

    /// Content from a JSON or YAML file (`juju add-secret --file`): a mapping of key to scalar.
    /// JSON is tried first, then YAML. Numbers and booleans become their text (YAML `0x10`
    /// becomes `16`, as Go's `%v` prints the number juju reads); keys may end with `#base64`.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] when the file cannot be read, is larger than 1,000,000 bytes, is
    /// neither JSON nor YAML, is not a mapping, has a key twice, has a null, list or mapping
    /// value (naming its key), or breaks a key or size rule.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let fail = |why: String| Error::invalid(format!("secret file {}: {why}", path.display()));
        let text = files::read_capped(path, MAX_CONTENT_BYTES).map_err(|e| fail(e.to_string()))?;
        let mut content = SecretContent::new();
        for (key, value) in parse_mapping(&text).map_err(fail)? {
            content.insert_raw(&key, value)?;
        }
        content.check_total()?;
        Ok(content)
    }

    fn insert_arg(&mut self, n: usize, arg: &str) -> Result<()> {
        let (key, value) = split_arg(n, arg)?;
        let name = key.strip_suffix(FILE_SUFFIX).unwrap_or(key);
        if !is_valid_key(name.strip_suffix(BASE64_SUFFIX).unwrap_or(name)) {
            // Not repeated: a value typed without its key (`P4ss=w0rd`) would be echoed.
            return Err(Error::invalid(format!(
                "argument {n}: the text before '=' is not a valid key (not shown, as it may be \
                 part of a value): {KEY_RULE}"
            )));
        }
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
    let mut bytes = files::read_capped(Path::new(path), cap)
        .map_err(|e| Error::invalid(format!("file {path:?} for key {name:?}: {e}{note}")))?;
    // Moved, not copied: the zeroing buffer's whole capacity goes with it.
    Ok(SecretValue::new(std::mem::take(&mut *bytes)))
}

/// The key-value pairs of a JSON object or a YAML mapping of key to scalar.
fn parse_mapping(text: &[u8]) -> std::result::Result<Vec<(String, SecretValue)>, String> {
    if text.iter().all(u8::is_ascii_whitespace) {
        return Err("not a mapping of key to value".to_owned());
    }
    let entries = match serde_json::from_slice::<FileEntries>(text) {
        Ok(entries) => entries,
        Err(_) => match serde_yaml_ng::from_slice::<FileEntries>(text) {
            Ok(entries) => entries,
            // Well-formed YAML of another shape (a list, a scalar, nothing at all).
            Err(_) if serde_yaml_ng::from_slice::<IgnoredAny>(text).is_ok() => {
                return Err("not a mapping of key to value".to_owned())
            }
            Err(e) => return Err(format!("neither JSON nor YAML: {e}")),
        },
    };
    let mut pairs = Vec::with_capacity(entries.0.len());
    for (key, value) in entries.0 {
        if pairs.iter().any(|(k, _): &(String, SecretValue)| *k == key) {
            return Err(format!("key {key:?} is given twice"));
        }
        match value {
            // Moved, not copied, out of its zeroing buffer.
            FileValue::Text(mut text) => {
                pairs.push((key, SecretValue::from(std::mem::take(&mut *text))))
            }
            FileValue::NotScalar => {
                return Err(format!(
                    "the value of key {key:?} is not a string, number or boolean"
                ))
            }
        }
    }
    Ok(pairs)
}

/// The entries of a file's mapping, in file order, values in zeroing buffers.
struct FileEntries(Vec<(String, FileValue)>);

impl<'de> Deserialize<'de> for FileEntries {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct Entries;
        impl<'de> Visitor<'de> for Entries {
            type Value = FileEntries;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a mapping of key to value")
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<FileEntries, A::Error> {
                let mut entries = Vec::new();
                while let Some(key) = map.next_key::<FileKey>()? {
                    entries.push((key.0, map.next_value::<FileValue>()?));
                }
                Ok(FileEntries(entries))
            }
        }
        d.deserialize_map(Entries)
    }
}

/// A key: text, or a number or boolean taken as its text.
struct FileKey(String);

impl<'de> Deserialize<'de> for FileKey {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        match FileValue::deserialize(d)? {
            FileValue::Text(text) => Ok(FileKey(text.to_string())),
            FileValue::NotScalar => Err(de::Error::custom("a key is not a string")),
        }
    }
}

/// A value: its text in a zeroing buffer of the exact size, or a null, list or mapping.
enum FileValue {
    Text(Zeroizing<String>),
    NotScalar,
}

impl<'de> Deserialize<'de> for FileValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct Scalar;
        impl<'de> Visitor<'de> for Scalar {
            type Value = FileValue;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string, number or boolean")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<FileValue, E> {
                Ok(FileValue::Text(Zeroizing::new(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> std::result::Result<FileValue, E> {
                Ok(FileValue::Text(Zeroizing::new(v)))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> std::result::Result<FileValue, E> {
                Ok(FileValue::Text(Zeroizing::new(v.to_string())))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> std::result::Result<FileValue, E> {
                Ok(FileValue::Text(Zeroizing::new(v.to_string())))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> std::result::Result<FileValue, E> {
                Ok(FileValue::Text(Zeroizing::new(v.to_string())))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> std::result::Result<FileValue, E> {
                Ok(FileValue::Text(Zeroizing::new(v.to_string())))
            }
            fn visit_unit<E: de::Error>(self) -> std::result::Result<FileValue, E> {
                Ok(FileValue::NotScalar)
            }
            fn visit_none<E: de::Error>(self) -> std::result::Result<FileValue, E> {
                Ok(FileValue::NotScalar)
            }
            fn visit_seq<A: de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> std::result::Result<FileValue, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(FileValue::NotScalar)
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<FileValue, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(FileValue::NotScalar)
            }
        }
        d.deserialize_any(Scalar)
    }
}
