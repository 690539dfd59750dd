//! Text that may hold passwords, tokens or secret values: serialised into one buffer of the exact
//! size (counted first), so no smaller buffer is ever freed holding part of it, and zeroed when
//! dropped; and decoding errors that never quote it. Depends on nothing.

use std::cell::Cell;
use std::io;

use serde::Serialize;
use zeroize::Zeroizing;

thread_local! {
    /// While `to_json` sizes a value: the bytes of texts whose length is known without writing
    /// them (see [`sized_elsewhere`]).
    static SIZING: Cell<Option<usize>> = const { Cell::new(None) };
}

/// For a `Serialize` of a long text that needs no JSON escaping (base64): `true` while
/// [`to_json`] is only sizing, after counting `len` bytes for it, so that it serialises an empty
/// string instead of producing the text twice.
pub(crate) fn sized_elsewhere(len: usize) -> bool {
    SIZING.with(|sizing| match sizing.get() {
        Some(known) => {
            sizing.set(Some(known.saturating_add(len)));
            true
        }
        None => false,
    })
}

/// `value` as compact JSON in a buffer allocated once, at its final size, and zeroed on drop.
pub(crate) fn to_json<T: Serialize + ?Sized>(
    value: &T,
) -> Result<Zeroizing<Vec<u8>>, serde_json::Error> {
    let mut size = Counter(0);
    SIZING.with(|sizing| sizing.set(Some(0)));
    let sized = serde_json::to_writer(&mut size, value);
    let elsewhere = SIZING.with(|sizing| sizing.take()).unwrap_or(0);
    sized?;
    let mut buffer = Zeroizing::new(Vec::with_capacity(size.0.saturating_add(elsewhere)));
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

    /// A text that is sized without being written while sizing.
    struct Known(&'static str);

    impl Serialize for Known {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            if sized_elsewhere(self.0.len()) {
                return s.serialize_str("");
            }
            s.serialize_str(self.0)
        }
    }

    #[test]
    fn texts_sized_elsewhere_still_make_the_exact_size() {
        let value = (Known("QUJDREVGR0g="), "x", Known("SUpL"));
        let json = to_json(&value).unwrap();
        assert_eq!(&json[..], br#"["QUJDREVGR0g=","x","SUpL"]"#);
        assert_eq!(json.len(), json.capacity());
        assert!(!sized_elsewhere(3), "only while sizing");
    }
}
