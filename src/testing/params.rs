//! Request params decoded as Juju's Go server decodes them.

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::reply::api_error;
use crate::error::ApiError;

/// Go's `encoding/json` takes missing keys as zero values, leaves a field alone (so, zero) for a
/// `null`, and ignores unknown keys. python-libjuju sends `null` for every argument not given.
pub(crate) fn decode<T: DeserializeOwned>(params: &Value) -> Result<T, ApiError> {
    let decoded = if has_null(params) {
        T::deserialize(without_nulls(params))
    } else {
        // Without nulls there is nothing to drop: no copy of (possibly megabytes of) params.
        T::deserialize(params)
    };
    decoded.map_err(|e| api_error(format!("json: cannot unmarshal params: {e}"), ""))
}

fn has_null(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Object(members) => members.values().any(has_null),
        Value::Array(items) => items.iter().any(has_null),
        _ => false,
    }
}

fn without_nulls(value: &Value) -> Value {
    match value {
        Value::Object(members) => members
            .iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| (k.clone(), without_nulls(v)))
            .collect(),
        Value::Array(items) => items.iter().map(without_nulls).collect(),
        other => other.clone(),
    }
}
