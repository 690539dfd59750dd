//! The examples `juju-secrets`, `whoami` and `quickstart`, run as processes against a test
//! controller through a client store in a temporary `JUJU_DATA`, as a user would run them.

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

mod common;

use common::examples::examples_dir;
use common::process::{self, Output};
use common::temp::TempDir;
use juju_secrets::testing::TestController;
use serde_json::{json, Value};

/// How long one example may run before it is killed and the test fails.
const TIMEOUT: Duration = Duration::from_secs(60);

/// Runs an example with `env` (and without `JUJU_CONTROLLER`/`JUJU_MODEL`), killing it after
/// [`TIMEOUT`].
fn run_example<S: AsRef<OsStr>>(example: &str, args: &[S], env: &[(&str, &Path)]) -> Output {
    let path = examples_dir().join(format!("{example}{}", std::env::consts::EXE_SUFFIX));
    let mut command = Command::new(&path);
    command
        .args(args)
        .env_remove("JUJU_CONTROLLER")
        .env_remove("JUJU_MODEL");
    for (name, value) in env {
        command.env(name, value);
    }
    process::run(command, TIMEOUT)
}

/// A test controller and a client store pointing at it.
struct Setup {
    controller: TestController,
    data: TempDir,
}

impl Setup {
    fn new() -> Setup {
        Setup::with(TestController::start().expect("starting the test controller"))
    }

    fn with(controller: TestController) -> Setup {
        let data = TempDir::new("data");
        controller
            .write_client_store(data.path())
            .expect("writing the client store");
        Setup { controller, data }
    }

    fn run(&self, example: &str, args: &[&str]) -> Output {
        run_example(example, args, &[("JUJU_DATA", self.data.path())])
    }

    fn cli(&self, args: &[&str]) -> Output {
        self.run("juju-secrets", args)
    }

    /// Adds a secret and returns its id (the URI without `secret:`).
    fn add(&self, args: &[&str]) -> String {
        let mut all = vec!["add-secret"];
        all.extend_from_slice(args);
        let uri = self.cli(&all).ok().trim_end().to_owned();
        uri.strip_prefix("secret:")
            .expect("a secret: URI")
            .to_owned()
    }

    /// `show-secret ... --format json`, for one secret: its id and details.
    fn show(&self, args: &[&str]) -> (String, Value) {
        let mut all = vec!["show-secret"];
        all.extend_from_slice(args);
        all.extend_from_slice(&["--format", "json"]);
        let shown: BTreeMap<String, Value> =
            serde_json::from_value(self.cli(&all).json()).expect("a map keyed by id");
        assert_eq!(shown.len(), 1, "{shown:?}");
        shown.into_iter().next().expect("one secret")
    }
}

#[test]
fn add_secret_prints_the_uri_alone() {
    let setup = Setup::new();
    let out = setup.cli(&["add-secret", "db-pass", "password=s3cr3t", "--info", "db"]);
    let uri = out.ok();
    let id = uri.trim_end().strip_prefix("secret:").unwrap_or_default();
    assert!(
        !id.is_empty() && !id.contains(char::is_whitespace),
        "{out:#?}"
    );
    assert_eq!(uri, format!("secret:{id}\n"));
    assert_eq!(out.stderr, "");
}

#[test]
fn show_secret_reveals_a_flat_content_map() {
    let setup = Setup::new();
    let files = TempDir::new("files");
    let yaml = files.file("content.yaml", b"token: from-file\nport: 5432\n");
    let binary = files.file("blob", &[0xff, 0x00, 0xfe]);
    let blob = format!("blob#file={}", binary.display());
    let yaml = yaml.to_string_lossy();
    let args = [
        "db",
        "user=admin",
        "token=from-args",
        &blob,
        "--info",
        "the db",
        "--file",
        &yaml,
    ];
    let id = setup.add(&args);

    let (shown_id, secret) = setup.show(&["db", "--reveal"]);
    assert_eq!(shown_id, id);
    // The --file keys win; the non-UTF-8 value is base64 under KEY#base64.
    let content =
        json!({"blob#base64": "/wD+", "port": "5432", "token": "from-file", "user": "admin"});
    assert_eq!(secret["content"], content, "{secret}");
    assert_eq!(secret["owner"], "<model>");
    assert_eq!(secret["name"], "db");
    assert_eq!(secret["description"], "the db");
    assert_eq!(secret["revision"], 1);
    assert!(secret["checksum"].is_string(), "{secret}");
    assert!(secret.get("label").is_none(), "{secret}");

    let out = setup.cli(&["show-secret", &format!("secret:{id}"), "--reveal"]);
    assert!(out.stderr.contains("\"blob\" is not UTF-8"), "{out:#?}");
    let yaml: Value = serde_yaml_ng::from_str(out.ok()).expect("YAML");
    assert_eq!(yaml[&id]["content"], content);
    // Without --reveal there is no content.
    assert!(setup.show(&["db"]).1.get("content").is_none());
}

