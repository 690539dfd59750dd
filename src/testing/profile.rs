//! Which Juju release the test controller plays: [`Profile`], and what single 4.0.x releases
//! do differently, keyed on the version it reports. Facades ask through the `Config` methods
//! (config.rs); none of them matches on a version string itself.

use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

/// The Juju release a [`TestController`](super::TestController) plays, chosen with
/// [`TestControllerBuilder::profile`](super::TestControllerBuilder::profile).
///
/// The profile decides the server-side semantics (how the `Secrets` facade answers and words
/// its errors, which `ModelManager` versions are offered and how they list models) and the
/// version reported at login, unless
/// [`server_version`](super::TestControllerBuilder::server_version) sets another. Single 4.0.x
/// releases differ in two ways, keyed on that version:
///
/// - **4.0.0** ignores the name (label) filter of `ListSecrets`, listing every secret, and
///   answers an unknown URI with an empty list (juju/juju#21296; fixed in 4.0.1 by #21327,
///   after which an unknown URI is an error);
/// - **4.0.0 to 4.0.5** list model owners normalised (lowercased, `@`, `.` and `+` turned into
///   `-`: `bob@external` is listed as `bob-external`); from 4.0.6 the raw user name is back
///   (juju/juju#22036).
///
/// ```
/// use juju_secrets::testing::{Profile, TestController};
/// use juju_secrets::{Client, ErrorKind, ShowOptions};
/// let controller = TestController::builder().profile(Profile::Juju4).start()?;
/// let mut client = Client::connect(&controller.connect_options())?;
/// assert_eq!(client.login_info().server_version, "4.0.16");
/// // Juju 4 answers an unknown URI with an error where 3.6 lists nothing: not found either way.
/// let err = client.secrets().show("secret:d0q6g3l9h5s9k8a6s0rg", &ShowOptions::new()).unwrap_err();
/// assert_eq!(err.kind(), Some(ErrorKind::NotFound));
/// # Ok::<(), juju_secrets::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Profile {
    /// Juju 3.6, the LTS (`state/secrets.go`, `apiserver/facades/client/secrets` on the 3.6
    /// branch): `ModelManager` v9 and v10, owners as `owner-tag`, times rounded to the second,
    /// "not found" as code `not found`. Reports version 3.6.4 by default.
    #[default]
    Juju36,
    /// Juju 4.0.x (`domain/secret`, `apiserver/facades/client/secrets` on 4.0): `ModelManager`
    /// v10 and v11 (with `qualifier`), times with nanoseconds, codes `secret not found` and
    /// `secret revision not found`, and stricter `ListSecrets` filters. Reports version 4.0.16
    /// by default.
    Juju4,
}

impl Profile {
    /// The version reported at login unless
    /// [`server_version`](super::TestControllerBuilder::server_version) sets another: `3.6.4`
    /// or `4.0.16`.
    ///
    /// ```
    /// use juju_secrets::testing::Profile;
    /// assert_eq!(Profile::Juju4.default_server_version(), "4.0.16");
    /// assert_eq!(Profile::default().default_server_version(), "3.6.4");
    /// ```
    pub fn default_server_version(self) -> &'static str {
        match self {
            Profile::Juju36 => "3.6.4",
            Profile::Juju4 => "4.0.16",
        }
    }

    /// The `ModelManager` versions offered by default (register.go of each branch).
    pub(crate) fn model_manager_versions(self) -> &'static [u32] {
        match self {
            Profile::Juju36 => &[9, 10],
            Profile::Juju4 => &[10, 11],
        }
    }

    /// A time as this release writes it in JSON: Go's RFC 3339 with nanoseconds (trailing
    /// zeros dropped) on Juju 4; rounded to the second on 3.6 (`nowToTheSecond` in
    /// state/secrets.go uses `Round`, so it can round up).
    pub(crate) fn go_time(self, time: OffsetDateTime) -> String {
        let time = match self {
            Profile::Juju4 => time,
            Profile::Juju36 => {
                let rounded = time.saturating_add(Duration::milliseconds(500));
                rounded.replace_nanosecond(0).unwrap_or(rounded)
            }
        };
        format_time(time)
    }
}

/// `time` as Go's `time.Time` marshals to JSON: RFC 3339, fractional seconds only when not
/// zero, without trailing zeros.
pub(crate) fn format_time(time: OffsetDateTime) -> String {
    time.format(&Rfc3339)
        .unwrap_or_else(|_| "1970-01-01T00:00:00Z".into())
}

/// A version as `(major, minor, patch)`; `4.0-beta5` reads as `(4, 0, 0)`.
pub(crate) fn version_number(version: &str) -> Option<(u32, u32, u32)> {
    let mut parts = version.split(['.', '-']).map(leading_number);
    let major = parts.next().flatten()?;
    let minor = parts.next().flatten()?;
    Some((major, minor, parts.next().flatten().unwrap_or(0)))
}

/// The number a version part starts with (`5` of `5`, none of `beta5`).
fn leading_number(part: &str) -> Option<u32> {
    let digits = part.len() - part.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    part.get(..digits).and_then(|d| d.parse().ok())
}

/// A model owner as Juju 4.0.0 to 4.0.5 write qualifiers: lowercase, `@`, `.` and `+` as `-`.
pub(crate) fn normalised_qualifier(owner: &str) -> String {
    owner
        .to_lowercase()
        .chars()
        .map(|c| if matches!(c, '@' | '.' | '+') { '-' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::{Date, Month, Time};

    fn at(nanos: u32) -> OffsetDateTime {
        let date = Date::from_calendar_date(2025, Month::November, 20).unwrap();
        let time = Time::from_hms_nano(23, 11, 29, nanos).unwrap();
        date.with_time(time).assume_utc()
    }

    #[test]
    fn versions_read_as_numbers() {
        assert_eq!(version_number("4.0.16"), Some((4, 0, 16)));
        assert_eq!(version_number("4.0.3-beta1"), Some((4, 0, 3)));
        assert_eq!(version_number("4.0-beta5"), Some((4, 0, 0)));
        assert_eq!(version_number("3.6"), Some((3, 6, 0)));
        assert_eq!(version_number("four"), None);
        assert_eq!(version_number(""), None);
    }

    #[test]
    fn each_release_writes_times_its_way() {
        let up = at(599_052_694);
        let down = at(499_999_999);
        assert_eq!(Profile::Juju36.go_time(up), "2025-11-20T23:11:30Z");
        assert_eq!(Profile::Juju36.go_time(down), "2025-11-20T23:11:29Z");
        assert_eq!(Profile::Juju4.go_time(up), "2025-11-20T23:11:29.599052694Z");
        let trailing = at(120_000_000);
        assert_eq!(Profile::Juju4.go_time(trailing), "2025-11-20T23:11:29.12Z");
    }

    #[test]
    fn qualifiers_normalise_as_4_0_0_did() {
        assert_eq!(normalised_qualifier("bob@external"), "bob-external");
        assert_eq!(
            normalised_qualifier("Bob.Smith+x@external"),
            "bob-smith-x-external"
        );
        assert_eq!(normalised_qualifier("admin"), "admin");
    }
}
