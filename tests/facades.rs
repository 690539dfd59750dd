//! Facades: what the client refuses before sending, what the controller refuses, in its own
//! words, and version negotiation at login.

mod common;

use std::net::TcpStream;

use common::{connect, raw_websocket, within};
use juju_secrets::testing::TestController;
use juju_secrets::{Call, Error, ErrorKind, ListOptions};
use native_tls::TlsStream;
use serde_json::{json, Value};
use tungstenite::{Message, WebSocket};

#[test]
fn an_unknown_facade_is_refused_before_any_io() {
    within(|| {
        let controller = TestController::start().unwrap();
        let mut client = connect(&controller);
        let err = client
            .call::<_, Value>(Call::read("Foo", 1, "Bar"), &json!({}))
            .unwrap_err();
        assert!(matches!(err, Error::Unsupported(_)), "{err:?}");
        assert!(err.to_string().contains("Foo"), "{err}");
        // A write is refused the same way: never sent, so its outcome is known.
        let err = client
            .call::<_, Value>(Call::write("Foo", 1, "Bar"), &json!({}))
            .unwrap_err();
        assert!(matches!(err, Error::Unsupported(_)), "{err:?}");
        assert!(controller.calls().iter().all(|c| c.facade() != "Foo"));
        // The connection is still good.
        client.ping().unwrap();
    })
}

#[test]
fn an_unknown_method_is_not_implemented() {
    within(|| {
        let controller = TestController::start().unwrap();
        let mut client = connect(&controller);
        let err = client
            .call::<_, Value>(Call::read("Pinger", 1, "Nope"), &json!({}))
            .unwrap_err();
        assert_eq!(err.kind(), Some(ErrorKind::NotImplemented));
        let api = err.api().unwrap();
        assert_eq!(api.code.as_deref(), Some("not implemented"));
        assert_eq!(
            api.message,
            "no such request - method Pinger(1).Nope is not implemented"
        );
        assert_eq!(controller.calls().last().unwrap().method(), "Nope");
        client.ping().unwrap();
    })
}

#[test]
fn a_version_not_offered_is_refused_before_any_io() {
    within(|| {
        let controller = TestController::start().unwrap();
        let mut client = connect(&controller);
        let err = client
            .call::<_, Value>(Call::read("Secrets", 3, "ListSecrets"), &json!({}))
            .unwrap_err();
        assert!(matches!(err, Error::Unsupported(_)), "{err:?}");
        let text = err.to_string();
        assert!(text.contains("Secrets") && text.contains('3'), "{text}");
        assert!(text.contains("[1, 2]"), "{text}");
        assert!(controller.calls().iter().all(|c| c.facade() != "Secrets"));
    })
}

/// A websocket to the default model, logged in by hand, for frames the client would never send.
struct Raw {
    ws: WebSocket<TlsStream<TcpStream>>,
    next_id: u64,
}

impl Raw {
    fn login(controller: &TestController) -> Raw {
        let mut raw = Raw::open(controller);
        let params = json!({
            "auth-tag": format!("user-{}", controller.user()),
            "credentials": controller.password(),
            "nonce": "", "macaroons": [], "user-data": "",
        });
        let reply = raw.call("Admin", 3, "Login", params);
        assert!(reply.get("error").is_none(), "{reply}");
        raw
    }

    fn open(controller: &TestController) -> Raw {
        let path = format!("/model/{}/api", controller.model_uuid());
        let ws = raw_websocket(controller, &path);
        Raw { ws, next_id: 1 }
    }

    fn call(&mut self, facade: &str, version: u32, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        let request = json!({
            "request-id": id, "type": facade, "version": version,
            "request": method, "params": params,
        });
        self.ws.send(Message::text(request.to_string())).unwrap();
        loop {
            if let Message::Text(text) = self.ws.read().unwrap() {
                let reply: Value = serde_json::from_str(&text).unwrap();
                assert_eq!(reply["request-id"], json!(id), "{reply}");
                return reply;
            }
        }
    }
}

