//! Helpers for the tests of `SecretsApi`: content in one line, the Secrets calls the test
//! controller recorded, and checks that something was refused before any I/O.

use juju_secrets::testing::{RecordedCall, TestController};
use juju_secrets::{Error, ErrorKind, SecretContent, SecretInfo, SecretRef};
use serde_json::Value;

/// Content from `(key, value)` text pairs that are known to be valid.
pub fn content(pairs: &[(&str, &str)]) -> SecretContent {
    SecretContent::from_pairs(pairs.iter().copied()).expect("valid test content")
}

/// The value of `key` as text.
pub fn text(content: &SecretContent, key: &str) -> String {
    content
        .get(key)
        .unwrap_or_else(|| panic!("no key {key:?} in {content:?}"))
        .as_str()
        .expect("a UTF-8 value")
        .to_owned()
}

/// A reference by name.
pub fn name(name: &str) -> SecretRef {
    SecretRef::name(name)
}

/// The `Secrets` calls recorded so far, oldest first.
pub fn secrets_calls(controller: &TestController) -> Vec<RecordedCall> {
    controller
        .calls()
        .into_iter()
        .filter(|c| c.facade() == "Secrets")
        .collect()
}

/// The last recorded call, which must be `method`.
pub fn last_call(controller: &TestController, method: &str) -> RecordedCall {
    let call = controller.calls().pop().expect("a recorded call");
    assert_eq!(call.method(), method, "last call: {:?}", call.request);
    call
}

/// The params of the last call, which must be `method` on `Secrets` v2.
pub fn last_params(controller: &TestController, method: &str) -> Value {
    let call = last_call(controller, method);
    assert_eq!((call.facade(), call.version()), ("Secrets", 2));
    call.params().clone()
}

/// The first (only) item of the last call's `args`, which must be `method`.
pub fn last_arg(controller: &TestController, method: &str) -> Value {
    let params = last_params(controller, method);
    let args = params["args"].as_array().expect("an args list");
    assert_eq!(args.len(), 1, "{params}");
    args[0].clone()
}

/// The keys of a JSON object, sorted.
pub fn keys(object: &Value) -> Vec<&str> {
    let mut keys: Vec<&str> = object
        .as_object()
        .expect("a JSON object")
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    keys
}

/// Runs `body` and checks that the controller recorded no call meanwhile.
pub fn no_io<T>(controller: &TestController, body: impl FnOnce() -> T) -> T {
    let before = controller.calls().len();
    let result = body();
    let after = controller.calls();
    assert_eq!(
        after.len(),
        before,
        "something was sent: {:?}",
        after
            .get(before..)
            .map(|c| c.iter().map(|c| c.method()).collect::<Vec<_>>())
    );
    result
}

/// Runs `body` and returns its result with the methods of the `Secrets` calls it made, in order.
pub fn secrets_methods_during<T>(
    controller: &TestController,
    body: impl FnOnce() -> T,
) -> (T, Vec<String>) {
    let before = controller.calls().len();
    let result = body();
    let methods = controller.calls()[before..]
        .iter()
        .filter(|c| c.facade() == "Secrets")
        .map(|c| c.method().to_owned())
        .collect();
    (result, methods)
}

/// Checks that `err` is invalid input and returns its message.
pub fn invalid(err: Error) -> String {
    match err {
        Error::InvalidInput(_) => err.to_string(),
        other => panic!("expected invalid input, got {other:?}"),
    }
}

/// Checks that `err` is the controller's `not found` and returns its message.
pub fn not_found(err: Error) -> String {
    assert_eq!(err.kind(), Some(ErrorKind::NotFound), "{err:?}");
    err.api().expect("an API error").message.clone()
}

/// The revision numbers listed.
pub fn revisions(info: &SecretInfo) -> Vec<u32> {
    info.revisions.iter().map(|r| r.revision).collect()
}
