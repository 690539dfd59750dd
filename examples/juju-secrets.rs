//! `juju-secrets`: the `juju` CLI's user-secret commands, on this crate.
//!
//! ```text
//! cargo run --example juju-secrets -- add-secret db-pass password=s3cr3t --info "the db password"
//! cargo run --example juju-secrets -- show-secret db-pass --reveal
//! ```
//!
//! It connects as `juju` does: the client store (`$JUJU_DATA`, else `$XDG_DATA_HOME/juju`, else
//! `~/.local/share/juju`), `JUJU_CONTROLLER`, and `JUJU_MODEL` or `-m [controller:]model`.
//!
//! | command | prints on stdout |
//! |---|---|
//! | `add-secret NAME [KEY[#base64\|#file]=VALUE ...] [--info TEXT] [--file PATH]` | the new URI alone |
//! | `update-secret NAME\|URI [KEY=VALUE ...] [--info TEXT] [--name NEW] [--auto-prune[=BOOL]] [--file PATH]` | nothing |
//! | `remove-secret NAME\|URI [--revision N]` | nothing |
//! | `grant-secret NAME\|URI APP[,APP...]`, `revoke-secret NAME\|URI APP[,APP...]` | nothing |
//! | `ensure-secret NAME [KEY[#base64\|#file]=VALUE ...] [--info TEXT] [--file PATH]` | the URI, then `created`, `updated` or `unchanged` |
//! | `ensure-access NAME\|URI [APP[,APP...]]` | `granted APP` or `revoked APP`, one line per change |
//! | `secrets [--format tabular\|json\|yaml]` (alias `list-secrets`) | the model's secrets |
//! | `show-secret NAME\|URI [--reveal] [--revision N] [--revisions] [--format yaml\|json]` | one secret |
//!
//! `NAME|URI` is read as `juju` reads it: `secret:<id>` or a bare classic 20-character id is a
//! URI, anything else a name. `--file` is a JSON or YAML map of key to value; its keys win over
//! the `KEY=VALUE` arguments. `-r` is short for `--revision`.
//!
//! JSON and YAML output is a map keyed by secret id, with the `juju` CLI's field names:
//! `revision` (the latest), `checksum` (when revealed), `rotation`, `owner` (`<model>` for user
//! secrets, else the application or unit), `description`, `name` (user secrets) or `label` (charm
//! secrets), `created`, `updated`, `error`, `content` (with `--reveal`), `revisions` (with
//! `--revisions`) and `access` (`show-secret` only; `target`, `scope`, `role`).
//! Unlike `juju`, whose JSON nests values as `content.Data`, `content` is a flat map of key to
//! decoded value. A value that is not UTF-8 is shown base64-encoded under `KEY#base64` instead of
//! `KEY`, with a note on stderr, so the map can be fed back as it is to `add-secret --file`. When
//! the controller cannot read the content, `error` says why. The table has `juju`'s columns
//! (ID, Name, Owner, Rotation, Revision, Last updated), sorted by owner then latest revision, and
//! is empty when there are no secrets.
//!
//! `ensure-secret` makes the secret hold exactly the given content (and description, when
//! `--info` is given), writing only what differs; `ensure-access` grants and revokes so that
//! exactly the named applications have access (none named: revokes every grant).
//!
//! Everything that can be checked without the controller (keys, values, files, empty names, an
//! update that changes nothing, revision 0, an empty application name in a list) is checked
//! before connecting. Success exits 0. Any error prints `ERROR <message>` on stderr and exits 1,
//! as `juju` does (a controller's error is its message, such as `ERROR permission denied`);
//! when granting or revoking fails for some applications, those that succeeded are reported
//! first, on stderr.

mod common;

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use common::{Format, Result};
use juju_secrets::{
    AccessAction, Client, ClientStore, Ensured, ListOptions, NewSecret, Removal, SecretContent,
    SecretRef, SecretUpdate, ShowOptions,
};

