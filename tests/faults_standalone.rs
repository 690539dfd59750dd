//! The standalone test controller (`examples/test-controller.rs`) injects a fault chosen with
//! `--fault SPEC`, and refuses a spec it does not know.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use common::examples::examples_dir;
use common::faults::PATIENT;
use common::within;
use juju_secrets::{Client, ConnectOptions, Error};
use serde_json::Value;

fn controller_command() -> Command {
    let name = format!("test-controller{}", std::env::consts::EXE_SUFFIX);
    Command::new(examples_dir().join(name))
}

/// Kills the controller process when the test ends, however it ends.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn the_standalone_controller_injects_the_fault_asked_for() {
    within(|| {
        let child = controller_command()
            .args(["--plain", "--fault", "close-frame=2"])
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut running = Running(child);
        let stdout = running.0.stdout.take().unwrap();
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).unwrap();
        let info: Value = serde_json::from_str(&line).unwrap();
        let field = |name: &str| info[name].as_str().unwrap().to_owned();
        let settings = ConnectOptions::builder()
            .endpoint(field("endpoint"))
            .model_uuid(field("model_uuid"))
            .user(field("user"))
            .password(field("password"))
            .insecure_plain_websocket(true)
            .call_timeout(PATIENT)
            .build()
            .unwrap();
        let mut client = Client::connect(&settings).unwrap();
        match client.ping().unwrap_err() {
            Error::ConnectionClosed(message) => {
                assert!(message.contains("close frame on request 2"), "{message}")
            }
            other => panic!("expected connection closed, got {other:?}"),
        }
    })
}

#[test]
fn an_unknown_fault_is_refused_listing_the_known_ones() {
    within(|| {
        let out = controller_command()
            .args(["--plain", "--fault", "gremlins=2"])
            .output()
            .unwrap();
        assert!(!out.status.success());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("gremlins"), "{stderr}");
        assert!(stderr.contains("close-after=N"), "{stderr}");
    })
}