#[test]
fn secrets_are_keyed_by_id_in_json_and_yaml() {
    let setup = Setup::new();
    let first = setup.add(&["first", "key=one", "--info", "the first"]);
    let second = setup.add(&["second", "key=two"]);
    let json = setup.cli(&["secrets", "--format", "json"]).json();
    let yaml: Value =
        serde_yaml_ng::from_str(setup.cli(&["list-secrets", "--format", "yaml"]).ok())
            .expect("YAML");
    assert_eq!(json, yaml);
    let ids: Vec<&String> = json.as_object().expect("a map").keys().collect();
    let mut expected = vec![&first, &second];
    expected.sort();
    assert_eq!(ids, expected);
    assert_eq!(json[&first]["name"], "first");
    assert_eq!(json[&first]["description"], "the first");
    assert_eq!(json[&second]["owner"], "<model>");
    assert_eq!(json[&second]["revision"], 1);
    for field in ["created", "updated"] {
        assert!(json[&second][field].is_string(), "{json}");
    }
    // As `juju secrets`: no values, revisions or access in a listing.
    for field in ["content", "revisions", "access", "checksum"] {
        assert!(json[&first].get(field).is_none(), "{json}");
    }

    let table = setup.cli(&["secrets"]);
    let lines: Vec<&str> = table.ok().lines().collect();
    let header: Vec<&str> = lines[0]
        .split("  ")
        .filter(|c| !c.is_empty())
        .map(str::trim)
        .collect();
    assert_eq!(
        header,
        [
            "ID",
            "Name",
            "Owner",
            "Rotation",
            "Revision",
            "Last updated"
        ]
    );
    assert_eq!(lines.len(), 3, "{table:#?}");
    let row = lines
        .iter()
        .find(|l| l.starts_with(&first))
        .expect("a row for the first secret");
    let cells: Vec<&str> = row.split_whitespace().collect();
    assert_eq!(
        cells[..5],
        [first.as_str(), "first", "<model>", "never", "1"],
        "{row}"
    );
}

#[test]
fn update_secret_renames_and_makes_a_new_revision() {
    let setup = Setup::new();
    let id = setup.add(&["old-name", "token=one"]);
    let args = [
        "update-secret",
        "old-name",
        "token=two",
        "--name",
        "new-name",
        "--info",
        "rotated",
    ];
    assert_eq!(setup.cli(&args).ok(), "");
    let (shown_id, secret) = setup.show(&["new-name", "--reveal"]);
    assert_eq!(shown_id, id);
    assert_eq!(secret["revision"], 2);
    assert_eq!(secret["description"], "rotated");
    assert_eq!(secret["content"], json!({"token": "two"}));
    let err = setup.cli(&["show-secret", "old-name"]).failed().to_owned();
    assert!(err.contains("not found"), "{err}");
    // Flags alone change no content, and --auto-prune takes an optional value.
    let uri = format!("secret:{id}");
    setup.cli(&["update-secret", &uri, "--auto-prune"]).ok();
    setup
        .cli(&[
            "update-secret",
            &uri,
            "--auto-prune=false",
            "--name",
            "third",
        ])
        .ok();
    assert_eq!(setup.show(&["third"]).1["revision"], 2);
}

