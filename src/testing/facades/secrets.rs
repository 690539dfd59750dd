//! The `Secrets` facade (v1: `ListSecrets`; v2: all six methods) with Juju 3.6's server-side
//! semantics for model-owned user secrets (`apiserver/facades/client/secrets`, `state/secrets.go`).

use serde_json::{json, Value};

use super::secrets_params::{
    parse_uri, Args, CreateArg, GrantRevokeArg, ListArgs, RemoveArg, UpdateArg,
};
use crate::error::ApiError;
use crate::rpc::WireError;
use crate::testing::params::decode;
use crate::testing::reply::{api_error, unknown_method, Reply};
use crate::testing::shared::Shared;
use crate::testing::state::{ModelSecrets, Revision, Secret};

fn not_found(what: &str) -> ApiError {
    api_error(format!("secret {what:?} not found"), "not found")
}

/// Serves `Secrets` for `model` (a UUID).
pub(crate) fn handle(
    shared: &Shared,
    model: &str,
    version: u64,
    method: &str,
    params: &Value,
) -> Reply {
    let is_v2_method = matches!(
        method,
        "CreateSecrets" | "UpdateSecrets" | "RemoveSecrets" | "GrantSecret" | "RevokeSecret"
    );
    if version == 1 && is_v2_method {
        // Juju masks v2 methods on v1 with one-argument stubs: valid calls answering nothing.
        return Ok(json!({}));
    }
    let mut state = shared.lock();
    let secrets = state.models.entry(model.to_owned()).or_default();
    let ctx = Ctx { shared, model };
    match method {
        "ListSecrets" => ctx.list(secrets, decode(params)?),
        "CreateSecrets" => ctx.create(secrets, decode(params)?),
        "UpdateSecrets" => ctx.update(secrets, decode(params)?),
        "RemoveSecrets" => ctx.remove(secrets, decode(params)?),
        "GrantSecret" => ctx.grant_revoke(secrets, decode(params)?, true),
        "RevokeSecret" => ctx.grant_revoke(secrets, decode(params)?, false),
        _ => Err(unknown_method("Secrets", version, method)),
    }
}

struct Ctx<'a> {
    shared: &'a Shared,
    model: &'a str,
}

