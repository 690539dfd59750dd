//! What each release the test controller plays answers on the wire, where Juju 3.6, Juju 4.0.0
//! and later 4.0.x releases differ: `ListSecrets` filters, look-ups that fail, a URI given to
//! `CreateSecrets`, times, secret ids, and the `Admin` facade before login. Requests are sent
//! as they are, through `Client::call`, besides what the client makes of them.

mod common;

use common::secrets::{content, secrets_calls};
use common::{connect, raw_websocket, within};
use juju_secrets::testing::{Profile, TestController};
use juju_secrets::{
    ApiError, Call, Client, Error, ErrorKind, ListOptions, NewSecret, SecretUpdate, ShowOptions,
};
use serde_json::{json, Value};

const UNKNOWN_ID: &str = "d0q6g3l9h5s9k8a6s0rg";
const UNKNOWN_URI: &str = "secret:d0q6g3l9h5s9k8a6s0rg";

fn release(version: Option<&str>) -> TestController {
    let builder = match version {
        None => TestController::builder(),
        Some(version) => TestController::builder()
            .profile(Profile::Juju4)
            .server_version(version),
    };
    builder.start().unwrap()
}

/// `ListSecrets` with `filter`, as sent: the listed labels, or the controller's error.
fn list_raw(client: &mut Client, filter: Value) -> Result<Vec<String>, ApiError> {
    let params = json!({"show-secrets": false, "filter": filter});
    match client.call::<_, Value>(Call::read("Secrets", 2, "ListSecrets"), &params) {
        Ok(reply) => Ok(reply["results"]
            .as_array()
            .expect("a list of results")
            .iter()
            .map(|r| r["label"].as_str().unwrap_or("").to_owned())
            .collect()),
        Err(Error::Api(e)) => Err(e),
        Err(other) => panic!("not an API error: {other:?}"),
    }
}

/// One write, as sent; its per-item results.
fn write_raw(client: &mut Client, method: &str, params: Value) -> Vec<Value> {
    let reply: Value = client
        .call(Call::write("Secrets", 2, method), &params)
        .unwrap();
    reply["results"].as_array().expect("results").clone()
}

/// `first` (one revision) and `second` (two); the client's URIs of both.
fn first_and_second(client: &mut Client) -> (String, String) {
    let mut secrets = client.secrets();
    let first = NewSecret::new("first", content(&[("token", "1")]));
    let first = secrets.add(&first).unwrap();
    let second = NewSecret::new("second", content(&[("token", "2")]));
    let second = secrets.add(&second).unwrap();
    let two = SecretUpdate::new().content(content(&[("token", "two")]));
    secrets.update(&second, &two).unwrap();
    (first.to_string(), second.to_string())
}

fn error(message: &str, code: Option<&str>) -> ApiError {
    ApiError {
        message: message.to_owned(),
        code: code.map(str::to_owned),
        info: None,
    }
}

#[test]
fn juju_4_0_0_ignores_the_name_filter_and_the_client_keeps_the_named_secret() {
    within(|| {
        let controller = release(Some("4.0.0"));
        let mut client = connect(&controller);
        first_and_second(&mut client);
        assert_eq!(
            list_raw(&mut client, json!({"label": "second"})),
            Ok(vec!["first".to_owned(), "second".to_owned()])
        );
        let listed = client
            .secrets()
            .list(&ListOptions::new().secret("second"))
            .unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].name.as_deref(), Some("second"));
        let shown = client
            .secrets()
            .show("second", &ShowOptions::new())
            .unwrap();
        assert_eq!(shown.latest_revision, 2);

        // Revision 2 by name: `first` has none, which fails a listing of every secret, so the
        // client finds the name first, then lists that secret by URI.
        controller.clear_calls();
        let old = ShowOptions::new().reveal().at_revision(2);
        let value = client.secrets().show("second", &old).unwrap().content;
        let value = value.unwrap().unwrap();
        assert_eq!(value.get("token").unwrap().as_str(), Some("two"));
        let filters: Vec<Value> = secrets_calls(&controller)
            .iter()
            .map(|c| c.params()["filter"].clone())
            .collect();
        assert_eq!(filters.len(), 2, "{filters:?}");
        assert_eq!(filters[0], json!({"label": "second"}));
        assert_eq!(filters[1]["revision"], json!(2));
        let raw = list_raw(&mut client, json!({"label": "second", "revision": 2}));
        let expected = error(
            "secret revision 2 for <nil> not found",
            Some("secret revision not found"),
        );
        assert_eq!(raw, Err(expected));
    })
}

#[test]
fn from_juju_4_0_1_the_name_filter_works() {
    within(|| {
        let controller = release(Some("4.0.1"));
        let mut client = connect(&controller);
        first_and_second(&mut client);
        assert_eq!(
            list_raw(&mut client, json!({"label": "second"})),
            Ok(vec!["second".to_owned()])
        );
        // One call does it: the name and the revision together.
        controller.clear_calls();
        let old = ShowOptions::new().reveal().at_revision(2);
        client.secrets().show("second", &old).unwrap();
        let calls = secrets_calls(&controller);
        assert_eq!(calls.len(), 1);
        assert_eq!(
            calls[0].params()["filter"],
            json!({"label": "second", "revision": 2})
        );
    })
}