#[test]
fn grant_with_a_bad_application_reports_each_and_exits_1() {
    let setup = Setup::new();
    setup.add(&["shared", "token=x"]);
    let out = setup.cli(&["grant-secret", "shared", "ubuntu,nope,mysql"]);
    let err = out.exit_1();
    assert!(out.stdout.is_empty(), "{out:#?}");
    let lines: Vec<&str> = err.lines().collect();
    let errors: Vec<&&str> = lines.iter().filter(|l| l.starts_with("ERROR ")).collect();
    assert_eq!(errors.len(), 1, "{out:#?}");
    assert!(
        errors[0].contains("nope") && errors[0].contains("not found"),
        "{out:#?}"
    );
    for app in ["ubuntu", "mysql"] {
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with("granted") && l.ends_with(app)),
            "{out:#?}"
        );
    }
    // The successes stand.
    let access = &setup.show(&["shared"]).1["access"];
    let targets: Vec<&str> = access
        .as_array()
        .expect("access")
        .iter()
        .filter_map(|a| a["target"].as_str())
        .collect();
    assert_eq!(targets, ["application-ubuntu", "application-mysql"]);
    assert_eq!(access[0]["role"], "view");

    setup.cli(&["revoke-secret", "shared", "ubuntu,mysql"]).ok();
    assert!(setup.show(&["shared"]).1.get("access").is_none());
    // Every failing application gets its own line.
    let out = setup.cli(&["grant-secret", "shared", "nope,ubuntu,gone"]);
    assert_eq!(out.exit_1().matches("ERROR ").count(), 2, "{out:#?}");
    assert!(
        out.stderr.contains("granted access to shared for ubuntu"),
        "{out:#?}"
    );
}

#[test]
fn remove_secret_removes_one_revision_then_the_secret() {
    let setup = Setup::new();
    setup.add(&["doomed", "token=one"]);
    setup.cli(&["update-secret", "doomed", "token=two"]).ok();
    let revisions = |setup: &Setup| -> Vec<u64> {
        let (_, secret) = setup.show(&["doomed", "--revisions"]);
        secret["revisions"]
            .as_array()
            .expect("revisions")
            .iter()
            .filter_map(|r| r["revision"].as_u64())
            .collect()
    };
    assert_eq!(revisions(&setup), [1, 2]);
    assert_eq!(
        setup
            .cli(&["remove-secret", "doomed", "--revision", "1"])
            .ok(),
        ""
    );
    assert_eq!(revisions(&setup), [2]);
    let (_, secret) = setup.show(&["doomed", "--reveal", "--revision", "2"]);
    assert_eq!(secret["content"], json!({"token": "two"}));
    setup.cli(&["remove-secret", "doomed"]).ok();
    assert!(setup
        .cli(&["show-secret", "doomed"])
        .failed()
        .contains("not found"));
    assert_eq!(
        setup.cli(&["secrets", "--format", "json"]).json(),
        json!({})
    );
}

#[test]
fn errors_print_error_and_exit_1() {
    let setup = Setup::new();
    let files = TempDir::new("files");
    let missing = files.path().join("missing.yaml");
    let missing = missing.to_string_lossy();
    let cases: &[(&[&str], &str)] = &[
        (&["show-secret", "no-such-secret"], "not found"),
        (&["remove-secret", "no-such-secret"], "not found"),
        (&["update-secret", "no-such-secret", "token=x"], "not found"),
        (&["add-secret", "bad", "Bad_Key=value"], "not a valid key"),
        (&["add-secret", "bad", "novalue"], "not key=value"),
        (&["add-secret", "bad"], "missing secret value"),
        (&["add-secret", "bad", "--file", &missing], "missing.yaml"),
        (&["update-secret", "whatever"], "changes nothing"),
        (&["show-secret", "x", "--reveal", "--revisions"], "not both"),
        (&["show-secret", "secret:"], "not valid"),
        (&["grant-secret", "x", ",ubuntu"], "cannot be empty"),
        (&["no-such-command"], "no-such-command"),
        (&["remove-secret", "x", "--revision", "two"], "two"),
        (&["secrets", "--format", "xml"], "xml"),
    ];
    for (args, expected) in cases {
        let out = setup.cli(args);
        let err = out.failed();
        assert!(err.contains(expected), "{args:?}: {out:#?}");
        assert!(out.stdout.is_empty(), "{args:?}: {out:#?}");
    }
    // A key that is not valid is not repeated: it may be a value typed without its key.
    let out = setup.cli(&["add-secret", "bad", "user=app", "P4ss=w0rd"]);
    let err = out.failed();
    assert!(
        err.contains("argument 2") && !err.contains("P4ss") && !err.contains("w0rd"),
        "{out:#?}"
    );
    // Secret values never appear in errors.
    let out = setup.cli(&[
        "add-secret",
        "bad",
        "token=hunter2-value",
        "Bad=hunter2-value",
    ]);
    assert!(!out.failed().contains("hunter2"), "{out:#?}");
}

