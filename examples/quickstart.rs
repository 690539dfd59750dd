//! The Juju guide "How to manage secrets", end to end, with this crate:
//! add a secret, list secrets, grant and revoke an application's access, update the secret,
//! remove one revision, and remove the secret.
//!
//! ```text
//! cargo run --example quickstart                # the current juju model, or a test controller
//! cargo run --example quickstart -- --app mysql # grant to another application
//! ```
//!
//! With a juju client store (`$JUJU_DATA`, else `$XDG_DATA_HOME/juju`, else `~/.local/share/juju`)
//! it connects as the `juju` CLI does (`JUJU_CONTROLLER`, `JUJU_MODEL`), works on a secret whose
//! name is made unique with the time and process id, grants access to the application `--app`
//! (default `ubuntu`, which must be deployed there), and removes the secret even when a step fails.
//! Without a client store it starts the built-in test controller and says so.
//!
//! Only the demo values are printed, once, where the guide reveals the updated secret.

mod common;

use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use clap::Parser;
use common::Result;
use juju_secrets::testing::TestController;
use juju_secrets::{
    Client, ClientStore, ConnectOptions, ErrorKind, ListOptions, NewSecret, SecretContent,
    SecretUpdate, SecretUri, SecretsApi, ShowOptions,
};

#[derive(Parser)]
#[command(about = "Walk through Juju's \"How to manage secrets\" guide")]
struct Args {
    /// The application to grant access to; it must be deployed in the model.
    #[arg(long, default_value = "ubuntu")]
    app: String,
}

fn main() -> ExitCode {
    common::exit(run(&Args::parse()))
}

fn run(args: &Args) -> Result<()> {
    // Kept alive until the end: the test controller stops when dropped.
    let mut test_controller = None;
    let (options, name) = match ClientStore::from_env() {
        Ok(store) => (store.resolve_env(None)?, unique_name()),
        Err(no_store) => {
            println!("No juju client store: {no_store}");
            println!(
                "Starting the built-in test controller (a Juju API server on 127.0.0.1) instead."
            );
            let controller = test_controller.insert(TestController::start()?);
            (controller.connect_options(), "my-apitoken".to_owned())
        }
    };
    let mut client = Client::connect(&options)?;
    println!(
        "Connected to model {} on controller {} as {} (Juju {}).",
        options.model_name().or(options.model_uuid()).unwrap_or("?"),
        options.controller_name().unwrap_or("?"),
        options.user(),
        client.login_info().server_version,
    );
    let mut secrets = client.secrets();

    step(
        1,
        "add a secret",
        format!("juju add-secret {name} token=34ae35facd4 --info ..."),
    );
    let content = SecretContent::from_pairs([("token", "34ae35facd4")])?;
    let secret = NewSecret::new(&name, content).description("API token for the quickstart");
    let uri = secrets.add(&secret)?;
    println!("    created {uri}");

    let outcome = guide(&mut secrets, &name, &args.app);
    if outcome.is_err() {
        println!("\nA step failed: removing {uri} (best effort).");
        cleanup(&mut secrets, &options, &uri);
    }
    outcome.map(|()| println!("\nDone: every step of the guide worked."))
}

/// The steps after adding the secret; any error ends the walk.
fn guide(secrets: &mut SecretsApi<'_>, name: &str, app: &str) -> Result<()> {
    step(2, "list the model's secrets", "juju secrets".into());
    common::print_table(&secrets.list(&ListOptions::new())?)?;

    step(3, "grant access", format!("juju grant-secret {name} {app}"));
    for (app, result) in secrets.grant(name, &[app])? {
        let hint = "pass --app with an application deployed in this model";
        result.map_err(|e| format!("cannot grant {app} access ({e}); {hint}"))?;
    }
    show_access(secrets, name)?;

    step(
        4,
        "revoke access",
        format!("juju revoke-secret {name} {app}"),
    );
    for (_, result) in secrets.revoke(name, &[app])? {
        result?;
    }
    show_access(secrets, name)?;

    step(
        5,
        "update",
        format!("juju update-secret {name} token=8f3e9c0d1a7 --info ..."),
    );
    let update = SecretUpdate::new()
        .content(SecretContent::from_pairs([("token", "8f3e9c0d1a7")])?)
        .description("API token for the quickstart, rotated");
    secrets.update(name, &update)?;
    let info = secrets.show(name, &ShowOptions::new())?;
    println!("    latest revision: {}", info.latest_revision);
    println!(
        "    description: {}",
        info.description.as_deref().unwrap_or("-")
    );
    let token = secrets.get_value(name, "token")?;
    let token = token.as_str().unwrap_or("(not UTF-8)");
    println!(
        "    token, revealed as `juju show-secret {name} --reveal` would (a demo value): {token}"
    );

    step(
        6,
        "remove revision 1",
        format!("juju remove-secret {name} --revision 1"),
    );
    secrets.remove_revisions(name, &[1])?;
    let left: Vec<u32> = secrets
        .show(name, &ShowOptions::new().list_revisions())?
        .revisions
        .iter()
        .map(|r| r.revision)
        .collect();
    println!("    revisions left: {left:?}");

    step(7, "remove the secret", format!("juju remove-secret {name}"));
    secrets.remove(name)?;
    match secrets.show(name, &ShowOptions::new()) {
        Err(e) if e.kind() == Some(ErrorKind::NotFound) => println!("    {name} is gone"),
        Err(e) => return Err(e.into()),
        Ok(_) => return Err(format!("{name} is still there after removing it").into()),
    }
    Ok(())
}

/// Announces a step of the guide with the `juju` command that does the same.
fn step(n: u32, what: &str, command: String) {
    println!("\n[{n}/7] {what}: {command}");
}

fn show_access(secrets: &mut SecretsApi<'_>, name: &str) -> Result<()> {
    let info = secrets.show(name, &ShowOptions::new())?;
    let apps: Vec<&str> = info.granted_applications().collect();
    println!("    applications with access: {apps:?}");
    Ok(())
}

/// Removes the secret; if this connection is unusable, tries once more on a new one.
fn cleanup(secrets: &mut SecretsApi<'_>, options: &ConnectOptions, secret: &SecretUri) {
    let retry = |e: juju_secrets::Error| match e.kind() {
        Some(ErrorKind::NotFound) => Ok(()),
        Some(_) => Err(e),
        None => Client::connect(options)?.secrets().remove(secret),
    };
    match secrets.remove(secret).or_else(retry) {
        Ok(()) => println!("{secret} is removed."),
        Err(e) => eprintln!(
            "ERROR cannot remove {secret}: {e}; remove it with `juju remove-secret {secret}`"
        ),
    }
}

/// A name no other run uses: `quickstart-<unix seconds>-<pid>`.
fn unique_name() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    format!("quickstart-{secs}-{}", std::process::id())
}
