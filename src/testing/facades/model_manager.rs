//! The `ModelManager` facade (v9, v10 on Juju 3.6; v10, v11 on Juju 4) on controller
//! connections: `ModelInfo`, which python-libjuju's `Model.connect` calls, and `ListModels`, to
//! find models by name; answered as Juju answers for IAAS models on a `localhost` LXD cloud.

use serde::Deserialize;
use serde_json::{json, Value};

use crate::error::ApiError;
use crate::testing::config::TestModel;
use crate::testing::params::decode;
use crate::testing::profile::normalised_qualifier;
use crate::testing::reply::{api_error, unknown_method, Reply};
use crate::testing::shared::Shared;
use crate::testing::state::now;

#[derive(Deserialize, Default)]
#[serde(default)]
struct Entities {
    entities: Option<Vec<Entity>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Entity {
    tag: String,
}

/// Serves `ModelManager`.
pub(crate) fn handle(shared: &Shared, version: u64, method: &str, params: &Value) -> Reply {
    match method {
        "ModelInfo" => model_infos(shared, version, params),
        "ListModels" => list_models(shared, version, params),
        _ => Err(unknown_method("ModelManager", version, method)),
    }
}

/// `ListModels(params.Entity) -> params.UserModelList`: the models `tag` can see, which for the
/// controller's user (a superuser) is every model, for another user the models it owns.
fn list_models(shared: &Shared, version: u64, params: &Value) -> Reply {
    let config = &shared.config;
    let tag = params.get("tag").and_then(Value::as_str).unwrap_or("");
    let Some(user) = tag.strip_prefix("user-").filter(|u| !u.is_empty()) else {
        // names.ParseUserTag's error, which the facade returns as it is.
        return Err(api_error(format!("{tag:?} is not a valid user tag"), ""));
    };
    let superuser = user.strip_suffix("@local").unwrap_or(user) == config.user;
    let models: Vec<Value> = config
        .models
        .iter()
        .map(|m| (m, config.model_owner(&m.uuid)))
        .filter(|(_, owner)| superuser || owner == &user)
        .map(|(m, owner)| {
            let mut model = json!({"name": m.name, "uuid": m.uuid, "type": "iaas"});
            // Juju 4 keeps a qualifier where 3.6 kept an owner; 4.0.0 to 4.0.5 normalised it.
            let qualifier = if config.normalises_qualifiers() {
                normalised_qualifier(owner)
            } else {
                owner.to_owned()
            };
            match (config.juju4(), version) {
                (true, 11..) => model["qualifier"] = json!(qualifier),
                (true, _) => model["owner-tag"] = json!(format!("user-{qualifier}")),
                (false, _) => model["owner-tag"] = json!(format!("user-{owner}")),
            }
            json!({"model": model, "last-connection": now()})
        })
        .collect();
    // 3.6 and v11 append to a nil slice, so no models is `null`; 4.x's v10 shim makes a slice
    // of the right length, so `[]` (apiserver/facades/client/modelmanager legacy.go).
    if models.is_empty() && !(config.juju4() && version == 10) {
        return Ok(json!({"user-models": null}));
    }
    Ok(json!({"user-models": models}))
}

/// `ModelInfo(params.Entities) -> params.ModelInfoResults`.
fn model_infos(shared: &Shared, version: u64, params: &Value) -> Reply {
    let args: Entities = decode(params)?;
    let results: Vec<Value> = args
        .entities
        .unwrap_or_default()
        .iter()
        .map(|entity| match model_info(shared, &entity.tag, version) {
            Ok(info) => json!({"result": info}),
            Err(e) => json!({"error": {"message": e.message, "code": e.code.unwrap_or_default()}}),
        })
        .collect();
    Ok(json!({"results": results}))
}

/// `params.ModelInfo` as an admin sees it. An unknown model is `permission denied`, not "not
/// found", so that its existence does not leak (`modelmanager.getModelInfo`).
fn model_info(shared: &Shared, tag: &str, version: u64) -> Result<Value, ApiError> {
    let config = &shared.config;
    let uuid = tag
        .strip_prefix("model-")
        .filter(|uuid| !uuid.is_empty())
        .ok_or_else(|| api_error(format!("{tag:?} is not a valid model tag"), ""))?;
    let Some(TestModel { name, .. }) = config.models.iter().find(|m| m.uuid == uuid) else {
        return Err(api_error("permission denied", "unauthorized access"));
    };
    let secrets = shared
        .lock()
        .models
        .get(uuid)
        .map_or(0, |s| s.iter().count());
    let user = &config.user;
    let mut info = json!({
        "name": name,
        "type": "iaas",
        "uuid": uuid,
        "controller-uuid": config.controller_uuid,
        "is-controller": false,
        "provider-type": "lxd",
        "cloud-tag": "cloud-localhost",
        "cloud-region": "localhost",
        "cloud-credential-tag": format!("cloudcred-localhost_{user}_localhost"),
        "cloud-credential-validity": true,
        "owner-tag": format!("user-{}", config.model_owner(uuid)),
        "life": "alive",
        "status": {"status": "available", "info": "", "since": now()},
        "users": [{
            "model-tag": tag, "user": user, "display-name": user,
            "last-connection": now(), "access": "admin",
        }],
        "machines": [],
        // The id is blanked: Juju does not expose it here.
        "secret-backends": [{
            "result": {"name": "internal", "backend-type": "controller", "config": {}},
            "id": "", "num-secrets": secrets, "status": "active",
        }],
        "sla": {"level": "unsupported", "owner": ""},
        "agent-version": config.server_version,
        "supported-features": [{
            "name": "juju", "description": "the version of Juju used by the model",
            "version": config.server_version,
        }],
    });
    if version < 10 {
        // v10 dropped them: the default OS is model config.
        info["default-base"] = json!("ubuntu@24.04/stable");
        info["default-series"] = json!("noble");
    }
    Ok(info)
}
