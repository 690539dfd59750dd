//! Routes each request to its facade, as Juju's RPC layer does: the checks every request passes
//! (redirected or unknown model, login first, model or controller connection, facade version
//! offered) before a facade sees it.

use serde_json::Value;

use super::conn::Conn;
use super::facades::{self, admin, model_config, model_manager, pinger, secrets, watchers};
use super::jaas;
use super::reply::{self, Reply};
use super::roles;
use super::shared::Shared;

/// Routes one request to its facade, as Juju's RPC layer does. `object_id` is the request's
/// `Id` (only AllWatcher uses one).
pub(crate) fn dispatch(
    shared: &Shared,
    conn: &mut Conn,
    object_id: &str,
    facade: &str,
    version: u64,
    method: &str,
    params: &Value,
) -> Reply {
    let model = conn.model_uuid.as_deref();
    if let Some(redirect) = roles::redirect(&shared.config.roles, model, facade, method) {
        return Err(redirect);
    }
    if let Some(uuid) = &conn.model_uuid {
        if !shared.config.models.iter().any(|m| &m.uuid == uuid) {
            return Err(match shared.config.jaas {
                Some(_) => jaas::unknown_model(),
                None => reply::unknown_model(uuid),
            });
        }
    }
    if facade == "Admin" {
        return admin::handle(shared, conn, version, method, params);
    }
    if !conn.logged_in {
        // Before login only Admin exists.
        return Err(reply::unknown_facade(facade, version));
    }
    let on_model = conn.model_uuid.is_some();
    if let Some(for_model) = facades::kind(facade) {
        if for_model != on_model {
            return Err(reply::wrong_connection(facade, !on_model));
        }
    }
    let offered = facades::offered(&shared.config, on_model);
    let found = offered.iter().find(|(name, _)| *name == facade);
    if !found.is_some_and(|(_, versions)| versions.iter().any(|v| u64::from(*v) == version)) {
        return Err(reply::unknown_facade(facade, version));
    }
    match facade {
        "Pinger" => pinger::handle(version, method),
        "Secrets" => {
            let model = conn.model_uuid.as_deref().unwrap_or("");
            secrets::handle(shared, model, conn.access, version, method, params)
        }
        "ModelConfig" => model_config::handle(shared, conn, version, method),
        "Client" | "AllWatcher" => watchers::handle(conn, object_id, facade, version, method),
        "ModelManager" => model_manager::handle(shared, version, method, params),
        _ => Err(reply::unknown_method(facade, version, method)),
    }
}
