//! The `Secrets` facade (v1: `ListSecrets`; v2: all six methods) with Juju 3.6's server-side
//! semantics for model-owned user secrets (`apiserver/facades/client/secrets`, `state/secrets.go`),
//! or Juju 4's where the profile says so (what differs is in `secrets_juju4.rs`).

use serde_json::{json, Value};

use super::secrets_juju4 as juju4;
use super::secrets_params::{
    parse_uri, Args, CreateArg, GrantRevokeArg, ListArgs, RemoveArg, UpdateArg,
};
use crate::error::ApiError;
use crate::rpc::WireError;
use crate::testing::access::Access;
use crate::testing::config::Config;
use crate::testing::params::decode;
use crate::testing::reply::{api_error, unknown_method, Reply};
use crate::testing::shared::Shared;
use crate::testing::state::{ModelSecrets, Revision, Secret};

fn not_found(what: &str) -> ApiError {
    api_error(format!("secret {what:?} not found"), "not found")
}

/// Serves `Secrets` for `model` (a UUID) to a user with `access` to it.
pub(crate) fn handle(
    shared: &Shared,
    model: &str,
    access: Access,
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
    let ctx = Ctx {
        shared,
        model,
        access,
    };
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
    /// Checked where Juju 3.6 checks it (juju-api.md §4, research B1).
    access: Access,
}