#[test]
fn the_controller_names_unknown_facades_and_versions() {
    within(|| {
        let controller = TestController::start().unwrap();
        let mut raw = Raw::login(&controller);
        // Juju's rpcreflect names the version when one was sent: "unknown object type" shows
        // only for version 0.
        let reply = raw.call("Foo", 0, "Bar", json!({}));
        assert_eq!(
            reply,
            json!({
                "request-id": 2,
                "error": "unknown object type \"Foo\"",
                "error-code": "not implemented",
                "response": {},
            })
        );
        let reply = raw.call("Foo", 1, "Bar", json!({}));
        assert_eq!(
            reply["error"],
            json!("unknown version (1) of interface \"Foo\"")
        );
        let reply = raw.call("Secrets", 3, "ListSecrets", json!({}));
        assert_eq!(
            reply,
            json!({
                "request-id": 4,
                "error": "unknown version (3) of interface \"Secrets\"",
                "error-code": "not implemented",
                "response": {},
            })
        );
        let reply = raw.call("Pinger", 1, "Ping", json!({}));
        assert_eq!(reply, json!({"request-id": 5, "response": {}}));
    })
}

#[test]
fn facade_versions_are_negotiated_at_login() {
    within(|| {
        let controller = TestController::start().unwrap();
        let client = connect(&controller);
        assert_eq!(client.facade_version("Secrets"), Some(2));
        assert_eq!(client.login_info().best_version("Secrets"), Some(2));
        assert_eq!(client.facade_version("Pinger"), Some(1));
        assert_eq!(client.facade_version("Foo"), None);

        let old = TestController::builder()
            .secrets_versions(&[1])
            .start()
            .unwrap();
        let mut client = connect(&old);
        assert_eq!(client.facade_version("Secrets"), Some(1));
        assert_eq!(client.login_info().best_version("Secrets"), Some(1));
        // The Secrets API speaks the version negotiated.
        old.clear_calls();
        client.secrets().list(&ListOptions::new()).unwrap();
        let calls = old.calls();
        assert_eq!((calls[0].facade(), calls[0].version()), ("Secrets", 1));
    })
}

#[test]
fn a_controller_without_secrets_is_unsupported() {
    within(|| {
        let controller = TestController::builder()
            .secrets_versions(&[])
            .start()
            .unwrap();
        let mut client = connect(&controller);
        assert_eq!(client.facade_version("Secrets"), None);
        assert_eq!(client.login_info().best_version("Secrets"), None);
        let err = client.secrets().list(&ListOptions::new()).unwrap_err();
        assert!(matches!(err, Error::Unsupported(_)), "{err:?}");
        let text = err.to_string();
        // The controller's versions (none) and this client's.
        assert!(text.contains("[]") && text.contains("[1, 2]"), "{text}");
        let err = client
            .call::<_, Value>(Call::read("Secrets", 2, "ListSecrets"), &json!({}))
            .unwrap_err();
        assert!(matches!(err, Error::Unsupported(_)), "{err:?}");
        assert!(controller.calls().iter().all(|c| c.facade() != "Secrets"));
        client.ping().unwrap();
    })
}

#[test]
fn a_newer_unknown_version_is_ignored_in_negotiation() {
    within(|| {
        let controller = TestController::builder()
            .secrets_versions(&[1, 2, 3])
            .start()
            .unwrap();
        let client = connect(&controller);
        assert_eq!(
            client.login_info().facades.get("Secrets"),
            Some(&vec![1, 2, 3])
        );
        assert_eq!(client.facade_version("Secrets"), Some(2));
    })
}

#[test]
fn before_login_only_admin_exists() {
    within(|| {
        let controller = TestController::start().unwrap();
        let mut raw = Raw::open(&controller);
        let reply = raw.call("Pinger", 1, "Ping", json!({}));
        assert_eq!(reply["error-code"], json!("not implemented"), "{reply}");
        assert_eq!(reply["response"], json!({}), "{reply}");
        assert!(
            reply["error"].as_str().unwrap().contains("Pinger"),
            "{reply}"
        );
    })
}
