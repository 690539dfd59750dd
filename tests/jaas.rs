//! Logging in to JAAS (the test controller in JAAS mode, answering as JIMM does): client
//! credentials, from options or `JUJU_CLIENT_ID`/`JUJU_CLIENT_SECRET`; the session token of the
//! client store; what a refused token, a wrong secret and a password get; what goes on the wire.

mod common;

use std::ffi::OsString;
use std::sync::{Mutex, MutexGuard};

use common::temp::TempDir;
use common::{options, within, SHORT};
use juju_secrets::testing::{RecordedCall, TestController};
use juju_secrets::{Client, ClientStore, ConnectOptions, Error, ErrorKind};
use serde_json::json;

const ID: &str = "ci-robot";
const SECRET: &str = "ci-robot-secret";

fn jaas() -> TestController {
    let controller = TestController::builder()
        .jaas()
        .client_credentials(ID, SECRET)
        .start()
        .expect("starting the test controller");
    controller.insert_secret("db-creds", &[("password", b"s3cr3t".as_slice())]);
    controller
}

fn logins(controller: &TestController) -> Vec<RecordedCall> {
    let calls = controller.calls();
    calls
        .into_iter()
        .filter(|c| c.facade() == "Admin")
        .collect()
}

#[test]
fn client_credentials_log_in_a_service_account() {
    within(|| {
        let controller = jaas();
        let settings = options(&controller)
            .user(format!("{ID}@serviceaccount"))
            .client_credentials(ID, SECRET)
            .build()
            .unwrap();
        let mut client = Client::connect(&settings).unwrap();
        let value = client.secrets().get_value("db-creds", "password").unwrap();
        assert_eq!(value.as_str(), Some("s3cr3t"));
        let login = client.login_info();
        let user = login.user_info.as_ref().expect("user info");
        assert_eq!(user.identity, format!("user-{ID}@serviceaccount"));
        assert_eq!(
            login.model_tag,
            format!("model-{}", controller.model_uuid())
        );
        // JIMM's proxy answers with the Juju controller behind it, without its servers.
        assert!(login.servers.is_empty(), "{:?}", login.servers);
        let jimm = format!("controller-{}", controller.controller_uuid());
        assert!(!login.controller_tag.is_empty());
        assert_ne!(login.controller_tag, jimm);
    })
}

#[test]
fn login_requests_are_admin_v4_recorded_without_secrets() {
    within(|| {
        let controller = jaas();
        let by_client = options(&controller)
            .client_credentials(ID, SECRET)
            .build()
            .unwrap();
        Client::connect(&by_client).unwrap();
        Client::connect(&options(&controller).build().unwrap()).unwrap();
        let token = controller
            .session_token()
            .expect("a session token")
            .to_owned();
        let calls = logins(&controller);
        let sent: Vec<_> = calls
            .iter()
            .map(|c| (c.version(), c.method(), c.params().clone()))
            .collect();
        assert_eq!(
            sent,
            [
                (
                    4,
                    "LoginWithClientCredentials",
                    json!({"client-id": ID, "client-secret": "<redacted>"})
                ),
                (
                    4,
                    "LoginWithSessionToken",
                    json!({"session-token": "<redacted>"})
                ),
            ]
        );
        let everything = format!("{:?}", controller.calls());
        assert!(!everything.contains(SECRET), "{everything}");
        assert!(!everything.contains(&token), "{everything}");
        assert!(!everything.contains(controller.password()), "{everything}");
    })
}

#[test]
fn the_session_token_of_the_client_store_logs_the_user_in() {
    within(|| {
        let controller = jaas();
        let store = TempDir::new("jaas-store");
        controller.write_client_store(store.path()).unwrap();
        let settings = ClientStore::open(store.path())
            .unwrap()
            .resolve(None, None)
            .unwrap();
        assert_eq!(settings.user(), "alice@canonical.com");
        let mut client = Client::connect(&settings).unwrap();
        let value = client.secrets().get_value("db-creds", "password").unwrap();
        assert_eq!(value.as_str(), Some("s3cr3t"));
        let user = client.login_info().user_info.clone().expect("user info");
        assert_eq!(user.identity, "user-alice@canonical.com");
        assert_eq!(user.model_access, "admin");
        let calls = logins(&controller);
        assert_eq!(calls.len(), 1);
        assert_eq!(calls[0].method(), "LoginWithSessionToken");
    })
}

