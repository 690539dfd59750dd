//! Controllers behind a public DNS name: their certificate is signed by a public CA, not the
//! controller CA. As the Go dialer does, the client verifies against the controller CA as
//! `juju-apiserver` first and, on a certificate failure, against the system's roots as the
//! public host name. The system's roots are OpenSSL's: a child process whose `SSL_CERT_FILE`
//! names the test controller's "public" CA plays a machine that trusts it.

mod common;

use std::path::Path;
use std::process::Command;

use common::examples::examples_dir;
use common::{within, SHORT};
use juju_secrets::testing::{private_temp_dir, TestController};
use juju_secrets::{Client, ConnectOptions, Error};

const HOST: &str = "juju.example.test";

/// Settings a child process gets from its parent, in an environment variable.
const CHILD_ENV: &str = "JUJU_SECRETS_PUBLIC_DNS_CHILD";

fn public() -> TestController {
    TestController::builder()
        .public_certificate(HOST)
        .start()
        .unwrap()
}

fn options(controller: &TestController) -> ConnectOptions {
    controller
        .connect_options_builder()
        .public_hostname(HOST)
        .connect_timeout(SHORT)
        .call_timeout(SHORT)
        .build()
        .unwrap()
}

#[test]
fn without_the_public_ca_among_the_roots_the_controller_ca_failure_is_reported() {
    within(|| {
        let controller = public();
        let err = Client::connect(&options(&controller)).unwrap_err();
        let Error::Tls { message, .. } = &err else {
            panic!("a TLS error expected, got {err:?}");
        };
        // The first failure, the controller CA's, is the one reported.
        assert!(message.contains("certificate verify failed"), "{message}");
        assert!(message.contains("public-hostname"), "{message}");
    })
}

#[test]
fn without_a_public_hostname_there_is_no_second_try() {
    within(|| {
        let controller = public();
        let options = controller
            .connect_options_builder()
            .connect_timeout(SHORT)
            .build()
            .unwrap();
        assert!(matches!(Client::connect(&options), Err(Error::Tls { .. })));
    })
}

/// Writes the public CA where a child's `SSL_CERT_FILE` can name it.
fn public_ca_file(controller: &TestController, dir: &Path) -> std::path::PathBuf {
    let file = dir.join("public-ca.pem");
    std::fs::write(&file, controller.public_ca_cert().unwrap()).unwrap();
    file
}

#[test]
fn a_machine_that_trusts_the_public_ca_connects() {
    within(|| {
        let controller = public();
        let dir = private_temp_dir("juju-secrets-public-dns").unwrap();
        let ca_file = public_ca_file(&controller, &dir);
        let settings = serde_json::json!({
            "endpoint": controller.endpoint(),
            "model": controller.model_uuid(),
            "password": controller.password(),
            "ca": controller.ca_cert(),
        });
        let out = Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "child_connects_through_the_public_name",
                "--ignored",
            ])
            .env("SSL_CERT_FILE", &ca_file)
            .env(CHILD_ENV, settings.to_string())
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(stdout.contains("1 passed"), "{stdout}");
        std::fs::remove_dir_all(dir).unwrap();
    })
}

/// Run by `a_machine_that_trusts_the_public_ca_connects` in a child process.
#[test]
#[ignore = "run in a child process whose SSL_CERT_FILE names the public CA"]
fn child_connects_through_the_public_name() {
    let settings: serde_json::Value =
        serde_json::from_str(&std::env::var(CHILD_ENV).expect("run by its parent")).unwrap();
    let field = |name: &str| settings[name].as_str().unwrap().to_owned();
    let options = ConnectOptions::builder()
        .endpoint(field("endpoint"))
        .model_uuid(field("model"))
        .password(field("password"))
        .ca_cert(field("ca"))
        .public_hostname(HOST)
        .connect_timeout(SHORT)
        .build()
        .unwrap();
    let mut client = Client::connect(&options).unwrap();
    client.ping().unwrap();
    assert_eq!(client.login_info().public_dns_name.as_deref(), Some(HOST));
}

#[test]
fn the_cli_reaches_it_through_the_client_store() {
    within(|| {
        let controller = public();
        controller.insert_secret("api-token", &[("token", b"t0ken".as_slice())]);
        let dir = private_temp_dir("juju-secrets-public-dns-cli").unwrap();
        let data = dir.join("juju");
        controller.write_client_store(&data).unwrap();
        let store = std::fs::read_to_string(data.join("controllers.yaml")).unwrap();
        assert!(
            store.contains(&format!("public-hostname: {HOST}")),
            "{store}"
        );
        let ca_file = public_ca_file(&controller, &dir);
        let cli = examples_dir().join("juju-secrets");
        let show = |ssl_cert_file: Option<&Path>| {
            let mut command = Command::new(&cli);
            command
                .args(["show-secret", "api-token", "--reveal", "--format", "json"])
                .env("JUJU_DATA", &data)
                .env_remove("JUJU_CONTROLLER")
                .env_remove("JUJU_MODEL");
            if let Some(file) = ssl_cert_file {
                command.env("SSL_CERT_FILE", file);
            }
            command.output().unwrap()
        };
        let trusted = show(Some(&ca_file));
        let stdout = String::from_utf8_lossy(&trusted.stdout);
        assert!(trusted.status.success(), "{trusted:?}");
        assert!(stdout.contains("\"token\":\"t0ken\""), "{stdout}");
        let untrusted = show(Some(&dir.join("no-such-bundle.pem")));
        let stderr = String::from_utf8_lossy(&untrusted.stderr);
        assert_eq!(untrusted.status.code(), Some(1), "{untrusted:?}");
        assert!(stderr.starts_with("ERROR tls error"), "{stderr}");
        std::fs::remove_dir_all(dir).unwrap();
    })
}
