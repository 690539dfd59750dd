//! Unit tests of the parent module.
use super::*;
use crate::credentials::{Credentials, SessionToken};
use std::sync::atomic::{AtomicUsize, Ordering};
use zeroize::Zeroizing;

/// The controllers, with `PROD_CA` and `STAGING_CA` where real CA certificates go.
const CONTROLLERS_TEMPLATE: &str = r#"
controllers:
  prod:
    uuid: 1c2d3e4f-0000-4000-8000-000000000001
    api-endpoints: ['10.0.0.2:17070', '10.0.0.3:17070']
    ca-cert: PROD_CA
    cloud: lxd
    region: localhost
    type: lxd
    agent-version: 3.6.4
    public-hostname: ""
    dns-cache: {}
    controller-machine-count: 1
    previous-controller: staging
    has-controller-changed-on-previous-switch: false
  staging:
    api-endpoints: ['[fd00::1]:17070']
    ca-cert: STAGING_CA
    public-hostname: juju.example.com
  macaroon:
    api-endpoints: ['10.0.0.9:17070']
  orphan:
    api-endpoints: ['10.0.0.8:17070']
  k8s:
    api-endpoints: ['10.152.183.17:17070']
    proxy-config:
      type: kubernetes-port-forward
      config: {api-host: 'https://10.0.0.5:16443', namespace: controller-k8s, remote-port: "17070", service: controller-service, service-account-token: t0ken}
  jaas:
    uuid: 2d3e4f50-0000-4000-8000-000000000009
    api-endpoints: ['jimm.example.com:443']
    public-hostname: jimm.example.com
    oidc-login: true
current-controller: prod
"#;

const ACCOUNTS_YAML: &str = r"
controllers:
  prod: {user: admin, password: hunter2-prod, last-known-access: superuser}
  staging: {user: bob, password: hunter2-staging, last-known-access: login}
  macaroon: {user: carol@external, last-known-access: login}
  jaas: {user: alice@canonical.com, type: oauth2-device, access-token: c2Vzc2lvbi10b2tlbg==}
  k8s: {user: admin, password: hunter2-k8s}
";

const MODELS_YAML: &str = r"
controllers:
  prod:
    models:
      admin/default: {uuid: 8f5a1b2c-3d4e-4f60-8a1b-2c3d4e5f6a7b, type: iaas, branch: master}
      admin/other: {uuid: 8f5a1b2c-ffff-4f60-8a1b-000000000002, type: caas}
      alice/shared: {uuid: 0a0a0a0a-0000-4000-8000-000000000003, type: iaas}
    current-model: admin/default
  staging:
    models:
      bob/dev: {uuid: 5b5b5b5b-0000-4000-8000-000000000004, type: iaas}
";

/// The CA certificates of `prod` and `staging`, made once.
fn cas() -> &'static (String, String) {
    static CAS: std::sync::OnceLock<(String, String)> = std::sync::OnceLock::new();
    CAS.get_or_init(|| {
        let ca = crate::options::tests_support::ca_pem;
        (ca(), ca())
    })
}

fn controllers_yaml() -> String {
    let (prod, staging) = cas();
    CONTROLLERS_TEMPLATE
        .replace("PROD_CA", &format!("{prod:?}"))
        .replace("STAGING_CA", &format!("{staging:?}"))
}

const DEFAULT_UUID: &str = "8f5a1b2c-3d4e-4f60-8a1b-2c3d4e5f6a7b";

