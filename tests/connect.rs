//! Connecting: explicit options, what the client records, endpoint order and failures, what
//! `build()` refuses, and the websocket upgrade the client sends.

mod common;

use std::thread;

use common::{
    connect, listener, options, options_without_endpoint, refused_endpoint, within, SHORT,
};
use juju_secrets::testing::TestController;
use juju_secrets::{Client, ConnectOptions, Error, MAX_MESSAGE_SIZE_LIMIT};
use serde_json::{json, Value};
use tungstenite::handshake::server::{Request, Response};

#[test]
fn connects_from_explicit_options_and_pings() {
    within(|| {
        let controller = TestController::start().unwrap();
        let options = ConnectOptions::builder()
            .endpoint(controller.endpoint())
            .model_uuid(controller.model_uuid())
            .user(controller.user())
            .password(controller.password())
            .ca_cert(controller.ca_cert().unwrap())
            .connect_timeout(SHORT)
            .call_timeout(SHORT)
            .build()
            .unwrap();
        let mut client = Client::connect(&options).unwrap();
        client.ping().unwrap();
        client.ping().unwrap();

        let calls = controller.calls();
        let methods: Vec<String> = calls
            .iter()
            .map(|c| format!("{}({}).{}", c.facade(), c.version(), c.method()))
            .collect();
        assert_eq!(
            methods,
            ["Admin(3).Login", "Pinger(1).Ping", "Pinger(1).Ping"]
        );
        let ids: Vec<_> = calls
            .iter()
            .map(|c| c.request["request-id"].clone())
            .collect();
        assert_eq!(ids, [json!(1), json!(2), json!(3)]);
        assert!(calls
            .iter()
            .all(|c| c.model_uuid.as_deref() == Some(controller.model_uuid())));
        assert_eq!(calls[1].params(), &json!({}));
        assert_eq!(calls[1].response, json!({"request-id": 2, "response": {}}));
        client.close().unwrap();
    })
}

#[test]
fn client_records_endpoint_and_login_info() {
    within(|| {
        let controller = TestController::builder()
            .server_version("3.6.9")
            .start()
            .unwrap();
        let client = connect(&controller);
        assert_eq!(client.endpoint(), controller.endpoint());
        assert_eq!(client.options().model_uuid(), Some(controller.model_uuid()));

        let info = client.login_info();
        assert_eq!(info.server_version, "3.6.9");
        assert_eq!(info.model_tag, format!("model-{}", controller.model_uuid()));
        assert_eq!(info.model_uuid(), controller.model_uuid());
        assert_eq!(
            info.controller_tag,
            format!("controller-{}", controller.controller_uuid())
        );
        assert_eq!(info.facades.get("Pinger"), Some(&vec![1]));
        assert_eq!(info.facades.get("Secrets"), Some(&vec![1, 2]));
        assert_eq!(info.servers.len(), 1);
        assert_eq!(info.servers[0][0].endpoint(), controller.endpoint());
        let user = info.user_info.as_ref().expect("user-info");
        assert_eq!(user.identity, "user-admin");
        assert_eq!(user.model_access, "admin");
        assert_eq!(info.public_dns_name, None);
    })
}

#[test]
fn connects_to_the_model_asked_for() {
    within(|| {
        let controller = TestController::builder()
            .model("first")
            .model("second")
            .start()
            .unwrap();
        let second = controller.models()[1].uuid.clone();
        let options = options(&controller).model_uuid(&second).build().unwrap();
        let mut client = Client::connect(&options).unwrap();
        assert_eq!(client.login_info().model_uuid(), second);
        client.ping().unwrap();
        let calls = controller.calls();
        assert_eq!(calls.len(), 2);
        assert!(calls
            .iter()
            .all(|c| c.model_uuid.as_deref() == Some(&*second)));
    })
}

#[test]
fn skips_a_refusing_endpoint_and_connects_to_the_next() {
    within(|| {
        let controller = TestController::start().unwrap();
        let refused = refused_endpoint();
        let options = options_without_endpoint(&controller)
            .endpoint(&refused)
            .endpoint(controller.endpoint())
            .build()
            .unwrap();
        let mut client = Client::connect(&options).unwrap();
        assert_eq!(client.endpoint(), controller.endpoint());
        client.ping().unwrap();
    })
}