impl Ctx<'_> {
    fn owner_tag(&self) -> String {
        format!("model-{}", self.model)
    }

    fn list(&self, secrets: &ModelSecrets, args: ListArgs) -> Reply {
        let mut filter = args.filter.unwrap_or_default();
        if !self.shared.config.secrets_versions.contains(&2) {
            // Juju 3.1 and 3.2 (Secrets v1 only) have no `label` in the filter: it is ignored.
            filter.label = None;
        }
        let uri_id = filter.uri.as_deref().map(parse_uri).transpose()?;
        if let Some(tag) = &filter.owner_tag {
            if !tag.contains('-') {
                return Err(api_error(
                    format!("{tag:?} is not a valid tag"),
                    "not valid",
                ));
            }
        }
        let matched: Vec<&Secret> = secrets
            .iter()
            .filter(|s| uri_id.as_ref().is_none_or(|id| &s.id == id))
            .filter(|s| {
                filter
                    .label
                    .as_ref()
                    .is_none_or(|l| s.label.as_ref() == Some(l))
            })
            .filter(|_| {
                filter
                    .owner_tag
                    .as_ref()
                    .is_none_or(|t| *t == self.owner_tag())
            })
            .collect();
        let show = args.show_secrets.unwrap_or(false);
        let mut results = Vec::with_capacity(matched.len());
        for secret in matched {
            let revision = filter.revision.unwrap_or(secret.latest_revision);
            if filter.revision.is_some() && !secret.revisions.contains_key(&revision) {
                return Err(api_error(
                    format!("secret revision {}/{revision} not found", secret.uri()),
                    "not found",
                ));
            }
            let mut result = secret.to_list_result(&self.owner_tag(), self.model);
            if show {
                result["value"] = match secret.revisions.get(&revision) {
                    Some(r) => json!({"data": r.data}),
                    None => {
                        json!({"error": {"message": format!("secret revision {revision} not found"), "code": "not found"}})
                    }
                };
            }
            results.push(result);
        }
        Ok(json!({"results": results}))
    }

    fn create(&self, secrets: &mut ModelSecrets, args: Args<CreateArg>) -> Reply {
        each(args, |arg| match self.create_one(secrets, arg) {
            Ok(uri) => json!({"result": uri}),
            Err(e) => json!({"result": "", "error": wire(&e)}),
        })
    }

    fn create_one(&self, secrets: &mut ModelSecrets, arg: CreateArg) -> Result<String, ApiError> {
        if !arg.owner_tag.is_empty() && arg.owner_tag != self.model {
            return Err(api_error(
                format!("owner tag {:?} not valid", arg.owner_tag),
                "not valid",
            ));
        }
        if arg.uri.is_some_and(|u| !u.is_empty()) {
            return Err(api_error(
                "secret uri cannot be set on user secret create not valid",
                "not valid",
            ));
        }
        let data = arg.content.data.unwrap_or_default();
        if data.is_empty() {
            return Err(api_error("empty secret value not valid", "not valid"));
        }
        let label = arg.label.filter(|l| !l.is_empty());
        if let Some(label) = &label {
            if secrets.by_label(label).is_some() {
                return Err(api_error(
                    format!("secret with name {label:?} already exists"),
                    "already exists",
                ));
            }
        }
        let id = secrets.new_id(self.shared.config.long_secret_ids);
        let secret = Secret::new(
            id,
            label,
            arg.description.unwrap_or_default(),
            Revision::new(data),
        );
        let uri = secret.uri();
        secrets.push(secret);
        Ok(uri)
    }

    fn update(&self, secrets: &mut ModelSecrets, args: Args<UpdateArg>) -> Reply {
        each(args, |arg| error_result(self.update_one(secrets, arg)))
    }

    fn update_one(&self, secrets: &mut ModelSecrets, arg: UpdateArg) -> Result<(), ApiError> {
        let data = arg.content.data.filter(|d| !d.is_empty());
        if arg.auto_prune.is_none()
            && arg.description.is_none()
            && arg.label.is_none()
            && data.is_none()
        {
            return Err(api_error(
                "at least one attribute to update must be specified",
                "",
            ));
        }
        let index = self.find(secrets, &arg.uri, &arg.existing_label)?;
        if let Some(label) = arg.label.as_ref().filter(|l| !l.is_empty()) {
            if secrets.by_label(label).is_some_and(|other| other != index) {
                return Err(api_error(
                    format!("secret with name {label:?} already exists"),
                    "already exists",
                ));
            }
        }
        let Some(secret) = secrets.get_mut(index) else {
            return Err(api_error("secret vanished", ""));
        };
        secret.update(arg.label, arg.description, arg.auto_prune, data);
        Ok(())
    }

    /// Finds a model-owned secret by URI or by label, as `UpdateSecrets` does.
    fn find(&self, secrets: &ModelSecrets, uri: &str, label: &str) -> Result<usize, ApiError> {
        match (uri.is_empty(), label.is_empty()) {
            (true, true) => Err(api_error("must specify either URI or label", "")),
            (false, false) => Err(api_error(
                "must specify either URI or label but not both",
                "",
            )),
            (false, true) => {
                let id = parse_uri(uri)?;
                secrets.by_id(&id).ok_or_else(|| not_found(uri))
            }
            (true, false) => secrets.by_label(label).ok_or_else(|| not_found(label)),
        }
    }

    fn remove(&self, secrets: &mut ModelSecrets, args: Args<RemoveArg>) -> Reply {
        each(args, |arg| error_result(self.remove_one(secrets, arg)))
    }

    fn remove_one(&self, secrets: &mut ModelSecrets, arg: RemoveArg) -> Result<(), ApiError> {
        // Juju 3.6 falls back to the label even when it is empty: an unnamed secret can match.
        let index = if arg.uri.is_empty() {
            secrets
                .by_label_or_unnamed(&arg.label)
                .ok_or_else(|| not_found(&arg.label))?
        } else {
            let id = parse_uri(&arg.uri)?;
            secrets.by_id(&id).ok_or_else(|| not_found(&arg.uri))?
        };
        let Some(revisions) = arg.revisions.filter(|r| !r.is_empty()) else {
            secrets.remove(index);
            return Ok(());
        };
        let Some(secret) = secrets.get_mut(index) else {
            return Err(api_error("secret vanished", ""));
        };
        let existing: Vec<u32> = revisions
            .iter()
            .copied()
            .filter(|r| secret.revisions.contains_key(r))
            .collect();
        if existing.is_empty() {
            return Err(api_error(
                format!("cannot delete any of revisions {revisions:?} - revisions not found")
                    .replace(", ", " "),
                "not found",
            ));
        }
        if secret.revisions.keys().all(|r| existing.contains(r)) {
            secrets.remove(index);
        } else {
            for r in existing {
                secret.revisions.remove(&r);
            }
        }
        Ok(())
    }

    fn grant_revoke(&self, secrets: &mut ModelSecrets, arg: GrantRevokeArg, grant: bool) -> Reply {
        let index = match (arg.uri.is_empty(), arg.label.is_empty()) {
            (true, true) => return Err(api_error("must specify either URI or name", "")),
            (false, _) => {
                let id = parse_uri(&arg.uri)?;
                secrets.by_id(&id).ok_or(arg.uri.clone())
            }
            (true, false) => Ok(secrets
                .by_label(&arg.label)
                .ok_or_else(|| not_found(&arg.label))?),
        };
        let apps = arg.applications.unwrap_or_default();
        let known = &self.shared.config.applications;
        let results: Vec<Value> = apps
            .iter()
            .map(|app| {
                let outcome = match (&index, grant) {
                    // Revoking from an unknown secret or application is a silent no-op.
                    (Err(_), false) => Ok(()),
                    (Err(uri), true) => Err(cannot_change(uri, app, not_found(uri))),
                    (Ok(i), _) => {
                        let uri = secrets.get(*i).map(Secret::uri).unwrap_or_default();
                        if grant && !known.contains(app) {
                            Err(cannot_change(&uri, app, api_error(
                                format!("invalid subject reference: remote application {app:?} not found"),
                                "not found",
                            )))
                        } else {
                            if let Some(secret) = secrets.get_mut(*i) {
                                secret.set_grant(app, grant);
                            }
                            Ok(())
                        }
                    }
                };
                error_result(outcome)
            })
            .collect();
        Ok(json!({"results": results}))
    }
}

fn cannot_change(uri: &str, app: &str, cause: ApiError) -> ApiError {
    ApiError {
        message: format!(
            "cannot change access to {uri:?} for {app:?}: {}",
            cause.message
        ),
        ..cause
    }
}

fn wire(e: &ApiError) -> Value {
    json!(WireError::from(e))
}

/// A bulk method's answer: one result per item of `args`, in order.
fn each<T>(args: Args<T>, one: impl FnMut(T) -> Value) -> Reply {
    let results: Vec<Value> = args.args.unwrap_or_default().into_iter().map(one).collect();
    Ok(json!({"results": results}))
}

fn error_result(outcome: Result<(), ApiError>) -> Value {
    match outcome {
        Ok(()) => json!({}),
        Err(e) => json!({"error": wire(&e)}),
    }
}
