//! JSON arrays decoded so that what the controller sends cannot make the client
//! allocate much more than the message itself: `{"results":[{},{},…]}` must not become millions
//! of structs. Items are counted first, borrowing their text (nothing is allocated), then decoded
//! into a vector allocated once at its final size. A list item whose text is shorter than a
//! quarter of its size in memory is refused (a real one is never that small); a write knows how
//! many results to expect and refuses any other count before decoding them.

use std::fmt;
use std::marker::PhantomData;
use std::mem::size_of;

use serde::de::{self, DeserializeOwned, Deserializer, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;

/// A JSON array whose items each take at most four times their text in memory, besides what
/// their strings hold.
#[derive(Debug)]
pub(crate) struct Items<T>(pub Vec<T>);

impl<T> Default for Items<T> {
    fn default() -> Self {
        Items(Vec::new())
    }
}

impl<T> Items<T> {
    pub(crate) fn into_vec(self) -> Vec<T> {
        self.0
    }
}

/// The shortest text an item of `T` may have: a quarter of its size in memory.
fn min_text<T>() -> usize {
    size_of::<T>().div_ceil(4).max(1)
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Items<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = <&'de RawValue>::deserialize(d)?;
        let count = count_items(raw.get(), min_text::<T>()).map_err(de::Error::custom)?;
        collect(raw.get(), count)
            .map(Items)
            .map_err(de::Error::custom)
    }
}

/// The items of the JSON array `text`, which must number exactly `expected`; any other count is
/// refused before a single item is decoded.
pub(crate) fn exactly<T: DeserializeOwned>(text: &str, expected: usize) -> Result<Vec<T>, Count> {
    let count = count_items(text, 1).map_err(Count::Malformed)?;
    if count != expected {
        return Err(Count::Wrong(count));
    }
    collect(text, count).map_err(Count::Malformed)
}

/// Why [`exactly`] refused an array.
#[derive(Debug)]
pub(crate) enum Count {
    /// Not an array of such items.
    Malformed(String),
    /// This many items.
    Wrong(usize),
}

/// Counts the items of the JSON array `text`, refusing any item shorter than `min` bytes.
fn count_items(text: &str, min: usize) -> Result<usize, String> {
    struct Counter(usize);
    impl<'de> Visitor<'de> for Counter {
        type Value = usize;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a list")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<usize, A::Error> {
            let mut count = 0usize;
            while let Some(item) = seq.next_element::<&'de RawValue>()? {
                if item.get().len() < self.0 {
                    return Err(de::Error::custom(format!(
                        "a list item of {} bytes is too short to be one",
                        item.get().len()
                    )));
                }
                count = count.saturating_add(1);
            }
            Ok(count)
        }
    }
    let mut de = serde_json::Deserializer::from_str(text);
    de.deserialize_seq(Counter(min))
        .map_err(|e| crate::sensitive::unquoted(&e))
}

/// Decodes the `count` items of the JSON array `text` into a vector of exactly that capacity.
fn collect<T: DeserializeOwned>(text: &str, count: usize) -> Result<Vec<T>, String> {
    struct Collector<T>(usize, PhantomData<T>);
    impl<'de, T: DeserializeOwned> Visitor<'de> for Collector<T> {
        type Value = Vec<T>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a list")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
            let mut items = Vec::with_capacity(self.0);
            while items.len() < self.0 {
                match seq.next_element()? {
                    Some(item) => items.push(item),
                    None => break,
                }
            }
            Ok(items)
        }
    }
    let mut de = serde_json::Deserializer::from_str(text);
    de.deserialize_seq(Collector::<T>(count, PhantomData))
        .map_err(|e| crate::sensitive::unquoted(&e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize, Debug, PartialEq)]
    struct Wide {
        a: Option<String>,
        b: Option<String>,
        c: Option<String>,
    }

    #[derive(Deserialize, Debug)]
    struct List {
        items: Items<Wide>,
    }

    #[test]
    fn real_items_decode_with_exact_capacity() {
        let text = r#"{"items":[{"a":"the first item"},{"b":"the second item here"},{"c":"x","a":"yyy"}]}"#;
        let list: List = serde_json::from_str(text).unwrap();
        assert_eq!(list.items.0.len(), 3);
        assert_eq!(list.items.0.capacity(), 3);
        assert_eq!(list.items.0[1].b.as_deref(), Some("the second item here"));
    }

    #[test]
    fn items_too_short_to_be_real_are_refused() {
        let err = serde_json::from_str::<List>(r#"{"items":[{},{},{}]}"#).unwrap_err();
        assert!(err.to_string().contains("too short"), "{err}");
    }

    #[test]
    fn exact_counts() {
        let ok: Vec<Option<u8>> = exactly("[1, null]", 2).unwrap();
        assert_eq!(ok, [Some(1), None]);
        assert!(matches!(
            exactly::<Option<u8>>("[1, 2, 3]", 2),
            Err(Count::Wrong(3))
        ));
        assert!(matches!(exactly::<u8>("{}", 2), Err(Count::Malformed(_))));
    }
}
