//! Wire fidelity across the whole suite: every frame any test exchanged with a test controller,
//! checked against Juju's published schema (`tests/common/schema.rs`).
//!
//! Run the suite with `JUJU_SECRETS_WIRE_LOG=<dir>` (every `TestController` then writes its
//! frames to `<dir>/<controller-uuid>.jsonl` when dropped), then the ignored test:
//!
//! ```text
//! JUJU_SECRETS_WIRE_LOG=$(mktemp -d) sh -c \
//!   'cargo test --all-features && cargo test --all-features --test schema_wire_log -- --ignored'
//! ```
//!
//! `scripts/test.sh` does this. The other tests here check that the validator catches broken
//! frames, so that a clean wire log means something.

#[path = "common/schema.rs"]
mod schema;

use std::path::Path;

use juju_secrets::testing::WIRE_LOG_ENV;
use schema::{Requests, Verdict, WireSchema};
use serde_json::{json, Value};

#[test]
#[ignore = "needs the frames of a whole test run: see the file's docs"]
fn validate_wire_log() {
    let dir = std::env::var_os(WIRE_LOG_ENV).unwrap_or_else(|| {
        panic!("set {WIRE_LOG_ENV} to the directory the test suite wrote its frames to")
    });
    let dir = Path::new(&dir);
    let mut frames = Vec::new();
    let entries = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("reading {WIRE_LOG_ENV}={}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("a directory entry").path();
        if path.extension().is_none_or(|e| e != "jsonl") {
            continue;
        }
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        for (n, line) in text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
        {
            let frame: Value = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("{name}:{}: not JSON: {e}", n + 1));
            frames.push((format!("{name}:{}", n + 1), frame));
        }
    }
    assert!(
        !frames.is_empty(),
        "no frames in {}: run the test suite with {WIRE_LOG_ENV} set first",
        dir.display()
    );
    // Tests also send frames by hand the way python-libjuju does: read requests as Go does.
    // Our own client's requests are held to the Go client's shape by schema_guide and golden.
    let schema = WireSchema::load(Requests::AnyClient);
    let report = schema.check_all(
        frames
            .iter()
            .map(|(origin, f)| (origin.clone(), &f["request"], &f["response"])),
    );
    println!("{} frame pairs\n{}", frames.len(), report.summary());
    report.assert_clean();
    for call in report.skipped.keys() {
        let facade = call.split('(').next().unwrap_or("");
        assert!(!schema.knows_facade(facade), "{call} was not checked");
    }
}

/// A request frame as our client sends it.
fn request(facade: &str, version: u64, method: &str, params: Value) -> Value {
    json!({"request-id": 7, "type": facade, "version": version, "request": method, "params": params})
}

fn answer(response: Value) -> Value {
    json!({"request-id": 7, "response": response})
}

fn error_frame(message: &str, code: Option<&str>) -> Value {
    let mut frame = json!({"request-id": 7, "error": message, "response": {}});
    if let Some(code) = code {
        frame["error-code"] = json!(code);
    }
    frame
}

fn list_result() -> Value {
    json!({
        "uri": "secret:d0q6g3l9h5s9k8a6s0rg", "version": 1,
        "owner-tag": "model-8f5a1b2c-3d4e-4f60-8a1b-2c3d4e5f6a7b", "latest-revision": 1,
        "create-time": "2025-03-01T10:00:00Z", "update-time": "2025-03-01T10:00:00.123456789Z",
        "revisions": [{"revision": 1, "backend-name": "internal",
                       "create-time": "2025-03-01T10:00:00Z", "update-time": "2025-03-01T10:00:00Z"}],
        "label": "example", "value": {"data": {"token": "ZmFrZQ=="}},
    })
}

fn list_request() -> Value {
    request(
        "Secrets",
        2,
        "ListSecrets",
        json!({"show-secrets": true, "filter": {"label": "example", "revision": 2}}),
    )
}

fn login_result() -> Value {
    json!({
        "servers": [[{"value": "127.0.0.1", "type": "ipv4", "scope": "local-machine", "port": 17070}]],
        "controller-tag": "controller-1c2d3e4f-0000-4000-8000-000000000000",
        "model-tag": "model-8f5a1b2c-3d4e-4f60-8a1b-2c3d4e5f6a7b",
        "user-info": {"display-name": "", "identity": "user-admin",
                      "controller-access": "superuser", "model-access": "admin"},
        "facades": [{"name": "Secrets", "versions": [1, 2]}],
        "server-version": "3.6.4",
    })
}

