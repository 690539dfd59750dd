//! Connects the way the `juju` CLI does and prints who and where you are, as one JSON object.
//!
//! ```text
//! $ cargo run --example whoami
//! {"controller":"prod","model":"admin/default","model-uuid":"8f5a…","user":"admin",
//!  "endpoint":"10.0.0.2:17070","server-version":"3.6.4","controller-access":"superuser",
//!  "model-access":"admin","secrets-facade":{"offered":[1,2],"negotiated":2}}
//! ```
//! (printed on one line). The client store is `$JUJU_DATA`, else `$XDG_DATA_HOME/juju`, else
//! `~/.local/share/juju`; `JUJU_CONTROLLER` and `JUJU_MODEL` choose another controller or model.
//!
//! `negotiated` is the `Secrets` facade version this crate will use: the highest one both sides
//! know, or `null` when the controller offers none that this crate speaks.
//!
//! On failure it prints `ERROR <message>` on stderr and exits with status 1.

use std::io::{self, Write};
use std::process::ExitCode;

use juju_secrets::Client;
use serde::Serialize;

/// What is printed, field for field (`null` for what the client store or controller did not say).
#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct WhoAmI<'a> {
    controller: Option<&'a str>,
    model: Option<&'a str>,
    model_uuid: &'a str,
    user: &'a str,
    endpoint: &'a str,
    server_version: &'a str,
    controller_access: Option<&'a str>,
    model_access: Option<&'a str>,
    secrets_facade: SecretsFacade<'a>,
}

#[derive(Serialize)]
struct SecretsFacade<'a> {
    offered: &'a [u32],
    negotiated: Option<u32>,
}

fn main() -> ExitCode {
    match whoami() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ERROR {e}");
            ExitCode::FAILURE
        }
    }
}

fn whoami() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::connect_juju_env()?;
    let options = client.options();
    let login = client.login_info();
    let user_info = login.user_info.as_ref();
    let report = WhoAmI {
        controller: options.controller_name(),
        model: options.model_name(),
        model_uuid: login.model_uuid(),
        user: options.user(),
        endpoint: client.endpoint(),
        server_version: &login.server_version,
        controller_access: user_info
            .map(|u| u.controller_access.as_str())
            .filter(|a| !a.is_empty()),
        model_access: user_info
            .map(|u| u.model_access.as_str())
            .filter(|a| !a.is_empty()),
        secrets_facade: SecretsFacade {
            offered: login.offered("Secrets"),
            negotiated: client.facade_version("Secrets"),
        },
    };
    writeln!(io::stdout(), "{}", serde_json::to_string(&report)?)?;
    Ok(client.close()?)
}
