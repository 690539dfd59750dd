//! Bad input from the caller is refused before any I/O, with an error that names the problem:
//! the cases the per-operation files do not already cover (malformed URIs, bad secret files,
//! unreadable `#file`s, empty names, revision 0, empty changes, lists and contents, in every
//! operation).

mod common;

use std::path::PathBuf;

use common::secrets::{invalid, name, no_io};
use common::{connect, within};
use juju_secrets::testing::TestController;
use juju_secrets::{
    Error, ListOptions, NewSecret, Removal, SecretContent, SecretRef, SecretUpdate, SecretUri,
    SecretsApi, ShowOptions,
};

/// A scratch directory for this test binary, removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(tag: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!(
            "juju-secrets-bad-input-{tag}-{}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    fn file(&self, name: &str, body: &str) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, body).unwrap();
        path
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn malformed_uris_are_refused_naming_input_and_problem() {
    let uuid = "8f5a1b2c-3d4e-4f60-8a1b-2c3d4e5f6a7b";
    for (text, problem) in [
        ("secret:".to_owned(), "empty"),
        ("secret:a b".to_owned(), "whitespace"),
        ("secret:a/b".to_owned(), "not a lowercase model UUID"),
        (format!("secret://{uuid}"), "no id"),
        (format!("secret://{uuid}/"), "empty"),
        (format!("secret://{uuid}/a/b"), "'/'"),
        (
            format!("secret://{}/abc", uuid.to_uppercase()),
            "model UUID",
        ),
        ("https://example.com/abc".to_owned(), "scheme"),
        ("secret:ab\u{0}c".to_owned(), "control"),
    ] {
        let mut errors = vec![SecretUri::parse(&text).unwrap_err()];
        // As a reference, only text with the `secret:` scheme is a URI (else it is a name).
        if text.starts_with("secret:") {
            errors.push(SecretRef::parse(&text).unwrap_err());
        }
        for err in errors {
            let message = invalid(err);
            assert!(message.contains(problem), "{text:?}: {message}");
            assert!(
                message.contains(&format!("{text:?}")),
                "{text:?}: {message}"
            );
        }
    }
    for blank in ["", " ", "\t"] {
        assert!(invalid(SecretRef::parse(blank).unwrap_err()).contains("empty"));
    }
}

