//! Model access, as Juju 3.6 checks it: readers list, writers also write, only admins see
//! values. A refusal is `permission denied`, code `unauthorized access`.

mod common;

use common::{connect, options, within};
use juju_secrets::testing::{Access, TestController};
use juju_secrets::{
    Call, Client, Error, ErrorKind, ListOptions, NewSecret, Removal, Result, SecretContent,
    SecretRef, SecretUpdate, ShowOptions,
};
use serde_json::json;

fn controller() -> TestController {
    let controller = TestController::builder()
        .user_access("reader", "reader-password", Access::Read)
        .user_access("writer", "writer-password", Access::Write)
        .user_access("boss", "boss-password", Access::Admin)
        .start()
        .expect("starting the test controller");
    controller.insert_secret("db-creds", &[("password", b"s3cr3t".as_slice())]);
    controller
}

fn connect_as(controller: &TestController, user: &str) -> Client {
    let settings = options(controller)
        .user(user)
        .password(format!("{user}-password"))
        .build()
        .unwrap();
    Client::connect(&settings).unwrap()
}

fn content(value: &str) -> SecretContent {
    SecretContent::from_pairs([("password", value)]).unwrap()
}

fn assert_denied<T: std::fmt::Debug>(what: &str, outcome: Result<T>) {
    let err = outcome.expect_err(what);
    assert_eq!(err.kind(), Some(ErrorKind::Unauthorized), "{what}: {err:?}");
    let api = err.api().unwrap_or_else(|| panic!("{what}: {err:?}"));
    assert_eq!(api.message, "permission denied", "{what}");
}

/// Every write, each refused.
fn assert_writes_denied(client: &mut Client) {
    let mut secrets = client.secrets();
    let new = NewSecret::new("new-secret", content("x"));
    assert_denied("add", secrets.add(&new));
    let update = SecretUpdate::new().content(content("n3w"));
    assert_denied("update", secrets.update("db-creds", &update));
    assert_denied("remove", secrets.remove("db-creds"));
    assert_denied("grant", secrets.grant("db-creds", &["mysql"]));
    assert_denied("revoke", secrets.revoke("db-creds", &["mysql"]));
    assert_denied("ensure a new one", secrets.ensure(&new));
    let changed = NewSecret::new("db-creds", content("changed"));
    assert_denied("ensure a changed one", secrets.ensure(&changed));
    assert_denied(
        "ensure_access",
        secrets.ensure_access("db-creds", &["mysql"]),
    );
}

/// Every way of seeing a value, each refused.
fn assert_reveals_denied(client: &mut Client) {
    let mut secrets = client.secrets();
    assert_denied("list reveal", secrets.list(&ListOptions::new().reveal()));
    let reveal = ShowOptions::new().reveal();
    assert_denied("show reveal", secrets.show("db-creds", &reveal));
    assert_denied("get", secrets.get("db-creds"));
    assert_denied("get_value", secrets.get_value("db-creds", "password"));
}

/// What the admin sees: `db-creds` alone, with its first value.
fn assert_untouched(controller: &TestController) {
    let mut admin = connect(controller);
    let listed = admin.secrets().list(&ListOptions::new()).unwrap();
    assert_eq!(listed.len(), 1, "{listed:?}");
    let value = admin.secrets().get_value("db-creds", "password").unwrap();
    assert_eq!(value.as_str(), Some("s3cr3t"));
}

#[test]
fn a_reader_lists_and_nothing_more() {
    within(|| {
        let controller = controller();
        let mut reader = connect_as(&controller, "reader");
        let listed = reader.secrets().list(&ListOptions::new()).unwrap();
        assert_eq!(listed.len(), 1);
        let shown = reader.secrets().show("db-creds", &ShowOptions::new());
        assert!(shown.is_ok(), "{shown:?}");
        assert_reveals_denied(&mut reader);
        assert_writes_denied(&mut reader);
        assert_untouched(&controller);
    })
}

