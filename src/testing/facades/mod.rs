//! The facades the test controller serves, one file each, and the table of what it offers: each
//! facade's versions, and whether it lives on model or controller connections.
//!
//! Besides `Admin`, `Pinger` and `Secrets`, these are the facades python-libjuju's
//! `Model.connect` calls (`ModelConfig`, `Client`, `AllWatcher`, `ModelManager`), answered as
//! Juju 3.6 answers them for an empty IAAS model on a `localhost` LXD cloud. Where Juju 4
//! answers otherwise (`Secrets`, `ModelManager.ListModels`), the profile decides.

pub(crate) mod admin;
pub(crate) mod admin_jaas;
mod login_result;
pub(crate) mod model_config;
pub(crate) mod model_manager;
pub(crate) mod pinger;
pub(crate) mod secrets;
mod secrets_juju4;
mod secrets_params;
pub(crate) mod watchers;

use super::config::Config;

/// Facades and versions on model connections, besides `Pinger` and `Secrets`.
const MODEL_FACADES: &[(&str, &[u32])] = &[
    ("AllWatcher", &[3]),
    ("Client", &[6, 7, 8]),
    ("ModelConfig", &[3]),
];

/// Facades and versions on controller connections, besides `Pinger` and `ModelManager` (whose
/// versions depend on the release played).
const CONTROLLER_FACADES: &[(&str, &[u32])] = &[];

/// The facades offered at login, by name: model facades only on a model connection.
pub(crate) fn offered(config: &Config, model: bool) -> Vec<(&'static str, Vec<u32>)> {
    // Admin is not listed: after login it is gone (`apiserver/root.go`).
    let mut facades = vec![("Pinger", vec![1])];
    let table = if model {
        MODEL_FACADES
    } else {
        CONTROLLER_FACADES
    };
    facades.extend(
        table
            .iter()
            .map(|(name, versions)| (*name, versions.to_vec())),
    );
    if model && !config.secrets_versions.is_empty() {
        facades.push(("Secrets", config.secrets_versions.clone()));
    }
    let model_manager = config.model_manager_versions();
    if !model && !model_manager.is_empty() {
        facades.push(("ModelManager", model_manager));
    }
    // Juju lists them sorted by name.
    facades.sort_by_key(|(name, _)| *name);
    facades
}

/// Whether a facade this controller knows lives on model (`true`) or controller (`false`)
/// connections; `None` for facades served on both.
pub(crate) fn kind(facade: &str) -> Option<bool> {
    match facade {
        "AllWatcher" | "Client" | "ModelConfig" | "Secrets" => Some(true),
        "ModelManager" => Some(false),
        _ => None,
    }
}
