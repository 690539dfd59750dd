//! Checks Juju API frames against Juju's published facade schema
//! (`tests/fixtures/juju-schema/facades.json`: Admin v3, Pinger v1, Secrets v1 and v2).
//!
//! For each request/response pair: both envelopes (`rpc/jsoncodec` v1 layout), the request's
//! `params` against the method's `Params`, and the response against its `Result` — or, for an
//! error frame, the error frame's own shape. `additionalProperties: false` makes an unknown or
//! misspelt field fail, as do wrong types and (in responses) missing required fields.
//!
//! Used by `tests/schema_guide.rs`, `tests/schema_wire_log.rs` and `tests/golden.rs` through
//! `#[path = "common/schema.rs"] mod schema;`.
#![allow(dead_code)] // each test file uses only some of these

use std::collections::BTreeMap;
use std::fmt::Write as _;

use jsonschema::Validator;
use serde_json::{json, Value};

/// Juju's schema, as the tests read it: a copy kept in the repository.
pub const SCHEMA_FILE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/juju-schema/facades.json"
);

/// Request fields the schema marks required that Juju nevertheless accepts absent, per
/// `juju-api.md`: Go decodes a missing key to its zero value, and these zero values are
/// meaningful. (Our client sends them anyway; other clients such as python-libjuju may not.)
const OPTIONAL_IN_REQUESTS: &[(&str, &str)] = &[
    // §4.1: "absent or null decodes to false / no filter".
    ("ListSecretsArgs", "show-secrets"),
    ("ListSecretsArgs", "filter"),
];

/// Who sent the requests being checked. Responses (from our test controller) are always held
/// to Go's output: every required field present, nothing unknown, every type right.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Requests {
    /// Our `Client`: requests must have the shape the Go client sends. Types and unknown fields
    /// are checked, and every field the schema requires must be present (except
    /// `OPTIONAL_IN_REQUESTS`) and not `null`.
    OurClient,
    /// Any client, as Juju's Go decoder reads it: types and unknown fields are checked, but no
    /// field is required, an object member that is `null` counts as absent (Go keeps the zero
    /// value), and the envelope may carry python-libjuju's `Id` (Go matches keys
    /// case-insensitively). For a whole suite's traffic, where tests also send frames by hand
    /// the way python-libjuju does.
    AnyClient,
}

/// What became of one frame pair.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Checked against the schema (for a method the schema lacks: checked to be refused).
    Checked,
    /// Params that Go could not decode, refused by the controller with Go's JSON error: a test
    /// sending a malformed request on purpose. The error frame's shape was still checked.
    RefusedAsMalformed,
    /// A facade the schema does not describe; only the envelopes were checked.
    Skipped,
}

struct Method {
    params: Option<Validator>,
    result: Option<Validator>,
}

/// The compiled schema: one validator per facade, version, method and direction.
pub struct WireSchema {
    requests: Requests,
    /// By facade name, then version, then method.
    facades: BTreeMap<String, BTreeMap<u64, BTreeMap<String, Method>>>,
    request_envelope: Validator,
    response_envelope: Validator,
    error_envelope: Validator,
}

impl WireSchema {
    /// Loads and compiles the repository's copy of Juju's schema.
    pub fn load(requests: Requests) -> WireSchema {
        let text = std::fs::read_to_string(SCHEMA_FILE)
            .unwrap_or_else(|e| panic!("reading the Juju schema fixture {SCHEMA_FILE}: {e}"));
        let facades: Value = serde_json::from_str(&text).expect("the Juju schema is JSON");
        WireSchema::from_published(&facades, requests).unwrap_or_else(|e| panic!("{e}"))
    }

