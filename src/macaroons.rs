//! Macaroons for external users: the ones the `juju` CLI keeps in the client store's cookie jar
//! (`cookies/<controller>.json`), and the type that carries them to `Admin.Login`.
//!
//! The jar is a JSON array of cookies in the format of `github.com/juju/persistent-cookiejar`
//! (`{"Name", "Value", "Domain", "Path", "HostOnly", "Persistent", "Expires", ...}`). Macaroon
//! cookies are named `macaroon-<hash>`; their value is the base64 of a JSON array of macaroons
//! (a root macaroon and its discharges), as `httpbakery.NewCookie` writes them.

use std::fmt;
use std::path::Path;

use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine;
use log::debug;
use serde::Deserialize;
use serde_json::Value;
use time::format_description::{self, well_known::Rfc3339};
use time::{OffsetDateTime, PrimitiveDateTime};

use crate::error::{Error, Result};

/// Macaroon slices for `Admin.Login` (`"macaroons": [[root, discharge, ...], ...]`).
/// `Debug` prints only how many there are: they are credentials.
#[derive(Clone, Default, PartialEq)]
pub(crate) struct MacaroonSlices(pub(crate) Vec<Value>);

impl MacaroonSlices {
    /// Each item is one slice (a JSON array); anything else is taken as a slice of one.
    pub(crate) fn new(slices: Vec<Value>) -> MacaroonSlices {
        let slices = slices
            .into_iter()
            .map(|s| match s {
                Value::Array(_) => s,
                single => Value::Array(vec![single]),
            })
            .collect();
        MacaroonSlices(slices)
    }
}

impl fmt::Debug for MacaroonSlices {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<{} macaroon slices>", self.0.len())
    }
}

/// One cookie of a persistent-cookiejar file; other fields are ignored.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct GoCookie {
    #[serde(default)]
    name: String,
    #[serde(default)]
    value: String,
    #[serde(default)]
    domain: String,
    #[serde(default)]
    path: String,
    #[serde(default)]
    host_only: bool,
    #[serde(default)]
    expires: Option<String>,
}

/// The unexpired macaroon slices of the cookie jar at `path` whose cookie domain matches one of
/// `hosts` (the controller's UUID, public host name and endpoint hosts: the Go client files a
/// controller's cookies under one of those). A missing jar has none.
///
/// # Errors
/// [`Error::Config`] when the file cannot be read or is not a JSON array of cookies. The message
/// never quotes the file: it holds credentials.
pub(crate) fn load_jar(path: &Path, hosts: &[String]) -> Result<Vec<Value>> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => zeroize::Zeroizing::new(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => {
            return Err(Error::Config(format!(
                "cannot read {}: {e}",
                path.display()
            )))
        }
    };
    if text.trim().is_empty() {
        return Ok(Vec::new());
    }
    let cookies: Vec<GoCookie> = serde_json::from_str(&text).map_err(|e| {
        Error::Config(format!(
            "malformed cookie jar {}: not a JSON array of cookies (line {}, column {}); run \
             `juju login` to rewrite it",
            path.display(),
            e.line(),
            e.column()
        ))
    })?;
    Ok(macaroons_from(cookies, hosts, unix_now()))
}

fn macaroons_from(cookies: Vec<GoCookie>, hosts: &[String], now: i64) -> Vec<Value> {
    let mut slices = Vec::new();
    for cookie in cookies {
        if !cookie.name.starts_with("macaroon-") || !matches!(cookie.path.as_str(), "" | "/") {
            continue;
        }
        if !hosts.iter().any(|h| domain_matches(&cookie, h)) {
            continue;
        }
        match cookie.expires.as_deref().map(unix_seconds) {
            Some(None) => {
                debug!("skipping cookie {}: unreadable expiry time", cookie.name);
                continue;
            }
            Some(Some(expires)) if expires <= now => {
                debug!("skipping cookie {}: expired", cookie.name);
                continue;
            }
            _ => {}
        }
        match decode_slice(&cookie.value) {
            Some(slice) => slices.push(slice),
            None => debug!("skipping cookie {}: not a macaroon slice", cookie.name),
        }
    }
    slices
}

/// RFC 6265 domain matching, as the jar does it: the same host, or a subdomain of a domain
/// cookie. Hosts compare without case.
fn domain_matches(cookie: &GoCookie, host: &str) -> bool {
    let (domain, host) = (
        cookie.domain.to_ascii_lowercase(),
        host.to_ascii_lowercase(),
    );
    if domain.is_empty() {
        return false;
    }
    domain == host || (!cookie.host_only && host.ends_with(&format!(".{domain}")))
}

