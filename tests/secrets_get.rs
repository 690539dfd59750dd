//! Reading values: a secret's whole content, one value, a key it does not have, and every kind
//! of argument that names a secret.

mod common;

use common::secrets::{content, last_params, name, no_io, not_found, text};
use common::{connect, within};
use juju_secrets::testing::TestController;
use juju_secrets::{Error, NewSecret, SecretRef, SecretUpdate, SecretUri};
use serde_json::json;

#[test]
fn get_returns_the_latest_content() {
    within(|| {
        let controller = TestController::start().unwrap();
        let mut client = connect(&controller);
        let mut secrets = client.secrets();
        let first = content(&[("user", "admin"), ("password", "one")]);
        let uri = secrets.add(&NewSecret::new("db", first.clone())).unwrap();
        assert_eq!(secrets.get("db").unwrap(), first);
        assert_eq!(
            last_params(&controller, "ListSecrets"),
            json!({"show-secrets": true, "filter": {"label": "db"}})
        );

        let second = content(&[("user", "admin"), ("password", "two")]);
        secrets
            .update("db", &SecretUpdate::new().content(second.clone()))
            .unwrap();
        let got = secrets.get(&uri).unwrap();
        assert_eq!(
            last_params(&controller, "ListSecrets"),
            json!({"show-secrets": true, "filter": {"uri": uri.to_string()}})
        );
        assert_eq!(got, second);
        assert_eq!(text(&got, "password"), "two");
    })
}

#[test]
fn get_value_returns_one_value() {
    within(|| {
        let controller = TestController::start().unwrap();
        let mut client = connect(&controller);
        let mut secrets = client.secrets();
        let c = content(&[("user", "admin"), ("password", "s3cr3t")]);
        let uri = secrets.add(&NewSecret::new("db", c)).unwrap();
        let value = secrets.get_value("db", "password").unwrap();
        assert_eq!(value.as_bytes(), b"s3cr3t");
        assert_eq!(value.as_str(), Some("s3cr3t"));
        let value = secrets.get_value(uri, "user").unwrap();
        assert_eq!(value.as_str(), Some("admin"));
    })
}

#[test]
fn every_kind_of_argument_names_the_same_secret() {
    within(|| {
        let controller = TestController::start().unwrap();
        let mut client = connect(&controller);
        let mut secrets = client.secrets();
        let uri = secrets
            .add(&NewSecret::new(
                "db-creds",
                content(&[("password", "s3cr3t")]),
            ))
            .unwrap();
        // A decoy, so that a lookup that ignored its argument would find two secrets.
        secrets
            .add(&NewSecret::new("other", content(&[("password", "decoy")])))
            .unwrap();
        let uri_text = uri.to_string();
        let by_name = json!({"label": "db-creds"});
        let by_uri = json!({"uri": uri_text});

        let check = |what: &str,
                     value: juju_secrets::Result<juju_secrets::SecretValue>,
                     filter: &serde_json::Value| {
            let value = value.unwrap_or_else(|e| panic!("{what}: {e:?}"));
            assert_eq!(value.as_str(), Some("s3cr3t"), "{what}");
            let params = last_params(&controller, "ListSecrets");
            assert_eq!(&params["filter"], filter, "{what}");
        };
        check(
            "&str name",
            secrets.get_value("db-creds", "password"),
            &by_name,
        );
        check(
            "&str URI",
            secrets.get_value(uri_text.as_str(), "password"),
            &by_uri,
        );
        // A bare classic id reads as a URI, as the juju CLI reads it.
        check(
            "&str bare id",
            secrets.get_value(uri.id(), "password"),
            &by_uri,
        );
        check(
            "String name",
            secrets.get_value(String::from("db-creds"), "password"),
            &by_name,
        );
        check(
            "String URI",
            secrets.get_value(uri_text.clone(), "password"),
            &by_uri,
        );
        check(
            "&String URI",
            secrets.get_value(&uri_text, "password"),
            &by_uri,
        );
        check("&SecretUri", secrets.get_value(&uri, "password"), &by_uri);
        check(
            "SecretUri",
            secrets.get_value(uri.clone(), "password"),
            &by_uri,
        );
        let by_ref = SecretRef::name("db-creds");
        check(
            "&SecretRef",
            secrets.get_value(&by_ref, "password"),
            &by_name,
        );
        check("SecretRef", secrets.get_value(by_ref, "password"), &by_name);
        check(
            "SecretRef::from(uri)",
            secrets.get_value(SecretRef::from(&uri), "password"),
            &by_uri,
        );
        check(
            "SecretRef::parse",
            secrets.get_value(SecretRef::parse(&uri_text).unwrap(), "password"),
            &by_uri,
        );
    })
}

#[test]
fn text_that_names_no_secret_is_refused_before_any_io() {
    within(|| {
        let controller = TestController::start().unwrap();
        let mut client = connect(&controller);
        let mut secrets = client.secrets();
        secrets
            .add(&NewSecret::new("db", content(&[("password", "p")])))
            .unwrap();
        for bad in ["", "  ", "secret:", "secret:a b", "secret://not-a-uuid/abc"] {
            let err = no_io(&controller, || secrets.get_value(bad, "password")).unwrap_err();
            assert!(matches!(err, Error::InvalidInput(_)), "{bad:?}: {err:?}");
            let err = no_io(&controller, || secrets.get(bad.to_owned())).unwrap_err();
            assert!(matches!(err, Error::InvalidInput(_)), "{bad:?}: {err:?}");
        }
    })
}

#[test]
fn a_missing_key_names_the_keys_that_exist() {
    within(|| {
        let controller = TestController::start().unwrap();
        let mut client = connect(&controller);
        let mut secrets = client.secrets();
        let c = content(&[("user", "admin-value"), ("password", "pass-value")]);
        secrets.add(&NewSecret::new("db", c)).unwrap();
        let err = secrets.get_value("db", "token").unwrap_err();
        let message = err.to_string();
        match err {
            Error::NoSuchKey { secret, key, keys } => {
                assert_eq!((secret.as_str(), key.as_str()), ("db", "token"));
                assert_eq!(keys, ["password", "user"]);
            }
            other => panic!("expected NoSuchKey, got {other:?}"),
        }
        assert!(
            message.contains("\"token\"") && message.contains("password, user"),
            "{message}"
        );
        assert!(!message.contains("-value"), "{message}");
    })
}

#[test]
fn get_of_an_unknown_secret_is_not_found() {
    within(|| {
        let controller = TestController::start().unwrap();
        let mut client = connect(&controller);
        let mut secrets = client.secrets();
        not_found(secrets.get(name("nope")).unwrap_err());
        not_found(secrets.get("nope").unwrap_err());
        let unknown = SecretUri::parse("secret:d0q6g3l9h5s9k8a6s0rg").unwrap();
        not_found(secrets.get_value(&unknown, "password").unwrap_err());
        not_found(
            secrets
                .get_value("secret:d0q6g3l9h5s9k8a6s0rg", "password")
                .unwrap_err(),
        );
    })
}
