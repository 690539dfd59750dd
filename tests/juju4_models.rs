//! Finding a model by name on Juju 3.6 and Juju 4: `ModelManager.ListModels` v9 and v10 (owners
//! as `owner-tag`) and v11 (a `qualifier`), Juju 4.0.0 to 4.0.5 listing owners normalised
//! (`bob@external` as `bob-external`) and 4.0.6 listing them as they are, and a user without
//! models (`null` or `[]`). Alone in its file with the logger it installs, which is
//! process-wide.

mod common;

use common::{raw_websocket, warnings, within, SHORT};
use juju_secrets::testing::{Profile, RecordedCall, TestController, TestControllerBuilder};
use juju_secrets::{Client, ConnectOptions, Error, ErrorKind, Result};
use serde_json::{json, Value};

/// The warnings logged so far that mention `text` (tests run in parallel: each asks about its
/// own model's UUID).
fn warnings_about(text: &str) -> Vec<String> {
    warnings::capture();
    warnings::about(text)
}

/// A controller playing `version` of `profile`, serving `default` (the admin's) and `dev`,
/// owned by `owner`.
fn controller(profile: Profile, version: &str, owner: &str) -> TestControllerBuilder {
    TestController::builder()
        .profile(profile)
        .server_version(version)
        .model("default")
        .model_owned_by("dev", owner)
}

/// Connects to the model called `model`, which the client looks up by name.
fn by_name(controller: &TestController, model: &str) -> Result<Client> {
    warnings_about("");
    let options = ConnectOptions::builder()
        .endpoint(controller.endpoint())
        .ca_cert(controller.ca_cert().unwrap())
        .user(controller.user())
        .password(controller.password())
        .model_name(model)
        .connect_timeout(SHORT)
        .call_timeout(SHORT)
        .build()?;
    Client::connect(&options)
}

/// The last `ListModels` the controller answered.
fn last_list_models(controller: &TestController) -> RecordedCall {
    controller
        .calls()
        .into_iter()
        .rev()
        .find(|c| c.method() == "ListModels")
        .expect("a ListModels call")
}

/// The `ModelManager` versions offered at the last controller login.
fn offered(controller: &TestController) -> Value {
    let login = controller
        .calls()
        .into_iter()
        .rev()
        .find(|c| c.method() == "Login" && c.model_uuid.is_none())
        .expect("a controller login");
    let facades = login.response["response"]["facades"]
        .as_array()
        .unwrap()
        .clone();
    let manager = facades
        .iter()
        .find(|f| f["name"] == "ModelManager")
        .unwrap();
    manager["versions"].clone()
}

/// `dev`'s entry in the last `ListModels` answer.
fn listed_dev(controller: &TestController) -> Value {
    let call = last_list_models(controller);
    let models = call.response["response"]["user-models"]
        .as_array()
        .unwrap()
        .clone();
    let dev = models.iter().find(|m| m["model"]["name"] == "dev").unwrap();
    dev["model"].clone()
}

#[test]
fn a_model_is_found_by_name_on_model_manager_v9_v10_and_v11() {
    within(|| {
        for (profile, versions, offered_versions, used, owner) in [
            (
                Profile::Juju36,
                None,
                json!([9, 10]),
                10,
                json!({"owner-tag": "user-bob@external"}),
            ),
            (
                Profile::Juju36,
                Some(&[9][..]),
                json!([9]),
                9,
                json!({"owner-tag": "user-bob@external"}),
            ),
            (
                Profile::Juju4,
                None,
                json!([10, 11]),
                11,
                json!({"qualifier": "bob@external"}),
            ),
            (
                Profile::Juju4,
                Some(&[10][..]),
                json!([10]),
                10,
                json!({"owner-tag": "user-bob@external"}),
            ),
        ] {
            let version = profile.default_server_version();
            let mut builder = controller(profile, version, "bob@external");
            if let Some(versions) = versions {
                builder = builder.model_manager_versions(versions);
            }
            let controller = builder.start().unwrap();
            let case = format!("{profile:?} offering {offered_versions}");
            let client = by_name(&controller, "bob@external/dev").unwrap();
            assert_eq!(
                client.login_info().model_uuid(),
                controller.models()[1].uuid,
                "{case}"
            );
            assert_eq!(offered(&controller), offered_versions, "{case}");
            assert_eq!(last_list_models(&controller).version(), used, "{case}");
            let mut wanted =
                json!({"name": "dev", "uuid": controller.models()[1].uuid, "type": "iaas"});
            wanted
                .as_object_mut()
                .unwrap()
                .extend(owner.as_object().unwrap().clone());
            assert_eq!(listed_dev(&controller), wanted, "{case}");

            let client = by_name(&controller, "default").unwrap();
            assert_eq!(
                client.login_info().model_uuid(),
                controller.models()[0].uuid,
                "{case}"
            );
            assert!(
                warnings_about(&controller.models()[1].uuid).is_empty(),
                "{case}"
            );
        }
    })
}

