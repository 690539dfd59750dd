//! User secrets: their content, how they are named, and the `Secrets` facade.

mod api;
mod content;
mod ensure;
mod info;
mod read;
mod reference;
mod requests;
mod uri;
pub(crate) mod wire;
mod write;

pub use api::SecretsApi;
pub use content::{SecretContent, SecretValue};
pub use ensure::{AccessAction, AccessChange, Ensured};
pub use info::{AccessGrant, RevisionInfo, SecretInfo};
pub use reference::{IntoSecretRef, SecretRef};
pub use requests::{ListOptions, NewSecret, Removal, SecretUpdate, ShowOptions};
pub use uri::SecretUri;
