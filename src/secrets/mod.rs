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
#[cfg(feature = "fuzzing")]
pub(crate) use api::{per_item, UPDATE};
pub use content::{SecretContent, SecretValue};
pub use ensure::{AccessAction, AccessChange, Ensured};
pub use info::{AccessGrant, RevisionInfo, SecretInfo};
#[cfg(feature = "fuzzing")]
pub(crate) use read::infos;
pub use reference::{IntoSecretRef, SecretRef};
pub use requests::{ListOptions, NewSecret, Removal, SecretUpdate, ShowOptions};
pub use uri::SecretUri;
