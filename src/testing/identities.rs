//! Who may log in besides the controller's user: users with less access. Set on the builder.

use super::access::{Access, User};
use super::builder::TestControllerBuilder;
use crate::credentials::Password;

impl TestControllerBuilder {
    /// Adds a user who may log in with `password`, with `access` to every model. Juju 3.6's
    /// checks then apply: listing secrets needs read access, revealing their values admin, and
    /// creating, updating, removing, granting and revoking write; a refusal is `permission
    /// denied`, code `unauthorized access`. The login result's `model-access` says it. The
    /// controller's own [user](Self::user) has admin access unless added here. Defaults to none.
    ///
    /// ```
    /// use juju_secrets::{testing::{Access, TestController}, Client, ErrorKind, ListOptions};
    /// let controller = TestController::builder()
    ///     .user_access("reader", "reader-password", Access::Read)
    ///     .start()?;
    /// let options = controller
    ///     .connect_options_builder()
    ///     .user("reader")
    ///     .password("reader-password")
    ///     .build()?;
    /// let mut client = Client::connect(&options)?;
    /// assert!(client.secrets().list(&ListOptions::new())?.is_empty());
    /// let denied = client.secrets().list(&ListOptions::new().reveal()).unwrap_err();
    /// assert_eq!(denied.kind(), Some(ErrorKind::Unauthorized));
    /// # Ok::<(), juju_secrets::Error>(())
    /// ```
    pub fn user_access(
        mut self,
        user: impl Into<String>,
        password: impl Into<String>,
        access: Access,
    ) -> Self {
        self.config.users.push(User {
            name: user.into(),
            password: Password::new(password),
            access,
        });
        self
    }
}