fn login_request() -> Value {
    request(
        "Admin",
        3,
        "Login",
        json!({"auth-tag": "user-admin", "credentials": "<redacted>", "nonce": "",
               "macaroons": [], "user-data": "", "client-version": "3.6.0"}),
    )
}

/// The problems found, which must exist and each mention `needle`.
#[track_caller]
fn refused(schema: &WireSchema, request: &Value, response: &Value, needle: &str) {
    let problems = match schema.check(request, response) {
        Ok(verdict) => panic!("accepted ({verdict:?}) a broken frame:\n{request}\n{response}"),
        Err(problems) => problems,
    };
    assert!(
        problems.iter().any(|p| p.contains(needle)),
        "no problem mentions {needle:?}: {problems:#?}"
    );
}

#[track_caller]
fn accepted(schema: &WireSchema, request: &Value, response: &Value) -> Verdict {
    schema
        .check(request, response)
        .unwrap_or_else(|problems| panic!("refused a good frame: {problems:#?}"))
}

#[test]
fn good_frames_pass() {
    let schema = WireSchema::load(Requests::OurClient);
    let listed = answer(json!({"results": [list_result()]}));
    assert_eq!(
        accepted(&schema, &list_request(), &listed),
        Verdict::Checked
    );
    assert_eq!(
        accepted(&schema, &login_request(), &answer(login_result())),
        Verdict::Checked
    );
    let ping = request("Pinger", 1, "Ping", json!({}));
    assert_eq!(
        accepted(&schema, &ping, &answer(json!({}))),
        Verdict::Checked
    );
}

#[test]
fn misspelt_and_unknown_request_fields_are_caught() {
    let schema = WireSchema::load(Requests::OurClient);
    let ok = answer(json!({"results": []}));
    let misspelt = request(
        "Secrets",
        2,
        "ListSecrets",
        json!({"show-secret": true, "filter": {}}),
    );
    refused(&schema, &misspelt, &ok, "show-secret");
    // The schema generator's embedded-struct artefact must never reach the wire.
    let create = request(
        "Secrets",
        2,
        "CreateSecrets",
        json!({"args": [{"owner-tag": "", "UpsertSecretArg": {"label": "x"},
                         "content": {"data": {"k": "dg=="}}}]}),
    );
    refused(&schema, &create, &ok, "UpsertSecretArg");
    let grant_in_args = request(
        "Secrets",
        2,
        "GrantSecret",
        json!({"args": [{"uri": "", "label": "x", "applications": ["ubuntu"]}]}),
    );
    refused(&schema, &grant_in_args, &ok, "args");
    let mut envelope = list_request();
    envelope["Params"] = json!({});
    refused(&schema, &envelope, &ok, "Params");
}

#[test]
fn wrong_request_types_are_caught() {
    let schema = WireSchema::load(Requests::OurClient);
    let ok = answer(json!({"results": []}));
    let text_revision = request(
        "Secrets",
        2,
        "ListSecrets",
        json!({"show-secrets": false, "filter": {"revision": "2"}}),
    );
    refused(&schema, &text_revision, &ok, "/filter/revision");
    let single_revision = request(
        "Secrets",
        2,
        "RemoveSecrets",
        json!({"args": [{"uri": "", "label": "x", "revisions": 2}]}),
    );
    refused(&schema, &single_revision, &ok, "revisions");
    let mut login = login_request();
    login["params"]["macaroons"] = json!({});
    refused(&schema, &login, &answer(login_result()), "macaroons");
    let mut zero_id = list_request();
    zero_id["request-id"] = json!(0);
    let mut reply = ok.clone();
    reply["request-id"] = json!(0);
    refused(&schema, &zero_id, &reply, "request-id");
}

#[test]
fn fields_go_always_sends_are_required_in_requests() {
    let schema = WireSchema::load(Requests::OurClient);
    let ok = answer(json!({"results": [{}]}));
    // `owner-tag` is not omitempty in Go: "" must be sent.
    let create = request(
        "Secrets",
        2,
        "CreateSecrets",
        json!({"args": [{"content": {"data": {"k": "dg=="}}}]}),
    );
    refused(&schema, &create, &ok, "owner-tag");
    let remove = request(
        "Secrets",
        2,
        "RemoveSecrets",
        json!({"args": [{"uri": "secret:d0q6g3l9h5s9k8a6s0rg"}]}),
    );
    refused(&schema, &remove, &ok, "label");
    // ...but ListSecrets' show-secrets and filter may be left out (juju-api.md §4.1).
    let bare = request("Secrets", 2, "ListSecrets", json!({}));
    accepted(&schema, &bare, &answer(json!({"results": []})));
}

