//! The examples, built once per test binary with the cargo that runs the tests, and found.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The directory of the built examples: `target/<profile>/examples`, beside this test's own
/// `target/<profile>/deps`. `cargo test --test cli` does not build examples, so they are built
/// here once (a no-op when they are fresh) with the cargo that runs the tests.
pub fn examples_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let exe = std::env::current_exe().expect("the test binary's path");
        let profile_dir = exe
            .parent()
            .and_then(Path::parent)
            .expect("tests run from target/<profile>/deps");
        if let Some(cargo) = std::env::var_os("CARGO") {
            build_examples(&cargo, profile_dir);
        }
        profile_dir.join("examples")
    })
}

fn build_examples(cargo: &OsStr, profile_dir: &Path) {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml");
    let mut build = Command::new(cargo);
    build.args(["build", "--examples", "--all-features", "--manifest-path"]);
    build.arg(manifest);
    // Build where this test binary lives, whatever --target-dir or --target the tests got.
    if let Some(target_dir) = profile_dir.parent() {
        build.arg("--target-dir").arg(target_dir);
    }
    match profile_dir.file_name().and_then(OsStr::to_str) {
        Some("debug") | None => {}
        Some("release") => {
            build.arg("--release");
        }
        Some(profile) => {
            build.args(["--profile", profile]);
        }
    }
    let out = build.output().expect("running cargo build --examples");
    assert!(
        out.status.success(),
        "cargo build --examples failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
