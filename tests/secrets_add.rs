//! Adding user secrets: the URI returned, the request sent, names that are taken, long opaque
//! ids, and batches where one item fails.

mod common;

use common::secrets::{content, invalid, last_arg, last_params, no_io, not_found, text};
use common::{connect, within};
use juju_secrets::testing::TestController;
use juju_secrets::{
    Error, ErrorKind, ListOptions, NewSecret, SecretContent, SecretRef, SecretUpdate, SecretsApi,
    ShowOptions,
};
use serde_json::json;

const BASE32HEX: &str = "0123456789abcdefghijklmnopqrstuv";

#[test]
fn add_returns_a_classic_uri_and_sends_what_juju_sends() {
    within(|| {
        let controller = TestController::start().unwrap();
        let mut client = connect(&controller);
        let mut secrets = client.secrets();
        let new = NewSecret::new("db-password", content(&[("password", "s3cr3t")]));
        let uri = secrets.add(&new.description("the db")).unwrap();

        let text_uri = uri.to_string();
        let id = text_uri.strip_prefix("secret:").expect("secret:<id>");
        assert_eq!(id.len(), 20, "{text_uri}");
        assert!(id.chars().all(|c| BASE32HEX.contains(c)), "{text_uri}");
        assert_eq!((uri.id(), uri.source_model_uuid()), (id, None));

        // Exactly the Go client's shape: no `uri`, `owner-tag` "", values in padded base64.
        let params = last_params(&controller, "CreateSecrets");
        assert_eq!(
            params,
            json!({"args": [{
                "label": "db-password",
                "description": "the db",
                "content": {"data": {"password": "czNjcjN0"}},
                "owner-tag": "",
            }]})
        );
        let response = controller.calls().pop().unwrap().response;
        assert_eq!(response["response"]["results"][0]["result"], text_uri);

        let info = secrets.show(&uri, &ShowOptions::new()).unwrap();
        assert_eq!(info.uri, uri);
        assert_eq!(info.name.as_deref(), Some("db-password"));
        assert_eq!(info.description.as_deref(), Some("the db"));
        assert_eq!(info.latest_revision, 1);
        assert_eq!(info.owner, format!("model-{}", controller.model_uuid()));
        assert!(info.is_user_secret());
        assert_eq!(info.content, None);
        assert!(info.access.is_empty());
    })
}

#[test]
fn add_without_description_sends_no_description() {
    within(|| {
        let controller = TestController::start().unwrap();
        let mut client = connect(&controller);
        let mut secrets = client.secrets();
        secrets
            .add(&NewSecret::new("plain", content(&[("token", "1")])))
            .unwrap();
        let arg = last_arg(&controller, "CreateSecrets");
        assert_eq!(arg.get("description"), None, "{arg}");
        assert_eq!(arg.get("uri"), None, "{arg}");
        assert_eq!(arg["owner-tag"], "");
        // An empty description is no description either.
        let new = NewSecret::new("plain-2", content(&[("token", "1")]));
        secrets.add(&new.description("")).unwrap();
        let arg = last_arg(&controller, "CreateSecrets");
        assert_eq!(arg.get("description"), None, "{arg}");
        for plain in ["plain", "plain-2"] {
            let info = secrets.show(plain, &ShowOptions::new()).unwrap();
            assert_eq!(info.description, None, "{plain}");
        }
    })
}

#[test]
fn a_long_opaque_id_works_by_uri_everywhere() {
    within(|| {
        let controller = TestController::builder()
            .long_secret_ids(true)
            .start()
            .unwrap();
        let mut client = connect(&controller);
        let mut secrets = client.secrets();
        let uri = secrets
            .add(&NewSecret::new("long", content(&[("password", "one")])))
            .unwrap();
        assert!(uri.id().len() > 20, "{uri}");
        let by_uri = SecretRef::from(&uri);
        // The text form reads back as the same URI (with its prefix).
        assert_eq!(SecretRef::parse(&uri.to_string()).unwrap(), by_uri);

        let info = secrets.show(&by_uri, &ShowOptions::new()).unwrap();
        assert_eq!(
            (info.uri.clone(), info.name.as_deref()),
            (uri.clone(), Some("long"))
        );
        let filter = last_params(&controller, "ListSecrets")["filter"].clone();
        assert_eq!(filter, json!({"uri": uri.to_string()}));

        let update = SecretUpdate::new().content(content(&[("password", "two")]));
        secrets.update(&by_uri, &update).unwrap();
        let arg = last_arg(&controller, "UpdateSecrets");
        assert_eq!(
            (&arg["uri"], &arg["existing-label"]),
            (&json!(uri.to_string()), &json!(""))
        );
        let got = secrets.get_value(&by_uri, "password").unwrap();
        assert_eq!(got.as_str(), Some("two"));

        let granted = secrets.grant(&by_uri, &["mysql"]).unwrap();
        assert!(granted[0].1.is_ok(), "{granted:?}");

        // And as text: the long id is kept whole, not read as a name.
        let info = secrets.show(uri.to_string(), &ShowOptions::new()).unwrap();
        assert_eq!(info.uri, uri);
        let filter = last_params(&controller, "ListSecrets")["filter"].clone();
        assert_eq!(filter, json!({"uri": uri.to_string()}));
        // Without its prefix, an id of another form than Juju's classic one is a name.
        not_found(secrets.show(uri.id(), &ShowOptions::new()).unwrap_err());
        let filter = last_params(&controller, "ListSecrets")["filter"].clone();
        assert_eq!(filter, json!({"label": uri.id()}));

        secrets.remove(&by_uri).unwrap();
        let arg = last_arg(&controller, "RemoveSecrets");
        assert_eq!(arg, json!({"uri": uri.to_string(), "label": ""}));
        not_found(secrets.show(&by_uri, &ShowOptions::new()).unwrap_err());
    })
}

