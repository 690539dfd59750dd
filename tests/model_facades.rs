//! The facades python-libjuju's `Model.connect` needs besides `Secrets`: ModelConfig, Client and
//! AllWatcher on the model connection (with `Next` held until `Stop`), ModelManager on the
//! controller connection, and Juju's errors when either is called on the wrong connection.

mod common;

use std::net::TcpStream;

use common::{connect, raw_websocket, within};
use juju_secrets::testing::TestController;
use juju_secrets::Call;
use native_tls::TlsStream;
use serde_json::{json, Value};
use tungstenite::{Message, WebSocket};

/// A websocket logged in by hand, for frames and connections `Client` does not make.
struct Raw {
    ws: WebSocket<TlsStream<TcpStream>>,
    next_id: u64,
}

impl Raw {
    /// Logs in on the default model's connection.
    fn model(controller: &TestController) -> (Raw, Value) {
        let path = format!("/model/{}/api", controller.model_uuid());
        Raw::login(controller, &path)
    }

    /// Logs in on the controller-only connection.
    fn controller(controller: &TestController) -> (Raw, Value) {
        Raw::login(controller, "/api")
    }

    /// Returns the connection and the Login response.
    fn login(controller: &TestController, path: &str) -> (Raw, Value) {
        let ws = raw_websocket(controller, path);
        let mut raw = Raw { ws, next_id: 1 };
        let params = json!({
            "auth-tag": format!("user-{}", controller.user()),
            "credentials": controller.password(),
            "client-version": "3.6.1",
        });
        let reply = raw.call("Admin", 3, "Login", params);
        assert!(reply.get("error").is_none(), "{reply}");
        (raw, reply["response"].clone())
    }

    /// Sends a request (with extra top-level keys merged in) and returns its id.
    fn send(&mut self, facade: &str, version: u32, method: &str, extra: Value) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        let mut request = json!({
            "request-id": id, "type": facade, "version": version, "request": method,
            "params": {},
        });
        if let (Some(frame), Value::Object(extra)) = (request.as_object_mut(), extra) {
            frame.extend(extra);
        }
        self.ws.send(Message::text(request.to_string())).unwrap();
        id
    }

    fn read(&mut self) -> Value {
        loop {
            if let Message::Text(text) = self.ws.read().unwrap() {
                return serde_json::from_str(&text).unwrap();
            }
        }
    }

    fn call(&mut self, facade: &str, version: u32, method: &str, params: Value) -> Value {
        let id = self.send(facade, version, method, json!({ "params": params }));
        let reply = self.read();
        assert_eq!(reply["request-id"], json!(id), "{reply}");
        reply
    }
}

fn names(facades: &Value) -> Vec<&str> {
    let list = facades.as_array().unwrap();
    list.iter().map(|f| f["name"].as_str().unwrap()).collect()
}

#[test]
fn a_model_login_offers_what_model_connect_needs() {
    within(|| {
        let controller = TestController::start().unwrap();
        let (_, login) = Raw::model(&controller);
        // python-libjuju refuses a server whose major version is not its own.
        assert_eq!(login["server-version"], json!("3.6.4"));
        assert_eq!(
            names(&login["facades"]),
            ["AllWatcher", "Client", "ModelConfig", "Pinger", "Secrets"]
        );
        let client = connect(&controller);
        assert_eq!(client.facade_version("Client"), None, "not ours to use");
        assert_eq!(
            client.login_info().facades.get("Client"),
            Some(&vec![6, 7, 8])
        );
    })
}

#[test]
fn model_get_and_watch_all_answer() {
    within(|| {
        let controller = TestController::start().unwrap();
        let (mut raw, _) = Raw::model(&controller);
        let reply = raw.call("ModelConfig", 3, "ModelGet", json!({}));
        let config = &reply["response"]["config"];
        assert_eq!(
            config["uuid"],
            json!({"value": controller.model_uuid(), "source": "model"})
        );
        assert_eq!(config["name"]["value"], json!("default"));
        // Resource ids count from 1 on each connection.
        let reply = raw.call("Client", 8, "WatchAll", json!({}));
        assert_eq!(
            reply,
            json!({"request-id": 3, "response": {"watcher-id": "1"}})
        );
        let reply = raw.call("Client", 6, "WatchAll", json!({}));
        assert_eq!(reply["response"], json!({"watcher-id": "2"}));
    })
}

