//! What the `Secrets` facade answers differently on Juju 4.0.x (`apiserver/facades/client/secrets`
//! and `domain/secret` on the 4.0 branch): the filters of `ListSecrets`, and the errors of
//! look-ups that fail. The wording of errors whose source was not found is marked as inferred.

use super::secrets_params::{parse_uri, Filter};
use crate::error::ApiError;
use crate::testing::config::Config;
use crate::testing::reply::api_error;
use crate::testing::state::{ModelSecrets, Secret};

/// The secrets `ListSecrets` lists on 4.x: owner tags name charm owners only; 4.0.0 ignores
/// the name; later releases refuse contradictory filters and fail on what they cannot find.
pub(super) fn list<'s>(
    config: &Config,
    secrets: &'s ModelSecrets,
    filter: &Filter,
) -> Result<Vec<&'s Secret>, ApiError> {
    let uri_id = filter.uri.as_deref().map(parse_uri).transpose()?;
    if let Some(tag) = &filter.owner_tag {
        let Some((kind, _)) = tag.split_once('-') else {
            return Err(api_error(
                format!("{tag:?} is not a valid tag"),
                "not valid",
            ));
        };
        if kind == "application" || kind == "unit" {
            // ListCharmSecrets, which ignores the other filters; no charm owns a secret here.
            return Ok(Vec::new());
        }
        return Err(api_error(
            format!("secret owner tag kind {kind:?} not valid"),
            "not valid",
        ));
    }
    let uri_id = uri_id.as_deref();
    if config.ignores_label_filter() {
        list_unfixed(secrets, uri_id, filter.revision)
    } else {
        list_fixed(secrets, uri_id, filter.label.as_deref(), filter.revision)
    }
}

/// 4.0.0 (domain/secret/state before juju/juju#21327): the label is ignored, an unknown URI
/// lists nothing, and every secret listed must have the revision asked for.
fn list_unfixed<'s>(
    secrets: &'s ModelSecrets,
    uri_id: Option<&str>,
    revision: Option<u32>,
) -> Result<Vec<&'s Secret>, ApiError> {
    let matched: Vec<&Secret> = secrets
        .iter()
        .filter(|s| uri_id.is_none_or(|id| s.id == id))
        .collect();
    if let Some(revision) = revision {
        // `%s` of the filter's *URI, which Go's fmt prints as <nil> when there is none.
        let uri = uri_id.map_or_else(|| "<nil>".to_owned(), |id| format!("secret:{id}"));
        if matched.is_empty() || matched.iter().any(|s| !s.revisions.contains_key(&revision)) {
            return Err(revision_not_found(revision, &uri));
        }
    }
    Ok(matched)
}

/// 4.0.1 and later (domain/secret/service `ListSecrets` after juju/juju#21327): one secret by
/// URI, the secrets with a label, or all.
fn list_fixed<'s>(
    secrets: &'s ModelSecrets,
    uri_id: Option<&str>,
    label: Option<&str>,
    revision: Option<u32>,
) -> Result<Vec<&'s Secret>, ApiError> {
    match (uri_id, label) {
        (Some(_), Some(_)) => Err(api_error("cannot specify both URI and labels", "")),
        (None, None) if revision.is_some() => Err(api_error(
            "cannot specify revision without URI or labels",
            "",
        )),
        (None, None) => Ok(secrets.iter().collect()),
        (Some(id), None) => {
            let context = |e| annotate(&format!("getting secret by URI {id:?}"), e);
            let secret = secrets
                .by_id(id)
                .and_then(|i| secrets.get(i))
                .ok_or_else(|| context(secret_not_found()))?;
            has_revision(secret, revision).map_err(context)?;
            Ok(vec![secret])
        }
        (None, Some(label)) => {
            let matched: Vec<&Secret> = secrets
                .iter()
                .filter(|s| s.label.as_deref() == Some(label))
                .collect();
            for secret in &matched {
                has_revision(secret, revision)
                    .map_err(|e| annotate("getting secrets by labels", e))?;
            }
            Ok(matched)
        }
    }
}

/// Inferred: the state's text before #21327, now under the service's annotation.
fn has_revision(secret: &Secret, revision: Option<u32>) -> Result<(), ApiError> {
    match revision {
        Some(r) if !secret.revisions.contains_key(&r) => Err(revision_not_found(r, &secret.uri())),
        _ => Ok(()),
    }
}

/// Whether 4.x lets one application's access change, granting or revoking alike: the secret
/// is checked first (the management caveat), then the application (`lookupSubjectUUID`).
pub(super) fn check_access_change(exists: bool, app: &str, known: bool) -> Result<(), ApiError> {
    if !exists {
        return Err(secret_not_found());
    }
    if !known {
        // ApplicationNotFound has no code in apiserver/errors.
        return Err(api_error(format!("application {app:?} not found"), ""));
    }
    Ok(())
}

/// `secreterrors.SecretNotFound`, bare, as the access check returns it.
pub(super) fn secret_not_found() -> ApiError {
    api_error("secret not found", "secret not found")
}

/// `GetUserSecretURIByLabel`'s error under the facade's annotation.
pub(super) fn label_not_found(label: &str) -> ApiError {
    api_error(
        format!("getting user secret for label {label:?}: secret with label {label:?} not found"),
        "secret not found",
    )
}

/// A new secret's URI is taken (inferred: the source of this error was not found).
pub(super) fn id_taken(id: &str) -> ApiError {
    api_error(
        format!("creating user secret {id:?}: secret already exists"),
        "already exists",
    )
}

fn revision_not_found(revision: u32, uri: &str) -> ApiError {
    api_error(
        format!("secret revision {revision} for {uri} not found"),
        "secret revision not found",
    )
}

/// `errors.Annotatef`: the context, then the cause; the code stays.
fn annotate(context: &str, cause: ApiError) -> ApiError {
    ApiError {
        message: format!("{context}: {}", cause.message),
        ..cause
    }
}
