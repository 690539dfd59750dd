//! Reading values: a secret's whole content, one value, and a key it does not have.

mod common;

use common::secrets::{content, last_params, name, not_found, text};
use common::{connect, within};
use juju_secrets::testing::TestController;
use juju_secrets::{Error, SecretRef, SecretUpdate, SecretUri};
use serde_json::json;

#[test]
fn get_returns_the_latest_content() {
    within(|| {
        let controller = TestController::start().unwrap();
        let mut client = connect(&controller);
        let mut secrets = client.secrets();
        let first = content(&[("user", "admin"), ("password", "one")]);
        let uri = secrets.add("db", &first, None).unwrap();
        assert_eq!(secrets.get(&name("db")).unwrap(), first);
        assert_eq!(
            last_params(&controller, "ListSecrets"),
            json!({"show-secrets": true, "filter": {"label": "db"}})
        );

        let second = content(&[("user", "admin"), ("password", "two")]);
        secrets
            .update(&name("db"), &SecretUpdate::new().content(second.clone()))
            .unwrap();
        let got = secrets.get(&SecretRef::from(&uri)).unwrap();
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
        let uri = secrets.add("db", &c, None).unwrap();
        let value = secrets.get_value(&name("db"), "password").unwrap();
        assert_eq!(value.as_bytes(), b"s3cr3t");
        assert_eq!(value.as_str(), Some("s3cr3t"));
        let value = secrets.get_value(&uri.into(), "user").unwrap();
        assert_eq!(value.as_str(), Some("admin"));
    })
}

#[test]
fn a_missing_key_names_the_keys_that_exist() {
    within(|| {
        let controller = TestController::start().unwrap();
        let mut client = connect(&controller);
        let mut secrets = client.secrets();
        let c = content(&[("user", "admin-value"), ("password", "pass-value")]);
        secrets.add("db", &c, None).unwrap();
        let err = secrets.get_value(&name("db"), "token").unwrap_err();
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
        not_found(secrets.get(&name("nope")).unwrap_err());
        let unknown = SecretUri::parse("secret:d0q6g3l9h5s9k8a6s0rg").unwrap();
        not_found(secrets.get_value(&unknown.into(), "password").unwrap_err());
    })
}
