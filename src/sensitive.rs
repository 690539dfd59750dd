//! Text that may hold passwords, tokens or secret values: serialised into one buffer of the exact
//! size (counted first), so no smaller buffer is ever freed holding part of it, and zeroed when
//! dropped; and decoding errors that never quote it. Depends on nothing.

use std::io;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde::Serialize;
use serde_json::ser::Formatter;
use zeroize::{Zeroize, Zeroizing};

/// `value` as compact JSON in a buffer allocated once, at its final size, and zeroed on drop.
/// Byte strings (`serialize_bytes`: secret values) are written as standard padded base64 JSON
/// strings, encoded straight into the buffer: base64 needs no escaping, so the text is neither
/// made twice nor scanned.
pub(crate) fn to_json<T: Serialize + ?Sized>(
    value: &T,
) -> Result<Zeroizing<Vec<u8>>, serde_json::Error> {
    let (mut counter, mut base64) = (Counter(0), 0);
    let sizing = Base64Bytes {
        counted: Some(&mut base64),
    };
    value.serialize(&mut serde_json::Serializer::with_formatter(
        &mut counter,
        sizing,
    ))?;
    let mut buffer = Zeroizing::new(Vec::with_capacity(counter.0.saturating_add(base64)));
    let writing = Base64Bytes { counted: None };
    value.serialize(&mut serde_json::Serializer::with_formatter(
        &mut *buffer,
        writing,
    ))?;
    Ok(buffer)
}

/// Compact JSON, but bytes become base64 strings; while sizing (`counted` is `Some`), their
/// length is added up instead of written.
struct Base64Bytes<'a> {
    counted: Option<&'a mut usize>,
}

impl Formatter for Base64Bytes<'_> {
    fn write_byte_array<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        value: &[u8],
    ) -> io::Result<()> {
        if let Some(counted) = self.counted.as_deref_mut() {
            let quoted = base64::encoded_len(value.len(), true)
                .and_then(|len| len.checked_add(2))
                .ok_or_else(|| io::Error::other("value too large to encode"))?;
            *counted = counted.saturating_add(quoted);
            return Ok(());
        }
        // 768 raw bytes are exactly 1,024 base64 characters, without padding until the end.
        let mut chunk = [0u8; 1024];
        writer.write_all(b"\"")?;
        let written = value.chunks(768).try_for_each(|raw| {
            let len = STANDARD
                .encode_slice(raw, &mut chunk)
                .map_err(io::Error::other)?;
            writer.write_all(chunk.get(..len).unwrap_or_default())
        });
        chunk.zeroize();
        written?;
        writer.write_all(b"\"")
    }
}

/// A decoding error without the strings it quotes (`invalid type: string "…"`): a value in the
/// wrong place may be a secret, and error messages never carry one.
pub(crate) fn unquoted(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        out.push(c);
        if c == '"' {
            let mut escaped = false;
            for c in chars.by_ref() {
                match c {
                    _ if escaped => escaped = false,
                    '\\' => escaped = true,
                    '"' => break,
                    _ => {}
                }
            }
            out.push_str("…\"");
        }
    }
    out
}

/// A writer that only counts.
struct Counter(usize);

impl io::Write for Counter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0 = self.0.saturating_add(buf.len());
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_size_and_same_text() {
        let value = serde_json::json!({"password": "s3cr3t", "list": [1, 2, "é\"\n"]});
        let json = to_json(&value).unwrap();
        assert_eq!(json.len(), json.capacity());
        assert_eq!(&json[..], serde_json::to_string(&value).unwrap().as_bytes());
    }

    /// Bytes, as secret values are serialised.
    struct Bytes(&'static [u8]);

    impl Serialize for Bytes {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.serialize_bytes(self.0)
        }
    }

    #[test]
    fn bytes_become_base64_strings_of_the_exact_size() {
        let long: &'static [u8] = Box::leak(vec![0xfb; 2_000].into_boxed_slice());
        let value = (Bytes(b"ABCDEFGH"), "x", Bytes(b""), Bytes(long));
        let json = to_json(&value).unwrap();
        let expected = serde_json::json!(["QUJDREVGR0g=", "x", "", STANDARD.encode(long)]);
        assert_eq!(json.len(), json.capacity());
        assert_eq!(
            serde_json::from_slice::<serde_json::Value>(&json).unwrap(),
            expected
        );
    }
}
