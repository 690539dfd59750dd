//! Removing secrets and revisions: by name or URI, one revision then all, revisions that do not
//! exist, revision 0, empty revision lists, and batches.

mod common;

use common::secrets::{content, invalid, last_arg, last_params, name, no_io, not_found, revisions};
use common::{connect, within};
use juju_secrets::testing::TestController;
use juju_secrets::{
    Call, Client, ErrorKind, IntoSecretRef, ListOptions, NewSecret, Removal, SecretRef,
    SecretUpdate, SecretUri, ShowOptions,
};
use serde_json::json;

/// Adds `x` with two revisions: `one`, then `two`.
fn two_revisions(client: &mut Client) -> SecretUri {
    let mut secrets = client.secrets();
    let uri = secrets
        .add(&NewSecret::new("x", content(&[("password", "one")])))
        .unwrap();
    let update = SecretUpdate::new().content(content(&[("password", "two")]));
    secrets.update("x", &update).unwrap();
    uri
}

fn show_revisions(client: &mut Client, secret: impl IntoSecretRef) -> Vec<u32> {
    let options = ShowOptions::new().list_revisions();
    revisions(&client.secrets().show(secret, &options).unwrap())
}

#[test]
fn remove_by_name_sends_an_empty_uri_and_the_label() {
    within(|| {
        let controller = TestController::start().unwrap();
        let mut client = connect(&controller);
        two_revisions(&mut client);
        client.secrets().remove("x").unwrap();
        assert_eq!(
            last_params(&controller, "RemoveSecrets"),
            json!({"args": [{"uri": "", "label": "x"}]})
        );
        not_found(client.secrets().show("x", &ShowOptions::new()).unwrap_err());
        assert!(client
            .secrets()
            .list(&ListOptions::new())
            .unwrap()
            .is_empty());
        // The name is free again.
        client
            .secrets()
            .add(&NewSecret::new("x", content(&[("password", "new")])))
            .unwrap();
    })
}

#[test]
fn remove_by_uri_sends_the_uri_and_an_empty_label() {
    within(|| {
        let controller = TestController::start().unwrap();
        let mut client = connect(&controller);
        let uri = two_revisions(&mut client);
        let keep = client
            .secrets()
            .add(&NewSecret::new("keep", content(&[("token", "t")])))
            .unwrap();
        client.secrets().remove(&uri).unwrap();
        assert_eq!(
            last_arg(&controller, "RemoveSecrets"),
            json!({"uri": uri.to_string(), "label": ""})
        );
        let left = client.secrets().list(&ListOptions::new()).unwrap();
        assert_eq!(
            left.iter().map(|s| s.uri.clone()).collect::<Vec<_>>(),
            [keep]
        );
    })
}

#[test]
fn remove_one_revision_then_all() {
    within(|| {
        let controller = TestController::start().unwrap();
        let mut client = connect(&controller);
        let uri = two_revisions(&mut client);
        let by_uri = SecretRef::from(&uri);
        assert_eq!(show_revisions(&mut client, &by_uri), [1, 2]);

        client.secrets().remove_revisions(&by_uri, &[1]).unwrap();
        assert_eq!(
            last_arg(&controller, "RemoveSecrets"),
            json!({"uri": uri.to_string(), "label": "", "revisions": [1]})
        );
        assert_eq!(show_revisions(&mut client, &by_uri), [2]);
        let value = client.secrets().get_value(&by_uri, "password").unwrap();
        assert_eq!(value.as_str(), Some("two"));

        // Revisions that do not exist: nothing is removed.
        let err = client
            .secrets()
            .remove_revisions(&by_uri, &[9])
            .unwrap_err();
        let m = not_found(err);
        assert!(m.contains("cannot delete any of revisions"), "{m}");
        assert_eq!(show_revisions(&mut client, &by_uri), [2]);

        // Removing every remaining revision removes the secret.
        client.secrets().remove_revisions(&by_uri, &[2]).unwrap();
        not_found(
            client
                .secrets()
                .show(&by_uri, &ShowOptions::new())
                .unwrap_err(),
        );
    })
}

#[test]
fn remove_revisions_lists_several() {
    within(|| {
        let controller = TestController::start().unwrap();
        let mut client = connect(&controller);
        two_revisions(&mut client);
        let update = SecretUpdate::new().content(content(&[("password", "three")]));
        client.secrets().update("x", &update).unwrap();
        client.secrets().remove_revisions("x", &[1, 2, 7]).unwrap();
        assert_eq!(
            last_arg(&controller, "RemoveSecrets"),
            json!({"uri": "", "label": "x", "revisions": [1, 2, 7]})
        );
        assert_eq!(show_revisions(&mut client, "x"), [3]);
        client.secrets().remove_revisions(name("x"), &[3]).unwrap();
        not_found(client.secrets().show("x", &ShowOptions::new()).unwrap_err());
    })
}