#[test]
fn a_model_name_is_looked_up_through_jimm() {
    within(|| {
        let controller = jaas();
        let mut builder = ConnectOptions::builder()
            .endpoint(controller.endpoint())
            .user(controller.user())
            .session_token(controller.session_token().unwrap())
            .model_name("alice@canonical.com/default")
            .connect_timeout(SHORT)
            .call_timeout(SHORT);
        if let Some(ca) = controller.ca_cert() {
            builder = builder.ca_cert(ca);
        }
        let client = Client::connect(&builder.build().unwrap()).unwrap();
        assert_eq!(client.options().model_uuid(), Some(controller.model_uuid()));
        // On /api JIMM answers itself: its own tag, no model, no servers, its display name.
        let calls = logins(&controller);
        let on_api = calls.iter().find(|c| c.model_uuid.is_none()).unwrap();
        let result = &on_api.response["response"];
        assert_eq!(
            result["controller-tag"],
            json!(format!("controller-{}", controller.controller_uuid()))
        );
        assert_eq!(
            result["user-info"],
            json!({"display-name": "alice", "identity": "user-alice@canonical.com",
                   "controller-access": "", "model-access": ""})
        );
        assert!(result.get("servers").is_none(), "{result}");
        assert!(result.get("model-tag").is_none(), "{result}");
    })
}

#[test]
fn a_refused_token_says_to_run_juju_login() {
    within(|| {
        let controller = jaas();
        let store = TempDir::new("jaas-expired");
        controller.write_client_store(store.path()).unwrap();
        controller.expire_session_token();
        let settings = ClientStore::open(store.path())
            .unwrap()
            .resolve(None, None)
            .unwrap();
        let err = Client::connect(&settings).unwrap_err();
        assert_eq!(err.kind(), Some(ErrorKind::SessionTokenInvalid));
        let Error::SessionTokenRefused { reason, command } = &err else {
            panic!("expected SessionTokenRefused, got {err:?}");
        };
        assert_eq!(reason, "JIMM session token expired");
        assert_eq!(command, "juju login -c test-controller");
        assert!(
            err.to_string().contains("`juju login -c test-controller`"),
            "{err}"
        );
        // A token that was never JIMM's reads the same.
        let wrong = options(&controller)
            .session_token("bm90LWEtdG9rZW4=")
            .build()
            .unwrap();
        let err = Client::connect(&wrong).unwrap_err();
        assert_eq!(err.kind(), Some(ErrorKind::SessionTokenInvalid));
    })
}

#[test]
fn a_wrong_client_secret_is_unauthorized() {
    within(|| {
        let controller = jaas();
        let settings = options(&controller)
            .client_credentials(ID, "not-the-secret")
            .build()
            .unwrap();
        let err = Client::connect(&settings).unwrap_err();
        assert_eq!(err.kind(), Some(ErrorKind::Unauthorized));
        let api = err.api().expect("an API error");
        assert_eq!(api.message, "invalid client credentials");
        assert_eq!(api.code.as_deref(), Some("unauthorized access"));
        assert!(!format!("{:?}", controller.calls()).contains("not-the-secret"));
    })
}

#[test]
fn a_password_login_gets_the_jimm_refusal() {
    within(|| {
        let controller = jaas();
        let settings = options(&controller)
            .password(controller.password())
            .build()
            .unwrap();
        let err = Client::connect(&settings).unwrap_err();
        assert_eq!(err.kind(), Some(ErrorKind::NotSupported));
        let api = err.api().expect("an API error");
        assert_eq!(api.message, "JIMM does not support login from old clients");
        let calls = logins(&controller);
        assert_eq!((calls[0].version(), calls[0].method()), (3, "Login"));
    })
}

