//! This crate's warnings, captured by a logger installed once per test binary.

use std::sync::{Mutex, Once};

use log::{Level, LevelFilter, Log, Metadata, Record};

struct Warnings(Mutex<Vec<String>>);

static WARNINGS: Warnings = Warnings(Mutex::new(Vec::new()));

impl Log for Warnings {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.level() <= Level::Warn && metadata.target().starts_with("juju_secrets")
    }

    fn log(&self, record: &Record<'_>) {
        if self.enabled(record.metadata()) {
            let line = record.args().to_string();
            lines().push(line);
        }
    }

    fn flush(&self) {}
}

fn lines() -> std::sync::MutexGuard<'static, Vec<String>> {
    WARNINGS.0.lock().unwrap_or_else(|e| e.into_inner())
}

/// Installs the logger (once; it must be the only one of the test binary).
pub fn capture() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        log::set_logger(&WARNINGS).expect("the only logger of this test binary");
        log::set_max_level(LevelFilter::Warn);
    });
}

/// The warnings logged since the last call, taken.
pub fn take() -> Vec<String> {
    std::mem::take(&mut *lines())
}

/// The warnings logged so far that mention `text` (for tests running in parallel, each asking
/// about its own subject), left in place.
pub fn about(text: &str) -> Vec<String> {
    lines()
        .iter()
        .filter(|w| w.contains(text))
        .cloned()
        .collect()
}
