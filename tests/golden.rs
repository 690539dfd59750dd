//! Golden transcripts: the exact request frame our `Client` sends for each secret operation, for
//! `Admin.Login` and for `Pinger.Ping`, kept as reviewed fixtures in `tests/golden/*.json`.
//! Any change to what goes on the wire fails here, with a line diff.
//!
//! Fixtures are pretty-printed JSON with sorted keys. Before comparing, the request id becomes
//! `"<request-id>"`, each secret URI the controller generated becomes `secret:<secret-id-N>`
//! (numbered in order of creation) and the model and controller UUIDs become `<model-uuid>` and
//! `<controller-uuid>`; the test controller's recorder has already replaced the login password
//! with `<redacted>`. Secret values are obviously fake (checked below); `tests/golden/README.md`
//! lists them decoded and compares each fixture with what the Go client sends.
//!
//! To change the wire format deliberately, rewrite the fixtures and review the diff:
//!
//! ```text
//! UPDATE_GOLDEN=1 cargo test --all-features --test golden
//! git diff tests/golden
//! ```

mod common;
#[path = "common/schema.rs"]
mod schema;

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use common::{connect, within};
use juju_secrets::testing::{RecordedCall, TestController};
use juju_secrets::{
    Client, ListOptions, NewSecret, Removal, SecretContent, SecretRef, SecretUpdate, SecretUri,
    ShowOptions,
};
use schema::{Requests, WireSchema};
use serde_json::{json, Map, Value};

const GOLDEN_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden");
const UPDATE_ENV: &str = "UPDATE_GOLDEN";

/// Words one of which every secret value in a fixture contains, so none can pass for real.
const FAKE_MARKERS: &[&str] = &["fake", "not-a-real", "example"];

fn content(pairs: &[(&str, &str)]) -> SecretContent {
    SecretContent::from_pairs(pairs.iter().copied()).unwrap()
}

/// Records the one request each operation sends, normalised.
struct Transcripts {
    controller: TestController,
    /// Generated strings and their placeholders, longest first when applied.
    placeholders: Vec<(String, String)>,
    /// Fixture name and normalised request, in the order taken.
    taken: Vec<(&'static str, Value)>,
    /// The raw frames, for the schema check.
    calls: Vec<RecordedCall>,
}

impl Transcripts {
    fn new(controller: TestController) -> Self {
        let placeholders = vec![
            (
                controller.model_uuid().to_owned(),
                "<model-uuid>".to_owned(),
            ),
            (
                controller.controller_uuid().to_owned(),
                "<controller-uuid>".to_owned(),
            ),
        ];
        Transcripts {
            controller,
            placeholders,
            taken: Vec::new(),
            calls: Vec::new(),
        }
    }

    /// Names a URI the controller generated: `secret:<secret-id-N>`.
    fn name_uri(&mut self, uri: &SecretUri) {
        let n = self
            .placeholders
            .iter()
            .filter(|(_, p)| p.starts_with("<secret-id-"))
            .count()
            + 1;
        self.placeholders
            .push((uri.id().to_owned(), format!("<secret-id-{n}>")));
    }

    /// Runs `operation`, which must send exactly one request, and keeps it as `name`.
    fn take<T>(&mut self, name: &'static str, operation: impl FnOnce(&TestController) -> T) -> T {
        self.controller.clear_calls();
        let value = operation(&self.controller);
        let mut calls = self.controller.calls();
        assert_eq!(
            calls.len(),
            1,
            "{name}: expected one request, got {calls:#?}"
        );
        let call = calls.remove(0);
        self.taken.push((name, self.normalise(&call.request)));
        self.calls.push(call);
        value
    }

    fn normalise(&self, request: &Value) -> Value {
        let mut request = request.clone();
        request["request-id"] = json!("<request-id>");
        let mut placeholders = self.placeholders.clone();
        placeholders.sort_by_key(|(real, _)| std::cmp::Reverse(real.len()));
        replace_strings(&mut request, &placeholders);
        sorted(&request)
    }
}

fn replace_strings(value: &mut Value, placeholders: &[(String, String)]) {
    match value {
        Value::String(s) => {
            for (real, placeholder) in placeholders {
                if s.contains(real.as_str()) {
                    *s = s.replace(real.as_str(), placeholder);
                }
            }
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|v| replace_strings(v, placeholders)),
        Value::Object(map) => map
            .values_mut()
            .for_each(|v| replace_strings(v, placeholders)),
        _ => {}
    }
}

/// `value` with every object's keys in sorted order, whatever serde_json's map keeps.
fn sorted(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            let mut out = Map::new();
            for key in keys {
                out.insert(key.clone(), sorted(&map[key]));
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(sorted).collect()),
        other => other.clone(),
    }
}