#[test]
fn a_juju_controller_refuses_jaas_logins() {
    within(|| {
        let controller = TestController::start().unwrap();
        let settings = options(&controller)
            .client_credentials(ID, SECRET)
            .build()
            .unwrap();
        let err = Client::connect(&settings).unwrap_err();
        assert_eq!(err.kind(), Some(ErrorKind::NotSupported));
        let api = err.api().expect("an API error");
        assert_eq!(
            api.message,
            "this version of Juju does not support login from old clients"
        );
        assert_eq!(controller.client_id(), None);
    })
}

#[test]
fn an_unknown_model_is_not_found_as_jimm_says() {
    within(|| {
        let controller = jaas();
        let settings = options(&controller)
            .model_uuid("5d3c1f0e-9a8b-4c7d-8e6f-5a4b3c2d1e0f")
            .build()
            .unwrap();
        let api = Client::connect(&settings).unwrap_err();
        let api = api.api().expect("an API error");
        assert_eq!(
            (api.message.as_str(), api.code.as_deref()),
            ("model not found", Some("not found"))
        );
    })
}

/// Environment variables are the whole process's: tests that set them take turns, and put
/// back what was there.
struct Env {
    saved: Vec<(&'static str, Option<OsString>)>,
    _turn: MutexGuard<'static, ()>,
}

impl Env {
    fn set(vars: &[(&'static str, Option<&std::path::Path>)]) -> Env {
        static TURN: Mutex<()> = Mutex::new(());
        let turn = TURN.lock().unwrap_or_else(|e| e.into_inner());
        let mut saved = Vec::new();
        let cleared = ["JUJU_CONTROLLER", "JUJU_MODEL"].map(|name| (name, None));
        for (name, value) in vars.iter().copied().chain(cleared) {
            saved.push((name, std::env::var_os(name)));
            match value {
                Some(value) => std::env::set_var(name, value),
                None => std::env::remove_var(name),
            }
        }
        Env { saved, _turn: turn }
    }
}

impl Drop for Env {
    fn drop(&mut self) {
        for (name, value) in self.saved.drain(..).rev() {
            match value {
                Some(value) => std::env::set_var(name, value),
                None => std::env::remove_var(name),
            }
        }
    }
}

fn client_env(store: &TempDir) -> Env {
    Env::set(&[
        ("JUJU_DATA", Some(store.path())),
        ("JUJU_CLIENT_ID", Some(ID.as_ref())),
        ("JUJU_CLIENT_SECRET", Some(SECRET.as_ref())),
    ])
}

#[test]
fn client_credentials_come_from_the_environment() {
    let controller = jaas();
    let store = TempDir::new("jaas-env");
    controller.write_client_store(store.path()).unwrap();
    // Only the client credentials can log in now.
    controller.expire_session_token();
    let _env = client_env(&store);
    within(move || {
        let settings = ClientStore::from_env().unwrap().resolve_env(None).unwrap();
        assert_eq!(settings.user(), format!("{ID}@serviceaccount"));
        let mut client = Client::connect_juju_env().unwrap();
        let value = client.secrets().get_value("db-creds", "password").unwrap();
        assert_eq!(value.as_str(), Some("s3cr3t"));
        let calls = logins(&controller);
        assert!(calls
            .iter()
            .all(|c| c.method() == "LoginWithClientCredentials"));
        assert_eq!(calls[0].params()["client-id"], json!(ID));
    })
}

#[test]
fn get_value_needs_only_the_environment() {
    let controller = jaas();
    let store = TempDir::new("jaas-oneliner");
    controller.write_client_store(store.path()).unwrap();
    controller.expire_session_token();
    let _env = client_env(&store);
    within(move || {
        let value = juju_secrets::get_value("db-creds", "password").unwrap();
        assert_eq!(value.as_str(), Some("s3cr3t"));
        drop(controller);
    })
}