#[test]
fn revision_zero_and_no_revisions_are_refused_before_any_io() {
    within(|| {
        let controller = TestController::start().unwrap();
        let mut client = connect(&controller);
        two_revisions(&mut client);
        let mut secrets = client.secrets();
        let err = no_io(&controller, || secrets.remove_revisions("x", &[0])).unwrap_err();
        assert!(invalid(err).contains("revision 0"));
        let err = no_io(&controller, || secrets.remove_revisions("x", &[2, 0])).unwrap_err();
        assert!(invalid(err).contains("revision 0"));
        // An empty list names no revision: refused, never taken for "the whole secret".
        let err = no_io(&controller, || secrets.remove_revisions("x", &[])).unwrap_err();
        assert!(invalid(err).contains("at least one revision"));
        let batch = [Removal::revisions(name("x"), [0])];
        let err = no_io(&controller, || secrets.remove_many(&batch)).unwrap_err();
        assert!(invalid(err).contains("revision 0"));
        // One item without revisions refuses the whole batch, whatever the other items.
        for batch in [
            vec![Removal::revisions(name("x"), [])],
            vec![
                Removal::revisions(name("x"), [1]),
                Removal::revisions(name("x"), []),
            ],
        ] {
            let err = no_io(&controller, || secrets.remove_many(&batch)).unwrap_err();
            let message = invalid(err);
            assert!(message.contains("at least one revision"), "{message}");
            assert!(message.contains("Removal::secret"), "{message}");
        }
        assert_eq!(show_revisions(&mut client, "x"), [1, 2]);
    })
}

#[test]
fn removing_an_unknown_secret_is_not_found() {
    within(|| {
        let controller = TestController::start().unwrap();
        let mut client = connect(&controller);
        two_revisions(&mut client);
        let mut secrets = client.secrets();
        let m = not_found(secrets.remove("nope").unwrap_err());
        assert!(m.contains("\"nope\""), "{m}");
        let unknown = SecretUri::parse("secret:d0q6g3l9h5s9k8a6s0rg").unwrap();
        not_found(secrets.remove(unknown).unwrap_err());
        not_found(secrets.remove("secret:d0q6g3l9h5s9k8a6s0rg").unwrap_err());
        assert_eq!(secrets.list(&ListOptions::new()).unwrap().len(), 1);
    })
}

#[test]
fn remove_many_reports_each_item() {
    within(|| {
        let controller = TestController::start().unwrap();
        let mut client = connect(&controller);
        two_revisions(&mut client);
        let mut secrets = client.secrets();
        let api = secrets
            .add(&NewSecret::new("api", content(&[("token", "t")])))
            .unwrap();
        let batch = [
            Removal::revisions(name("x"), [1]),
            Removal::secret(name("nope")),
            Removal::secret(&api),
        ];
        let results = secrets.remove_many(&batch).unwrap();
        assert_eq!(results.len(), 3);
        assert!(results[0].is_ok() && results[2].is_ok(), "{results:?}");
        let err = results[1].as_ref().unwrap_err();
        assert_eq!(err.kind(), Some(ErrorKind::NotFound), "{err:?}");
        assert_eq!(
            last_params(&controller, "RemoveSecrets"),
            json!({"args": [
                {"uri": "", "label": "x", "revisions": [1]},
                {"uri": "", "label": "nope"},
                {"uri": api.to_string(), "label": ""},
            ]})
        );
        let left = secrets.list(&ListOptions::new()).unwrap();
        assert_eq!(left.len(), 1);
        assert_eq!(left[0].name.as_deref(), Some("x"));
        assert_eq!(show_revisions(&mut client, "x"), [2]);
    })
}

#[test]
fn an_empty_name_never_reaches_the_controller() {
    within(|| {
        let controller = TestController::start().unwrap();
        let mut client = connect(&controller);
        // A secret without a name, as other clients may make: Juju 3.6 would remove it for a
        // RemoveSecrets with an empty URI and an empty label.
        let _: serde_json::Value = client
            .call(
                Call::write("Secrets", 2, "CreateSecrets"),
                &json!({"args": [{"content": {"data": {"token": "MQ=="}}, "owner-tag": ""}]}),
            )
            .unwrap();
        let mut secrets = client.secrets();
        for empty in ["", " "] {
            // Named explicitly, and as text (which names nothing).
            let unnamed = name(empty);
            let err = no_io(&controller, || secrets.remove(&unnamed)).unwrap_err();
            assert!(invalid(err).contains("name"));
            let err = no_io(&controller, || secrets.remove(empty)).unwrap_err();
            assert!(invalid(err).contains("empty"));
            let err = no_io(&controller, || secrets.remove_revisions(&unnamed, &[1]));
            invalid(err.unwrap_err());
            let err = no_io(&controller, || {
                secrets.remove_many(&[Removal::secret(unnamed.clone())])
            });
            invalid(err.unwrap_err());
            let change = SecretUpdate::new().description("x");
            let err = no_io(&controller, || secrets.update(&unnamed, &change)).unwrap_err();
            invalid(err);
            let err = no_io(&controller, || secrets.update(empty, &change)).unwrap_err();
            invalid(err);
            let err = no_io(&controller, || secrets.grant(&unnamed, &["mysql"])).unwrap_err();
            invalid(err);
            let err = no_io(&controller, || secrets.revoke(&unnamed, &["mysql"])).unwrap_err();
            invalid(err);
            let err = no_io(&controller, || secrets.show(&unnamed, &ShowOptions::new()));
            invalid(err.unwrap_err());
            let err = no_io(&controller, || secrets.show(empty, &ShowOptions::new()));
            invalid(err.unwrap_err());
        }
        let left = secrets.list(&ListOptions::new()).unwrap();
        assert_eq!(left.len(), 1);
        assert_eq!(left[0].name, None);
    })
}
