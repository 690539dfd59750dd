//! Finding a model by name on a controller connection: `ModelManager.ListModels`, whose models
//! carry an `owner-tag` (v9, v10) or a `qualifier` (v11, Juju 4).

use log::{debug, warn};
use serde::{Deserialize, Serialize};

use crate::bounded::Items;
use crate::deadline::Deadline;
use crate::error::{Error, Result, UnknownModel};
use crate::login::LoginInfo;
use crate::names::{describe_controller, qualify, Tag};
use crate::options::ConnectOptions;
use crate::rpc::{Call, Conn};

/// `params.Entity`, the argument of `ListModels`.
#[derive(Serialize)]
struct Entity {
    tag: String,
}

/// `params.UserModelList`. A user without models gets `"user-models": null` from Juju 3.6
/// (the field is not `omitempty`).
#[derive(Deserialize, Default)]
#[serde(rename_all = "kebab-case", default)]
pub(crate) struct UserModelList {
    user_models: Option<Items<UserModel>>,
}

impl UserModelList {
    /// How many models it lists.
    #[cfg(feature = "fuzzing")]
    pub(crate) fn len(&self) -> usize {
        self.user_models.as_ref().map_or(0, |m| m.0.len())
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct UserModel {
    model: WireModel,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "kebab-case", default)]
struct WireModel {
    name: String,
    uuid: String,
    /// `user-<owner>`, up to v10.
    owner_tag: String,
    /// The owner's qualifier, from v11 (Juju 4).
    qualifier: String,
}

impl WireModel {
    /// `owner/name`, qualified as the client store qualifies names.
    fn qualified(&self, user: &str) -> String {
        let owner = match self.qualifier.as_str() {
            "" => Tag::User.id_or_text(&self.owner_tag),
            qualifier => qualifier,
        };
        qualify(&format!("{owner}/{}", self.name), user)
    }
}

/// The UUID of the model `name` among those the logged-in user can see.
///
/// Juju 4.0.0 to 4.0.5 list owners normalised (lowercase, `@`, `.` and `+` turned into `-`), so
/// `bob@external/dev` is listed as `bob-external/dev`: on those releases that name is taken,
/// with a warning, when it is the only match.
pub(crate) fn find(
    conn: &mut Conn,
    login: &LoginInfo,
    options: &ConnectOptions,
    name: &str,
    deadline: Deadline,
) -> Result<String> {
    let wanted = qualify(name, &options.user);
    let version = login.require("ModelManager")?;
    let entity = Entity {
        tag: Tag::User.of(&options.user),
    };
    let call = Call::read("ModelManager", version, "ListModels");
    let list: UserModelList = conn.call(call, &entity, deadline)?;
    let models: Vec<(String, String)> = list
        .user_models
        .unwrap_or_default()
        .into_vec()
        .into_iter()
        .map(|m| (m.model.qualified(&options.user), m.model.uuid))
        .filter(|(_, uuid)| !uuid.is_empty())
        .collect();
    if let Some((_, uuid)) = models.iter().find(|(n, _)| *n == wanted) {
        debug!("model {wanted:?} is {uuid}");
        return Ok(uuid.clone());
    }
    let normalising = normalises_owners(&login.server_version);
    let mut note = None;
    if normalising {
        let normal = normalised(&wanted);
        let hits: Vec<&(String, String)> = models.iter().filter(|(n, _)| *n == normal).collect();
        let explain = format!(
            "Juju {} lists model owners normalised (4.0.0 to 4.0.5 turn `@`, `.` and `+` into \
             `-`), so {wanted:?} is listed as {normal:?}",
            login.server_version
        );
        if let [(_, uuid)] = hits.as_slice() {
            warn!("{explain}: using that model ({uuid}); upgrading the controller to 4.0.6 or later restores the real names");
            return Ok(uuid.clone());
        }
        note = Some(match hits.len() {
            0 => format!("{explain}; no model has that name either"),
            n => format!("{explain}, which {n} models share: give the model's UUID instead"),
        });
    }
    let mut known: Vec<String> = models.into_iter().map(|(n, _)| n).collect();
    known.sort();
    Err(Error::UnknownModel(Box::new(UnknownModel {
        model: wanted,
        controller: describe_controller(options.controller_name.as_deref(), &options.endpoints),
        user: options.user.clone(),
        known,
        note,
    })))
}

/// Whether a controller of version `version` lists model owners normalised: Juju 4.0.0 to
/// 4.0.5 (reverted by juju/juju#22036).
fn normalises_owners(version: &str) -> bool {
    let mut parts = version.split(['.', '-']).map(|p| p.parse::<u32>().ok());
    matches!(
        (parts.next(), parts.next(), parts.next()),
        (Some(Some(4)), Some(Some(0)), Some(Some(0..=5)))
    )
}

/// `owner/name` with the owner as Juju 4.0.0 to 4.0.5 normalise it.
fn normalised(qualified: &str) -> String {
    match qualified.split_once('/') {
        Some((owner, name)) => {
            let owner: String = owner
                .to_lowercase()
                .chars()
                .map(|c| if matches!(c, '@' | '.' | '+') { '-' } else { c })
                .collect();
            format!("{owner}/{name}")
        }
        None => qualified.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owners_come_from_tags_or_qualifiers() {
        let old = WireModel {
            name: "dev".into(),
            owner_tag: "user-bob@external".into(),
            ..Default::default()
        };
        assert_eq!(old.qualified("admin"), "bob@external/dev");
        let new = WireModel {
            name: "dev".into(),
            qualifier: "bob@external".into(),
            ..Default::default()
        };
        assert_eq!(new.qualified("admin"), "bob@external/dev");
        let local = WireModel {
            name: "prod".into(),
            owner_tag: "user-admin@local".into(),
            ..Default::default()
        };
        assert_eq!(local.qualified("admin"), "admin/prod");
    }

    #[test]
    fn which_releases_normalise() {
        for yes in ["4.0.0", "4.0.5", "4.0.3-beta1"] {
            assert!(normalises_owners(yes), "{yes}");
        }
        for no in ["4.0.6", "4.0.16", "3.6.4", "4.1.0", "", "four"] {
            assert!(!normalises_owners(no), "{no}");
        }
        assert_eq!(
            normalised("Bob.Smith+x@external/dev"),
            "bob-smith-x-external/dev"
        );
    }

    #[test]
    fn no_models_is_an_empty_list() {
        let list: UserModelList = serde_json::from_str(r#"{"user-models": null}"#).unwrap();
        assert!(list.user_models.is_none());
    }
}