/// Every operation, each on a state where it succeeds.
fn record() -> Transcripts {
    let mut t = Transcripts::new(TestController::start().unwrap());
    let mut client: Client = t.take("login", connect);
    t.take("ping", |_| client.ping().unwrap());

    let login = content(&[
        ("username", "example-user"),
        ("password", "not-a-real-password"),
    ]);
    let new = NewSecret::new("example-db-password", login).description("example credentials");
    let db = t.take("add", |_| client.secrets().add(&new).unwrap());
    t.name_uri(&db);
    let batch = [
        NewSecret::new("example-api-token", content(&[("token", "fake-api-token")])),
        NewSecret::new("example-tls-key", content(&[("key", "not-a-real-key")]))
            .description("example key"),
    ];
    let added = t.take("add_many", |_| client.secrets().add_many(&batch).unwrap());
    let added: Vec<SecretUri> = added.into_iter().map(Result::unwrap).collect();
    added.iter().for_each(|uri| t.name_uri(uri));

    let all = ListOptions::new();
    t.take("list", |_| client.secrets().list(&all).unwrap());
    let by_name_filter = ListOptions::new().secret("example-db-password").reveal();
    t.take("list_revealed_filter", |_| {
        client.secrets().list(&by_name_filter).unwrap()
    });

    let by_name = SecretRef::name("example-db-password");
    let by_uri = SecretRef::from(&db);
    let rotated = SecretUpdate::new().content(content(&[
        ("username", "example-user"),
        ("password", "another-fake-password"),
    ]));
    t.take("update_content", |_| {
        client.secrets().update(&by_name, &rotated).unwrap()
    });
    let first = ShowOptions::new().reveal().at_revision(1).list_revisions();
    t.take("show_revision", |_| {
        client.secrets().show(&by_uri, &first).unwrap()
    });
    t.take("remove_revision", |_| {
        client.secrets().remove_revisions(&db, &[1]).unwrap()
    });
    let renamed = SecretUpdate::new().name("example-db-login");
    t.take("update_name", |_| {
        client.secrets().update(&by_uri, &renamed).unwrap()
    });
    let by_name = SecretRef::name("example-db-login");
    let described = SecretUpdate::new().description("example credentials, renamed");
    t.take("update_description", |_| {
        client.secrets().update(&by_name, &described).unwrap()
    });
    let pruned = SecretUpdate::new().auto_prune(true);
    t.take("update_auto_prune", |_| {
        client.secrets().update(&by_uri, &pruned).unwrap()
    });
    let everything = SecretUpdate::new()
        .content(content(&[("password", "yet-another-fake-password")]))
        .name("example-db-password")
        .description("example credentials")
        .auto_prune(false);
    t.take("update_all", |_| {
        client.secrets().update(&by_uri, &everything).unwrap()
    });

    let by_name = SecretRef::name("example-db-password");
    t.take("grant", |_| {
        client
            .secrets()
            .grant("example-db-password", &["ubuntu", "mysql"])
            .unwrap()
    });
    t.take("revoke", |_| {
        client.secrets().revoke(&by_uri, &["mysql"]).unwrap()
    });
    let items = [
        Removal::secret(SecretRef::name("example-api-token")),
        Removal::revisions(&added[1], [1]),
    ];
    let removed = t.take("remove_many", |_| {
        client.secrets().remove_many(&items).unwrap()
    });
    assert!(removed.iter().all(Result::is_ok));
    t.take("remove", |_| client.secrets().remove(&by_name).unwrap());
    t
}

fn fixture_path(name: &str) -> PathBuf {
    Path::new(GOLDEN_DIR).join(format!("{name}.json"))
}

fn pretty(value: &Value) -> String {
    let mut text = serde_json::to_string_pretty(value).expect("JSON");
    text.push('\n');
    text
}

#[test]
fn requests_match_the_golden_fixtures() {
    let transcripts = within(record);
    let update = std::env::var_os(UPDATE_ENV).is_some_and(|v| v == "1");
    let mut mismatches = Vec::new();
    for (name, request) in &transcripts.taken {
        let path = fixture_path(name);
        let actual = pretty(request);
        if update {
            std::fs::write(&path, &actual).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            continue;
        }
        match std::fs::read_to_string(&path) {
            Ok(expected) if expected == actual => {}
            Ok(expected) => mismatches.push(format!(
                "tests/golden/{name}.json differs (- fixture, + sent now):\n{}",
                line_diff(&expected, &actual)
            )),
            Err(e) => mismatches.push(format!(
                "tests/golden/{name}.json cannot be read ({e}); the client sends:\n{actual}"
            )),
        }
    }
    assert!(
        mismatches.is_empty(),
        "{}\n\nThe client's requests changed. If that is intended, rewrite the fixtures with\n  \
         {UPDATE_ENV}=1 cargo test --all-features --test golden\nthen review `git diff \
         tests/golden` and tests/golden/README.md (differences from the Go client).",
        mismatches.join("\n\n")
    );
}