#[test]
fn an_unknown_uri_lists_nothing_on_3_6_and_4_0_0_and_fails_from_4_0_1() {
    within(|| {
        let not_found = format!("getting secret by URI \"{UNKNOWN_ID}\": secret not found");
        for (version, raw) in [
            (None, Ok(vec![])),
            (Some("4.0.0"), Ok(vec![])),
            (
                Some("4.0.1"),
                Err(error(&not_found, Some("secret not found"))),
            ),
            (
                Some("4.0.16"),
                Err(error(&not_found, Some("secret not found"))),
            ),
        ] {
            let controller = release(version);
            let mut client = connect(&controller);
            first_and_second(&mut client);
            assert_eq!(
                list_raw(&mut client, json!({"uri": UNKNOWN_URI})),
                raw,
                "{version:?}"
            );
            // The client: nothing listed, and not found when shown, from every release.
            let listed = client
                .secrets()
                .list(&ListOptions::new().secret(UNKNOWN_URI));
            assert!(listed.unwrap().is_empty(), "{version:?}");
            let err = client
                .secrets()
                .show(UNKNOWN_URI, &ShowOptions::new())
                .unwrap_err();
            assert_eq!(
                err.kind(),
                Some(ErrorKind::NotFound),
                "{version:?}: {err:?}"
            );
        }
    })
}

#[test]
fn juju_4_refuses_filters_that_3_6_combines() {
    within(|| {
        let old = release(None);
        let new = release(Some("4.0.16"));
        let model_tag = |c: &TestController| format!("model-{}", c.model_uuid());
        for (controller, juju4) in [(&old, false), (&new, true)] {
            let mut client = connect(controller);
            let (first, _) = first_and_second(&mut client);
            let both = list_raw(&mut client, json!({"uri": first, "label": "second"}));
            let revision = list_raw(&mut client, json!({"revision": 1}));
            let owner = list_raw(&mut client, json!({"owner-tag": model_tag(controller)}));
            let app_owner = list_raw(&mut client, json!({"owner-tag": "application-mysql"}));
            if juju4 {
                let refused = |m: &str| Err(error(m, None));
                assert_eq!(both, refused("cannot specify both URI and labels"));
                assert_eq!(
                    revision,
                    refused("cannot specify revision without URI or labels")
                );
                let kind = "secret owner tag kind \"model\" not valid";
                assert_eq!(owner, Err(error(kind, Some("not valid"))));
            } else {
                // 3.6 ANDs the filters, and a model owner lists the user secrets.
                assert_eq!(both, Ok(vec![]));
                assert_eq!(revision, Ok(vec!["first".to_owned(), "second".to_owned()]));
                assert_eq!(owner, Ok(vec!["first".to_owned(), "second".to_owned()]));
            }
            // Only charms own secrets that an application owner lists: none here.
            assert_eq!(app_owner, Ok(vec![]));
        }
    })
}

#[test]
fn a_revision_some_secret_lacks_fails_a_3_6_listing() {
    within(|| {
        let controller = release(None);
        let mut client = connect(&controller);
        let (first, _) = first_and_second(&mut client);
        let message = format!("revison 2 for secret \"{first}\" not found");
        assert_eq!(
            list_raw(&mut client, json!({"revision": 2})),
            Err(error(&message, Some("not found")))
        );
    })
}

#[test]
fn unknown_names_and_uris_are_worded_by_each_release() {
    within(|| {
        let label_36 = error("secret \"nope\" not found", Some("not found"));
        let uri_36 = error(
            &format!("secret \"{UNKNOWN_URI}\" not found"),
            Some("not found"),
        );
        let label_4 = error(
            "getting user secret for label \"nope\": secret with label \"nope\" not found",
            Some("secret not found"),
        );
        let uri_4 = error("secret not found", Some("secret not found"));
        for (controller, label, uri) in [
            (release(None), label_36, uri_36),
            (release(Some("4.0.16")), label_4, uri_4),
        ] {
            let mut client = connect(&controller);
            let mut secrets = client.secrets();
            let change = SecretUpdate::new().description("x");
            let api = |e: Error| e.api().expect("an API error").clone();
            assert_eq!(api(secrets.update("nope", &change).unwrap_err()), label);
            assert_eq!(api(secrets.update(UNKNOWN_URI, &change).unwrap_err()), uri);
            assert_eq!(api(secrets.remove("nope").unwrap_err()), label);
            assert_eq!(api(secrets.remove(UNKNOWN_URI).unwrap_err()), uri);
            // Grant and revoke look the name up for the whole call.
            assert_eq!(api(secrets.grant("nope", &["mysql"]).unwrap_err()), label);
            assert_eq!(api(secrets.revoke("nope", &["mysql"]).unwrap_err()), label);
        }
    })
}

