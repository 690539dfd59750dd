//! Shared by the examples: secrets shown the way the `juju` CLI shows them (its field names, its
//! owners, its table), and the error line every example ends with.
#![allow(dead_code)] // each example uses only some of these

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::{self, Write};
use std::process::ExitCode;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use juju_secrets::{SecretContent, SecretInfo};
use serde::{Serialize, Serializer};
use zeroize::Zeroizing;

/// What an example's `run` returns: any error, printed by [`exit`].
pub type Result<T, E = Box<dyn std::error::Error>> = std::result::Result<T, E>;

/// Ends the program as `juju` does: `ERROR <message>` on stderr and status 1 on failure.
pub fn exit(result: Result<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            match e.downcast_ref::<juju_secrets::Error>() {
                Some(e) => eprintln!("ERROR {}", message(e)),
                None => eprintln!("ERROR {e}"),
            }
            ExitCode::FAILURE
        }
    }
}

/// An error as `juju` prints it: the controller's own message for its errors (`permission
/// denied`), this crate's message for the others.
pub fn message(e: &juju_secrets::Error) -> String {
    match e.api() {
        Some(api) => api.message.clone(),
        None => e.to_string(),
    }
}

/// The output formats of `juju secrets` and `juju show-secret` besides the table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// YAML, as `--format yaml`.
    Yaml,
    /// JSON on one line, as `--format json`.
    Json,
}

/// One secret as the juju CLI displays it, field for field.
#[derive(Serialize)]
struct Details<'a> {
    revision: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    checksum: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    rotation: Option<&'a str>,
    owner: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    label: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    created: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    updated: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "flat_content"
    )]
    content: Option<&'a SecretContent>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    revisions: Vec<Revision<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    access: Vec<Access<'a>>,
}

#[derive(Serialize)]
struct Revision<'a> {
    revision: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    backend: Option<&'a str>,
    created: Option<&'a str>,
    updated: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expires: Option<&'a str>,
}

#[derive(Serialize)]
struct Access<'a> {
    target: &'a str,
    scope: &'a str,
    role: &'a str,
}

impl<'a> Details<'a> {
    fn new(info: &'a SecretInfo, show: bool) -> Self {
        // Model-owned (user) secrets have a name; charm secrets have a label.
        let (name, label) = match info.is_user_secret() {
            true => (info.name.as_deref(), None),
            false => (None, info.name.as_deref()),
        };
        // As `juju`: a revealing error is the secret's `error`, in the controller's words.
        let (content, error) = match &info.content {
            Some(Ok(content)) => (Some(content), None),
            Some(Err(e)) => (None, Some(e.message.clone())),
            None => (None, None),
        };
        Details {
            revision: info.latest_revision,
            checksum: content.and(info.latest_checksum.as_deref()),
            rotation: info.rotate_policy.as_deref(),
            owner: owner(&info.owner),
            description: info.description.as_deref(),
            name,
            label,
            created: info.created.as_deref(),
            updated: info.updated.as_deref(),
            error,
            content,
            revisions: info
                .revisions
                .iter()
                .filter(|_| show)
                .map(|r| Revision {
                    revision: r.revision,
                    backend: r.backend.as_deref(),
                    created: r.created.as_deref(),
                    updated: r.updated.as_deref(),
                    expires: r.expires.as_deref(),
                })
                .collect(),
            access: info
                .access
                .iter()
                .filter(|_| show)
                .map(|a| Access {
                    target: &a.target,
                    scope: &a.scope,
                    role: &a.role,
                })
                .collect(),
        }
    }
}

/// Key to value, straight from the content; values that are not UTF-8 go base64 under `KEY#base64`.
fn flat_content<S: Serializer>(content: &Option<&SecretContent>, s: S) -> Result<S::Ok, S::Error> {
    s.collect_map(
        content
            .iter()
            .flat_map(|c| c.iter())
            .map(|(key, value)| match value.as_str() {
                Some(text) => (Cow::Borrowed(key), Shown::Text(text)),
                None => (
                    Cow::Owned(format!("{key}#base64")),
                    // Zeroed once printed, like the value itself.
                    Shown::Base64(Zeroizing::new(STANDARD.encode(value.as_bytes()))),
                ),
            }),
    )
}