#[test]
fn a_second_next_is_held_until_stop() {
    within(|| {
        let controller = TestController::start().unwrap();
        let (mut raw, _) = Raw::model(&controller);
        let watcher =
            raw.call("Client", 8, "WatchAll", json!({}))["response"]["watcher-id"].clone();
        // python-libjuju sends the watcher id as a top-level "Id".
        let first = raw.send("AllWatcher", 3, "Next", json!({ "Id": watcher }));
        assert_eq!(
            raw.read(),
            json!({"request-id": first, "response": {"deltas": []}})
        );
        let held = raw.send("AllWatcher", 3, "Next", json!({ "Id": watcher }));
        // The connection goes on serving while the Next waits: the Ping is answered first.
        let ping = raw.send("Pinger", 1, "Ping", json!({}));
        assert_eq!(raw.read(), json!({"request-id": ping, "response": {}}));

        let stop = raw.send("AllWatcher", 3, "Stop", json!({ "id": watcher }));
        let mut replies = [raw.read(), raw.read()];
        replies.sort_by_key(|r| r["request-id"].as_u64());
        assert_eq!(
            replies,
            [
                // Juju's multiwatcher error has no code; python-libjuju matches on the text.
                json!({"request-id": held, "error": "watcher was stopped", "response": {}}),
                json!({"request-id": stop, "response": {}}),
            ]
        );
        let again = raw.send("AllWatcher", 3, "Next", json!({ "Id": watcher }));
        assert_eq!(
            raw.read(),
            json!({
                "request-id": again, "error": "unknown watcher id",
                "error-code": "not found", "response": {},
            })
        );
        // The held request is recorded with the answer it finally got.
        let calls = controller.calls();
        let recorded = calls
            .iter()
            .find(|c| c.request["request-id"] == json!(held))
            .unwrap();
        assert_eq!(recorded.response["error"], json!("watcher was stopped"));
    })
}

#[test]
fn a_connection_closed_with_a_held_next_leaves_the_controller_serving() {
    within(|| {
        let controller = TestController::start().unwrap();
        let (mut raw, _) = Raw::model(&controller);
        raw.call("Client", 8, "WatchAll", json!({}));
        raw.send("AllWatcher", 3, "Next", json!({"Id": "1"}));
        raw.read();
        raw.send("AllWatcher", 3, "Next", json!({"Id": "1"}));
        raw.ws.close(None).unwrap();
        drop(raw);
        let mut client = connect(&controller);
        client.ping().unwrap();
    })
}

#[test]
fn model_info_on_the_controller_connection() {
    within(|| {
        let controller = TestController::start().unwrap();
        let (mut raw, login) = Raw::controller(&controller);
        assert!(login.get("model-tag").is_none(), "{login}");
        assert_eq!(names(&login["facades"]), ["ModelManager", "Pinger"]);

        let tag = format!("model-{}", controller.model_uuid());
        let entities = json!({"entities": [{"tag": tag}]});
        let reply = raw.call("ModelManager", 10, "ModelInfo", entities.clone());
        let info = &reply["response"]["results"][0]["result"];
        assert_eq!(info["uuid"], json!(controller.model_uuid()));
        assert_eq!(info["name"], json!("default"));
        assert_eq!(info["type"], json!("iaas"));
        assert_eq!(info["owner-tag"], json!("user-admin"));
        assert_eq!(info["agent-version"], json!("3.6.4"));
        assert_eq!(info["controller-uuid"], json!(controller.controller_uuid()));
        assert_eq!(info["life"], json!("alive"));
        assert!(info.get("default-base").is_none(), "v10 dropped it: {info}");
        let reply = raw.call("ModelManager", 9, "ModelInfo", entities);
        let info = &reply["response"]["results"][0]["result"];
        assert_eq!(info["default-base"], json!("ubuntu@24.04/stable"));
    })
}