/// base64 (standard or URL alphabet, padded or not, as Go's httpbakery accepts) of a JSON
/// array of macaroon objects.
fn decode_slice(value: &str) -> Option<Value> {
    let config =
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
    let value = value.trim();
    let bytes = GeneralPurpose::new(&alphabet::STANDARD, config)
        .decode(value)
        .or_else(|_| GeneralPurpose::new(&alphabet::URL_SAFE, config).decode(value))
        .ok()?;
    let slice: Value = serde_json::from_slice(&bytes).ok()?;
    let macaroons = slice.as_array()?;
    (!macaroons.is_empty() && macaroons.iter().all(Value::is_object)).then_some(slice)
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
mod tests {
    use super::*;
    use serde_json::json;

    fn encode(v: &Value) -> String {
        base64::engine::general_purpose::STANDARD.encode(v.to_string())
    }

    fn cookie(name: &str, value: &str, domain: &str, expires: Option<&str>) -> GoCookie {
        GoCookie {
            name: name.into(),
            value: value.into(),
            domain: domain.into(),
            path: "/".into(),
            host_only: true,
            expires: expires.map(Into::into),
        }
    }

    #[test]
    fn rfc3339_times() {
        assert_eq!(unix_seconds("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(unix_seconds("2000-03-01T00:00:00Z"), Some(951_868_800));
        assert_eq!(
            unix_seconds("2025-01-02T03:04:05.123456789+01:00"),
            Some(1_735_783_445)
        );
        assert_eq!(unix_seconds("2025-01-02T02:04:05"), Some(1_735_783_445));
        assert_eq!(
            unix_seconds("2025-01-02T02:04:05-00:30"),
            Some(1_735_785_245)
        );
        assert!(unix_seconds("0001-01-01T00:00:00Z").is_some_and(|s| s < 0));
        for bad in [
            "",
            "2025-13-01T00:00:00Z",
            "2025-01-01 00:00",
            "2025-01-0xT00:00:00Z",
            "2025-01-01T00:00:00+0100",
            "2025-01-01T00:00:00Q",
            "2025-01-01T00:00:00é",
            "2025-01-é1T00:00:00Z",
        ] {
            assert_eq!(unix_seconds(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn keeps_unexpired_macaroon_cookies_of_the_controller() {
        let slice = json!([{"identifier": "root"}, {"identifier": "discharge"}]);
        let good = encode(&slice);
        let hosts = ["c0ffee".to_owned(), "10.0.0.2".to_owned()];
        let now = unix_seconds("2025-06-01T00:00:00Z").unwrap();
        let later = Some("2030-01-01T00:00:00Z");
        let cookies = vec![
            cookie("macaroon-a", &good, "c0ffee", later),
            cookie("macaroon-b", &good, "10.0.0.2", None),
            cookie(
                "macaroon-expired",
                &good,
                "c0ffee",
                Some("2025-05-01T00:00:00Z"),
            ),
            cookie("macaroon-other", &good, "candid.example.com", later),
            cookie("session", &good, "c0ffee", None),
            cookie("macaroon-bad", "not base64!", "c0ffee", None),
            cookie("macaroon-object", &encode(&json!({"a": 1})), "c0ffee", None),
            cookie("macaroon-when", &good, "c0ffee", Some("tomorrow")),
        ];
        assert_eq!(macaroons_from(cookies, &hosts, now), [slice.clone(), slice]);
    }

    #[test]
    fn domain_cookies_match_subdomains() {
        let mut c = cookie("macaroon-a", "", "example.com", None);
        assert!(!domain_matches(&c, "juju.example.com"));
        c.host_only = false;
        assert!(domain_matches(&c, "Juju.Example.com"));
        assert!(!domain_matches(&c, "badexample.com"));
    }

    #[test]
    fn url_safe_unpadded_values_decode() {
        let slice = json!([{"i64": "aWQ", "s64": "c2ln~?"}]);
        let url = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(slice.to_string());
        assert_eq!(decode_slice(&url), Some(slice));
    }

    #[test]
    fn debug_hides_macaroons_and_single_macaroons_become_slices() {
        let m = MacaroonSlices::new(vec![json!({"signature": "s3cr3t-sig"}), json!([])]);
        assert_eq!(format!("{m:?}"), "<2 macaroon slices>");
        assert_eq!(m.0[0], json!([{"signature": "s3cr3t-sig"}]));
    }
}
