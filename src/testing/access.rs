//! Who may log in with which model access, and the check each Secrets method makes, as Juju 3.6
//! checks it (`apiserver/facades/client/secrets`: `checkCanRead`, `checkCanWrite`,
//! `checkCanAdmin`).

use super::reply::api_error;
use crate::credentials::Password;
use crate::error::ApiError;

/// A user's access to the models of a test controller, as `juju grant` gives it: each level
/// includes the ones before it.
///
/// ```
/// use juju_secrets::testing::{Access, TestController};
/// let controller = TestController::builder()
///     .user_access("reader", "reader-password", Access::Read)
///     .start()?;
/// # Ok::<(), juju_secrets::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Access {
    /// Sees the model: lists secrets, without their values.
    Read,
    /// Also changes it: creates, updates, removes, grants and revokes secrets.
    Write,
    /// Also administers it: reads secret values.
    Admin,
}

impl Access {
    /// The name Juju gives it (`LoginResult.user-info.model-access`).
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Access::Read => "read",
            Access::Write => "write",
            Access::Admin => "admin",
        }
    }

    /// `Ok` when this access includes `needed`; else Juju's `ErrPerm`.
    pub(crate) fn require(self, needed: Access) -> Result<(), ApiError> {
        if self >= needed {
            Ok(())
        } else {
            Err(api_error("permission denied", "unauthorized access"))
        }
    }
}

/// A user added with [`TestControllerBuilder::user_access`](super::TestControllerBuilder::user_access).
#[derive(Clone, Debug)]
pub(crate) struct User {
    pub name: String,
    pub password: Password,
    pub access: Access,
}

/// The access of `name`: as added, else admin (the controller's own user, external users and
/// JAAS identities not listed).
pub(crate) fn access_of(users: &[User], name: &str) -> Access {
    users
        .iter()
        .find(|u| u.name == name)
        .map_or(Access::Admin, |u| u.access)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_level_includes_the_ones_before() {
        assert!(Access::Admin.require(Access::Read).is_ok());
        assert!(Access::Write.require(Access::Write).is_ok());
        let denied = Access::Read.require(Access::Write).unwrap_err();
        assert_eq!(denied.message, "permission denied");
        assert_eq!(denied.code.as_deref(), Some("unauthorized access"));
        assert!(Access::Write.require(Access::Admin).is_err());
    }
}