/// A unique directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> TempDir {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir =
            std::env::temp_dir().join(format!("juju-secrets-store-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn write(&self, file: &str, text: &str) -> &TempDir {
        std::fs::write(self.0.join(file), text).unwrap();
        self
    }

    fn open(&self) -> Result<ClientStore> {
        ClientStore::open(&self.0)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn standard() -> TempDir {
    let dir = TempDir::new();
    dir.write(CONTROLLERS, &controllers_yaml())
        .write(ACCOUNTS, ACCOUNTS_YAML)
        .write(MODELS, MODELS_YAML);
    dir
}

fn resolve(controller: Option<&str>, model: Option<&str>) -> Result<ConnectOptions> {
    standard().open().unwrap().resolve(controller, model)
}

fn credentials(o: &ConnectOptions) -> &Credentials {
    o.credentials.as_deref().expect("credentials")
}

fn password(o: &ConnectOptions) -> Option<&str> {
    match credentials(o) {
        Credentials::Password(p) => Some(p.expose()),
        _ => None,
    }
}

/// The message of a `Config` error, checked to mention each part and no password.
fn config_error<T>(result: Result<T>, parts: &[&str]) -> String {
    let message = match result {
        Err(Error::Config(message)) => message,
        Err(other) => panic!("expected a config error, got {other:?}"),
        Ok(_) => panic!("expected a config error, got success"),
    };
    assert!(!message.contains("hunter2"), "{message}");
    for part in parts {
        assert!(message.contains(part), "{message:?} lacks {part:?}");
    }
    message
}

#[test]
fn defaults_to_current_controller_and_model() {
    let o = resolve(None, None).unwrap();
    assert_eq!(o.endpoints(), ["10.0.0.2:17070", "10.0.0.3:17070"]);
    assert_eq!(o.model_uuid(), Some(DEFAULT_UUID));
    assert_eq!(o.user(), "admin");
    assert_eq!(password(&o), Some("hunter2-prod"));
    assert_eq!(o.ca_cert.as_deref(), Some(cas().0.as_str()));
    assert_eq!(o.public_hostname(), None);
    assert_eq!(o.controller_name(), Some("prod"));
    assert_eq!(o.model_name(), Some("admin/default"));
}

#[test]
fn every_model_name_form() {
    for form in [
        "default",
        "admin/default",
        "prod:default",
        "prod:admin/default",
        "admin@local/default",
        DEFAULT_UUID,
        "8f5a1b2c-3d4e",
        "prod:8f5a1b2c-3d4e-4f60-8a1b-2c3d4e5f6a7b",
        "prod:",
    ] {
        let o = resolve(None, Some(form)).unwrap();
        assert_eq!(o.model_uuid(), Some(DEFAULT_UUID), "{form}");
        assert_eq!(o.model_name(), Some("admin/default"), "{form}");
    }
    let o = resolve(None, Some("alice/shared")).unwrap();
    assert_eq!(o.model_name(), Some("alice/shared"));
}

#[test]
fn explicit_controller_and_prefix() {
    let o = resolve(Some("staging"), Some("dev")).unwrap();
    assert_eq!(o.model_name(), Some("bob/dev"));
    assert_eq!(o.user(), "bob");
    assert_eq!(o.endpoints(), ["[fd00::1]:17070"]);
    // A controller: prefix wins over the controller argument.
    let o = resolve(Some("prod"), Some("staging:bob/dev")).unwrap();
    assert_eq!(o.controller_name(), Some("staging"));
    let o = resolve(Some("prod"), None).unwrap();
    assert_eq!(o.model_uuid(), Some(DEFAULT_UUID));
    let o = resolve(Some(""), Some("")).unwrap();
    assert_eq!(o.controller_name(), Some("prod"));
}

#[test]
fn public_hostname_is_kept_beside_the_ca() {
    let o = resolve(Some("staging"), Some("dev")).unwrap();
    assert_eq!(o.public_hostname(), Some("juju.example.com"));
    assert_eq!(o.ca_cert.as_deref(), Some(cas().1.as_str()));
}

#[test]
fn a_ca_that_is_not_pem_names_the_controller() {
    let dir = standard();
    let broken = CONTROLLERS_TEMPLATE
        .replace("PROD_CA", "x")
        .replace("STAGING_CA", "\"-----BEGIN CERTIFICATE-----\"");
    dir.write(CONTROLLERS, &broken);
    let parts = [
        "controller \"staging\"",
        "CA certificate is not valid PEM",
        CONTROLLERS,
    ];
    config_error(
        dir.open().unwrap().resolve(Some("staging"), Some("dev")),
        &parts,
    );
}

#[test]
fn missing_store_and_controllers_file() {
    let dir = TempDir::new();
    let missing = ClientStore::open(dir.0.join("nope"));
    config_error(
        missing,
        &[
            "no juju client store at",
            "nope",
            "juju bootstrap",
            "JUJU_DATA",
        ],
    );
    config_error(dir.open(), &["no controllers.yaml"]);
}

#[test]
fn no_current_controller_names_the_known_ones() {
    let dir = TempDir::new();
    dir.write(
        CONTROLLERS,
        &controllers_yaml().replace("current-controller: prod", ""),
    );
    let parts = [
        "no current controller",
        "jaas, k8s, macaroon, orphan, prod, staging",
        "juju switch",
    ];
    let e = config_error(dir.open().unwrap().resolve(None, None), &parts);
    assert!(
        e.contains("JUJU_CONTROLLER") && e.contains(CONTROLLERS),
        "{e}"
    );
    dir.write(CONTROLLERS, "");
    config_error(dir.open().unwrap().resolve(None, None), &["no controllers"]);
}

#[test]
fn current_controller_file_is_a_fallback() {
    let dir = standard();
    dir.write(
        CONTROLLERS,
        &controllers_yaml().replace("current-controller: prod", ""),
    )
    .write(CURRENT_CONTROLLER, "staging\n");
    assert_eq!(dir.open().unwrap().current_controller(), Some("staging"));
    dir.write(CONTROLLERS, &controllers_yaml());
    assert_eq!(dir.open().unwrap().current_controller(), Some("prod"));
}

#[test]
fn unknown_controller_lists_the_known_ones() {
    let parts = [
        "unknown controller \"nope\"",
        "jaas, k8s, macaroon, orphan, prod, staging",
    ];
    config_error(resolve(Some("nope"), None), &parts);
    config_error(resolve(None, Some("gone:default")), &["\"gone\""]);
}

#[test]
fn unlisted_model_names_are_left_to_the_controller() {
    for (form, name) in [("missing", "admin/missing"), ("bob@local/x", "bob/x")] {
        let o = resolve(None, Some(form)).unwrap();
        assert_eq!(o.model_uuid(), None, "{form}");
        assert_eq!(o.model_name(), Some(name), "{form}");
    }
    config_error(resolve(None, Some("8f5a1b2c")), &["several model UUIDs"]);
    let dir = standard();
    std::fs::remove_file(dir.0.join(MODELS)).unwrap();
    let o = dir.open().unwrap().resolve(None, Some("default")).unwrap();
    assert_eq!(o.model_name(), Some("admin/default"));
    assert_eq!(o.model_uuid(), None);
}

#[test]
fn unlisted_full_uuids_are_used_as_given() {
    let uuid = "5d3c1f0e-9a8b-4c7d-8e6f-5a4b3c2d1e0f";
    let o = resolve(None, Some(uuid)).unwrap();
    assert_eq!(o.model_uuid(), Some(uuid));
    assert_eq!(o.model_name(), None);
    let o = resolve(None, Some(&format!("macaroon:{uuid}"))).unwrap();
    assert_eq!((o.model_uuid(), o.user()), (Some(uuid), "carol@external"));
    assert!(is_uuid(DEFAULT_UUID));
    assert!(!is_uuid("8f5a1b2c-3d4e-4f60-8a1b-2c3d4e5f6a7g"));
    assert!(!is_uuid("8f5a1b2c-3d4e"));
}

#[test]
fn no_current_model() {
    let parts = [
        "controller \"staging\" has no current model",
        "JUJU_MODEL",
        MODELS,
    ];
    config_error(resolve(Some("staging"), None), &parts);
}

#[test]
fn account_errors() {
    let parts = [
        "no account for controller \"orphan\"",
        "juju login -c orphan",
        ACCOUNTS,
    ];
    config_error(resolve(Some("orphan"), Some("x")), &parts);
    let dir = standard();
    std::fs::remove_file(dir.0.join(ACCOUNTS)).unwrap();
    let store = dir.open().unwrap();
    config_error(
        store.resolve(None, None),
        &["no account for controller \"prod\""],
    );
}

#[test]
fn accounts_without_a_password_log_in_with_the_cookie_jar() {
    let dir = standard();
    let o = dir
        .open()
        .unwrap()
        .resolve(Some("macaroon"), Some("x"))
        .unwrap();
    assert_eq!(o.user(), "carol@external");
    assert_eq!(password(&o), None);
    let Credentials::Macaroons(m) = credentials(&o) else {
        panic!("macaroons expected")
    };
    assert_eq!(m.len(), 0);

    let slice = serde_json::json!([{"identifier": "carol-root", "signature": "sig"}]);
    let value = base64::Engine::encode(
        &base64::engine::general_purpose::STANDARD,
        slice.to_string(),
    );
    let cookie = |name: &str, domain: &str, expires: &str| {
        serde_json::json!({"Name": name, "Value": value, "Domain": domain, "Path": "/",
                "Secure": false, "HttpOnly": false, "Persistent": true, "HostOnly": true,
                "Expires": expires, "Creation": "2025-01-01T00:00:00Z"})
    };
    let jar = serde_json::json!([
        cookie("macaroon-fresh", "10.0.0.9", "2999-01-01T00:00:00Z"),
        cookie("macaroon-stale", "10.0.0.9", "2001-01-01T00:00:00Z"),
        cookie("macaroon-elsewhere", "10.0.0.8", "2999-01-01T00:00:00Z"),
    ]);
    std::fs::create_dir_all(dir.0.join(COOKIES)).unwrap();
    dir.write("cookies/macaroon.json", &jar.to_string());
    let o = dir
        .open()
        .unwrap()
        .resolve(Some("macaroon"), Some("x"))
        .unwrap();
    let Credentials::Macaroons(m) = credentials(&o) else {
        panic!("macaroons expected")
    };
    let sent: serde_json::Value = serde_json::from_str(m.as_raw().unwrap().get()).unwrap();
    assert_eq!(sent, serde_json::json!([slice]));
    assert!(!format!("{o:?}").contains("carol-root"));

    dir.write("cookies/macaroon.json", "{\"not\": \"a list\"}");
    let store = dir.open().unwrap();
    config_error(
        store.resolve(Some("macaroon"), Some("x")),
        &["malformed cookie jar"],
    );
}

#[test]
fn cookie_hosts_are_uuid_public_name_and_endpoint_hosts() {
    let controller = Controller {
        uuid: Some("c0ffee".into()),
        api_endpoints: vec!["10.0.0.2:17070".into(), "[fd00::1]:17070".into()],
        public_hostname: Some("juju.example.com".into()),
        ..Controller::default()
    };
    assert_eq!(
        cookie_hosts(&controller),
        ["c0ffee", "juju.example.com", "10.0.0.2", "fd00::1"]
    );
}

#[test]
fn malformed_yaml_names_the_file() {
    let dir = standard();
    dir.write(MODELS, "controllers: [unclosed");
    config_error(dir.open(), &["malformed", MODELS]);
    dir.write(MODELS, MODELS_YAML)
        .write(CONTROLLERS, "controllers: 3\n");
    config_error(dir.open(), &["malformed", CONTROLLERS, "invalid type"]);
    // Parse errors can quote values; in accounts.yaml that could be a password.
    dir.write(CONTROLLERS, &controllers_yaml())
        .write(ACCOUNTS, "controllers:\n  prod: hunter2-secret\n");
    config_error(dir.open(), &["malformed", ACCOUNTS, "line 2"]);
}

#[test]
fn parse_error_is_read_again_once() {
    let path = Path::new(MODELS);
    let mut texts = vec![
        "controllers: {prod: {current-model: a/b}}",
        "controllers: [torn",
    ];
    let read = || Ok(texts.pop().map(|t| Zeroizing::new(t.as_bytes().to_vec())));
    let file: ModelsFile = yaml::parse_with_retry(path, false, read).unwrap().unwrap();
    let current = file
        .controllers
        .get("prod")
        .and_then(|c| c.current_model.clone());
    assert_eq!(current.as_deref(), Some("a/b"));
    let torn = || Ok(Some(Zeroizing::new(b"controllers: [torn".to_vec())));
    config_error(
        yaml::parse_with_retry::<ModelsFile, _>(path, false, torn),
        &[MODELS],
    );
}

#[test]
fn debug_never_prints_passwords() {
    let store = standard().open().unwrap();
    let text = format!("{store:?}");
    assert!(!text.contains("hunter2"), "{text}");
    assert!(
        text.contains("carol@external") && text.contains("staging"),
        "{text}"
    );
    assert_eq!(
        store.controller_names(),
        ["jaas", "k8s", "macaroon", "orphan", "prod", "staging"]
    );
}

#[test]
fn store_dir_follows_juju_osenv() {
    let os = |s: &str| Some(OsString::from(s));
    let dir = |a, b, c| store_dir(a, b, c).unwrap();
    assert_eq!(dir(os("data"), os("xdg"), os("home")), Path::new("data"));
    assert_eq!(
        dir(os(""), os("xdg"), os("home")),
        Path::new("xdg").join("juju")
    );
    let home = Path::new("home").join(".local").join("share").join("juju");
    assert_eq!(dir(None, os(""), os("home")), home);
    config_error(store_dir(None, None, os("")), &["JUJU_DATA"]);
}

#[test]
fn env_values_treat_empty_as_unset() {
    assert_eq!(env_value("JUJU_MODEL", Some("".into())).unwrap(), None);
    assert_eq!(env_value("JUJU_MODEL", None).unwrap(), None);
    let value = env_value("JUJU_MODEL", Some("c:m".into())).unwrap();
    assert_eq!(value.as_deref(), Some("c:m"));
}

#[test]
fn oidc_controllers_log_in_with_the_session_token() {
    let o = resolve(Some("jaas"), Some("alice@canonical.com/prod")).unwrap();
    assert_eq!(o.user(), "alice@canonical.com");
    assert_eq!(o.public_hostname(), Some("jimm.example.com"));
    assert_eq!(o.ca_cert, None);
    match credentials(&o) {
        Credentials::SessionToken(t) => assert_eq!(t, &SessionToken::new("c2Vzc2lvbi10b2tlbg==")),
        other => panic!("a session token expected, got {other:?}"),
    }
    assert!(!format!("{o:?}").contains("c2Vzc2lvbi10b2tlbg"));
}

#[test]
fn client_credentials_win_on_oidc_controllers_only() {
    let store = standard().open().unwrap();
    let client = || Some(("svc-id".to_owned(), ClientSecret::new("svc-secret")));
    let o = store
        .resolve_with(Some("jaas"), Some("alice@canonical.com/prod"), client())
        .unwrap();
    assert_eq!(o.user(), "svc-id@serviceaccount");
    assert!(matches!(credentials(&o), Credentials::Client { id, .. } if id == "svc-id"));
    // Like the Go client, a controller without OIDC logins ignores them.
    let o = store.resolve_with(Some("prod"), None, client()).unwrap();
    assert_eq!(password(&o), Some("hunter2-prod"));
    // A service account needs no account in accounts.yaml.
    let dir = standard();
    dir.write(ACCOUNTS, "controllers: {}\n");
    let o =
        dir.open()
            .unwrap()
            .resolve_with(Some("jaas"), Some("alice@canonical.com/prod"), client());
    assert!(o.is_ok(), "{o:?}");
}

#[test]
fn oidc_controllers_without_token_say_how_to_log_in() {
    let dir = standard();
    dir.write(
        ACCOUNTS,
        "controllers: {jaas: {user: alice@canonical.com}}\n",
    );
    let parts = [
        "logs users in through OIDC",
        "juju login -c jaas",
        "JUJU_CLIENT_ID",
    ];
    config_error(
        dir.open().unwrap().resolve(Some("jaas"), Some("x/y")),
        &parts,
    );
}

#[test]
fn kubernetes_port_forwards_are_refused_with_the_workaround() {
    let parts = [
        "controller \"k8s\" is a Kubernetes controller",
        "kubernetes-port-forward",
        "kubectl port-forward -n controller-k8s service/controller-service 17070:17070",
        "ConnectOptions::builder().endpoint(\"127.0.0.1:17070\")",
    ];
    let message = config_error(resolve(Some("k8s"), Some("admin/x")), &parts);
    assert!(!message.contains("t0ken"), "{message}");
}

#[cfg(unix)]
#[test]
fn endless_store_files_are_refused() {
    let dir = standard();
    std::fs::remove_file(dir.0.join(MODELS)).unwrap();
    std::os::unix::fs::symlink("/dev/zero", dir.0.join(MODELS)).unwrap();
    config_error(dir.open(), &["cannot read", MODELS, "larger than"]);
}

#[cfg(unix)]
#[test]
fn an_endless_cookie_jar_is_refused() {
    let dir = standard();
    std::fs::create_dir_all(dir.0.join(COOKIES)).unwrap();
    std::os::unix::fs::symlink("/dev/zero", dir.0.join("cookies/macaroon.json")).unwrap();
    let store = dir.open().unwrap();
    config_error(
        store.resolve(Some("macaroon"), Some("x")),
        &["cannot read", "macaroon.json", "larger than"],
    );
}
