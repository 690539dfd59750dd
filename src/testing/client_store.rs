//! Writes a juju client store (`controllers.yaml`, `accounts.yaml`, `models.yaml`) that points at
//! the test controller, as `juju bootstrap` would.

use std::path::Path;

use serde_json::json;

use super::controller::TestController;
use super::private_files;
use crate::error::{Error, Result};

impl TestController {
    /// Writes a client store into `dir` (created if missing, open to its owner only) whose
    /// current controller is this one and whose current model is its default model, with an
    /// empty cookie jar (`cookies/<controller>.json`). The files are readable by their owner
    /// only and never written through a symbolic link. [`private_temp_dir`](super::private_temp_dir)
    /// makes a fresh directory for it. Point `JUJU_DATA` at `dir` and the `juju` CLI,
    /// python-libjuju or [`ConnectOptions::from_juju_env`](crate::ConnectOptions::from_juju_env)
    /// connect here. In [JAAS mode](super::TestControllerBuilder::jaas) the controller is marked
    /// `oidc-login: true` and the account holds the session token (`type: oauth2-device`,
    /// `access-token`) instead of a password.
    ///
    /// # Errors
    /// When a file cannot be written, or the controller serves a plain websocket (a client store
    /// has no way to say so).
    pub fn write_client_store(&self, dir: impl AsRef<Path>) -> Result<()> {
        let dir = dir.as_ref();
        let Some(ca) = self.ca_cert() else {
            return Err(Error::Config(
                "a client store cannot describe a plain-websocket controller".into(),
            ));
        };
        let name = self.controller_name();
        let user = self.user();
        let mut controller = json!({
            "uuid": self.controller_uuid(),
            "api-endpoints": [self.endpoint()],
            "ca-cert": ca,
            "cloud": "localhost",
            "region": "localhost",
            "type": "lxd",
            "agent-version": self.config().server_version,
            "controller-machine-count": 1,
            "active-controller-machine-count": 1,
        });
        if let Some(host) = &self.config().public_dns_name {
            controller["public-hostname"] = json!(host);
        }
        let account = match self.session_token() {
            // What `juju login` leaves for JAAS (canonical/jimm's `setup-cli-auth.sh`).
            Some(token) => {
                controller["oidc-login"] = json!(true);
                json!({"user": user, "type": "oauth2-device", "access-token": token})
            }
            None => json!({
                "user": user,
                "password": self.password(),
                "last-known-access": "superuser",
            }),
        };
        let controllers = json!({"controllers": {name: controller}, "current-controller": name});
        let accounts = json!({"controllers": {name: account}});
        let models: serde_json::Map<String, serde_json::Value> = self
            .models()
            .iter()
            .map(|m| {
                (
                    format!("{user}/{}", m.name),
                    json!({"uuid": m.uuid, "type": "iaas", "branch": "master"}),
                )
            })
            .collect();
        let current = self.models().first().map(|m| format!("{user}/{}", m.name));
        let models = json!({"controllers": {name: {"models": models, "current-model": current}}});
        private_files::create_dir(dir)?;
        for (file, value) in [
            ("controllers.yaml", controllers),
            ("accounts.yaml", accounts),
            ("models.yaml", models),
        ] {
            let path = dir.join(file);
            let text = serde_yaml_ng::to_string(&value)
                .map_err(|e| Error::Config(format!("cannot write {}: {e}", path.display())))?;
            private_files::write(&path, text.as_bytes())?;
        }
        // The (empty) macaroon cookie jar the juju CLI keeps per controller; python-libjuju
        // fails to connect through a client store without it.
        let cookies = dir.join("cookies");
        let jar = cookies.join(format!("{name}.json"));
        private_files::create_dir(&cookies)?;
        private_files::write(&jar, b"[]")?;
        Ok(())
    }
}