#[test]
fn model_info_errors_are_per_model() {
    within(|| {
        let controller = TestController::start().unwrap();
        let (mut raw, _) = Raw::controller(&controller);
        let entities = json!({"entities": [
            {"tag": format!("model-{}", controller.model_uuid())},
            {"tag": "model-00000000-0000-4000-8000-000000000000"},
            {"tag": "default"},
        ]});
        let reply = raw.call("ModelManager", 10, "ModelInfo", entities);
        let results = reply["response"]["results"].as_array().unwrap();
        assert_eq!(results.len(), 3);
        assert!(results[0].get("error").is_none());
        // An unknown model is hidden behind "permission denied", as in Juju 3.6.
        assert_eq!(
            results[1],
            json!({"error": {"message": "permission denied", "code": "unauthorized access"}})
        );
        assert_eq!(
            results[2],
            json!({"error": {"message": "\"default\" is not a valid model tag", "code": ""}})
        );
    })
}

#[test]
fn model_facades_are_not_served_on_the_controller_connection() {
    within(|| {
        let controller = TestController::start().unwrap();
        let (mut raw, _) = Raw::controller(&controller);
        for (facade, version, method) in [
            ("ModelConfig", 3, "ModelGet"),
            ("Client", 8, "WatchAll"),
            ("AllWatcher", 3, "Next"),
            ("Secrets", 2, "ListSecrets"),
        ] {
            let reply = raw.call(facade, version, method, json!({}));
            let text = format!("facade {facade:?} not supported for controller API connection");
            assert_eq!(reply["error"], json!(text), "{reply}");
            assert_eq!(reply["error-code"], json!("not supported"), "{reply}");
            assert_eq!(reply["response"], json!({}), "{reply}");
        }
    })
}

#[test]
fn model_manager_is_not_served_on_the_model_connection() {
    within(|| {
        let controller = TestController::start().unwrap();
        let (mut raw, _) = Raw::model(&controller);
        let reply = raw.call("ModelManager", 10, "ModelInfo", json!({"entities": []}));
        assert_eq!(
            reply,
            json!({
                "request-id": 2,
                "error": "facade \"ModelManager\" not supported for model API connection",
                "error-code": "not supported",
                "response": {},
            })
        );
    })
}

#[test]
fn the_client_can_call_the_model_facades() {
    within(|| {
        let controller = TestController::start().unwrap();
        let mut client = connect(&controller);
        let config: Value = client
            .call(Call::read("ModelConfig", 3, "ModelGet"), &json!({}))
            .unwrap();
        assert_eq!(config["config"]["type"]["value"], json!("lxd"));
        let watch: Value = client
            .call(Call::read("Client", 8, "WatchAll"), &json!({}))
            .unwrap();
        assert_eq!(watch, json!({"watcher-id": "1"}));
    })
}

#[test]
fn null_arguments_are_go_zero_values() {
    within(|| {
        // python-libjuju's generated facades send `null` for every argument not given.
        let controller = TestController::start().unwrap();
        let (mut raw, _) = Raw::model(&controller);
        let create = json!({"args": [{"content": {"data": {"token": "MQ=="}}, "label": "n"}]});
        raw.call("Secrets", 2, "CreateSecrets", create);
        let grant = json!({"applications": ["mysql"], "label": "n", "uri": null});
        let reply = raw.call("Secrets", 2, "GrantSecret", grant);
        assert_eq!(reply["response"], json!({"results": [{}]}), "{reply}");
        let list = json!({"filter": null, "show-secrets": null});
        let reply = raw.call("Secrets", 2, "ListSecrets", list);
        let access = &reply["response"]["results"][0]["access"][0];
        assert_eq!(access["target-tag"], json!("application-mysql"), "{reply}");
    })
}
