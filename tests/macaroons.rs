//! External users: logging in with the macaroons `juju login` keeps in the client store's cookie
//! jar, and a clear "run `juju login`" error when the controller wants a discharge.

mod common;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use base64::Engine;
use common::{options, within};
use juju_secrets::testing::{TestController, TestControllerBuilder};
use juju_secrets::{Client, ClientStore, ConnectOptions, Error, ErrorKind};
use serde_json::{json, Value};

const USER: &str = "bob@external";

/// A client store directory, removed on drop.
struct Store(PathBuf);

impl Store {
    fn new() -> Store {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir =
            std::env::temp_dir().join(format!("juju-secrets-macaroons-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        Store(dir)
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Store {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The macaroon the identity provider gave bob (a root macaroon, as the bakery's JSON).
fn bobs_macaroon() -> Value {
    json!({
        "caveats": [{"cid": "time-before 2999-01-01T00:00:00Z"}],
        "location": "juju model", "identifier": "bob-login-root", "signature": "5eed",
    })
}

fn controller(builder: TestControllerBuilder) -> TestController {
    builder
        .accept_macaroon(USER, bobs_macaroon())
        .start()
        .unwrap()
}

/// A cookie as github.com/juju/persistent-cookiejar writes it.
fn cookie(domain: &str, expires: &str) -> Value {
    let slice = json!([bobs_macaroon()]).to_string();
    json!({
        "Name": "macaroon-7d0c1c6e1a3b", "Value": base64::engine::general_purpose::STANDARD.encode(slice),
        "Domain": domain, "Path": "/", "Secure": false, "HttpOnly": false, "Persistent": true,
        "HostOnly": true, "Expires": expires, "Creation": "2025-01-01T10:00:00.123456789Z",
        "LastAccess": "2025-01-01T10:00:00Z", "Updated": "2025-01-01T10:00:00Z",
        "CanonicalHost": domain,
    })
}

/// The controller's client store, with bob (no password) as the account and `cookies` as the
/// controller's cookie jar.
fn store_for_bob(controller: &TestController, cookies: &[Value]) -> Store {
    let store = Store::new();
    controller.write_client_store(store.path()).unwrap();
    let name = controller.controller_name();
    let accounts =
        format!("controllers:\n  {name}:\n    user: {USER}\n    last-known-access: login\n");
    std::fs::write(store.path().join("accounts.yaml"), accounts).unwrap();
    let jar = store.path().join("cookies").join(format!("{name}.json"));
    std::fs::write(jar, Value::from(cookies.to_vec()).to_string()).unwrap();
    store
}

/// The settings the store gives for bob: macaroons, never printed.
fn settings_from(store: &Store) -> ConnectOptions {
    let options = ClientStore::open(store.path())
        .unwrap()
        .resolve(None, None)
        .unwrap();
    assert_eq!(options.user(), USER);
    assert!(
        !format!("{options:?}").contains("bob-login-root"),
        "{options:?}"
    );
    options
}

fn login_params(controller: &TestController) -> Value {
    let calls = controller.calls();
    let login = calls
        .iter()
        .find(|c| c.method() == "Login")
        .expect("a login");
    login.params().clone()
}

#[test]
fn a_password_user_still_logs_in_with_the_password() {
    within(|| {
        let controller = controller(TestController::builder());
        let mut client = Client::connect(&options(&controller).build().unwrap()).unwrap();
        client.ping().unwrap();
        let params = login_params(&controller);
        assert_eq!(params["credentials"], json!("<redacted>"));
        assert_eq!(params["macaroons"], json!([]));
        let user = client.login_info().user_info.clone().unwrap();
        assert_eq!(user.identity, "user-admin");
    })
}

#[test]
fn a_macaroon_user_logs_in_with_the_cookie_jar_of_the_client_store() {
    within(|| {
        let controller = controller(TestController::builder());
        let store = store_for_bob(
            &controller,
            &[cookie(controller.controller_uuid(), "2999-12-31T23:59:59Z")],
        );
        let mut client = Client::connect(&settings_from(&store)).unwrap();
        client.ping().unwrap();
        let user = client.login_info().user_info.clone().unwrap();
        assert_eq!(user.identity, format!("user-{USER}"));
        assert_eq!(user.controller_access, "login");
        let params = login_params(&controller);
        // As the Go client: an external user is named by its macaroons alone, not by a tag.
        assert_eq!(params["auth-tag"], json!(""));
        assert_eq!(params["credentials"], json!(""));
        assert_eq!(params["macaroons"], json!([[bobs_macaroon()]]));
        // What python-libjuju leaves out is left out here too.
        assert!(params.get("bakery-version").is_none(), "{params}");
    })
}

#[test]
fn macaroons_given_to_the_builder_log_in_too() {
    within(|| {
        let controller = controller(TestController::builder());
        let options = ConnectOptions::builder()
            .endpoint(controller.endpoint())
            .model_uuid(controller.model_uuid())
            .user(USER)
            .ca_cert(controller.ca_cert().unwrap())
            .macaroons(vec![json!([bobs_macaroon()])])
            .build()
            .unwrap();
        let text = format!("{options:?}");
        assert!(
            !text.contains("bob-login-root") && !text.contains("5eed"),
            "{text}"
        );
        assert!(text.contains("<1 macaroon slices>"), "{text}");
        Client::connect(&options).unwrap().ping().unwrap();
        assert_eq!(
            login_params(&controller)["macaroons"],
            json!([[bobs_macaroon()]])
        );
    })
}

#[test]
fn the_credentials_set_last_win_and_only_they_are_sent() {
    within(|| {
        // One kind of credentials per login: a password set after macaroons replaces them.
        let accepting = controller(TestController::builder());
        let settings = options(&accepting)
            .macaroons(vec![bobs_macaroon()])
            .password(accepting.password())
            .build()
            .unwrap();
        Client::connect(&settings).unwrap().ping().unwrap();
        let params = login_params(&accepting);
        assert_eq!(params["credentials"], json!("<redacted>"));
        assert_eq!(params["macaroons"], json!([]));

        // Macaroons set after the password replace it: the password is not sent, so the
        // controller, which knows no macaroon of admin's, asks for a discharge (Juju 3.6 takes
        // a login without a password to macaroon authentication, local user or not).
        let refusing = controller(TestController::builder());
        let settings = options(&refusing)
            .macaroons(vec![bobs_macaroon()])
            .build()
            .unwrap();
        let err = Client::connect(&settings).unwrap_err();
        assert_eq!(err.kind(), Some(ErrorKind::DischargeRequired), "{err:?}");
        let params = login_params(&refusing);
        assert_eq!(params["auth-tag"], json!("user-admin"));
        assert_eq!(params["credentials"], json!(""));
        assert_eq!(params["macaroons"], json!([[bobs_macaroon()]]));
    })
}

#[test]
fn an_expired_cookie_is_ignored_and_the_error_says_to_run_juju_login() {
    within(|| {
        let controller = controller(TestController::builder());
        let store = store_for_bob(
            &controller,
            &[cookie(controller.controller_uuid(), "2001-01-01T00:00:00Z")],
        );
        let err = Client::connect(&settings_from(&store)).unwrap_err();
        assert_eq!(err.kind(), Some(ErrorKind::DischargeRequired));
        let Error::DischargeRequired {
            user,
            reason,
            command,
        } = &err
        else {
            panic!("expected DischargeRequired, got {err:?}");
        };
        assert_eq!(user, USER);
        assert!(reason.contains("verification failed"), "{reason}");
        assert_eq!(
            command,
            &format!("juju login -c {}", controller.controller_name())
        );
        assert!(err.to_string().contains("run `juju login -c"), "{err}");
        // The expired macaroon was not sent.
        assert_eq!(login_params(&controller)["macaroons"], json!([]));
    })
}

#[test]
fn a_cookie_of_another_host_is_not_sent() {
    within(|| {
        let controller = controller(TestController::builder());
        let store = store_for_bob(
            &controller,
            &[cookie("candid.example.com", "2999-12-31T23:59:59Z")],
        );
        let err = Client::connect(&settings_from(&store)).unwrap_err();
        assert!(matches!(err, Error::DischargeRequired { .. }), "{err:?}");
        assert_eq!(login_params(&controller)["macaroons"], json!([]));
    })
}

#[test]
fn a_controller_demanding_a_discharge_gets_a_clear_error() {
    within(|| {
        let controller = controller(TestController::builder().demand_discharge(true));
        let store = store_for_bob(&controller, &[cookie("127.0.0.1", "2999-12-31T23:59:59Z")]);
        let err = Client::connect(&settings_from(&store)).unwrap_err();
        assert!(matches!(err, Error::DischargeRequired { .. }), "{err:?}");
        // The fresh macaroon was sent (the jar files it under the endpoint's host) and refused.
        assert_eq!(
            login_params(&controller)["macaroons"],
            json!([[bobs_macaroon()]])
        );
        let answer = &controller.calls()[0].response["response"];
        assert!(answer["discharge-required"].is_object(), "{answer}");
        assert!(!err.to_string().contains("bob-login-root"), "{err}");
    })
}