#[derive(Parser)]
#[command(
    name = "juju-secrets",
    version,
    about = "Manage the user secrets of a Juju model"
)]
struct Cli {
    /// The model: `[controller:]model`; defaults to JUJU_MODEL, then the current model.
    #[arg(short, long, global = true, value_name = "[CONTROLLER:]MODEL")]
    model: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Add a user secret and print its URI.
    AddSecret {
        name: String,
        #[command(flatten)]
        content: ContentArgs,
    },
    /// Make a user secret hold this content (and description), writing only what differs.
    EnsureSecret {
        name: String,
        #[command(flatten)]
        content: ContentArgs,
    },
    /// Change a secret's content (making a new revision), name, description or auto-prune.
    UpdateSecret {
        secret: String,
        #[command(flatten)]
        content: ContentArgs,
        /// A new name for the secret.
        #[arg(long)]
        name: Option<String>,
        /// Remove revisions nobody uses as soon as a newer one exists.
        #[arg(long, value_name = "BOOL", num_args = 0..=1, require_equals = true,
              default_missing_value = "true")]
        auto_prune: Option<bool>,
    },
    /// Remove a secret, or one revision of it.
    RemoveSecret {
        secret: String,
        #[arg(short, long)]
        revision: Option<u32>,
    },
    /// Grant applications access to a secret.
    GrantSecret { secret: String, apps: String },
    /// Revoke applications' access to a secret.
    RevokeSecret { secret: String, apps: String },
    /// Grant and revoke so that exactly these applications have access to a secret.
    EnsureAccess {
        secret: String,
        #[arg(default_value = "")]
        apps: String,
    },
    /// List the model's secrets.
    #[command(alias = "list-secrets")]
    Secrets {
        #[arg(long, value_enum, default_value = "tabular")]
        format: ListFormat,
    },
    /// Show one secret.
    ShowSecret {
        secret: String,
        /// Include the decoded content.
        #[arg(long)]
        reveal: bool,
        /// Show this revision instead of the latest.
        #[arg(short, long)]
        revision: Option<u32>,
        /// Include each revision's metadata.
        #[arg(long)]
        revisions: bool,
        #[arg(long, value_enum, default_value = "yaml")]
        format: Format,
    },
}

/// The content and description of `add-secret`, `ensure-secret` and `update-secret`.
#[derive(Args)]
struct ContentArgs {
    #[arg(value_name = "KEY[#base64|#file]=VALUE")]
    pairs: Vec<String>,
    /// The secret's description.
    #[arg(long)]
    info: Option<String>,
    /// A JSON or YAML file of keys and values; its keys win over the arguments'.
    #[arg(long)]
    file: Option<PathBuf>,
}

impl ContentArgs {
    /// The content, checked before connecting; `None` when no key is given.
    fn content(&self) -> Result<Option<SecretContent>> {
        if self.pairs.is_empty() && self.file.is_none() {
            return Ok(None);
        }
        let mut content = SecretContent::from_args(&self.pairs)?;
        if let Some(file) = &self.file {
            content.merge(SecretContent::from_file(file)?);
        }
        content.validate()?;
        Ok(Some(content))
    }