    /// Compiles a schema in Juju's published format:
    /// `[{Name, Version, Schema: {properties: {Method: {Params, Result}}, definitions}}]`.
    pub fn from_published(facades: &Value, requests: Requests) -> Result<WireSchema, String> {
        let mut compiled: BTreeMap<String, BTreeMap<u64, BTreeMap<String, Method>>> =
            BTreeMap::new();
        for facade in facades
            .as_array()
            .ok_or("the schema is not a list of facades")?
        {
            let name = facade["Name"].as_str().ok_or("a facade without Name")?;
            let version = facade["Version"]
                .as_u64()
                .ok_or("a facade without Version")?;
            let schema = &facade["Schema"];
            let definitions = schema
                .get("definitions")
                .cloned()
                .unwrap_or_else(|| json!({}));
            let for_requests = adjust(name, definitions.clone(), Some(requests))?;
            let for_responses = adjust(name, definitions, None)?;
            let mut methods = BTreeMap::new();
            let properties = schema["properties"]
                .as_object()
                .ok_or_else(|| format!("{name} v{version} has no methods"))?;
            for (method, shape) in properties {
                let build = |part: &str, definitions: &Value| {
                    shape
                        .pointer(&format!("/properties/{part}"))
                        .map(|s| compile(s, definitions))
                        .transpose()
                        .map_err(|e| format!("{name}({version}).{method} {part}: {e}"))
                };
                let params = build("Params", &for_requests)?;
                let result = build("Result", &for_responses)?;
                methods.insert(method.clone(), Method { params, result });
            }
            compiled
                .entry(name.to_owned())
                .or_default()
                .insert(version, methods);
        }
        Ok(WireSchema {
            requests,
            facades: compiled,
            request_envelope: compile(&request_envelope(requests), &json!({}))?,
            response_envelope: compile(&response_envelope(), &json!({}))?,
            error_envelope: compile(&error_envelope(), &json!({}))?,
        })
    }

    /// Whether the schema describes this facade (at any version).
    pub fn knows_facade(&self, facade: &str) -> bool {
        self.facades.contains_key(facade)
    }

    /// Checks one request frame and the response frame that answered it.
    ///
    /// # Errors
    /// Every problem found, each naming the call, the direction and the JSON path.
    pub fn check(&self, request: &Value, response: &Value) -> Result<Verdict, Vec<String>> {
        let call = call_name(request);
        let mut problems = Vec::new();
        let is_error = response.get("error").is_some();
        collect(
            &mut problems,
            &call,
            "request envelope",
            &self.request_envelope,
            request,
        );
        let envelope = if is_error {
            &self.error_envelope
        } else {
            &self.response_envelope
        };
        let what = if is_error {
            "error frame"
        } else {
            "response envelope"
        };
        collect(&mut problems, &call, what, envelope, response);
        if response.get("request-id") != request.get("request-id") {
            problems.push(format!(
                "{call}: the response's request-id {} does not echo the request's {}",
                response.get("request-id").unwrap_or(&Value::Null),
                request.get("request-id").unwrap_or(&Value::Null)
            ));
        }
        let facade = request["type"].as_str().unwrap_or("");
        let verdict = match self.facades.get(facade) {
            None => Verdict::Skipped,
            Some(versions) => self.check_call(versions, request, response, &mut problems),
        };
        if problems.is_empty() {
            Ok(verdict)
        } else {
            Err(problems)
        }
    }

