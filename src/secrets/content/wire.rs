//! Content on the wire: `{"data": {key: base64}}`. Sent, the base64 is written straight from
//! the values into the request (no base64 copy is kept); received, each value is decoded as it
//! is read, into a vector of the exact number of entries.

use std::borrow::Cow;
use std::fmt;

use base64::alphabet;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize, Serializer};
use serde_json::value::RawValue;
use zeroize::Zeroizing;

use super::{SecretContent, SecretValue};

/// For what the controller returns, which other clients may have stored unpadded or wrapped:
/// Go's decoder, used by `juju`, skips line breaks and ignores trailing bits too.
const WIRE_DECODE: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

/// Validated content as sent: key to standard padded base64, in key order.
#[derive(Clone, Copy)]
pub(crate) struct WireData<'a>(pub(super) &'a SecretContent);

impl SecretContent {
    /// The content as sent to the controller, once validated.
    pub(crate) fn to_wire(&self) -> crate::error::Result<WireData<'_>> {
        self.validate()?;
        Ok(WireData(self))
    }
}

impl Serialize for WireData<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, value) in self.0.iter() {
            map.serialize_entry(key, &Base64(value))?;
        }
        map.end()
    }
}

/// A value as bytes, which `sensitive::to_json` (the only way requests are serialised) writes as
/// base64 text directly into its output.
struct Base64<'a>(&'a SecretValue);

impl Serialize for Base64<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bytes(self.0.as_bytes())
    }
}

/// Content revealed by the controller (`value.data`), decoded as it is read.
#[derive(Default)]
pub(crate) struct Revealed(pub SecretContent);

impl<'de> Deserialize<'de> for Revealed {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Count;
        impl<'de> Visitor<'de> for Count {
            type Value = usize;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map of key to base64")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<usize, A::Error> {
                let mut count = 0usize;
                while map.next_entry::<&'de RawValue, &'de RawValue>()?.is_some() {
                    count = count.saturating_add(1);
                }
                Ok(count)
            }
        }
        struct Decode(usize);
        impl<'de> Visitor<'de> for Decode {
            type Value = Vec<(String, SecretValue)>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map of key to base64")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut entries = Vec::with_capacity(self.0);
                while entries.len() < self.0 {
                    let Some(key) = map.next_key::<String>()? else {
                        break;
                    };
                    let text = map.next_value::<Cow<'de, str>>()?;
                    let value = decode(&text).ok_or_else(|| {
                        de::Error::custom(format!(
                            "the controller sent secret content for key `{key}` that is not valid base64"
                        ))
                    })?;
                    // An owned text (it had escapes) may hold the value: zero it.
                    if let Cow::Owned(text) = text {
                        drop(Zeroizing::new(text));
                    }
                    entries.push((key, value));
                }
                Ok(entries)
            }
        }
        let raw = <&'de RawValue>::deserialize(d)?;
        let count = serde_json::Deserializer::from_str(raw.get())
            .deserialize_map(Count)
            .map_err(|e| de::Error::custom(crate::sensitive::unquoted(&e)))?;
        let mut entries = serde_json::Deserializer::from_str(raw.get())
            .deserialize_map(Decode(count))
            .map_err(|e| de::Error::custom(crate::sensitive::unquoted(&e)))?;
        entries.sort_unstable_by(|(a, _), (b, _)| a.cmp(b));
        if let Some(twice) = entries
            .windows(2)
            .find(|w| w.first().map(|e| &e.0) == w.get(1).map(|e| &e.0))
        {
            let key = twice.first().map_or("", |e| e.0.as_str());
            return Err(de::Error::custom(format!(
                "the controller sent secret content with key `{key}` twice"
            )));
        }
        Ok(Revealed(SecretContent(entries)))
    }
}

/// A base64 value as Juju's clients may have stored it: line breaks are skipped (the text is
/// copied without them only when it has some: values reach 1 MB).
fn decode(text: &str) -> Option<SecretValue> {
    let bytes = if text.contains(['\r', '\n']) {
        WIRE_DECODE.decode(Zeroizing::new(text.replace(['\r', '\n'], "")).as_bytes())
    } else {
        WIRE_DECODE.decode(text.as_bytes())
    };
    bytes.ok().map(SecretValue::new)
}