#[test]
fn one_refusing_endpoint_gives_its_own_error() {
    within(|| {
        let controller = TestController::start().unwrap();
        let refused = refused_endpoint();
        let options = options_without_endpoint(&controller)
            .endpoint(&refused)
            .build()
            .unwrap();
        let err = Client::connect(&options).unwrap_err();
        assert!(matches!(err, Error::Io { .. }), "{err:?}");
        assert!(err.to_string().contains(&refused), "{err}");
        assert!(controller.calls().is_empty());
    })
}

#[test]
fn no_reachable_endpoint_lists_every_attempt() {
    within(|| {
        let controller = TestController::start().unwrap();
        let (first, second) = (refused_endpoint(), refused_endpoint());
        let options = options_without_endpoint(&controller)
            .endpoints([&first, &second])
            .build()
            .unwrap();
        let err = Client::connect(&options).unwrap_err();
        let Error::AllEndpointsFailed(attempts) = &err else {
            panic!("expected AllEndpointsFailed, got {err:?}");
        };
        let tried: Vec<&str> = attempts.iter().map(|(e, _)| e.as_str()).collect();
        assert_eq!(tried, [first.as_str(), second.as_str()]);
        assert!(attempts.iter().all(|(_, e)| matches!(e, Error::Io { .. })));
        let text = err.to_string();
        assert!(text.contains(&first) && text.contains(&second), "{text}");
        assert!(controller.calls().is_empty());
    })
}

#[test]
fn build_refuses_a_maximum_message_size_out_of_range() {
    within(|| {
        let controller = TestController::start().unwrap();
        for bytes in [0, MAX_MESSAGE_SIZE_LIMIT + 1, usize::MAX] {
            let err = options(&controller)
                .max_message_size(bytes)
                .build()
                .unwrap_err();
            let Error::Config(message) = &err else {
                panic!("{bytes}: expected a config error, got {err:?}");
            };
            assert!(
                message.contains(&format!("from 1 to {MAX_MESSAGE_SIZE_LIMIT} bytes")),
                "{bytes}: {message}"
            );
        }
        // The bounds themselves are accepted, and kept.
        for bytes in [1, MAX_MESSAGE_SIZE_LIMIT] {
            let settings = options(&controller).max_message_size(bytes).build();
            assert_eq!(settings.unwrap().max_message_size(), bytes);
        }
        // Refused by build(): nothing was sent.
        assert!(controller.calls().is_empty());
        // The largest accepted maximum works.
        let largest = options(&controller)
            .max_message_size(MAX_MESSAGE_SIZE_LIMIT)
            .build()
            .unwrap();
        Client::connect(&largest).unwrap().ping().unwrap();
    })
}

#[test]
fn the_websocket_upgrade_carries_the_client_version() {
    within(|| {
        let (listener, endpoint) = listener();
        // A plain websocket server that records the upgrade's version header and the login
        // frame, then hangs up.
        let server = thread::spawn(move || {
            let (tcp, _) = listener.accept().unwrap();
            tcp.set_read_timeout(Some(SHORT)).unwrap();
            let mut headers = Vec::new();
            // The handshake callback's signature is tungstenite's.
            #[allow(clippy::result_large_err)]
            let record = |request: &Request, response: Response| {
                headers = request
                    .headers()
                    .get_all("X-Juju-ClientVersion")
                    .iter()
                    .map(|v| v.to_str().unwrap().to_owned())
                    .collect();
                Ok(response)
            };
            let mut ws = tungstenite::accept_hdr(tcp, record).unwrap();
            let login = ws.read().unwrap().into_text().unwrap().to_string();
            (headers, login)
        });
        let settings = ConnectOptions::builder()
            .endpoint(&endpoint)
            .model_uuid("0b3f2a1e-5d4c-4b3a-9f8e-7d6c5b4a3f2e")
            .password("any-password")
            .insecure_plain_websocket(true)
            .connect_timeout(SHORT)
            .call_timeout(SHORT)
            .build()
            .unwrap();
        // The server hangs up instead of answering the login.
        let err = Client::connect(&settings).unwrap_err();
        assert!(!matches!(err, Error::Timeout { .. }), "{err:?}");
        let (headers, login) = server.join().unwrap();
        assert_eq!(headers.len(), 1, "{headers:?}");
        let version = &headers[0];
        assert_eq!(version.split('.').count(), 3, "{version}");
        assert!(
            version.split('.').all(|n| n.parse::<u32>().is_ok()),
            "{version}"
        );
        // The same version the login request states.
        let login: Value = serde_json::from_str(&login).unwrap();
        assert_eq!(login["request"], json!("Login"), "{login}");
        assert_eq!(login["params"]["client-version"], json!(version), "{login}");
    })
}
