//! One call for build scripts: connect as the `juju` CLI does, read one value, close.

use crate::client::Client;
use crate::error::Result;
use crate::secrets::{IntoSecretRef, SecretValue};

/// Reads one value of a secret's latest revision, connecting the way the `juju` CLI does
/// (client store, `JUJU_CONTROLLER`, `JUJU_MODEL`, `JUJU_CLIENT_ID` and `JUJU_CLIENT_SECRET`)
/// and closing again: the one-liner for `build.rs` scripts. `secret` is what
/// [`SecretsApi::get_value`](crate::SecretsApi::get_value) takes: a name, a URI as text, a
/// [`SecretUri`](crate::SecretUri) or a [`SecretRef`](crate::SecretRef).
///
/// ```
/// # let controller = juju_secrets::testing::TestController::start()?;
/// # let store = std::env::temp_dir().join(format!("juju-secrets-doc-{}", std::process::id()));
/// # controller.write_client_store(&store)?;
/// # controller.insert_secret("db-creds", &[("password", b"s3cr3t".as_slice())]);
/// # std::env::set_var("JUJU_DATA", &store);
/// let password = juju_secrets::get_value("db-creds", "password")?;
/// assert_eq!(password.as_str(), Some("s3cr3t"));
/// # std::fs::remove_dir_all(&store).ok();
/// # Ok::<(), juju_secrets::Error>(())
/// ```
///
/// # Errors
/// As [`ConnectOptions::from_juju_env`](crate::ConnectOptions::from_juju_env),
/// [`Client::connect`] and [`SecretsApi::get_value`](crate::SecretsApi::get_value):
/// [`Error::NoSuchKey`](crate::Error::NoSuchKey) names the keys the secret has.
pub fn get_value(secret: impl IntoSecretRef, key: &str) -> Result<SecretValue> {
    // Checked before connecting: text that names no secret fails at once.
    let secret = secret.into_secret_ref()?;
    let mut client = Client::connect_juju_env()?;
    let value = client.secrets().get_value(secret, key)?;
    // The value is read: a failure to close cleanly changes nothing for the caller.
    let _ = client.close();
    Ok(value)
}