#[test]
fn juju_4_0_0_to_4_0_5_list_owners_normalised_and_the_client_warns() {
    within(|| {
        for (version, model_manager, listed) in [
            ("4.0.0", 11, json!({"qualifier": "bob-external"})),
            ("4.0.5", 11, json!({"qualifier": "bob-external"})),
            ("4.0.0", 10, json!({"owner-tag": "user-bob-external"})),
            ("4.0.5", 10, json!({"owner-tag": "user-bob-external"})),
        ] {
            let controller = controller(Profile::Juju4, version, "bob@external")
                .model_manager_versions(&[model_manager])
                .start()
                .unwrap();
            let dev = controller.models()[1].uuid.clone();
            let case = format!("{version} v{model_manager}");
            let client = by_name(&controller, "bob@external/dev").unwrap();
            assert_eq!(client.login_info().model_uuid(), dev, "{case}");
            let owner = listed_dev(&controller);
            let key = listed.as_object().unwrap().keys().next().unwrap().clone();
            assert_eq!(owner[&key], listed[&key], "{case}");
            let warnings = warnings_about(&dev);
            assert_eq!(warnings.len(), 1, "{case}: {warnings:?}");
            assert!(warnings[0].contains("normalised"), "{case}: {warnings:?}");
        }
    })
}

#[test]
fn from_juju_4_0_6_owners_are_listed_as_they_are() {
    within(|| {
        let raw = controller(Profile::Juju4, "4.0.6", "bob@external")
            .start()
            .unwrap();
        let dev = raw.models()[1].uuid.clone();
        by_name(&raw, "bob@external/dev").unwrap();
        assert_eq!(listed_dev(&raw)["qualifier"], json!("bob@external"));
        assert!(warnings_about(&dev).is_empty());

        // A model whose owner really is `bob-external`: found as `bob@external/dev` only where
        // the client must expect normalised owners.
        for (version, found) in [("4.0.5", true), ("4.0.6", false), ("3.6.4", false)] {
            let profile = if version.starts_with('4') {
                Profile::Juju4
            } else {
                Profile::Juju36
            };
            let controller = controller(profile, version, "bob-external")
                .start()
                .unwrap();
            let result = by_name(&controller, "bob@external/dev");
            if found {
                let uuid = result.unwrap().login_info().model_uuid().to_owned();
                assert_eq!(uuid, controller.models()[1].uuid, "{version}");
            } else {
                let err = result.err().unwrap();
                assert_eq!(
                    err.kind(),
                    Some(ErrorKind::ModelNotFound),
                    "{version}: {err:?}"
                );
                let Error::UnknownModel(unknown) = err else {
                    unreachable!()
                };
                assert!(
                    unknown.known.contains(&"bob-external/dev".to_owned()),
                    "{unknown:?}"
                );
            }
        }
    })
}

/// One request on `ws`, and its reply frame.
fn ask(ws: &mut Socket, id: u64, facade: &str, version: u32, method: &str, params: Value) -> Value {
    let request = json!({"request-id": id, "type": facade, "version": version, "request": method, "params": params});
    ws.send(tungstenite::Message::text(request.to_string()))
        .unwrap();
    serde_json::from_str(ws.read().unwrap().to_text().unwrap()).unwrap()
}

type Socket = tungstenite::WebSocket<native_tls::TlsStream<std::net::TcpStream>>;

/// What a controller lists for a user who owns no model and is no superuser. The client asks
/// for its own user only, so this asks by hand, as the admin, for `carol`.
#[test]
fn a_user_without_models_is_listed_null_or_empty() {
    within(|| {
        for (profile, version, listed) in [
            (Profile::Juju36, 10, Value::Null),
            (Profile::Juju4, 11, Value::Null),
            // The v10 shim makes a slice of the right length (legacy.go).
            (Profile::Juju4, 10, json!([])),
        ] {
            let controller = TestController::builder().profile(profile).start().unwrap();
            let mut ws = raw_websocket(&controller, "/api");
            let login = json!({"auth-tag": "user-admin", "credentials": controller.password(),
                               "nonce": "", "macaroons": [], "client-version": "3.6.0"});
            let reply = ask(&mut ws, 1, "Admin", 3, "Login", login);
            assert!(reply.get("error").is_none(), "{reply}");
            let reply = ask(
                &mut ws,
                2,
                "ModelManager",
                version,
                "ListModels",
                json!({"tag": "user-carol"}),
            );
            assert_eq!(
                reply["response"],
                json!({"user-models": listed}),
                "{profile:?} v{version}"
            );
        }
    })
}