#[test]
fn broken_responses_are_caught() {
    let schema = WireSchema::load(Requests::OurClient);
    let create = request(
        "Secrets",
        2,
        "CreateSecrets",
        json!({"args": [{"owner-tag": "", "label": "x", "content": {"data": {"k": "dg=="}}}]}),
    );
    refused(&schema, &create, &answer(json!({})), "results");
    refused(
        &schema,
        &create,
        &answer(json!({"results": [{"error": {"message": "m", "code": ""}}]})),
        "result",
    );
    let mut missing = list_result();
    missing.as_object_mut().unwrap().remove("create-time");
    let list = list_request();
    refused(
        &schema,
        &list,
        &answer(json!({"results": [missing]})),
        "create-time",
    );
    let mut misspelt = list_result();
    misspelt["labels"] = json!("x");
    refused(
        &schema,
        &list,
        &answer(json!({"results": [misspelt]})),
        "labels",
    );
    let mut bad_time = list_result();
    bad_time["update-time"] = json!("yesterday");
    refused(
        &schema,
        &list,
        &answer(json!({"results": [bad_time]})),
        "update-time",
    );
    let mut text_revision = list_result();
    text_revision["latest-revision"] = json!("1");
    refused(
        &schema,
        &list,
        &answer(json!({"results": [text_revision]})),
        "latest-revision",
    );
    let no_code = json!({"results": [{"error": {"message": "m"}}]});
    let remove = request("Secrets", 2, "RemoveSecrets", json!({"args": []}));
    refused(&schema, &remove, &answer(no_code), "code");
    let ping = request("Pinger", 1, "Ping", json!({}));
    refused(
        &schema,
        &ping,
        &answer(json!({"pong": true})),
        "returns only an error",
    );
    let mut other_id = answer(json!({"results": []}));
    other_id["request-id"] = json!(8);
    refused(&schema, &list, &other_id, "does not echo");
    let mut extra = answer(json!({"results": []}));
    extra["type"] = json!("Secrets");
    refused(&schema, &list, &extra, "type");
}

#[test]
fn error_frames_are_checked_for_their_own_shape() {
    let schema = WireSchema::load(Requests::OurClient);
    let list = list_request();
    let frame = error_frame("secret revision not found", Some("not found"));
    assert_eq!(accepted(&schema, &list, &frame), Verdict::Checked);
    let mut with_info = error_frame("redirection required", Some("redirection required"));
    with_info["error-info"] = json!({"ca-cert": "-----BEGIN CERTIFICATE-----", "servers": []});
    accepted(&schema, &login_request(), &with_info);
    let mut no_response = frame.clone();
    no_response.as_object_mut().unwrap().remove("response");
    refused(&schema, &list, &no_response, "response");
    refused(&schema, &list, &error_frame("m", Some("")), "error-code");
    let mut text_info = frame.clone();
    text_info["error-info"] = json!("x");
    refused(&schema, &list, &text_info, "error-info");
    let mut body = frame;
    body["response"] = json!({"results": []});
    refused(&schema, &list, &body, "response");
}

#[test]
fn schema_artefacts_are_relaxed_and_nothing_more() {
    let schema = WireSchema::load(Requests::OurClient);
    // HostPort's embedded Address is flattened on the wire: accepted without it (above), and an
    // `Address` key is refused.
    let mut result = login_result();
    result["servers"][0][0]["Address"] =
        json!({"value": "127.0.0.1", "type": "ipv4", "scope": "public"});
    refused(&schema, &login_request(), &answer(result), "Address");
    let mut result = login_result();
    result["servers"][0][0]
        .as_object_mut()
        .unwrap()
        .remove("port");
    refused(&schema, &login_request(), &answer(result), "port");
    // A real macaroon has fields.
    let mut login = login_request();
    login["params"]["macaroons"] = json!([[{"c": [], "l": "loc", "i64": "aWQ", "s64": "c2ln"}]]);
    accepted(&schema, &login, &answer(login_result()));
    // Error.info values are Go `interface{}`: any JSON.
    let item = json!({"results": [{"error": {"message": "m", "code": "", "info": {"k": "text"}}}]});
    let remove = request(
        "Secrets",
        2,
        "RemoveSecrets",
        json!({"args": [{"uri": "", "label": "x"}]}),
    );
    accepted(&schema, &remove, &answer(item));
}

