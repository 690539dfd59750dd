//! Text that may hold passwords, tokens or secret values: serialised into one buffer of the exact
//! size (counted first), so no smaller buffer is ever freed holding part of it, and zeroed when
//! dropped; and decoding errors that never quote it. Depends on nothing.

use std::io;

use serde::Serialize;
use zeroize::Zeroizing;

/// `value` as compact JSON in a buffer allocated once, at its final size, and zeroed on drop.
pub(crate) fn to_json<T: Serialize + ?Sized>(
    value: &T,
) -> Result<Zeroizing<Vec<u8>>, serde_json::Error> {
    let mut size = Counter(0);
    serde_json::to_writer(&mut size, value)?;
    let mut buffer = Zeroizing::new(Vec::with_capacity(size.0));
    serde_json::to_writer(&mut *buffer, value)?;
    Ok(buffer)
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
}