    /// A new secret named `name`, checked before connecting.
    fn new_secret(&self, name: &str) -> Result<NewSecret> {
        let content = self.content()?.ok_or("missing secret value or filename")?;
        let mut secret = NewSecret::new(name, content);
        if let Some(info) = &self.info {
            secret = secret.description(info.as_str());
        }
        secret.validate()?;
        Ok(secret)
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum ListFormat {
    Tabular,
    Yaml,
    Json,
}

fn main() -> ExitCode {
    match Cli::try_parse() {
        Ok(cli) => common::exit(run(cli)),
        Err(e) if !e.use_stderr() => {
            let _ = e.print(); // --help or --version
            ExitCode::SUCCESS
        }
        Err(e) => {
            let message = e.render().to_string();
            let message = message.trim_start_matches("error: ").trim_end();
            common::exit(Err(message.into()))
        }
    }
}

/// Checks the command's arguments, then connects and carries it out: nothing the controller
/// is not needed for waits on a connection.
fn run(cli: Cli) -> Result<()> {
    let model = cli.model.as_deref();
    match cli.command {
        Command::AddSecret { name, content } => {
            let secret = content.new_secret(&name)?;
            let uri = connect(model)?.secrets().add(&secret)?;
            writeln!(io::stdout(), "{uri}")?;
        }
        Command::EnsureSecret { name, content } => {
            let secret = content.new_secret(&name)?;
            let (uri, what) = match connect(model)?.secrets().ensure(&secret)? {
                Ensured::Created(uri) => (uri, "created"),
                Ensured::Updated(uri) => (uri, "updated"),
                Ensured::Unchanged(uri) => (uri, "unchanged"),
            };
            writeln!(io::stdout(), "{uri} {what}")?;
        }
        Command::UpdateSecret {
            secret,
            content,
            name,
            auto_prune,
        } => {
            let secret = SecretRef::parse(&secret)?;
            let mut update = SecretUpdate::new();
            if let Some(new_content) = content.content()? {
                update = update.content(new_content);
            }
            if let Some(info) = content.info {
                update = update.description(info);
            }
            if let Some(name) = name {
                update = update.name(name);
            }
            if let Some(on) = auto_prune {
                update = update.auto_prune(on);
            }
            update.validate()?;
            connect(model)?.secrets().update(&secret, &update)?;
        }
        Command::RemoveSecret { secret, revision } => {
            let secret = SecretRef::parse(&secret)?;
            let removal = match revision {
                Some(revision) => Removal::revisions(secret, [revision]),
                None => Removal::secret(secret),
            };
            removal.validate()?;
            for result in connect(model)?.secrets().remove_many(&[removal])? {
                result?;
            }
        }
        Command::GrantSecret { secret, apps } => grant_or_revoke(model, &secret, &apps, true)?,
        Command::RevokeSecret { secret, apps } => grant_or_revoke(model, &secret, &apps, false)?,
        Command::EnsureAccess { secret, apps } => ensure_access(model, &secret, &apps)?,
        Command::Secrets { format } => {
            let secrets = connect(model)?.secrets().list(&ListOptions::new())?;
            match format {
                ListFormat::Tabular => common::print_table(&secrets)?,
                ListFormat::Yaml => common::print_map(&secrets, Format::Yaml, false)?,
                ListFormat::Json => common::print_map(&secrets, Format::Json, false)?,
            }
        }
        Command::ShowSecret {
            secret,
            reveal,
            revision,
            revisions,
            format,
        } => {
            // As in juju: revisions' metadata and one revision's content are separate views.
            if revisions && reveal {
                return Err("specify either --revisions or --reveal but not both".into());
            }
            if revisions && revision.is_some() {
                return Err("specify either --revisions or --revision but not both".into());
            }
            if revision == Some(0) {
                return Err("secret revisions start at 1; revision 0 does not exist".into());
            }
            let secret = SecretRef::parse(&secret)?;
            let mut options = ShowOptions::new();
            if reveal {
                options = options.reveal();
            }
            if let Some(revision) = revision {
                options = options.at_revision(revision);
            }
            if revisions {
                options = options.list_revisions();
            }
            let info = connect(model)?.secrets().show(&secret, &options)?;
            common::print_map(&[info], format, true)?;
        }
    }
    Ok(())
}

/// Connects as `juju` does: `-m` takes the place of `JUJU_MODEL`.
fn connect(model: Option<&str>) -> Result<Client> {
    let options = ClientStore::from_env()?.resolve_env(model)?;
    Ok(Client::connect(&options)?)
}

/// `APP[,APP...]`, refusing an empty name (`a,,b`) before connecting. `allow_none` takes an
/// empty list as no applications.
fn applications(list: &str, allow_none: bool) -> Result<Vec<&str>> {
    if list.is_empty() && allow_none {
        return Ok(Vec::new());
    }
    let apps: Vec<&str> = list.split(',').collect();
    if apps.iter().any(|a| a.trim().is_empty()) {
        return Err(format!("application names cannot be empty in {list:?}").into());
    }
    Ok(apps)
}

/// Reports the applications that succeeded, then an `ERROR` line for each that failed.
fn grant_or_revoke(model: Option<&str>, secret: &str, apps: &str, grant: bool) -> Result<()> {
    let secret = SecretRef::parse(secret)?;
    let apps = applications(apps, false)?;
    let mut client = connect(model)?;
    let results = match grant {
        true => client.secrets().grant(&secret, &apps)?,
        false => client.secrets().revoke(&secret, &apps)?,
    };
    let mut failures: Vec<String> = results
        .iter()
        .filter_map(|(app, r)| Some(format!("{app}: {}", common::message(r.as_ref().err()?))))
        .collect();
    let Some(last) = failures.pop() else {
        return Ok(());
    };
    let done = if grant { "granted" } else { "revoked" };
    for (app, _) in results.iter().filter(|(_, r)| r.is_ok()) {
        eprintln!("{done} access to {secret} for {app}");
    }
    for failure in failures {
        eprintln!("ERROR {failure}");
    }
    Err(last.into())
}

/// Prints each change made; an `ERROR` line for each that failed.
fn ensure_access(model: Option<&str>, secret: &str, apps: &str) -> Result<()> {
    let secret = SecretRef::parse(secret)?;
    let apps = applications(apps, true)?;
    let changes = connect(model)?.secrets().ensure_access(&secret, &apps)?;
    let mut out = io::stdout().lock();
    let mut failures = Vec::new();
    for change in &changes {
        let verb = match change.action {
            AccessAction::Grant => "granted",
            AccessAction::Revoke => "revoked",
        };
        match &change.result {
            Ok(()) => writeln!(out, "{verb} {}", change.application)?,
            Err(e) => failures.push(format!("{}: {}", change.application, common::message(e))),
        }
    }
    let Some(last) = failures.pop() else {
        return Ok(());
    };
    for failure in failures {
        eprintln!("ERROR {failure}");
    }
    Err(last.into())
}
