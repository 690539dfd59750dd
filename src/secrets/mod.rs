//! User secrets: their content, how they are addressed, and the `Secrets` facade.

mod api;
mod content;
mod types;
mod uri;
pub(crate) mod wire;

pub use api::SecretsApi;
pub use content::{SecretContent, SecretValue};
pub use types::{
    AccessGrant, NewSecret, RevisionInfo, SecretFilter, SecretInfo, SecretUpdate, ShowOptions,
};
pub use uri::{SecretRef, SecretUri};