    fn check_call(
        &self,
        versions: &BTreeMap<u64, BTreeMap<String, Method>>,
        request: &Value,
        response: &Value,
        problems: &mut Vec<String>,
    ) -> Verdict {
        let call = call_name(request);
        let version = request["version"].as_u64().unwrap_or(0);
        let method_name = request["request"].as_str().unwrap_or("");
        for key in ["id", "Id"] {
            if request
                .get(key)
                .and_then(Value::as_str)
                .is_some_and(|id| !id.is_empty())
            {
                problems.push(format!(
                    "{call}: clients leave the facade object {key} empty"
                ));
            }
        }
        let Some(method) = versions.get(&version).and_then(|m| m.get(method_name)) else {
            not_in_schema(versions, &call, method_name, version, response, problems);
            return Verdict::Checked;
        };
        let is_error = response.get("error").is_some();
        let mut params = match request.get("params") {
            // Go's codec: omitted params (or `null`) decode as an empty argument.
            None | Some(Value::Null) => json!({}),
            Some(p) => p.clone(),
        };
        if self.requests == Requests::AnyClient {
            drop_null_members(&mut params);
        }
        let mut params_problems = Vec::new();
        match &method.params {
            Some(v) => collect(&mut params_problems, &call, "params", v, &params),
            None if params != json!({}) => {
                params_problems.push(format!("{call}: takes no params, got {params}"));
            }
            None => {}
        }
        if !params_problems.is_empty() && is_error && refused_as_malformed(response) {
            return Verdict::RefusedAsMalformed;
        }
        problems.extend(params_problems);
        if is_error {
            // The body of an error frame is Go's empty struct, checked with the envelope.
            return Verdict::Checked;
        }
        let result = response.get("response").cloned().unwrap_or(json!({}));
        match &method.result {
            Some(v) => collect(problems, &call, "result", v, &result),
            None if result != json!({}) => {
                problems.push(format!(
                    "{call}: returns only an error, yet answered {result}"
                ));
            }
            None => {}
        }
        Verdict::Checked
    }

    /// Checks every frame pair, each labelled with where it came from.
    pub fn check_all<'a, I>(&self, frames: I) -> Report
    where
        I: IntoIterator<Item = (String, &'a Value, &'a Value)>,
    {
        let mut report = Report::default();
        for (origin, request, response) in frames {
            let call = call_name(request);
            match self.check(request, response) {
                Ok(Verdict::Checked) => *report.checked.entry(call).or_default() += 1,
                Ok(Verdict::RefusedAsMalformed) => {
                    *report.refused.entry(call).or_default() += 1;
                }
                Ok(Verdict::Skipped) => *report.skipped.entry(call).or_default() += 1,
                Err(problems) => {
                    let mut text = format!("{origin}: {}", problems.join("\n    "));
                    let _ = write!(text, "\n    request:  {request}\n    response: {response}");
                    report.failures.push(text);
                }
            }
        }
        report
    }
}

/// A method the schema lacks on a facade it describes: the controller must refuse it.
fn not_in_schema(
    versions: &BTreeMap<u64, BTreeMap<String, Method>>,
    call: &str,
    method: &str,
    version: u64,
    response: &Value,
    problems: &mut Vec<String>,
) {
    if response.get("error-code") == Some(&json!("not implemented")) {
        return;
    }
    // Admin v4 is JAAS's login (JIMM's, outside Juju's schema), and Juju refuses it with
    // "not supported" (`apiserver/root.go`): only the envelope can be checked.
    if call.starts_with("Admin(4).") {
        return;
    }
    // juju-api.md §1: Juju masks Secrets v2 methods on v1 with one-argument stubs, which are
    // valid RPC methods answering an empty result and no error.
    let masked_stub = version == 1
        && versions
            .get(&2)
            .is_some_and(|v2| v2.contains_key(method) && !versions[&1].contains_key(method));
    if masked_stub && response.get("error").is_none() && response["response"] == json!({}) {
        return;
    }
    problems.push(format!(
        "{call}: not in the schema, yet not refused with error-code \"not implemented\""
    ));
}

/// Go's own decoding error: a request-level error with no code whose text comes from
/// `encoding/json` (juju-api.md §1).
fn refused_as_malformed(response: &Value) -> bool {
    response.get("error-code").is_none()
        && response["error"]
            .as_str()
            .is_some_and(|e| e.starts_with("json: "))
}

/// `Facade(version).Method`, as Juju names calls in its errors.
pub fn call_name(request: &Value) -> String {
    format!(
        "{}({}).{}",
        request["type"].as_str().unwrap_or("?"),
        request["version"],
        request["request"].as_str().unwrap_or("?")
    )
}

fn collect(problems: &mut Vec<String>, call: &str, what: &str, v: &Validator, instance: &Value) {
    for e in v.iter_errors(instance) {
        let at = e.instance_path().to_string();
        let at = if at.is_empty() { "/".to_owned() } else { at };
        problems.push(format!("{call}: {what} at {at}: {e}"));
    }
}

