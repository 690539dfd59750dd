//! The README's Rust snippets cannot drift: each must appear, line for line, in
//! `examples/readme.rs`, and that example must run to the end against the test controller.

mod common;

use std::path::Path;
use std::process::Command;

use common::examples::examples_dir;

/// The Rust code blocks of the README, each as its lines without indentation.
fn readme_snippets() -> Vec<Vec<String>> {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README.md");
    let mut snippets = Vec::new();
    let mut current: Option<Vec<String>> = None;
    for line in readme.lines() {
        match (&mut current, line.trim_end()) {
            (None, "```rust") => current = Some(Vec::new()),
            (Some(_), "```") => snippets.extend(current.take()),
            (Some(lines), text) => lines.push(text.trim().to_owned()),
            (None, _) => {}
        }
    }
    snippets
}

#[test]
fn every_readme_snippet_is_in_the_example_as_written() {
    let example =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/readme.rs"))
            .expect("examples/readme.rs");
    let lines: Vec<&str> = example.lines().map(str::trim).collect();
    let snippets = readme_snippets();
    assert!(
        snippets.len() >= 3,
        "the README has {} Rust snippets",
        snippets.len()
    );
    for snippet in snippets {
        let found = lines
            .windows(snippet.len())
            .any(|window| window.iter().zip(&snippet).all(|(a, b)| a == b));
        assert!(
            found,
            "this README snippet is not in examples/readme.rs as written:\n{}",
            snippet.join("\n")
        );
    }
}

#[test]
fn the_snippets_run() {
    let out = Command::new(examples_dir().join("readme"))
        .env_remove("JUJU_DATA")
        .env_remove("JUJU_MODEL")
        .env_remove("JUJU_CONTROLLER")
        .output()
        .expect("running examples/readme");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("README snippets ran"),
        "{out:?}"
    );
    assert!(stdout.contains("holds a password of 6 bytes"), "{stdout}");
    assert!(stdout.contains("is as wanted"), "{stdout}");
    assert!(
        stdout.contains("Grant mysql: Ok(())") && stdout.contains("Grant wordpress: Ok(())"),
        "{stdout}"
    );
}