#[test]
fn secret_files_must_be_flat_mappings() {
    let scratch = Scratch::new("files");
    for (file, body, problem) in [
        ("list.json", r#"["a", "b"]"#, "not a mapping"),
        ("nested.json", r#"{"abc": {"def": "x"}}"#, "\"abc\""),
        ("array-value.json", r#"{"abc": [1, 2]}"#, "\"abc\""),
        ("null-value.json", r#"{"abc": null}"#, "\"abc\""),
        ("string.json", r#""just text""#, "not a mapping"),
        ("list.yaml", "- a\n- b\n", "not a mapping"),
        ("nested.yaml", "abc:\n  def: x\n", "\"abc\""),
        ("scalar.yaml", "plain words\n", "not a mapping"),
        ("broken.yaml", "abc: [\n", "neither JSON nor YAML"),
        ("empty.yaml", "", "not a mapping"),
    ] {
        let path = scratch.file(file, body);
        let message = invalid(SecretContent::from_file(&path).unwrap_err());
        assert!(message.contains(problem), "{file}: {message}");
        assert!(message.contains(file), "{file}: {message}");
    }
}

#[test]
fn unreadable_files_are_refused_naming_key_and_path() {
    let scratch = Scratch::new("unreadable");
    // A directory opens but cannot be read, even as root.
    let dir = scratch.0.join("a-directory");
    std::fs::create_dir_all(&dir).unwrap();
    let arg = format!("cert#file={}", dir.display());
    let message = invalid(SecretContent::from_args(&[arg]).unwrap_err());
    assert!(
        message.contains("\"cert\"") && message.contains("a-directory"),
        "{message}"
    );
    let message = invalid(SecretContent::from_file(&dir).unwrap_err());
    assert!(message.contains("a-directory"), "{message}");
    // A file without read permission (root reads it anyway: then there is nothing to check).
    let locked = scratch.file("locked", "secret");
    set_mode(&locked, 0o000);
    if std::fs::read(&locked).is_err() {
        let arg = format!("token#file={}", locked.display());
        let message = invalid(SecretContent::from_args(&[arg]).unwrap_err());
        assert!(
            message.contains("\"token\"") && message.contains("locked"),
            "{message}"
        );
    }
    set_mode(&locked, 0o600);
}

#[cfg(unix)]
fn set_mode(path: &std::path::Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[cfg(not(unix))]
fn set_mode(_: &std::path::Path, _: u32) {}

/// A controller with the secret `db` (revision 1), and a client of it.
fn with_db() -> (TestController, juju_secrets::Client) {
    let controller = TestController::start().unwrap();
    let mut client = connect(&controller);
    let value = SecretContent::from_pairs([("token", "t0k3n")]).unwrap();
    client.secrets().add(&NewSecret::new("db", value)).unwrap();
    (controller, client)
}

/// Every operation that takes a secret as text, given `secret`, with arguments otherwise fine.
/// (`add` and `ensure` take a name, never read as a URI; the batches take `SecretRef`s.)
fn each_operation_on(secrets: &mut SecretsApi<'_>, secret: &str) -> Vec<(&'static str, Error)> {
    let change = SecretUpdate::new().description("x");
    let results: Vec<(&'static str, juju_secrets::Result<()>)> = vec![
        ("show", secrets.show(secret, &ShowOptions::new()).map(drop)),
        ("get", secrets.get(secret).map(drop)),
        ("get_value", secrets.get_value(secret, "token").map(drop)),
        (
            "list",
            secrets.list(&ListOptions::new().secret(secret)).map(drop),
        ),
        ("update", secrets.update(secret, &change)),
        (
            "update (String)",
            secrets.update(secret.to_owned(), &change),
        ),
        ("remove", secrets.remove(secret)),
        ("remove_revisions", secrets.remove_revisions(secret, &[1])),
        ("grant", secrets.grant(secret, &["mysql"]).map(drop)),
        ("revoke", secrets.revoke(secret, &["mysql"]).map(drop)),
        (
            "ensure_access",
            secrets.ensure_access(secret, &["mysql"]).map(drop),
        ),
    ];
    results
        .into_iter()
        .map(|(what, result)| (what, result.expect_err(what)))
        .collect()
}

#[test]
fn text_that_names_no_secret_is_refused_by_every_operation() {
    within(|| {
        let (controller, mut client) = with_db();
        let mut secrets = client.secrets();
        for bad in [
            "secret:",
            "secret:a b",
            "secret://not-a-uuid/abc",
            "SECRET:a/b",
        ] {
            let errors = no_io(&controller, || each_operation_on(&mut secrets, bad));
            assert_eq!(errors.len(), 11);
            for (what, err) in errors {
                let message = invalid(err);
                assert!(message.contains(&format!("{bad:?}")), "{what}: {message}");
            }
        }
        for blank in ["", " "] {
            let errors = no_io(&controller, || each_operation_on(&mut secrets, blank));
            assert_eq!(errors.len(), 11);
            for (what, err) in errors {
                let message = invalid(err);
                assert!(
                    message.contains("empty") || message.contains("name"),
                    "{what}: {message}"
                );
            }
        }
    })
}

#[test]
fn empty_names_are_refused_by_every_operation() {
    within(|| {
        let (controller, mut client) = with_db();
        let mut secrets = client.secrets();
        for blank in ["", " "] {
            let unnamed = name(blank);
            let all = ShowOptions::new();
            invalid(no_io(&controller, || secrets.show(&unnamed, &all)).unwrap_err());
            invalid(no_io(&controller, || secrets.get(&unnamed)).unwrap_err());
            invalid(no_io(&controller, || secrets.get_value(&unnamed, "token")).unwrap_err());
            let change = [(unnamed.clone(), SecretUpdate::new().description("x"))];
            invalid(no_io(&controller, || secrets.update_many(&change)).unwrap_err());
            let removal = [Removal::revisions(unnamed.clone(), [1])];
            invalid(no_io(&controller, || secrets.remove_many(&removal)).unwrap_err());
            let listed = ListOptions::new().secret(unnamed.clone());
            invalid(no_io(&controller, || secrets.list(&listed)).unwrap_err());
            let apps = ["mysql"];
            let err = no_io(&controller, || secrets.ensure_access(&unnamed, &apps));
            invalid(err.unwrap_err());
            let rename = SecretUpdate::new().name(blank);
            let err = no_io(&controller, || secrets.update("db", &rename)).unwrap_err();
            assert!(invalid(err).contains("new name"));
            let value = SecretContent::from_pairs([("token", "x")]).unwrap();
            let new = |name: &str| NewSecret::new(name, value.clone());
            let batch = [new("fine"), new(blank)];
            let err = no_io(&controller, || secrets.add_many(&batch)).unwrap_err();
            assert!(invalid(err).contains("name"));
            let err = no_io(&controller, || secrets.add(&new(blank))).unwrap_err();
            assert!(invalid(err).contains("name"));
            let err = no_io(&controller, || secrets.ensure(&new(blank))).unwrap_err();
            assert!(invalid(err).contains("name"));
        }
    })
}

#[test]
fn revision_zero_is_refused_by_every_operation() {
    within(|| {
        let (controller, mut client) = with_db();
        let mut secrets = client.secrets();
        let db = name("db");
        let zero = ShowOptions::new().at_revision(0);
        let checks = [
            no_io(&controller, || secrets.show(&db, &zero)).map(drop),
            no_io(&controller, || secrets.show("db", &zero.reveal())).map(drop),
            no_io(&controller, || {
                secrets.list(&ListOptions::new().secret(&db).at_revision(0).reveal())
            })
            .map(drop),
            no_io(&controller, || secrets.remove_revisions(&db, &[0])),
            no_io(&controller, || secrets.remove_revisions("db", &[1, 0])),
            no_io(&controller, || {
                secrets.remove_many(&[Removal::revisions(db.clone(), [0])])
            })
            .map(drop),
        ];
        for result in checks {
            assert!(invalid(result.unwrap_err()).contains("revision 0"));
        }
    })
}

#[test]
fn empty_changes_lists_and_contents_are_refused() {
    within(|| {
        let (controller, mut client) = with_db();
        let mut secrets = client.secrets();
        let db = name("db");
        let rename = SecretUpdate::new().description("x");
        let batch = [(db.clone(), rename), (db.clone(), SecretUpdate::new())];
        let err = no_io(&controller, || secrets.update_many(&batch)).unwrap_err();
        assert!(invalid(err).contains("changes nothing"));
        let err = no_io(&controller, || secrets.remove_revisions(&db, &[])).unwrap_err();
        assert!(invalid(err).contains("at least one revision"));
        // It used to mean "the whole secret" in a batch; now it is refused there too.
        let none = [Removal::revisions(db.clone(), [])];
        let err = no_io(&controller, || secrets.remove_many(&none)).unwrap_err();
        assert!(invalid(err).contains("at least one revision"));
        for apps in [&[][..], &[""][..], &["mysql", " "][..]] {
            invalid(no_io(&controller, || secrets.grant(&db, apps)).unwrap_err());
            invalid(no_io(&controller, || secrets.revoke(&db, apps)).unwrap_err());
        }
        // `ensure_access` takes an empty list (revoke everyone), but no empty name in it.
        for apps in [&[""][..], &["mysql", " "][..]] {
            let err = no_io(&controller, || secrets.ensure_access(&db, apps)).unwrap_err();
            assert!(invalid(err).contains("application"));
        }
        let empty = NewSecret::new("other", SecretContent::new());
        let err = no_io(&controller, || secrets.add(&empty)).unwrap_err();
        assert!(invalid(err).contains("empty"));
        let err = no_io(&controller, || secrets.ensure(&empty)).unwrap_err();
        assert!(invalid(err).contains("empty"));
        let same_name = NewSecret::new("db", SecretContent::new());
        let err = no_io(&controller, || secrets.ensure(&same_name)).unwrap_err();
        assert!(invalid(err).contains("empty"));
        let change = SecretUpdate::new().content(SecretContent::new());
        let err = no_io(&controller, || secrets.update(&db, &change)).unwrap_err();
        assert!(invalid(err).contains("empty"));
        // Nothing was changed by any of it.
        assert_eq!(
            secrets.get_value("db", "token").unwrap().as_str(),
            Some("t0k3n")
        );
    })
}
