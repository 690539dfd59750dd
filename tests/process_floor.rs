//! `examples/process-floor.rs`, the floor `scripts/bench-compare.sh` compares a fresh process
//! with, makes its one round trip against the test controller.

mod common;

use std::process::Command;

use common::examples::examples_dir;
use common::within;
use juju_secrets::testing::{private_temp_dir, TestController};

#[test]
fn the_process_floor_makes_one_round_trip() {
    examples_dir();
    within(|| {
        let controller = TestController::start().unwrap();
        let dir = private_temp_dir("juju-secrets-floor").unwrap();
        let ca = dir.join("ca.crt");
        std::fs::write(&ca, controller.ca_cert().unwrap()).unwrap();
        let line = serde_json::json!({
            "endpoint": controller.endpoint(),
            "model_uuid": controller.model_uuid(),
            "ca_cert_path": ca,
        });
        let file = dir.join("controller.json");
        std::fs::write(&file, line.to_string()).unwrap();
        let out = Command::new(examples_dir().join("process-floor"))
            .arg(&file)
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        let bytes: usize = String::from_utf8_lossy(&out.stdout).trim().parse().unwrap();
        // The answer to a Ping sent before logging in: an error frame.
        let calls = controller.calls();
        assert_eq!(calls.len(), 1);
        assert!(
            calls[0].response["error"].is_string(),
            "{:?}",
            calls[0].response
        );
        assert_eq!(bytes, calls[0].response.to_string().len());
        std::fs::remove_dir_all(dir).unwrap();
    })
}
