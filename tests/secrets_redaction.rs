//! Secret values and the password never show: not in any log line of this crate (captured at
//! trace level), not in any debug-or-above line of any crate, not in the Debug output of anything
//! returned, not in any error's Display or Debug.
//!
//! One exception this crate cannot control: at trace level `tungstenite` dumps every websocket
//! frame, payload included (login password, base64 values). Applications that log at trace level
//! must filter out the `tungstenite` target.
//!
//! Alone in its file: the logger it installs is process-wide.

mod common;

use std::fmt::Debug;
use std::sync::Mutex;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use common::secrets::{content, name};
use common::{options, within};
use juju_secrets::testing::{Fault, TestController};
use juju_secrets::{
    Client, Error, ListOptions, NewSecret, SecretContent, SecretUpdate, ShowOptions,
};
use log::{Level, LevelFilter, Log, Metadata, Record};

const PASSWORD: &str = "pw-Pangolin-3318-distinctive";
const FIRST: &str = "val-Okapi-9042-first";
const SECOND: &str = "val-Okapi-9042-second";
const USER: &str = "val-Okapi-9042-user";

/// A captured log line.
#[derive(Clone, Debug)]
struct Line {
    level: Level,
    target: String,
    text: String,
}

/// Every log line, whatever its level or target.
struct Capture(Mutex<Vec<Line>>);

static CAPTURE: Capture = Capture(Mutex::new(Vec::new()));

impl Log for Capture {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }

    fn log(&self, record: &Record<'_>) {
        let line = Line {
            level: record.level(),
            target: record.target().to_owned(),
            text: record.args().to_string(),
        };
        self.0.lock().unwrap_or_else(|e| e.into_inner()).push(line);
    }

    fn flush(&self) {}
}

/// The captured lines that `keep` selects, one per line of text.
fn captured(keep: impl Fn(&Line) -> bool) -> String {
    let lines = CAPTURE.0.lock().unwrap_or_else(|e| e.into_inner()).clone();
    lines
        .iter()
        .filter(|l| keep(l))
        .map(|l| format!("{} {}: {}\n", l.level, l.target, l.text))
        .collect()
}

/// What must never show: each value, its base64 text (as sent), and the password.
fn hidden() -> Vec<String> {
    let mut hidden = vec![PASSWORD.to_owned()];
    for value in [FIRST, SECOND, USER] {
        hidden.push(value.to_owned());
        hidden.push(STANDARD.encode(value));
    }
    hidden
}

fn assert_clean(what: &str, text: &str) {
    for secret in hidden() {
        assert!(!text.contains(&secret), "{what} shows {secret:?}: {text}");
    }
}

/// Records the Debug text of everything returned.
struct Seen(Vec<(String, String)>);

impl Seen {
    fn ok<T: Debug>(&mut self, what: &str, value: T) -> T {
        self.0
            .push((what.to_owned(), format!("{value:?} {value:#?}")));
        value
    }

    fn err(&mut self, what: &str, err: Error) -> Error {
        self.0
            .push((what.to_owned(), format!("{err} | {err:?} | {err:#?}")));
        err
    }
}