#[test]
fn a_writer_writes_but_sees_no_values() {
    within(|| {
        let controller = controller();
        let mut writer = connect_as(&controller, "writer");
        assert_reveals_denied(&mut writer);
        let mut secrets = writer.secrets();
        secrets
            .add(&NewSecret::new("new-secret", content("x")))
            .unwrap();
        let update = SecretUpdate::new().content(content("n3w"));
        secrets.update("db-creds", &update).unwrap();
        for (app, result) in secrets.grant("db-creds", &["mysql"]).unwrap() {
            result.unwrap_or_else(|e| panic!("grant to {app}: {e}"));
        }
        let changes = secrets.ensure_access("db-creds", &["wordpress"]).unwrap();
        assert!(changes.iter().all(|c| c.result.is_ok()), "{changes:?}");
        for (app, result) in secrets.revoke("db-creds", &["wordpress"]).unwrap() {
            result.unwrap_or_else(|e| panic!("revoke from {app}: {e}"));
        }
        // Juju 3.6 reports checksums: ensure compares them without revealing.
        let ensured = secrets.ensure(&NewSecret::new("db-creds", content("n3w")));
        assert!(ensured.is_ok(), "{ensured:?}");
        secrets.remove("new-secret").unwrap();
        secrets.remove("db-creds").unwrap();
        assert!(secrets.list(&ListOptions::new()).unwrap().is_empty());
    })
}

#[test]
fn an_admin_does_everything() {
    within(|| {
        let controller = controller();
        for mut admin in [connect(&controller), connect_as(&controller, "boss")] {
            let mut secrets = admin.secrets();
            let value = secrets.get_value("db-creds", "password").unwrap();
            assert_eq!(value.as_str(), Some("s3cr3t"));
            let uri = secrets
                .add(&NewSecret::new("scratch", content("x")))
                .unwrap();
            secrets.grant(&uri, &["mysql"]).unwrap();
            secrets.revoke(&uri, &["mysql"]).unwrap();
            secrets.remove(&uri).unwrap();
        }
    })
}

#[test]
fn removing_checks_access_after_finding_each_secret() {
    within(|| {
        let controller = controller();
        let mut reader = connect_as(&controller, "reader");
        let results = reader
            .secrets()
            .remove_many(&[
                Removal::secret(SecretRef::name("no-such-secret")),
                Removal::secret(SecretRef::name("db-creds")),
            ])
            .unwrap();
        let [missing, found]: [Result<()>; 2] = results.try_into().expect("two results");
        let missing = missing.unwrap_err();
        assert_eq!(missing.kind(), Some(ErrorKind::NotFound), "{missing:?}");
        assert_denied("remove db-creds", found);
        // The other writes are refused for the whole request.
        reader
            .secrets()
            .add(&NewSecret::new("x", content("x")))
            .ok();
        let calls = controller.calls();
        let create = calls.last().unwrap();
        assert_eq!(create.method(), "CreateSecrets");
        assert_eq!(create.response["error-code"], json!("unauthorized access"));
    })
}

#[test]
fn grant_checks_access_after_the_reference_check() {
    within(|| {
        let controller = controller();
        let mut reader = connect_as(&controller, "reader");
        // The client refuses an empty reference itself: speak to the facade directly.
        let mut grant = |uri: &str| {
            let params = json!({"uri": uri, "label": "", "applications": ["mysql"]});
            let call = Call::write("Secrets", 2, "GrantSecret");
            reader
                .call::<_, serde_json::Value>(call, &params)
                .unwrap_err()
        };
        let err = grant("");
        assert_eq!(
            err.api().unwrap().message,
            "must specify either URI or name"
        );
        assert_denied(
            "grant by URI",
            Err::<(), _>(grant("secret:d0q6g3l9h5s9k8a6s0rg")),
        );
    })
}

#[test]
fn login_reports_the_model_access() {
    within(|| {
        let controller = controller();
        for (user, access, controller_access) in [
            ("reader", "read", "login"),
            ("writer", "write", "login"),
            ("boss", "admin", "login"),
            ("admin", "admin", "superuser"),
        ] {
            let client = connect_as_or_default(&controller, user);
            let info = client.login_info().user_info.clone().unwrap();
            assert_eq!(info.model_access, access, "{user}");
            assert_eq!(info.controller_access, controller_access, "{user}");
        }
        let wrong = options(&controller)
            .user("reader")
            .password("writer-password")
            .build()
            .unwrap();
        let err = Client::connect(&wrong).unwrap_err();
        assert_eq!(err.kind(), Some(ErrorKind::Unauthorized));
        assert!(matches!(err, Error::Api(_)), "{err:?}");
    })
}

fn connect_as_or_default(controller: &TestController, user: &str) -> Client {
    if user == controller.user() {
        connect(controller)
    } else {
        connect_as(controller, user)
    }
}