#[test]
fn model_flag_picks_another_model() {
    let controller = TestController::builder()
        .model("default")
        .model("other")
        .start()
        .expect("controller");
    let setup = Setup::with(controller);
    setup
        .cli(&["-m", "other", "add-secret", "elsewhere", "key=value"])
        .ok();
    setup
        .cli(&[
            "add-secret",
            "here",
            "key=value",
            "--model",
            "test-controller:admin/default",
        ])
        .ok();
    let names = |model: &str| -> Vec<String> {
        let list = setup
            .cli(&["secrets", "--format", "json", "-m", model])
            .json();
        list.as_object()
            .expect("a map")
            .values()
            .filter_map(|s| s["name"].as_str().map(String::from))
            .collect()
    };
    assert_eq!(names("other"), ["elsewhere"]);
    assert_eq!(names("default"), ["here"]);
    let err = setup.cli(&["secrets", "-m", "missing"]).failed().to_owned();
    assert!(
        err.contains("unknown model") && err.contains("admin/other"),
        "{err}"
    );
}

#[test]
fn whoami_prints_one_json_object() {
    let setup = Setup::new();
    let out = setup.run("whoami", &[]);
    let me = out.json();
    assert_eq!(out.stdout.lines().count(), 1, "{out:#?}");
    assert_eq!(me["controller"], setup.controller.controller_name());
    assert_eq!(me["model"], "admin/default");
    assert_eq!(me["model-uuid"], setup.controller.model_uuid());
    assert_eq!(me["user"], "admin");
    assert_eq!(me["server-version"], "3.6.4");
    assert_eq!(
        me["secrets-facade"],
        json!({"offered": [1, 2], "negotiated": 2})
    );
}

#[test]
fn whoami_without_a_client_store_says_so() {
    let empty = TempDir::new("empty");
    let out = run_example("whoami", &[] as &[&str], &[("JUJU_DATA", empty.path())]);
    let err = out.failed();
    assert!(
        err.contains("JUJU_DATA") && err.contains("no juju client store"),
        "{out:#?}"
    );
    assert!(out.stdout.is_empty(), "{out:#?}");
}

#[test]
fn quickstart_without_a_client_store_uses_the_test_controller() {
    let (data, home, xdg) = (
        TempDir::new("data"),
        TempDir::new("home"),
        TempDir::new("xdg"),
    );
    let env = [
        ("JUJU_DATA", data.path()),
        ("HOME", home.path()),
        ("XDG_DATA_HOME", xdg.path()),
    ];
    let out = run_example("quickstart", &[] as &[&str], &env);
    let text = out.ok();
    assert!(text.contains("built-in test controller"), "{out:#?}");
    for step in 1..=7 {
        assert!(text.contains(&format!("[{step}/7]")), "{out:#?}");
    }
    assert!(text.contains("Done"), "{out:#?}");
    // A grant that fails removes the secret and fails the run.
    let out = run_example("quickstart", &["--app", "not-deployed"], &env);
    assert!(out.failed().contains("--app"), "{out:#?}");
    assert!(out.stdout.contains("is removed"), "{out:#?}");
}

/// A client store whose controller cannot be reached: its one endpoint drops every packet.
fn unreachable_store() -> TempDir {
    let setup = Setup::new();
    let data = TempDir::new("unreachable");
    for file in ["controllers.yaml", "accounts.yaml", "models.yaml"] {
        let text = std::fs::read_to_string(setup.data.path().join(file)).expect("the store");
        // TEST-NET-1 (RFC 5737): never routed, so a connection would wait out its timeout.
        let text = text.replace(&setup.controller.endpoint(), "192.0.2.1:17070");
        data.file(file, text.as_bytes());
    }
    data
}