/// A validator for `shape` (a method's `Params` or `Result`, usually a `$ref`), resolving
/// `$ref`s against the facade's `definitions`. Draft 4, as Juju's generator writes; formats
/// (`date-time`) are checked, since Go's `time.Time` always writes RFC 3339.
fn compile(shape: &Value, definitions: &Value) -> Result<Validator, String> {
    let root = json!({"definitions": definitions, "allOf": [shape]});
    jsonschema::draft4::options()
        .should_validate_formats(true)
        .build(&root)
        .map_err(|e| e.to_string())
}

/// Go's `encoding/json` keeps a field's zero value for a JSON `null`: as good as absent.
fn drop_null_members(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.retain(|_, v| !v.is_null());
            map.values_mut().for_each(drop_null_members);
        }
        Value::Array(items) => items.iter_mut().for_each(drop_null_members),
        _ => {}
    }
}

/// The deliberate departures from the published schema, for requests (`Some(who sent them)`)
/// or responses (`None`). Each is a schema-generator artefact or a rule of Go's JSON decoding
/// that the schema cannot express; everything else is checked as published. Fails if the
/// schema no longer has what an adjustment expects, so a changed fixture is noticed.
fn adjust(
    facade: &str,
    mut definitions: Value,
    requests: Option<Requests>,
) -> Result<Value, String> {
    let defs = definitions
        .as_object_mut()
        .ok_or_else(|| format!("{facade}: definitions is not an object"))?;
    if let Some(host_port) = defs.get_mut("HostPort") {
        // Go's `HostPort` embeds `Address`; encoding/json flattens embedded structs, so the wire
        // has `value`, `type`, `scope` ... at the top level and never an `Address` key. The
        // generator lists the embedded struct as a required property.
        let removed = host_port["properties"]
            .as_object_mut()
            .and_then(|p| p.remove("Address"));
        let required = host_port["required"]
            .as_array_mut()
            .ok_or_else(|| format!("{facade}: HostPort has no required list"))?;
        let before = required.len();
        required.retain(|r| r != "Address");
        if removed.is_none() || required.len() == before {
            return Err(format!("{facade}: HostPort no longer embeds Address"));
        }
    }
    if let Some(macaroon) = defs.get_mut("Macaroon") {
        // gopkg.in/macaroon.v2 marshals itself; the generator saw no exported fields and wrote
        // a closed empty object (`{}` with additionalProperties false), which no real macaroon
        // fits. Any object will do.
        *macaroon = json!({"type": "object"});
    }
    for definition in defs.values_mut() {
        open_interface_maps(definition);
    }
    if requests == Some(Requests::AnyClient) {
        // Go's decoder requires nothing: a missing field keeps its zero value.
        for definition in defs.values_mut() {
            definition.as_object_mut().map(|d| d.remove("required"));
        }
    }
    if requests == Some(Requests::OurClient) {
        for (name, field) in OPTIONAL_IN_REQUESTS {
            let Some(definition) = defs.get_mut(*name) else {
                continue;
            };
            let required = definition["required"]
                .as_array_mut()
                .ok_or_else(|| format!("{facade}: {name} has no required list"))?;
            let before = required.len();
            required.retain(|r| r != *field);
            if required.len() == before {
                return Err(format!("{facade}: {name}.{field} is no longer required"));
            }
            if required.is_empty() {
                // Draft 4 wants a non-empty list, or none.
                definition.as_object_mut().map(|d| d.remove("required"));
            }
        }
    }
    Ok(definitions)
}