#[test]
fn a_uri_given_to_create_is_refused_by_3_6_and_used_by_4() {
    within(|| {
        let args = json!({"args": [{"uri": UNKNOWN_URI, "label": "chosen", "owner-tag": "",
                                    "content": {"data": {"token": "MQ=="}}}]});
        let old = release(None);
        let results = write_raw(&mut connect(&old), "CreateSecrets", args.clone());
        assert_eq!(
            results,
            [
                json!({"result": "", "error": {"message": "secret uri cannot be set on user secret create not valid", "code": "not valid"}})
            ]
        );

        let new = release(Some("4.0.16"));
        let mut client = connect(&new);
        let results = write_raw(&mut client, "CreateSecrets", args);
        assert_eq!(results, [json!({"result": UNKNOWN_URI})]);
        let shown = client
            .secrets()
            .show(UNKNOWN_URI, &ShowOptions::new())
            .unwrap();
        assert_eq!(shown.name.as_deref(), Some("chosen"));
    })
}

#[test]
fn removing_needs_a_uri_or_a_label_on_both() {
    within(|| {
        for controller in [release(None), release(Some("4.0.16"))] {
            // An unnamed secret, which an empty label must not reach.
            controller.insert_secret("", &[("token", b"1".as_slice())]);
            let mut client = connect(&controller);
            let args = json!({"args": [{"uri": "", "label": ""}]});
            let results = write_raw(&mut client, "RemoveSecrets", args);
            // No code: Go's params.Error writes it empty.
            let wanted =
                json!({"error": {"message": "must specify either URI or label", "code": ""}});
            assert_eq!(results, [wanted]);
            assert_eq!(client.secrets().list(&ListOptions::new()).unwrap().len(), 1);
        }
    })
}

#[test]
fn times_are_rounded_to_the_second_on_3_6_and_keep_nanoseconds_on_4() {
    within(|| {
        use time::format_description::well_known::Rfc3339;
        for (controller, juju4) in [(release(None), false), (release(Some("4.0.16")), true)] {
            let mut client = connect(&controller);
            first_and_second(&mut client);
            let info = client
                .secrets()
                .show("second", &ShowOptions::new().list_revisions())
                .unwrap();
            let mut times = vec![info.created.unwrap(), info.updated.unwrap()];
            for revision in &info.revisions {
                times.extend(
                    [revision.created.clone(), revision.updated.clone()]
                        .into_iter()
                        .flatten(),
                );
            }
            assert_eq!(times.len(), 6, "{times:?}");
            for time in times {
                time::OffsetDateTime::parse(&time, &Rfc3339).unwrap();
                assert!(time.ends_with('Z'), "{time}");
                // A whole second on 4.x would print without a fraction: one in a billion.
                assert_eq!(time.contains('.'), juju4, "{time}");
            }
        }
    })
}

#[test]
fn secret_ids_are_xids_unless_long_ones_are_asked_for() {
    within(|| {
        for profile in [Profile::Juju36, Profile::Juju4] {
            let controller = TestController::builder().profile(profile).start().unwrap();
            let mut client = connect(&controller);
            let uri = client
                .secrets()
                .add(&NewSecret::new("token", content(&[("token", "1")])))
                .unwrap();
            let id = uri.id();
            assert_eq!(id.len(), 20, "{id}");
            assert!(
                id.chars().all(|c| matches!(c, '0'..='9' | 'a'..='v')),
                "{id}"
            );
            assert!(id.ends_with(['0', 'g']), "{id}");

            let long = TestController::builder()
                .profile(profile)
                .long_secret_ids(true)
                .start()
                .unwrap();
            let uri = long.insert_secret("token", &[("token", b"1".as_slice())]);
            assert!(uri.len() > "secret:".len() + 20, "{uri}");
            let value = connect(&long)
                .secrets()
                .get_value(uri.as_str(), "token")
                .unwrap();
            assert_eq!(value.as_str(), Some("1"));
        }
    })
}

/// Juju finds a method before login with version 0, so no "(3)" (`adminRoot.FindMethod`).
#[test]
fn an_unknown_admin_method_before_login_names_no_version() {
    within(|| {
        for profile in [Profile::Juju36, Profile::Juju4] {
            let controller = TestController::builder().profile(profile).start().unwrap();
            let path = format!("/model/{}/api", controller.model_uuid());
            let mut ws = raw_websocket(&controller, &path);
            let request = json!({"request-id": 1, "type": "Admin", "version": 3, "request": "Foo", "params": {}});
            ws.send(tungstenite::Message::text(request.to_string()))
                .unwrap();
            let reply: Value = serde_json::from_str(ws.read().unwrap().to_text().unwrap()).unwrap();
            assert_eq!(
                (&reply["error"], &reply["error-code"]),
                (
                    &json!("no such request - method Admin.Foo is not implemented"),
                    &json!("not implemented")
                ),
                "{profile:?}: {reply}"
            );
        }
    })
}
