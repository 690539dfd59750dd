//! The README's Rust snippets, exactly as the README shows them (`tests/readme.rs` checks the
//! text), run against the built-in test controller through a client store in a private
//! temporary `JUJU_DATA`. Prints `README snippets ran` on success.

use std::process::ExitCode;

use juju_secrets::testing::TestController;
use juju_secrets::{Client, Ensured, NewSecret, SecretContent};

/// The README's "Example".
mod example {
    use juju_secrets::{Client, NewSecret, SecretContent};

    fn main() -> juju_secrets::Result<()> {
        let mut client = Client::connect_juju_env()?; // JUJU_DATA, JUJU_CONTROLLER, JUJU_MODEL
        let mut secrets = client.secrets();
        let content = SecretContent::from_args(&["user=app", "password=s3cr3t"])?;
        let secret = NewSecret::new("db-creds", content).description("database credentials");
        let uri = secrets.add(&secret)?;
        secrets.grant("db-creds", &["mysql"])?;
        let password = secrets.get_value("db-creds", "password")?;
        println!("{uri} holds a password of {} bytes", password.len());
        Ok(())
    }

    /// Runs the README's `main`.
    pub(super) fn run() -> juju_secrets::Result<()> {
        main()
    }
}

/// The README's naming snippet, after the secrets it reads were put in place.
fn naming() -> juju_secrets::Result<()> {
    let old = SecretContent::from_pairs([("token", "0ld")])?;
    let uri = Client::connect_juju_env()?
        .secrets()
        .add(&NewSecret::new("old-token", old))?;
    let token = juju_secrets::get_value("api-token", "token")?; // build.rs one-liner
    let mut client = juju_secrets::Client::connect_juju_env()?;
    let mut secrets = client.secrets();
    let password = secrets.get_value("db-creds", "password")?; // by name
    let same = secrets.get_value("secret:d0q6g3l9h5s9k8a6s0rg", "password")?; // by URI string
    secrets.remove(&uri)?; // uri: SecretUri from add
    secrets.remove("secret:d0q6g3l9h5s9k8a6s0rg")?; // the whole secret
    assert_eq!(token.as_str(), Some("t0ken"));
    assert_eq!(password, same);
    Ok(())
}

/// The README's `ensure` snippet.
fn declarative() -> juju_secrets::Result<()> {
    let mut client = Client::connect_juju_env()?;
    let mut secrets = client.secrets();
    let token = SecretContent::from_pairs([("token", "t0ken")])?;
    let wanted = NewSecret::new("api-token", token);
    match secrets.ensure(&wanted)? {
        Ensured::Created(uri) => println!("created {uri}"),
        Ensured::Updated(uri) => println!("new revision of {uri}"),
        Ensured::Unchanged(uri) => println!("{uri} is as wanted"),
    }
    for change in secrets.ensure_access("api-token", &["mysql", "wordpress"])? {
        let (app, result) = (&change.application, &change.result);
        println!("{:?} {app}: {result:?}", change.action);
    }
    Ok(())
}

/// A test controller and its client store in a new private directory, as `JUJU_DATA`.
fn serve(
    seed: impl FnOnce(&TestController),
) -> Result<(TestController, std::path::PathBuf), Box<dyn std::error::Error>> {
    let controller = TestController::start()?;
    seed(&controller);
    let dir = juju_secrets::testing::private_temp_dir("juju-secrets-readme")?;
    controller.write_client_store(&dir)?;
    std::env::set_var("JUJU_DATA", &dir);
    Ok((controller, dir))
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let (first, dir) = serve(|_| {})?;
    example::run()?;
    drop(first);
    std::fs::remove_dir_all(dir)?;
    let (second, dir) = serve(|c| {
        c.insert_secret("api-token", &[("token", b"t0ken".as_slice())]);
        let password: &[u8] = b"s3cr3t";
        c.insert_secret_with_id(
            "d0q6g3l9h5s9k8a6s0rg",
            "db-creds",
            &[("password", password)],
        );
    })?;
    naming()?;
    declarative()?;
    drop(second);
    std::fs::remove_dir_all(dir)?;
    println!("README snippets ran");
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ERROR {e}");
            ExitCode::FAILURE
        }
    }
}