#[test]
fn a_taken_name_is_already_exists() {
    within(|| {
        let controller = TestController::start().unwrap();
        let mut client = connect(&controller);
        let mut secrets = client.secrets();
        let first = secrets
            .add(&NewSecret::new("x", content(&[("password", "first")])))
            .unwrap();
        let err = secrets
            .add(&NewSecret::new("x", content(&[("password", "second")])))
            .unwrap_err();
        assert_eq!(err.kind(), Some(ErrorKind::AlreadyExists), "{err:?}");
        let api = err.api().unwrap();
        assert_eq!(api.message, "secret with name \"x\" already exists");
        assert_eq!(api.code.as_deref(), Some("already exists"));
        assert!(!err.to_string().contains("second"), "{err}");

        // The first secret is untouched and still the only one.
        let all = secrets.list(&ListOptions::new().reveal()).unwrap();
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].uri, first);
        let value = all[0].content.clone().unwrap().unwrap();
        assert_eq!(text(&value, "password"), "first");
    })
}

#[test]
fn an_empty_name_or_content_is_refused_before_any_io() {
    within(|| {
        let controller = TestController::start().unwrap();
        let mut client = connect(&controller);
        let mut secrets = client.secrets();
        let good = content(&[("password", "x")]);
        for bad_name in ["", "  "] {
            let new = NewSecret::new(bad_name, good.clone());
            let err = no_io(&controller, || secrets.add(&new)).unwrap_err();
            assert!(invalid(err).contains("name"));
        }
        let empty = NewSecret::new("x", SecretContent::new());
        let err = no_io(&controller, || secrets.add(&empty)).unwrap_err();
        assert!(invalid(err).contains("empty"));
        assert!(secrets.list(&ListOptions::new()).unwrap().is_empty());
    })
}

#[test]
fn add_many_reports_each_item() {
    within(|| {
        let controller = TestController::start().unwrap();
        let mut client = connect(&controller);
        let mut secrets = client.secrets();
        secrets
            .add(&NewSecret::new("taken", content(&[("password", "old")])))
            .unwrap();
        let new = |name: &str, value: &str| NewSecret::new(name, content(&[("password", value)]));
        let batch = [new("one", "1"), new("taken", "2"), new("three", "3")];
        let results = secrets.add_many(&batch).unwrap();
        assert_eq!(results.len(), 3);
        let one = results[0].as_ref().unwrap().clone();
        let err = results[1].as_ref().unwrap_err();
        assert_eq!(err.kind(), Some(ErrorKind::AlreadyExists), "{err:?}");
        let three = results[2].as_ref().unwrap().clone();
        assert_ne!(one, three);
        // One round trip carrying all three.
        assert_eq!(
            last_params(&controller, "CreateSecrets")["args"]
                .as_array()
                .unwrap()
                .len(),
            3
        );

        let get = |secrets: &mut SecretsApi<'_>, name: &str| {
            let value = secrets.get_value(name, "password").unwrap();
            value.as_str().unwrap().to_owned()
        };
        assert_eq!(get(&mut secrets, "one"), "1");
        assert_eq!(get(&mut secrets, "taken"), "old");
        assert_eq!(get(&mut secrets, "three"), "3");
    })
}

#[test]
fn add_many_with_an_invalid_item_sends_nothing() {
    within(|| {
        let controller = TestController::start().unwrap();
        let mut client = connect(&controller);
        let mut secrets = client.secrets();
        let batch = [
            NewSecret::new("fine", content(&[("password", "1")])),
            NewSecret::new("empty", SecretContent::new()),
        ];
        let err = no_io(&controller, || secrets.add_many(&batch)).unwrap_err();
        invalid(err);
        assert!(secrets.list(&ListOptions::new()).unwrap().is_empty());
    })
}

#[test]
fn empty_batches_send_nothing_but_still_need_user_secrets() {
    within(|| {
        let controller = TestController::start().unwrap();
        let mut client = connect(&controller);
        let mut secrets = client.secrets();
        no_io(&controller, || {
            assert!(secrets.add_many(&[]).unwrap().is_empty());
            assert!(secrets.update_many(&[]).unwrap().is_empty());
            assert!(secrets.remove_many(&[]).unwrap().is_empty());
        });

        let old = TestController::builder()
            .secrets_versions(&[1])
            .start()
            .unwrap();
        let mut client = connect(&old);
        let err = no_io(&old, || client.secrets().add_many(&[])).unwrap_err();
        assert!(matches!(err, Error::Unsupported(_)), "{err}");
    })
}