impl Ctx<'_> {
    fn owner_tag(&self) -> String {
        format!("model-{}", self.model)
    }

    fn config(&self) -> &Config {
        &self.shared.config
    }

    fn list(&self, secrets: &ModelSecrets, args: ListArgs) -> Reply {
        let show = args.show_secrets.unwrap_or(false);
        self.access
            .require(if show { Access::Admin } else { Access::Read })?;
        let mut filter = args.filter.unwrap_or_default();
        if self.config().juju4() {
            let matched = juju4::list(self.config(), secrets, &filter)?;
            return Ok(self.list_results(&matched, filter.revision, show));
        }
        if !self.config().secrets_versions.contains(&2) {
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
        if let Some(revision) = filter.revision {
            // GetSecretRevision for each secret listed: one without the revision fails the
            // call, in Go's own spelling (state/secrets.go).
            if let Some(lacking) = matched
                .iter()
                .find(|s| !s.revisions.contains_key(&revision))
            {
                return Err(api_error(
                    format!(
                        "revison {revision} for secret {:?} not found",
                        lacking.uri()
                    ),
                    "not found",
                ));
            }
        }
        Ok(self.list_results(&matched, filter.revision, show))
    }

    /// The `ListSecretResults` of `matched`; with a revision, only that revision is listed and
    /// revealed.
    fn list_results(&self, matched: &[&Secret], revision: Option<u32>, show: bool) -> Value {
        let results: Vec<Value> = matched
            .iter()
            .map(|secret| {
                let mut result = secret.to_list_result(self.model, revision, self.config());
                if show {
                    let revision = revision.unwrap_or(secret.latest_revision);
                    result["value"] = match secret.revisions.get(&revision) {
                        Some(r) => json!({"data": r.data}),
                        None => {
                            json!({"error": {"message": format!("secret revision {revision} not found"), "code": "not found"}})
                        }
                    };
                }
                result
            })
            .collect();
        json!({"results": results})
    }

    fn create(&self, secrets: &mut ModelSecrets, args: Args<CreateArg>) -> Reply {
        self.access.require(Access::Write)?;
        each(args, |arg| match self.create_one(secrets, arg) {
            Ok(uri) => json!({"result": uri}),
            Err(e) => json!({"result": "", "error": wire(&e)}),
        })
    }

    fn create_one(&self, secrets: &mut ModelSecrets, arg: CreateArg) -> Result<String, ApiError> {
        let data = arg.content.data.unwrap_or_default();
        let owner_ok = arg.owner_tag.is_empty() || arg.owner_tag == self.model;
        let owner_error = || {
            api_error(
                format!("owner tag {:?} not valid", arg.owner_tag),
                "not valid",
            )
        };
        let empty_error = || api_error("empty secret value not valid", "not valid");
        let uri = arg.uri.filter(|u| !u.is_empty());
        let chosen_id = if self.config().juju4() {
            // 4.x returns the first failure, and takes a URI given as the new secret's.
            if !owner_ok {
                return Err(owner_error());
            }
            if data.is_empty() {
                return Err(empty_error());
            }
            uri.as_deref().map(parse_uri).transpose()?
        } else {
            // 3.6 checks the URI, the owner and the data in turn and keeps the last failure.
            if data.is_empty() {
                return Err(empty_error());
            }
            if !owner_ok {
                return Err(owner_error());
            }
            if uri.is_some() {
                return Err(api_error(
                    "secret uri cannot be set on user secret create not valid",
                    "not valid",
                ));
            }
            None
        };
        let label = arg.label.filter(|l| !l.is_empty());
        if let Some(label) = &label {
            if secrets.by_label(label).is_some() {
                return Err(api_error(
                    format!("secret with name {label:?} already exists"),
                    "already exists",
                ));
            }
        }
        let id = match chosen_id {
            Some(id) if secrets.by_id(&id).is_some() => return Err(juju4::id_taken(&id)),
            Some(id) => id,
            None => secrets.new_id(self.config().long_secret_ids),
        };
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
        self.access.require(Access::Write)?;
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
            (false, true) => self.by_uri(secrets, uri),
            (true, false) => self.by_label(secrets, label),
        }
    }

    /// The secret `uri` names: 3.6's `GetSecret` error, or 4.x's bare `secret not found` (the
    /// access check, `checkExistsIfLocal`, fails first).
    fn by_uri(&self, secrets: &ModelSecrets, uri: &str) -> Result<usize, ApiError> {
        let id = parse_uri(uri)?;
        secrets.by_id(&id).ok_or_else(|| {
            if self.config().juju4() {
                juju4::secret_not_found()
            } else {
                not_found(&format!("secret:{id}"))
            }
        })
    }

    /// The model-owned secret named `label`: 3.6's `getSecretURI` error, or 4.x's
    /// `GetUserSecretURIByLabel` one.
    fn by_label(&self, secrets: &ModelSecrets, label: &str) -> Result<usize, ApiError> {
        secrets.by_label(label).ok_or_else(|| {
            if self.config().juju4() {
                juju4::label_not_found(label)
            } else {
                not_found(label)
            }
        })
    }

    fn remove(&self, secrets: &mut ModelSecrets, args: Args<RemoveArg>) -> Reply {
        each(args, |arg| error_result(self.remove_one(secrets, arg)))
    }

    fn remove_one(&self, secrets: &mut ModelSecrets, arg: RemoveArg) -> Result<(), ApiError> {
        let index = match (arg.uri.is_empty(), arg.label.is_empty()) {
            // Checked first on both releases (3.6 common/secrets removeSecrets, 4.x secretURI).
            (true, true) => return Err(api_error("must specify either URI or label", "")),
            (false, _) => self.by_uri(secrets, &arg.uri)?,
            (true, false) => self.by_label(secrets, &arg.label)?,
        };
        // Per item, once the secret is found: a reader removing a missing one gets not found.
        self.access.require(Access::Write)?;
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
        if !arg.uri.is_empty() || !arg.label.is_empty() {
            // After the empty-reference check, before the lookup.
            self.access.require(Access::Write)?;
        }
        // The secret, or the id of a URI that names none (the label's look-up fails the call).
        let target = match (arg.uri.is_empty(), arg.label.is_empty()) {
            (true, true) => return Err(api_error("must specify either URI or name", "")),
            (false, _) => {
                let id = parse_uri(&arg.uri)?;
                secrets.by_id(&id).ok_or(id)
            }
            (true, false) => Ok(self.by_label(secrets, &arg.label)?),
        };
        let uri = match &target {
            Ok(i) => secrets.get(*i).map(Secret::uri).unwrap_or_default(),
            Err(id) => format!("secret:{id}"),
        };
        let apps = arg.applications.unwrap_or_default();
        let results: Vec<Value> = apps
            .iter()
            .map(|app| {
                let outcome = if self.config().juju4() {
                    juju4::check_access_change(target.is_ok(), app, self.is_application(app))
                } else {
                    self.check_access_change(target.is_ok(), app, &uri, grant)
                };
                let outcome = outcome.map_err(|cause| cannot_change(&uri, app, cause));
                if let (Ok(()), Ok(i)) = (&outcome, &target) {
                    if let Some(secret) = secrets.get_mut(*i) {
                        secret.set_grant(app, grant);
                    }
                }
                error_result(outcome)
            })
            .collect();
        Ok(json!({"results": results}))
    }

    /// Whether 3.6 lets one application's access change: revoking is a no-op for an unknown
    /// secret or application; granting looks the application up first, then the secret
    /// (state `GrantSecretAccess`).
    fn check_access_change(
        &self,
        exists: bool,
        app: &str,
        uri: &str,
        grant: bool,
    ) -> Result<(), ApiError> {
        if !grant {
            return Ok(());
        }
        if !self.is_application(app) {
            return Err(api_error(
                format!("invalid subject reference: remote application {app:?} not found"),
                "not found",
            ));
        }
        if !exists {
            return Err(not_found(uri));
        }
        Ok(())
    }

    fn is_application(&self, app: &str) -> bool {
        self.config().applications.iter().any(|a| a == app)
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