#[test]
fn the_whole_guide_shows_no_value_and_no_password() {
    log::set_logger(&CAPTURE).expect("the only logger of this test binary");
    log::set_max_level(LevelFilter::Trace);
    within(|| {
        let controller = TestController::builder()
            .password(PASSWORD)
            .start()
            .unwrap();
        let settings = options(&controller).build().unwrap();
        let mut seen = Seen(Vec::new());
        seen.ok("options", &settings);
        let mut client = Client::connect(&settings).unwrap();
        seen.ok("client", &client);
        let mut secrets = client.secrets();
        let db = name("db");

        let first = content(&[("password", FIRST), ("user", USER)]);
        seen.ok("content", &first);
        let new = seen.ok(
            "new secret",
            NewSecret::new("db", first.clone()).description("the db"),
        );
        let uri = seen.ok("add", secrets.add(&new).unwrap());
        let listed = seen.ok("list", secrets.list(&ListOptions::new().reveal()).unwrap());
        assert_eq!(
            listed[0].content,
            Some(Ok(first.clone())),
            "revealed for real"
        );
        let reveal = ShowOptions::new().reveal().list_revisions();
        seen.ok("show", secrets.show(&db, &reveal).unwrap());
        seen.ok("get", secrets.get(&db).unwrap());
        let value = seen.ok("get_value", secrets.get_value(&db, "password").unwrap());
        assert_eq!(value.as_str(), Some(FIRST));
        seen.ok("value display", format!("{value}"));

        let second = content(&[("password", SECOND), ("user", USER)]);
        let update = seen.ok("update arg", SecretUpdate::new().content(second));
        secrets.update(&uri, &update).unwrap();
        let old = reveal.at_revision(1);
        let shown = seen.ok("show old", secrets.show(&db, &old).unwrap());
        assert_eq!(shown.content, Some(Ok(first.clone())));
        let old_list = ListOptions::new().secret(&uri).at_revision(1).reveal();
        seen.ok("list options", &old_list);
        seen.ok("list old", secrets.list(&old_list).unwrap());
        seen.ok("grant", secrets.grant(&db, &["mysql", "nope"]).unwrap());
        seen.ok("revoke", secrets.revoke(&db, &["mysql"]).unwrap());
        // The declarative forms: their arguments, results and the writes they make.
        let third = content(&[("password", FIRST), ("user", USER)]);
        let wanted = seen.ok("ensure arg", NewSecret::new("db", third));
        seen.ok("ensure", secrets.ensure(&wanted).unwrap());
        seen.ok("ensure again", secrets.ensure(&wanted).unwrap());
        let access = secrets.ensure_access(&db, &["wordpress", "nope"]).unwrap();
        seen.ok("ensure_access", access);

        // Errors along the way, some of them provoked with the values themselves.
        seen.err("no such key", secrets.get_value(&db, "token").unwrap_err());
        let bad_key = SecretContent::from_pairs([("Bad_Key", FIRST)]).unwrap_err();
        seen.err("bad key", bad_key);
        let bad_arg = SecretContent::from_args(&[SECOND]).unwrap_err();
        seen.err("bad arg", bad_arg);
        let bad_b64 = SecretContent::from_args(&[format!("token#base64={FIRST}")]).unwrap_err();
        seen.err("bad base64", bad_b64);
        let taken = secrets.add(&NewSecret::new("db", content(&[("password", FIRST)])));
        seen.err("taken", taken.unwrap_err());
        let added = secrets.add_many(&[NewSecret::new("db", content(&[("password", SECOND)]))]);
        seen.ok("add_many taken", added.unwrap());
        let unchanged = secrets.update(&db, &SecretUpdate::new()).unwrap_err();
        seen.err("empty update", unchanged);

        secrets.remove(&db).unwrap();
        seen.err("gone", secrets.show(&db, &reveal).unwrap_err());
        client.close().unwrap();

        // Faults on the way: a write whose answer is lost, a reveal answered with a bad shape.
        controller.set_fault(Some(Fault::CloseFrame(2))).unwrap();
        let mut cut = Client::connect(&settings).unwrap();
        let lost = cut
            .secrets()
            .add(&NewSecret::new("db", content(&[("password", FIRST)])));
        seen.err("outcome unknown", lost.unwrap_err());
        seen.ok("broken client", &cut);
        controller.set_fault(Some(Fault::WrongShape(2))).unwrap();
        let mut misshapen = Client::connect(&settings).unwrap();
        let listed = misshapen.secrets().list(&ListOptions::new().reveal());
        seen.err("wrong shape", listed.unwrap_err());
        controller.set_fault(None).unwrap();

        let wrong = options(&controller)
            .password(format!("{PASSWORD}-wrong"))
            .build()
            .unwrap();
        seen.err("wrong password", Client::connect(&wrong).unwrap_err());

        assert!(seen.0.len() > 20, "{}", seen.0.len());
        for (what, text) in &seen.0 {
            assert_clean(what, text);
        }
    });

    let ours = captured(|l| l.target.starts_with("juju_secrets"));
    // The logger did capture this crate's lines for every call, at trace level too.
    for method in [
        "Login",
        "CreateSecrets",
        "ListSecrets",
        "UpdateSecrets",
        "GrantSecret",
    ] {
        assert!(ours.contains(method), "no {method:?} in the log:\n{ours}");
    }
    for method in ["RevokeSecret", "RemoveSecrets"] {
        assert!(ours.contains(method), "no {method:?} in the log:\n{ours}");
    }
    assert!(ours.contains("TRACE juju_secrets::rpc: request"), "{ours}");
    assert_clean("this crate's log", &ours);
    let debug_and_above = captured(|l| l.level <= Level::Debug);
    assert!(debug_and_above.contains("tungstenite"), "{debug_and_above}");
    assert_clean("the debug log", &debug_and_above);
}
