//! The macaroons of external users that the `juju` CLI keeps in the client store's cookie jar
//! (`cookies/<controller>.json`).
//!
//! The jar is a JSON array of cookies in the format of `github.com/juju/persistent-cookiejar`
//! (`{"Name", "Value", "Domain", "Path", "HostOnly", "Persistent", "Expires", ...}`). Macaroon
//! cookies are named `macaroon-<hash>`; their value is the base64 of a JSON array of macaroons
//! (a root macaroon and its discharges), as `httpbakery.NewCookie` writes them. Every buffer
//! that holds a macaroon is zeroed when dropped, and values are borrowed from the file's text
//! rather than copied.

use std::borrow::Cow;
use std::path::Path;

use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine;
use log::debug;
use serde::Deserialize;
use serde_json::value::RawValue;
use time::format_description::{self, well_known::Rfc3339};
use time::{OffsetDateTime, PrimitiveDateTime};
use zeroize::Zeroizing;

use crate::credentials::Macaroons;
use crate::error::{Error, Result};
use crate::files;

/// The largest cookie jar read: macaroons are a few kilobytes each.
pub(crate) const MAX_JAR_BYTES: usize = 4 << 20;

/// One cookie of a persistent-cookiejar file; other fields are ignored.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct GoCookie<'a> {
    #[serde(default, borrow)]
    name: Cow<'a, str>,
    #[serde(default, borrow)]
    value: Cow<'a, str>,
    #[serde(default, borrow)]
    domain: Cow<'a, str>,
    #[serde(default, borrow)]
    path: Cow<'a, str>,
    #[serde(default)]
    host_only: bool,
    #[serde(default, borrow)]
    expires: Option<Cow<'a, str>>,
}

/// The unexpired macaroon slices of the cookie jar at `path` whose cookie domain matches one of
/// `hosts` (the controller's UUID, public host name and endpoint hosts: the Go client files a
/// controller's cookies under one of those). A missing jar has none.
///
/// # Errors
/// [`Error::Config`] when the file cannot be read, is larger than [`MAX_JAR_BYTES`] or is not a
/// JSON array of cookies. The message never quotes the file: it holds credentials.
pub(crate) fn load_jar(path: &Path, hosts: &[String]) -> Result<Macaroons> {
    let text = match files::read_capped(path, MAX_JAR_BYTES) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok(Macaroons::from_slice_texts(&[]))
        }
        Err(e) => {
            return Err(Error::config(format!(
                "cannot read {}: {e}",
                path.display()
            )))
        }
    };
    decode_jar(&text, hosts, unix_now()).map_err(|why| {
        Error::config(format!(
            "malformed cookie jar {}: {why}; run `juju login` to rewrite it",
            path.display()
        ))
    })
}

/// The macaroons of a jar's text: the unexpired `macaroon-*` cookies of `hosts` at `now`
/// (seconds since the Unix epoch). The error says where the text is broken, never what it holds.
pub(crate) fn decode_jar(
    text: &[u8],
    hosts: &[String],
    now: i64,
) -> std::result::Result<Macaroons, String> {
    if text.iter().all(u8::is_ascii_whitespace) {
        return Ok(Macaroons::from_slice_texts(&[]));
    }
    let cookies: Vec<GoCookie<'_>> = serde_json::from_slice(text).map_err(|e| {
        format!(
            "not a JSON array of cookies (line {}, column {})",
            e.line(),
            e.column()
        )
    })?;
    let decoded: Vec<Zeroizing<Vec<u8>>> = cookies
        .iter()
        .filter(|cookie| wanted(cookie, hosts, now))
        .filter_map(|cookie| {
            let slice = decode_base64(&cookie.value);
            if slice.is_none() {
                debug!("skipping cookie {}: not base64", cookie.name);
            }
            slice
        })
        .collect();
    let texts: Vec<&str> = decoded
        .iter()
        .filter_map(|bytes| {
            let text = macaroon_slice(bytes);
            if text.is_none() {
                debug!("skipping a cookie that is not a macaroon slice");
            }
            text
        })
        .collect();
    Ok(Macaroons::from_slice_texts(&texts))
}

/// Whether a cookie is an unexpired macaroon cookie of one of `hosts`.
fn wanted(cookie: &GoCookie<'_>, hosts: &[String], now: i64) -> bool {
    if !cookie.name.starts_with("macaroon-") || !matches!(cookie.path.as_ref(), "" | "/") {
        return false;
    }
    if !hosts.iter().any(|h| domain_matches(cookie, h)) {
        return false;
    }
    match cookie.expires.as_deref().map(unix_seconds) {
        Some(None) => {
            debug!("skipping cookie {}: unreadable expiry time", cookie.name);
            false
        }
        Some(Some(expires)) if expires <= now => {
            debug!("skipping cookie {}: expired", cookie.name);
            false
        }
        _ => true,
    }
}

/// RFC 6265 domain matching, as the jar does it: the same host, or a subdomain of a domain
/// cookie. Hosts compare without case.
fn domain_matches(cookie: &GoCookie<'_>, host: &str) -> bool {
    let (domain, host) = (
        cookie.domain.to_ascii_lowercase(),
        host.to_ascii_lowercase(),
    );
    if domain.is_empty() {
        return false;
    }
    domain == host || (!cookie.host_only && host.ends_with(&format!(".{domain}")))
}

/// base64 in the standard or URL alphabet, padded or not, as Go's httpbakery accepts it.
fn decode_base64(value: &str) -> Option<Zeroizing<Vec<u8>>> {
    let config =
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
    let value = value.trim();
    GeneralPurpose::new(&alphabet::STANDARD, config)
        .decode(value)
        .or_else(|_| GeneralPurpose::new(&alphabet::URL_SAFE, config).decode(value))
        .ok()
        .map(Zeroizing::new)
}

/// The text of a JSON array of one or more macaroon objects, borrowed from `bytes`.
fn macaroon_slice(bytes: &[u8]) -> Option<&str> {
    let text = std::str::from_utf8(bytes).ok()?.trim();
    let macaroons: Vec<&RawValue> = serde_json::from_str(text).ok()?;
    let objects = macaroons.iter().all(|m| m.get().starts_with('{'));
    (!macaroons.is_empty() && objects).then_some(text)
}

fn unix_now() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp()
}

/// Seconds since the Unix epoch of an RFC 3339 time as Go writes it. A time without an offset
/// (python-libjuju writes those) counts as UTC. `None` when it is not such a time.
fn unix_seconds(text: &str) -> Option<i64> {
    if let Ok(time) = OffsetDateTime::parse(text, &Rfc3339) {
        return Some(time.unix_timestamp());
    }
    let time = [
        "[year]-[month]-[day]T[hour]:[minute]:[second]",
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond]",
    ]
    .into_iter()
    .filter_map(|f| format_description::parse_borrowed::<2>(f).ok())
    .find_map(|f| PrimitiveDateTime::parse(text, &f).ok())?;
    Some(time.assume_utc().unix_timestamp())
}

#[cfg(test)]
mod tests;
