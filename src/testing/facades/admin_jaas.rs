//! The `Admin` facade as JAAS (JIMM) serves it: the v4 OIDC logins, and a refusal of `Login` on
//! every version (canonical/jimm `internal/jujuapi/controllerroot.go` and `admin.go`; on model
//! connections `internal/rpc/apiproxy.go`). JIMM serves Admin after login too: it does not
//! refuse a second login on a connection.

use serde::Deserialize;
use serde_json::{json, Value};

use super::login_result;
use crate::testing::access::access_of;
use crate::testing::conn::Conn;
use crate::testing::jaas::{display_name, old_client_login, Jaas};
use crate::testing::params::decode;
use crate::testing::reply::{api_error, unknown_method, Reply};
use crate::testing::shared::Shared;

/// `LoginWithClientCredentialsRequest`.
#[derive(Deserialize, Default)]
#[serde(rename_all = "kebab-case", default)]
struct ClientCredentials {
    client_id: String,
    client_secret: String,
}

/// `LoginWithSessionTokenRequest`.
#[derive(Deserialize, Default)]
#[serde(rename_all = "kebab-case", default)]
struct SessionToken {
    session_token: String,
}

/// Serves `Admin` as JIMM does.
pub(crate) fn handle(
    shared: &Shared,
    jaas: &Jaas,
    conn: &mut Conn,
    version: u64,
    method: &str,
    params: &Value,
) -> Reply {
    match (version, method) {
        (1..=4, "Login") => Err(old_client_login()),
        (4, "LoginWithClientCredentials") => {
            let args: ClientCredentials = decode(params)?;
            let user = jaas.check_client(&args.client_id, &args.client_secret)?;
            Ok(logged_in(shared, jaas, conn, &user))
        }
        (4, "LoginWithSessionToken") => {
            let args: SessionToken = decode(params)?;
            jaas.check_token(&args.session_token)?;
            Ok(logged_in(shared, jaas, conn, &shared.config.user))
        }
        (4, "LoginDevice" | "GetDeviceSessionToken" | "LoginWithSessionCookie") => Err(api_error(
            format!("the test controller does not play JIMM's Admin.{method}: log in with a session token or client credentials"),
            "not implemented",
        )),
        _ => Err(unknown_method("Admin", version, method)),
    }
}

/// Logs `conn` in as `user`. On `/api` JIMM answers itself; on a model path its proxy has the
/// Juju controller behind it log the user in (with a JWT) and passes that answer on without
/// `servers`, so that clients are not redirected past JIMM.
fn logged_in(shared: &Shared, jaas: &Jaas, conn: &mut Conn, user: &str) -> Value {
    let config = &shared.config;
    if conn.model_uuid.is_some() {
        let mut result = login_result::logged_in(shared, conn, user, "login");
        if let Some(fields) = result.as_object_mut() {
            fields.remove("servers");
            fields.remove("public-dns-name");
        }
        let backing = format!("controller-{}", jaas.backing_controller_uuid);
        result["controller-tag"] = json!(backing);
        return result;
    }
    conn.logged_in = true;
    conn.access = access_of(&config.users, user);
    // JIMM fills these only; access is its OpenFGA relation, "" unless a JIMM administrator.
    let mut result = json!({
        "controller-tag": format!("controller-{}", config.controller_uuid),
        "user-info": {
            "display-name": display_name(user),
            "identity": format!("user-{user}"),
            "controller-access": "",
            "model-access": "",
        },
        "facades": login_result::facades(config, false),
        "server-version": config.server_version,
    });
    if let Some(host) = &config.public_dns_name {
        result["public-dns-name"] = json!(host);
    }
    result
}