#[test]
fn what_needs_no_controller_is_checked_before_connecting() {
    let data = unreachable_store();
    let cases: &[(&[&str], &str)] = &[
        (&["remove-secret", "x", "--revision", "0"], "revision 0"),
        (&["show-secret", "x", "--revision", "0"], "revision 0"),
        (&["update-secret", "x"], "changes nothing"),
        (
            &["update-secret", "x", "--name", ""],
            "new name cannot be empty",
        ),
        (&["add-secret", "", "token=x"], "needs a name"),
        (&["ensure-secret", "", "token=x"], "needs a name"),
        (
            &["add-secret", "secret:abc", "token=x"],
            "reads as a secret URI",
        ),
        (&["grant-secret", "x", "a,,b"], "cannot be empty"),
        (&["revoke-secret", "x", "a,"], "cannot be empty"),
        (&["ensure-access", "x", "a,,b"], "cannot be empty"),
        (&["show-secret", ""], "must not be empty"),
    ];
    for (args, expected) in cases {
        let started = Instant::now();
        let out = run_example("juju-secrets", args, &[("JUJU_DATA", data.path())]);
        let err = out.failed();
        assert!(err.contains(expected), "{args:?}: {out:#?}");
        // Well under the 30 s connect timeout: nothing waited for the network.
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{args:?} took {:?}",
            started.elapsed()
        );
    }
}

#[test]
fn ensure_secret_creates_updates_or_leaves_alone() {
    let setup = Setup::new();
    let first = setup.cli(&[
        "ensure-secret",
        "api",
        "token=one",
        "--info",
        "the api token",
    ]);
    let (uri, what) = first
        .ok()
        .trim_end()
        .split_once(' ')
        .expect("URI and outcome");
    assert!(
        uri.starts_with("secret:") && what == "created",
        "{first:#?}"
    );
    let again = setup.cli(&["ensure-secret", "api", "token=one"]);
    assert_eq!(again.ok().trim_end(), format!("{uri} unchanged"));
    let rotated = setup.cli(&["ensure-secret", "api", "token=two"]);
    assert_eq!(rotated.ok().trim_end(), format!("{uri} updated"));
    let (_, secret) = setup.show(&["api", "--reveal"]);
    assert_eq!(secret["revision"], 2);
    assert_eq!(secret["description"], "the api token");
    assert_eq!(secret["content"], json!({"token": "two"}));
    let writes: Vec<String> = setup
        .controller
        .calls()
        .iter()
        .filter(|c| matches!(c.method(), "CreateSecrets" | "UpdateSecrets"))
        .map(|c| c.method().to_owned())
        .collect();
    assert_eq!(
        writes,
        ["CreateSecrets", "UpdateSecrets"],
        "unchanged wrote nothing"
    );
}

#[test]
fn ensure_access_grants_and_revokes_to_match() {
    let setup = Setup::new();
    setup.add(&["shared", "token=x"]);
    setup.cli(&["grant-secret", "shared", "ubuntu,mysql"]).ok();
    let out = setup.cli(&["ensure-access", "shared", "mysql,wordpress"]);
    assert_eq!(out.ok(), "granted wordpress\nrevoked ubuntu\n");
    assert_eq!(
        setup
            .cli(&["ensure-access", "shared", "mysql,wordpress"])
            .ok(),
        ""
    );
    let access = &setup.show(&["shared"]).1["access"];
    let targets: Vec<&str> = access
        .as_array()
        .expect("access")
        .iter()
        .filter_map(|a| a["target"].as_str())
        .collect();
    assert_eq!(targets, ["application-mysql", "application-wordpress"]);
    // No application named: every grant is revoked.
    let out = setup.cli(&["ensure-access", "shared"]);
    assert_eq!(out.ok(), "revoked mysql\nrevoked wordpress\n");
    // A refused application is an ERROR line and exit 1.
    let out = setup.cli(&["ensure-access", "shared", "nope"]);
    assert!(
        out.failed().contains("nope") && out.stderr.contains("not found"),
        "{out:#?}"
    );
}
