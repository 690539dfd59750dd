//! Entry points for the fuzz targets in `fuzz/` (feature `fuzzing`): each feeds arbitrary bytes
//! to the decoders of one kind of controller data, the way the client uses them. Not an API: it
//! may change in any release. The same entry points run the fuzz seeds and regressions as plain
//! tests (`tests/fuzz_regressions.rs`).

use std::path::PathBuf;
use std::sync::Mutex;

use crate::login::{LoginInfo, WireLoginResult};
use crate::models::UserModelList;
use crate::rpc::Response;
use crate::secrets::wire::{ErrorResult, ListResults, WriteResults};
use crate::{ClientStore, Error, SecretInfo};

/// What kind of answer [`decode_answer`] decodes.
#[derive(Clone, Copy, Debug)]
pub enum Answer {
    /// `Secrets.ListSecrets`, into [`SecretInfo`]s.
    ListSecrets,
    /// A write's `ErrorResults`, for a request of this many items.
    Write(usize),
    /// `Admin.Login`, into [`LoginInfo`].
    Login,
    /// `ModelManager.ListModels`.
    ListModels,
}

/// Decodes one answer frame exactly as the client does for `kind`, keeping everything it
/// decoded until it returns: for measuring what a frame can cost (`tests/memory.rs`).
/// Returns how many items it held.
pub fn decode_answer(kind: Answer, frame: &str) -> Result<usize, Error> {
    let response = Response::parse(frame)?;
    match kind {
        Answer::ListSecrets => {
            let infos = crate::secrets::infos(response.into_result::<ListResults>("L")?)?;
            Ok(std::hint::black_box(infos).len())
        }
        Answer::Write(n) => {
            let reply = response.into_result::<WriteResults>("W")?;
            let results: Vec<ErrorResult> =
                crate::secrets::per_item(reply, n, crate::secrets::UPDATE)?;
            Ok(std::hint::black_box(results).len())
        }
        Answer::Login => {
            let info = LoginInfo::from(response.into_result::<WireLoginResult>("A")?);
            Ok(std::hint::black_box(info).facades.len())
        }
        Answer::ListModels => {
            let list = response.into_result::<UserModelList>("M")?;
            Ok(std::hint::black_box(list).len())
        }
    }
}

/// A cookie jar of the juju client store (`cookies/<controller>.json`), decoded for a few
/// hosts as [`ClientStore`] decodes it.
pub fn cookie_jar(data: &[u8]) {
    let hosts = ["c0ffee".to_owned(), "10.0.0.2".to_owned()];
    if let Ok(macaroons) = crate::cookies::decode_jar(data, &hosts, 1_750_000_000) {
        let _ = format!("{macaroons:?}");
        let _ = macaroons.as_raw().map(|raw| raw.get().len());
    }
}

/// One response frame, as `Client` reads it: the envelope, then its result as an untyped value,
/// as the `ListSecrets` results and as a login result. Non-UTF-8 input is skipped: the websocket
/// layer refuses such text frames before they reach the client.
pub fn envelope(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(response) = Response::parse(text) else {
        return;
    };
    let _ = response.id;
    let _ = describe(response.into_result::<serde::de::IgnoredAny>("Fuzz.Value"));
    if let Ok(response) = Response::parse(text) {
        if let Ok(results) = response.into_result::<ListResults>("Fuzz.List") {
            list_results(results);
        }
    }
    if let Ok(response) = Response::parse(text) {
        if let Ok(login) = response.into_result::<WireLoginResult>("Fuzz.Login") {
            login_info(login);
        }
    }
}

/// The `response` of `Secrets.ListSecrets` (JSON), decoded into [`SecretInfo`]s.
pub fn list_secrets(data: &[u8]) {
    if let Ok(results) = serde_json::from_slice::<ListResults>(data) {
        list_results(results);
    }
}

/// The `response` of `Admin.Login` (JSON), decoded into [`LoginInfo`].
pub fn login_result(data: &[u8]) {
    if let Ok(login) = serde_json::from_slice::<WireLoginResult>(data) {
        login_info(login);
    }
}

/// A client store: `data` split at NUL bytes into `controllers.yaml`, `accounts.yaml`,
/// `models.yaml` and `current-controller` (missing parts: no such file), opened with
/// [`ClientStore::open`] and resolved.
pub fn client_store(data: &[u8]) {
    // One directory per process, reused: fuzzing runs one input at a time.
    static DIR: Mutex<Option<PathBuf>> = Mutex::new(None);
    let mut dir = DIR.lock().unwrap_or_else(|e| e.into_inner());
    let dir = dir.get_or_insert_with(|| {
        let name = format!("juju-secrets-fuzz-store-{}", std::process::id());
        std::env::temp_dir().join(name)
    });
    if std::fs::create_dir_all(&*dir).is_err() {
        return;
    }
    let names = [
        "controllers.yaml",
        "accounts.yaml",
        "models.yaml",
        "current-controller",
    ];
    let mut parts = data.split(|b| *b == 0);
    for name in names {
        let path = dir.join(name);
        let written = match parts.next() {
            Some(part) => std::fs::write(&path, part),
            None => std::fs::remove_file(&path).or(Ok(())),
        };
        if written.is_err() {
            return;
        }
    }
    let Ok(store) = ClientStore::open(&*dir) else {
        return;
    };
    let _ = format!("{store:?}");
    let names = store.controller_names();
    let _ = store.current_controller();
    let _ = describe(store.resolve(None, None));
    for name in names.iter().take(3) {
        let _ = describe(store.resolve(Some(name), None));
        let _ = describe(store.resolve(Some(name), Some("admin/default")));
        let _ = describe(store.resolve(None, Some(&format!("{name}:default"))));
    }
}

fn list_results(results: ListResults) {
    for result in results.results.unwrap_or_default().into_vec() {
        if let Ok(info) = describe(SecretInfo::from_wire(result)) {
            let _ = info.is_user_secret();
            let _ = info.granted_applications().count();
        }
    }
}

fn login_info(login: WireLoginResult) {
    let info = LoginInfo::from(login);
    let _ = info.model_uuid();
    let _ = info.best_version("Secrets");
    for server in info.servers.iter().flatten() {
        let _ = server.endpoint();
    }
    let _ = format!("{info:?}");
}

/// Formats what was decoded, as a caller would print it.
fn describe<T: std::fmt::Debug>(result: Result<T, Error>) -> Result<T, Error> {
    match &result {
        Ok(value) => drop(format!("{value:?}")),
        Err(e) => drop(format!("{e} {e:?}")),
    }
    result
}
