//! Runs the built-in test controller on its own, for clients in other languages (the
//! python-libjuju judge in `tests/python` drives it) or the `juju` CLI.
//!
//! ```text
//! $ cargo run --example test-controller -- [--juju-data DIR] [--port N] [--plain] [--juju4] [--jaas] [--fault SPEC]
//! {"endpoint":"127.0.0.1:40123","model_uuid":"…","model_name":"default","user":"admin",
//!  "password":"…","ca_cert_path":"DIR/ca.crt","juju_data":"DIR"}
//! ```
//! (printed on one line, then it serves until killed). `DIR` (default: a new private temporary
//! directory, mode 0700 with a name nobody could guess) receives a client store whose current
//! controller and model are this one's, and the CA certificate: `JUJU_DATA=DIR` points a client at
//! it. The files are readable by their owner only and never written through a symbolic link.
//! `model_name` is the short name; the client store qualifies it as `admin/default`.
//!
//! `--jaas` plays JAAS instead of a Juju controller (see
//! `juju_secrets::testing::TestControllerBuilder::jaas`): the line then also has `client_id`,
//! `client_secret` and `session_token`, `user` is the session token's user, and the client
//! store holds that token (`oidc-login: true`), so `JUJU_DATA=DIR` logs in with it, or with
//! `JUJU_CLIENT_ID` and `JUJU_CLIENT_SECRET` set to the client credentials.
//!
//! `--juju4` plays Juju 4.0.16 instead of Juju 3.6 (see `juju_secrets::testing::Profile`): its
//! error texts and codes, and `ModelManager` v10/v11.
//!
//! `--plain` serves an insecure `ws://` controller instead: there is no CA, and a client store
//! cannot describe it, so nothing is written and `ca_cert_path` and `juju_data` are `null`.
//!
//! `--fault SPEC` injects one fault on every connection, to see what a client does about it.
//! Requests are counted per connection from 1 (the login is request 1). `SPEC` is one of:
//! `close-after=N` (hang up after N responses), `close-frame=N` (close frame instead of answer N),
//! `reset-tls`, `silent` (never speak), `slow=N[:MILLIS]` (hold answer N until the next request,
//! or MILLIS, default 30000), `non-json=N`, `binary=N`, `no-request-id=N`, `wrong-request-id=N`,
//! `wrong-shape=N`, `unsent-response=N` (a response to an id never sent, before answer N),
//! `oversized=N[:BYTES]` (default 64 MiB + 1), `big-frame=N` (answer N in one frame of 1 MiB + 1),
//! `foreign-ca`, `wrong-name`, `expired-cert`.
//! See `juju_secrets::testing::Fault`.

use std::fs;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::thread;
use std::time::Duration;

use clap::Parser;
use juju_secrets::testing::{Fault, Profile, TestController};
use serde_json::json;

#[derive(Parser)]
struct Args {
    /// Where to write the client store and the CA certificate (created if missing). Defaults to
    /// a new private temporary directory.
    #[arg(long, value_name = "DIR")]
    juju_data: Option<PathBuf>,
    /// The port to listen on, on 127.0.0.1. Defaults to any free port.
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Serve plain `ws://` instead of TLS (insecure; writes no client store).
    #[arg(long)]
    plain: bool,
    /// Play JAAS: OIDC logins (client credentials, session token), no passwords.
    #[arg(long)]
    jaas: bool,
    /// Play Juju 4.0.16 instead of Juju 3.6.
    #[arg(long)]
    juju4: bool,
    /// Inject a fault on every connection, such as `close-after=3` (see above).
    #[arg(long, value_name = "SPEC")]
    fault: Option<Fault>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    match start(args) {
        // Serve until killed; dropping the controller would stop it.
        Ok(_controller) => loop {
            thread::sleep(Duration::from_secs(3600));
        },
        Err(e) => {
            eprintln!("ERROR {e}");
            ExitCode::FAILURE
        }
    }
}

fn start(args: Args) -> Result<TestController, Box<dyn std::error::Error>> {
    let mut builder = TestController::builder()
        .port(args.port)
        .insecure_plain_websocket(args.plain);
    if let Some(fault) = args.fault {
        builder = builder.fault(fault);
    }
    if args.jaas {
        builder = builder.jaas();
    }
    if args.juju4 {
        builder = builder.profile(Profile::Juju4);
    }
    let controller = builder.start()?;
    let (mut ca_cert_path, mut juju_data) = (None, None);
    if let Some(ca) = controller.ca_cert() {
        let dir = match args.juju_data {
            Some(dir) => dir,
            None => juju_secrets::testing::private_temp_dir("juju-secrets-test-controller")?,
        };
        controller.write_client_store(&dir)?;
        let path = dir.join("ca.crt");
        fs::write(&path, ca)?;
        ca_cert_path = Some(path);
        juju_data = Some(dir);
    }
    let model = &controller.models()[0];
    let mut line = json!({
        "endpoint": controller.endpoint(),
        "model_uuid": model.uuid,
        "model_name": model.name,
        "user": controller.user(),
        "password": controller.password(),
        "ca_cert_path": ca_cert_path,
        "juju_data": juju_data,
    });
    for (key, value) in [
        ("client_id", controller.client_id()),
        ("client_secret", controller.client_secret()),
        ("session_token", controller.session_token()),
    ] {
        if let Some(value) = value {
            line[key] = json!(value);
        }
    }
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{line}")?;
    stdout.flush()?;
    Ok(controller)
}