/// A value as printed: its text, or the base64 of bytes that are not UTF-8.
#[derive(Serialize)]
#[serde(untagged)]
enum Shown<'a> {
    Text(&'a str),
    Base64(Zeroizing<String>),
}

/// `<model>` for the model, `app` for `application-app`, `app/0` for `unit-app-0`.
pub fn owner(tag: &str) -> String {
    match tag.split_once('-') {
        Some(("model", _)) => "<model>".to_owned(),
        Some(("application", app)) => app.to_owned(),
        Some(("unit", unit)) => match unit.rsplit_once('-') {
            Some((app, n)) => format!("{app}/{n}"),
            None => unit.to_owned(),
        },
        _ => tag.to_owned(),
    }
}

/// Prints a map of secret id to details, as `juju show-secret` does when `show`, else as
/// `juju secrets` does (without access and revisions), with a note on stderr for each value
/// shown as base64.
pub fn print_map(secrets: &[SecretInfo], format: Format, show: bool) -> Result<()> {
    let map: BTreeMap<&str, Details> = secrets
        .iter()
        .map(|s| (s.uri.id(), Details::new(s, show)))
        .collect();
    for secret in secrets {
        let Some(Ok(content)) = &secret.content else {
            continue;
        };
        for (key, _) in content.iter().filter(|(_, v)| v.as_str().is_none()) {
            let id = secret.uri.id();
            eprintln!(
                "note: secret {id}: {key:?} is not UTF-8: shown base64-encoded as {key}#base64"
            );
        }
    }
    // The text may hold revealed values: zero it once printed.
    let text = Zeroizing::new(match format {
        Format::Json => serde_json::to_string(&map)?,
        Format::Yaml => serde_yaml_ng::to_string(&map)?,
    });
    // Written, not printed: a closed pipe is an error to report, not a panic.
    let mut out = io::stdout().lock();
    out.write_all(text.as_bytes())?;
    if format == Format::Json {
        writeln!(out)?;
    }
    Ok(())
}

const HEADER: [&str; 6] = [
    "ID",
    "Name",
    "Owner",
    "Rotation",
    "Revision",
    "Last updated",
];

/// The juju CLI's table: by owner, then latest revision first; `Revision` right-aligned.
pub fn print_table(secrets: &[SecretInfo]) -> io::Result<()> {
    let mut sorted: Vec<&SecretInfo> = secrets.iter().collect();
    sorted.sort_by_cached_key(|s| (owner(&s.owner), std::cmp::Reverse(s.latest_revision)));
    let mut rows: Vec<[String; 6]> = sorted
        .iter()
        .map(|s| {
            [
                s.uri.id().to_owned(),
                s.name.clone().unwrap_or_else(|| "-".to_owned()),
                owner(&s.owner),
                s.rotate_policy
                    .clone()
                    .unwrap_or_else(|| "never".to_owned()),
                s.latest_revision.to_string(),
                s.updated.as_deref().map(last_updated).unwrap_or_default(),
            ]
        })
        .collect();
    if rows.is_empty() {
        return Ok(());
    }
    rows.insert(0, HEADER.map(String::from));
    let width = |c: usize| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0);
    let widths: Vec<usize> = (0..6).map(width).collect();
    let mut out = io::stdout().lock();
    for row in &rows {
        let mut line = String::new();
        for ((c, cell), w) in row.iter().enumerate().zip(&widths) {
            match c {
                4 => line += &format!("{cell:>w$}  "),
                _ => line += &format!("{cell:<w$}  "),
            }
        }
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}

/// As `juju` says it: "just now", "5 seconds ago", "3 hours ago", or the date after a day.
pub fn last_updated(rfc3339: &str) -> String {
    use time::{format_description::well_known::Rfc3339, OffsetDateTime};
    let Ok(when) = OffsetDateTime::parse(rfc3339, &Rfc3339) else {
        return rfc3339.to_owned();
    };
    let secs = (OffsetDateTime::now_utc() - when).whole_seconds();
    let plural = |n: i64, unit: &str| format!("{n} {unit}{} ago", if n == 1 { "" } else { "s" });
    match secs {
        s if s >= 86_400 => format!("{}", when.date()),
        s if s >= 3_600 => plural(s / 3_600, "hour"),
        s if s >= 60 => plural(s / 60, "minute"),
        s if s >= 2 => format!("{s} seconds ago"),
        _ => "just now".to_owned(),
    }
}
