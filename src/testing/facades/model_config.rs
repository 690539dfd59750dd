//! The `ModelConfig` facade (v3): `ModelGet`, with the few settings python-libjuju's
//! `Model.connect` reads, as Juju 3.6 answers for an IAAS model on a `localhost` LXD cloud.

use serde_json::{json, Value};

use crate::testing::conn::Conn;
use crate::testing::reply::{unknown_method, Reply};
use crate::testing::shared::Shared;

/// Serves `ModelConfig`.
pub(crate) fn handle(shared: &Shared, conn: &Conn, version: u64, method: &str) -> Reply {
    match method {
        "ModelGet" => Ok(model_config(shared, conn)),
        _ => Err(unknown_method("ModelConfig", version, method)),
    }
}

/// A few of the settings Juju returns, each as `{value, source}`.
fn model_config(shared: &Shared, conn: &Conn) -> Value {
    let uuid = conn.model_uuid.as_deref().unwrap_or("");
    let name = shared.config.models.iter().find(|m| m.uuid == uuid);
    let setting = |value: &str, source: &str| json!({"value": value, "source": source});
    json!({"config": {
        "name": setting(name.map_or("", |m| m.name.as_str()), "model"),
        "uuid": setting(uuid, "model"),
        "type": setting("lxd", "model"),
        "agent-version": setting(&shared.config.server_version, "model"),
        "default-base": setting("", "default"),
        "secret-backend": setting("auto", "default"),
    }})
}
