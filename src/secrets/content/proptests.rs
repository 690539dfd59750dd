//! Property tests of the content rules: the key rule against Juju's own regular expression, the
//! size limits against their arithmetic, argument parsing on any input, and the wire round trip.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use proptest::collection::{btree_map, vec};
use proptest::prelude::*;

use super::*;

/// `core/secrets/createsecret.go`, Juju 3.6.
const JUJU_KEY_RULE: &str = "^([a-z](?:-?[a-z0-9]){2,})$";

fn juju_key_rule() -> regex::Regex {
    regex::Regex::new(JUJU_KEY_RULE).expect("Juju's key rule compiles")
}

/// Keys near the rule's edges: mostly its alphabet, some characters it refuses.
fn key_like() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z0-9-]{0,8}",
        "[a-zA-Z0-9_#.-]{0,8}",
        "[a-z](-?[a-z0-9]){1,4}-?",
        any::<String>(),
    ]
}

/// Keys that follow the rule.
fn good_key() -> impl Strategy<Value = String> {
    "[a-z](-?[a-z0-9]){2,10}"
}

proptest! {
    #[test]
    fn the_key_rule_is_jujus_regex(key in key_like()) {
        prop_assert_eq!(is_valid_key(&key), juju_key_rule().is_match(&key), "{:?}", key);
        let inserted = SecretContent::new().insert(key.clone(), "v");
        prop_assert_eq!(inserted.is_ok(), juju_key_rule().is_match(&key));
    }

    #[test]
    fn arguments_never_panic_and_name_no_value(
        args in vec(any::<String>(), 0..4),
        keyed in vec(("[a-z0-9_-]{0,8}(#base64)?", "VALUE[A-Z]{12}"), 0..4),
    ) {
        let _ = SecretContent::from_args(&args);
        let args: Vec<String> = keyed.iter().map(|(k, v)| format!("{k}={v}")).collect();
        if let Err(e) = SecretContent::from_args(&args) {
            prop_assert!(matches!(e, Error::InvalidInput(_)), "{:?}", e);
            let text = e.to_string();
            for (_, value) in &keyed {
                prop_assert!(!text.contains(value.as_str()), "{}", text);
            }
        }
    }

    #[test]
    fn base64_arguments_decode_to_their_bytes(key in good_key(), bytes in vec(any::<u8>(), 0..64)) {
        let arg = format!("{key}#base64={}", STANDARD.encode(&bytes));
        match SecretContent::from_args(&[arg]) {
            Ok(content) => prop_assert_eq!(content.get(&key).map(SecretValue::as_bytes), Some(&bytes[..])),
            // An empty value leaves `key#base64=`, which has no value after '='.
            Err(e) => prop_assert!(bytes.is_empty(), "{:?}", e),
        }
    }

    #[test]
    fn the_wire_round_trip_keeps_every_byte(
        content in btree_map(good_key(), vec(any::<u8>(), 0..48), 1..6),
    ) {
        let content = SecretContent::from_pairs(content).unwrap();
        let wire = super::tests::wire_json(&content).unwrap();
        prop_assert_eq!(super::tests::from_wire(&wire).unwrap(), content);
    }

    #[test]
    fn from_wire_never_panics(data in btree_map(any::<String>(), any::<String>(), 0..4)) {
        let data = serde_json::to_value(data).unwrap();
        if let Ok(content) = super::tests::from_wire(&data) {
            prop_assert!(content.len() <= 4);
        }
    }

    #[test]
    fn file_contents_never_panic(text in any::<Vec<u8>>()) {
        let file = std::env::temp_dir().join(format!("juju-secrets-prop-{}", std::process::id()));
        std::fs::write(&file, &text).unwrap();
        let _ = SecretContent::from_file(&file);
    }
}

proptest! {
    // Values of up to a megabyte: fewer cases.
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn one_value_fits_when_its_base64_fits(len in prop_oneof![0usize..800_000, 749_990usize..750_010]) {
        let fits = len.div_ceil(3) * 4 <= 1_000_000;
        let mut content = SecretContent::new();
        prop_assert_eq!(content.insert("big", vec![b'x'; len]).is_ok(), fits, "{}", len);
        if fits && len > 0 {
            prop_assert!(content.validate().is_ok());
        }
    }

    #[test]
    fn all_values_fit_when_their_base64_sums_fit(
        a in 0usize..750_000,
        b in 0usize..750_000,
    ) {
        let fits = a.div_ceil(3) * 4 + b.div_ceil(3) * 4 <= 1_000_000;
        let content = SecretContent::from_pairs([("aaa", vec![1u8; a]), ("bbb", vec![2u8; b])]).unwrap();
        prop_assert_eq!(content.validate().is_ok(), fits, "{} + {}", a, b);
        prop_assert_eq!(content.to_wire().is_ok(), fits);
    }
}