#[test]
fn calls_the_schema_lacks_must_be_refused() {
    let schema = WireSchema::load(Requests::OurClient);
    let nope = request("Pinger", 1, "Nope", json!({}));
    let not_implemented = error_frame("no such request", Some("not implemented"));
    assert_eq!(accepted(&schema, &nope, &not_implemented), Verdict::Checked);
    refused(&schema, &nope, &answer(json!({})), "not in the schema");
    let v3 = request("Secrets", 3, "ListSecrets", json!({}));
    refused(
        &schema,
        &v3,
        &error_frame("unknown version", Some("not supported")),
        "not in the schema",
    );
    // Juju's masked v2 method on Secrets v1 answers an empty result.
    let stub = request("Secrets", 1, "CreateSecrets", json!({"args": []}));
    assert_eq!(
        accepted(&schema, &stub, &answer(json!({}))),
        Verdict::Checked
    );
    refused(
        &schema,
        &stub,
        &answer(json!({"results": []})),
        "not in the schema",
    );
    // Facades the schema does not describe are skipped, envelopes still checked.
    let other = request("ModelConfig", 3, "ModelGet", json!({}));
    assert_eq!(
        accepted(&schema, &other, &answer(json!({"config": {}}))),
        Verdict::Skipped
    );
    refused(&schema, &other, &json!({"request-id": 7}), "response");
}

#[test]
fn malformed_params_pass_only_when_the_controller_refused_them() {
    let schema = WireSchema::load(Requests::OurClient);
    let malformed = request(
        "Secrets",
        2,
        "ListSecrets",
        json!({"filter": {"revision": "two"}}),
    );
    let go_error = error_frame(
        "json: cannot unmarshal string into Go value of type int",
        None,
    );
    assert_eq!(
        accepted(&schema, &malformed, &go_error),
        Verdict::RefusedAsMalformed
    );
    refused(
        &schema,
        &malformed,
        &answer(json!({"results": []})),
        "/filter/revision",
    );
    let coded = error_frame("json: cannot unmarshal", Some("not valid"));
    refused(&schema, &malformed, &coded, "/filter/revision");
}

#[test]
fn any_client_requests_are_read_as_go_reads_them() {
    let schema = WireSchema::load(Requests::AnyClient);
    let ok = answer(json!({"results": [{}]}));
    // python-libjuju: nulls for arguments not given, fields left out, `Id` in the envelope.
    let grant = request(
        "Secrets",
        2,
        "GrantSecret",
        json!({"uri": null, "label": "x", "applications": ["ubuntu"]}),
    );
    accepted(&schema, &grant, &ok);
    let create = request(
        "Secrets",
        2,
        "CreateSecrets",
        json!({"args": [{"label": "x", "content": {"data": {"k": "dg=="}}}]}),
    );
    accepted(
        &schema,
        &create,
        &json!({"request-id": 7, "response": {"results": [{"result": "secret:x"}]}}),
    );
    let list = request(
        "Secrets",
        2,
        "ListSecrets",
        json!({"filter": null, "show-secrets": null}),
    );
    accepted(&schema, &list, &answer(json!({"results": []})));
    let login = request(
        "Admin",
        3,
        "Login",
        json!({"auth-tag": "user-admin", "credentials": "<redacted>"}),
    );
    accepted(&schema, &login, &answer(login_result()));
    let mut next = request("AllWatcher", 3, "Next", json!({}));
    next["Id"] = json!("1");
    assert_eq!(
        accepted(&schema, &next, &answer(json!({"deltas": []}))),
        Verdict::Skipped
    );
    // Still refused: misspelt fields, wrong types, an object id on a schema facade, and any
    // response that is not what Go would write.
    let misspelt = request("Secrets", 2, "ListSecrets", json!({"show-secret": true}));
    refused(
        &schema,
        &misspelt,
        &answer(json!({"results": []})),
        "show-secret",
    );
    let text_revision = request(
        "Secrets",
        2,
        "ListSecrets",
        json!({"filter": {"revision": "2"}}),
    );
    refused(
        &schema,
        &text_revision,
        &answer(json!({"results": []})),
        "/filter/revision",
    );
    let mut with_id = list.clone();
    with_id["Id"] = json!("1");
    refused(&schema, &with_id, &answer(json!({"results": []})), "Id");
    refused(
        &schema,
        &create,
        &answer(json!({"results": [{}]})),
        "result",
    );
    // ...while our own client is held to the Go client's shape.
    let ours = WireSchema::load(Requests::OurClient);
    refused(&ours, &grant, &ok, "/uri");
    refused(&ours, &create, &ok, "owner-tag");
    refused(&ours, &login, &answer(login_result()), "nonce");
    refused(&ours, &next, &answer(json!({"deltas": []})), "Id");
}