/// Go's `map[string]interface{}` (`Error.info`, the `params` of secret args): the generator
/// renders each `interface{}` value as an open object, but on the wire a value may be any JSON
/// (e.g. `error-info` carries strings such as `ca-cert`).
fn open_interface_maps(schema: &mut Value) {
    let any_object = json!({"additionalProperties": true, "type": "object"});
    match schema {
        Value::Object(map) => {
            if let Some(Value::Object(patterns)) = map.get_mut("patternProperties") {
                for value in patterns.values_mut() {
                    if *value == any_object {
                        *value = json!({});
                    }
                }
            }
            map.values_mut().for_each(open_interface_maps);
        }
        Value::Array(items) => items.iter_mut().for_each(open_interface_maps),
        _ => {}
    }
}

/// A request frame (`rpc/jsoncodec` `outMsgV1` as a client writes it).
fn request_envelope(requests: Requests) -> Value {
    let mut envelope = json!({
        "type": "object",
        "additionalProperties": false,
        "required": ["request-id", "type", "version", "request"],
        "properties": {
            // 0 or absent would select Juju's legacy CamelCase format.
            "request-id": {"type": "integer", "minimum": 1},
            "type": {"type": "string", "minLength": 1},
            "version": {"type": "integer", "minimum": 0},
            // The facade object id: empty for every facade of the schema, a watcher id for
            // watchers (checked per facade in `check_call`).
            "id": {"type": "string"},
            "request": {"type": "string", "minLength": 1},
            "params": {"type": ["object", "null"]}
        }
    });
    if requests == Requests::AnyClient {
        // python-libjuju's watcher id key; Go's decoder matches keys case-insensitively.
        envelope["properties"]["Id"] = json!({"type": "string"});
    }
    envelope
}

/// A successful response frame: `request-id` and the result; Juju omits every other key.
fn response_envelope() -> Value {
    json!({
        "type": "object",
        "additionalProperties": false,
        "required": ["request-id", "response"],
        "properties": {
            "request-id": {"type": "integer", "minimum": 1},
            "response": {"type": "object"}
        }
    })
}

/// An error frame: the message, an optional non-empty code, optional info, and the empty
/// `response` object Juju still writes (python-libjuju reads it unconditionally).
fn error_envelope() -> Value {
    json!({
        "type": "object",
        "additionalProperties": false,
        "required": ["request-id", "error", "response"],
        "properties": {
            "request-id": {"type": "integer", "minimum": 1},
            "error": {"type": "string", "minLength": 1},
            "error-code": {"type": "string", "minLength": 1},
            "error-info": {"type": "object"},
            "response": {"type": "object", "maxProperties": 0}
        }
    })
}

/// What [`WireSchema::check_all`] found.
#[derive(Debug, Default)]
pub struct Report {
    /// Calls checked against the schema, by `Facade(version).Method`.
    pub checked: BTreeMap<String, usize>,
    /// Malformed requests sent on purpose and refused with Go's JSON error.
    pub refused: BTreeMap<String, usize>,
    /// Calls to facades the schema does not describe (envelopes checked only).
    pub skipped: BTreeMap<String, usize>,
    /// One entry per failing frame pair.
    pub failures: Vec<String>,
}

impl Report {
    /// How many frame pairs were checked against the schema.
    pub fn total_checked(&self) -> usize {
        self.checked.values().sum()
    }

    /// A one-line-per-call summary.
    pub fn summary(&self) -> String {
        let mut text = String::new();
        for (label, calls) in [
            ("checked", &self.checked),
            ("refused as malformed", &self.refused),
            ("skipped (facade not in the schema)", &self.skipped),
        ] {
            let total: usize = calls.values().sum();
            let _ = writeln!(text, "{label}: {total}");
            for (call, n) in calls {
                let _ = writeln!(text, "  {call}: {n}");
            }
        }
        text
    }

    /// Panics listing every failure, if there are any, and if nothing was checked.
    pub fn assert_clean(&self) {
        assert!(
            self.failures.is_empty(),
            "{} frame pair(s) do not fit Juju's schema ({SCHEMA_FILE}):\n\n{}\n\n{}",
            self.failures.len(),
            self.failures.join("\n\n"),
            self.summary()
        );
        assert!(
            self.total_checked() > 0,
            "no frame was checked\n{}",
            self.summary()
        );
    }
}
