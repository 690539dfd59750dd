//! Property tests of the URI parser: no input makes it panic, what it prints it reads back, and
//! ids are opaque, however long.

use proptest::prelude::*;

use super::*;
use crate::secrets::SecretRef;

/// Ids a controller may issue: anything without '/', whitespace or control characters.
fn opaque_id() -> impl Strategy<Value = String> {
    prop_oneof!["[a-v0-9]{20}", "[a-z0-9]{21,200}", "[^/\\s\\p{Cc}]{1,40}"]
}

fn model_uuid() -> impl Strategy<Value = String> {
    "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
}

proptest! {
    #[test]
    fn parsing_never_panics_and_what_parses_prints_back(text in any::<String>()) {
        match SecretUri::parse(&text) {
            Ok(uri) => prop_assert_eq!(SecretUri::parse(&uri.to_string()).unwrap(), uri),
            Err(e) => prop_assert!(matches!(e, Error::InvalidInput(_)), "{:?}", e),
        }
        match SecretRef::parse(&text) {
            Ok(SecretRef::Uri(uri)) => prop_assert_eq!(SecretUri::parse(&uri.to_string()).unwrap(), uri),
            Ok(SecretRef::Name(name)) => prop_assert_eq!(name, text),
            Err(e) => prop_assert!(matches!(e, Error::InvalidInput(_)), "{:?}", e),
        }
    }

    #[test]
    fn uri_like_text_never_panics(text in "(secret|SECRET|http)?:?(//)?[0-9a-f/-]{0,40}[^\\s]{0,8}") {
        if let Ok(uri) = SecretUri::parse(&text) {
            prop_assert_eq!(SecretUri::parse(&uri.to_string()).unwrap(), uri);
        }
    }

    #[test]
    fn every_opaque_id_round_trips(id in opaque_id(), model in proptest::option::of(model_uuid())) {
        let text = match &model {
            Some(uuid) => format!("secret://{uuid}/{id}"),
            None => format!("secret:{id}"),
        };
        let uri = SecretUri::parse(&text).unwrap();
        prop_assert_eq!(uri.id(), id.as_str());
        prop_assert_eq!(uri.source_model_uuid(), model.as_deref());
        prop_assert_eq!(uri.to_string(), text.clone());
        prop_assert_eq!(SecretRef::parse(&text).unwrap(), SecretRef::Uri(uri));
    }

    #[test]
    fn ids_with_a_slash_or_space_are_refused(
        head in "[a-z0-9]{1,10}",
        bad in prop_oneof![Just("/"), Just(" "), Just("\t"), Just("\n"), Just("\u{7}")],
        tail in "[a-z0-9]{1,10}",
    ) {
        let text = format!("secret:{head}{bad}{tail}");
        prop_assert!(matches!(SecretUri::parse(&text), Err(Error::InvalidInput(_))));
    }
}
