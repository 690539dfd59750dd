//! The `juju-secrets` example CLI, run as a process, against the test controller's other modes:
//! JAAS with nothing but `JUJU_DATA`, `JUJU_CLIENT_ID` and `JUJU_CLIENT_SECRET` in its
//! environment, and a user who may only read.

mod common;

use std::process::Command;
use std::time::Duration;

use common::examples::examples_dir;
use common::process::{run, Output};
use common::temp::TempDir;
use common::within;
use juju_secrets::testing::{Access, Profile, TestController};

/// How long one run may take before it is killed and the test fails.
const TIMEOUT: Duration = Duration::from_secs(50);

/// Runs the CLI with exactly `env` as its environment.
fn cli(args: &[&str], env: &[(&str, &str)]) -> Output {
    let path = examples_dir().join(format!("juju-secrets{}", std::env::consts::EXE_SUFFIX));
    let mut command = Command::new(path);
    command.args(args).env_clear().envs(env.iter().copied());
    run(command, TIMEOUT)
}

fn path(dir: &TempDir) -> &str {
    dir.path().to_str().expect("a UTF-8 temp dir")
}

#[test]
fn the_cli_reaches_jaas_with_client_credentials_alone() {
    // Built before the watchdog starts: the first build can take a while.
    examples_dir();
    within(|| {
        let controller = TestController::builder().jaas().start().unwrap();
        controller.insert_secret("db-creds", &[("password", b"s3cr3t".as_slice())]);
        let store = TempDir::new("cli-jaas");
        controller.write_client_store(store.path()).unwrap();
        // Only the client credentials can log in.
        controller.expire_session_token();
        let env = [
            ("JUJU_DATA", path(&store)),
            ("JUJU_CLIENT_ID", controller.client_id().unwrap()),
            ("JUJU_CLIENT_SECRET", controller.client_secret().unwrap()),
        ];
        let out = cli(&["show-secret", "db-creds", "--reveal"], &env);
        assert_eq!(out.code, Some(0), "{out:#?}");
        assert!(out.stdout.contains("password: s3cr3t"), "{out:#?}");
        let out = cli(&["add-secret", "api-token", "token=t0ken"], &env);
        assert_eq!(out.code, Some(0), "{out:#?}");
        let logins: Vec<_> = controller
            .calls()
            .into_iter()
            .filter(|c| c.facade() == "Admin")
            .map(|c| format!("{}({}).{}", c.facade(), c.version(), c.method()))
            .collect();
        assert_eq!(logins, ["Admin(4).LoginWithClientCredentials"; 2]);
    })
}

#[test]
fn a_reader_is_told_permission_denied() {
    examples_dir();
    within(|| {
        let controller = TestController::builder()
            .user_access("reader", "reader-password", Access::Read)
            .start()
            .unwrap();
        controller.insert_secret("x", &[("password", b"s3cr3t".as_slice())]);
        let store = TempDir::new("cli-reader");
        controller.write_client_store(store.path()).unwrap();
        let accounts = format!(
            "controllers:\n  {}: {{user: reader, password: reader-password}}\n",
            controller.controller_name()
        );
        std::fs::write(store.path().join("accounts.yaml"), accounts).unwrap();
        let env = [("JUJU_DATA", path(&store))];
        let out = cli(&["secrets", "--format", "json"], &env);
        assert_eq!(out.code, Some(0), "{out:#?}");
        let out = cli(&["show-secret", "x", "--reveal"], &env);
        assert_eq!(out.code, Some(1), "{out:#?}");
        assert_eq!(out.stderr, "ERROR permission denied\n", "{out:#?}");
        assert_eq!(out.stdout, "");
    })
}

#[test]
fn the_cli_answers_alike_on_juju_3_6_and_4() {
    examples_dir();
    within(|| {
        let mut answers = Vec::new();
        for profile in [Profile::Juju36, Profile::Juju4] {
            let controller = TestController::builder().profile(profile).start().unwrap();
            let store = TempDir::new("cli-profile");
            controller.write_client_store(store.path()).unwrap();
            let env = [("JUJU_DATA", path(&store))];
            let added = cli(&["add-secret", "db-creds", "password=s3cr3t"], &env);
            assert_eq!(added.code, Some(0), "{profile:?}: {added:#?}");
            let shown = cli(
                &["show-secret", "db-creds", "--reveal", "--format", "json"],
                &env,
            );
            let shown: serde_json::Value = serde_json::from_str(&shown.stdout).unwrap();
            let content = shown.as_object().unwrap().values().next().unwrap()["content"].clone();
            let by_uri = cli(&["show-secret", "secret:d0q6g3l9h5s9k8a6s0rg"], &env);
            let by_name = cli(&["remove-secret", "no-such-secret"], &env);
            let ensured = cli(&["ensure-secret", "db-creds", "password=s3cr3t"], &env);
            answers.push((
                content,
                (by_uri.code, by_uri.stderr.contains("not found")),
                (by_name.code, by_name.stderr.contains("not found")),
                ensured.stdout.ends_with(" unchanged\n"),
            ));
        }
        assert_eq!(answers[0], answers[1]);
        assert_eq!(answers[0].0, serde_json::json!({"password": "s3cr3t"}));
        assert_eq!(answers[0].1, (Some(1), true));
        assert!(answers[0].3);
    })
}
