//! Request params decoded as Juju's Go server decodes them.

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::reply::api_error;
use crate::error::ApiError;

/// Go's `encoding/json` takes missing keys as zero values, leaves a field alone (so, zero) for a
/// `null`, and ignores unknown keys. python-libjuju sends `null` for every argument not given.
pub(crate) fn decode<T: DeserializeOwned>(params: &Value) -> Result<T, ApiError> {
    T::deserialize(without_nulls(params))
        .map_err(|e| api_error(format!("json: cannot unmarshal params: {e}"), ""))
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