#[test]
fn every_fixture_is_taken_and_every_operation_covered() {
    let transcripts = within(record);
    let taken: BTreeSet<&str> = transcripts.taken.iter().map(|(n, _)| *n).collect();
    assert_eq!(
        taken.len(),
        transcripts.taken.len(),
        "a fixture name is used twice"
    );
    let on_disk: BTreeSet<String> = std::fs::read_dir(GOLDEN_DIR)
        .expect("tests/golden exists")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter_map(|f| f.strip_suffix(".json").map(str::to_owned))
        .collect();
    let taken: BTreeSet<String> = taken.into_iter().map(str::to_owned).collect();
    // While fixtures are being rewritten (in parallel with this test), only new ones can be
    // missing; a stale one is still an error.
    let updating = std::env::var_os(UPDATE_ENV).is_some_and(|v| v == "1");
    let stale: Vec<&String> = on_disk.difference(&taken).collect();
    let missing: Vec<&String> = taken.difference(&on_disk).collect();
    assert!(
        stale.is_empty() && (updating || missing.is_empty()),
        "tests/golden: fixtures no operation produces (delete them): {stale:?}; \
         fixtures missing (run with {UPDATE_ENV}=1): {missing:?}"
    );
    let methods: BTreeSet<String> = transcripts
        .calls
        .iter()
        .map(|c| c.method().to_owned())
        .collect();
    for method in [
        "Login",
        "Ping",
        "CreateSecrets",
        "ListSecrets",
        "UpdateSecrets",
        "RemoveSecrets",
        "GrantSecret",
        "RevokeSecret",
    ] {
        assert!(methods.contains(method), "no fixture for {method}");
    }
}

#[test]
fn recorded_frames_fit_the_schema() {
    let transcripts = within(record);
    let schema = WireSchema::load(Requests::OurClient);
    let report = schema.check_all(
        transcripts
            .calls
            .iter()
            .zip(&transcripts.taken)
            .map(|(c, (name, _))| ((*name).to_owned(), &c.request, &c.response)),
    );
    report.assert_clean();
    assert_eq!(report.total_checked(), transcripts.calls.len());
}

#[test]
fn fixtures_hold_only_fake_values() {
    let transcripts = within(record);
    for (name, request) in &transcripts.taken {
        let text = request.to_string();
        assert!(
            !text.contains(transcripts.controller.password()),
            "{name}: the login password is in the fixture"
        );
        assert!(
            text.contains("<request-id>"),
            "{name}: request id not normalised"
        );
        let mut values = Vec::new();
        collect_data_values(request, &mut values);
        for encoded in values {
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(&encoded)
                .unwrap_or_else(|e| panic!("{name}: {encoded:?} is not base64: {e}"));
            let decoded = String::from_utf8_lossy(&bytes);
            assert!(
                FAKE_MARKERS.iter().any(|m| decoded.contains(m)),
                "{name}: secret value {decoded:?} does not look fake (use one of {FAKE_MARKERS:?})"
            );
        }
    }
    let login = &transcripts.taken[0].1;
    assert_eq!(login["params"]["credentials"], json!("<redacted>"));
}

/// Every value of every `content.data` map.
fn collect_data_values(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                match (key.as_str(), v) {
                    ("data", Value::Object(data)) => {
                        out.extend(data.values().filter_map(Value::as_str).map(str::to_owned));
                    }
                    _ => collect_data_values(v, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_data_values(v, out)),
        _ => {}
    }
}

/// A line diff of two short texts (longest common subsequence): `-` lines are only in
/// `expected`, `+` lines only in `actual`.
fn line_diff(expected: &str, actual: &str) -> String {
    let a: Vec<&str> = expected.lines().collect();
    let b: Vec<&str> = actual.lines().collect();
    let mut lcs = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, String::new());
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            let _ = writeln!(out, "  {}", a[i]);
            (i, j) = (i + 1, j + 1);
        } else if j < b.len() && (i == a.len() || lcs[i][j + 1] >= lcs[i + 1][j]) {
            let _ = writeln!(out, "+ {}", b[j]);
            j += 1;
        } else {
            let _ = writeln!(out, "- {}", a[i]);
            i += 1;
        }
    }
    out
}

#[test]
fn line_diff_marks_changed_lines() {
    let diff = line_diff("a\nb\nc\n", "a\nx\nc\nd\n");
    assert_eq!(diff, "  a\n+ x\n- b\n  c\n+ d\n");
}
