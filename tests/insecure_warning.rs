//! TLS is the default; the one way around it, `insecure_plain_websocket`, logs a warning each
//! time it connects. Alone in its file: the logger it installs is process-wide.

mod common;

use std::sync::Mutex;

use common::{options, within};
use juju_secrets::testing::TestController;
use juju_secrets::Client;
use log::{Level, LevelFilter, Log, Metadata, Record};

/// This crate's warnings.
struct Warnings(Mutex<Vec<String>>);

static WARNINGS: Warnings = Warnings(Mutex::new(Vec::new()));

impl Log for Warnings {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.level() <= Level::Warn && metadata.target().starts_with("juju_secrets")
    }

    fn log(&self, record: &Record<'_>) {
        if self.enabled(record.metadata()) {
            let line = record.args().to_string();
            self.0.lock().unwrap_or_else(|e| e.into_inner()).push(line);
        }
    }

    fn flush(&self) {}
}

fn take_warnings() -> Vec<String> {
    std::mem::take(&mut *WARNINGS.0.lock().unwrap_or_else(|e| e.into_inner()))
}

#[test]
fn a_plain_websocket_logs_a_warning_and_tls_does_not() {
    log::set_logger(&WARNINGS).expect("the only logger of this test binary");
    log::set_max_level(LevelFilter::Warn);
    within(|| {
        let tls = TestController::start().unwrap();
        Client::connect(&options(&tls).build().unwrap())
            .unwrap()
            .ping()
            .unwrap();
        assert_eq!(take_warnings(), Vec::<String>::new());

        let plain = TestController::builder()
            .insecure_plain_websocket(true)
            .start()
            .unwrap();
        let settings = options(&plain)
            .insecure_plain_websocket(true)
            .build()
            .unwrap();
        Client::connect(&settings).unwrap().ping().unwrap();
        let warnings = take_warnings();
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].contains("INSECURE"), "{warnings:?}");
        assert!(warnings[0].contains(&plain.endpoint()), "{warnings:?}");
        assert!(warnings[0].contains("unencrypted"), "{warnings:?}");
    })
}
