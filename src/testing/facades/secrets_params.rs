//! What the `Secrets` facade takes: its params, decoded as Go decodes them, and secret URIs,
//! parsed as Juju's `ParseURI` parses them.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::error::ApiError;
use crate::testing::reply::api_error;

#[derive(Deserialize, Default)]
#[serde(rename_all = "kebab-case", default)]
pub(super) struct ListArgs {
    pub show_secrets: Option<bool>,
    pub filter: Option<Filter>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "kebab-case", default)]
pub(super) struct Filter {
    pub uri: Option<String>,
    pub label: Option<String>,
    pub revision: Option<u32>,
    pub owner_tag: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct Args<T> {
    pub args: Option<Vec<T>>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "kebab-case", default)]
pub(super) struct Content {
    pub data: Option<BTreeMap<String, String>>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "kebab-case", default)]
pub(super) struct CreateArg {
    pub uri: Option<String>,
    pub owner_tag: String,
    pub label: Option<String>,
    pub description: Option<String>,
    pub content: Content,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "kebab-case", default)]
pub(super) struct UpdateArg {
    pub uri: String,
    pub existing_label: String,
    pub label: Option<String>,
    pub description: Option<String>,
    pub auto_prune: Option<bool>,
    pub content: Content,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "kebab-case", default)]
pub(super) struct RemoveArg {
    pub uri: String,
    pub label: String,
    pub revisions: Option<Vec<u32>>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "kebab-case", default)]
pub(super) struct GrantRevokeArg {
    pub uri: String,
    pub label: String,
    pub applications: Option<Vec<String>>,
}

/// Juju's `ParseURI`, returning the id. Leniently: Juju requires a 20-character xid, this takes
/// any id without `/`, spaces or control characters, so the long ids of
/// `TestControllerBuilder::long_secret_ids` parse too.
pub(super) fn parse_uri(text: &str) -> Result<String, ApiError> {
    let invalid = || api_error(format!("secret URI {text:?} not valid"), "not valid");
    let rest = match text.split_once(':') {
        Some(("secret", rest)) => rest,
        Some((scheme, _)) => {
            return Err(api_error(
                format!("secret URI scheme {scheme:?} not valid"),
                "not valid",
            ))
        }
        None => text,
    };
    let path = rest.strip_prefix("//").unwrap_or(rest);
    let id = match path.split_once('/') {
        Some((host, id)) if is_uuid(host) => id,
        Some(_) => return Err(invalid()),
        None => path,
    };
    if id.is_empty()
        || id
            .chars()
            .any(|c| c == '/' || c.is_whitespace() || c.is_control())
    {
        return Err(invalid());
    }
    Ok(id.to_owned())
}

fn is_uuid(s: &str) -> bool {
    s.len() == 36
        && s.chars()
            .all(|c| c == '-' || c.is_ascii_digit() || ('a'..='f').contains(&c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uri_forms() {
        let uuid = "8f5a1b2c-3d4e-4f60-8a1b-2c3d4e5f6a7b";
        for text in [
            "secret:d0q6g3l9h5s9k8a6s0rg".to_owned(),
            "d0q6g3l9h5s9k8a6s0rg".to_owned(),
            format!("secret://{uuid}/d0q6g3l9h5s9k8a6s0rg"),
            format!("secret:{uuid}/d0q6g3l9h5s9k8a6s0rg"),
        ] {
            assert_eq!(parse_uri(&text).unwrap(), "d0q6g3l9h5s9k8a6s0rg", "{text}");
        }
        assert_eq!(
            parse_uri("secret:a-much-longer-opaque-id-0123456789").unwrap(),
            "a-much-longer-opaque-id-0123456789"
        );
        assert!(parse_uri("http:abc")
            .unwrap_err()
            .message
            .contains("scheme"));
        assert_eq!(
            parse_uri("secret:").unwrap_err().code.as_deref(),
            Some("not valid")
        );
        assert!(parse_uri("secret://nothost/abc").is_err());
    }
}
