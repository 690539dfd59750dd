//! Juju's names for things: entity tags (`user-admin`, `model-<uuid>`), controller addresses
//! (`HostPort`, `host:port` endpoints) and how messages name a controller. Depends on nothing.

use serde::{Deserialize, Serialize};

/// The kinds of Juju entity tags this crate reads or writes (`juju/names`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Tag {
    User,
    Model,
    Controller,
    Application,
}

impl Tag {
    const fn prefix(self) -> &'static str {
        match self {
            Tag::User => "user-",
            Tag::Model => "model-",
            Tag::Controller => "controller-",
            Tag::Application => "application-",
        }
    }

    /// The tag of entity `id`: `Tag::User.of("admin")` is `user-admin`.
    pub(crate) fn of(self, id: &str) -> String {
        format!("{}{id}", self.prefix())
    }

    /// The id in a tag of this kind: `Tag::Model.id("model-abc")` is `Some("abc")`.
    pub(crate) fn id(self, tag: &str) -> Option<&str> {
        tag.strip_prefix(self.prefix())
    }

    /// The id in a tag of this kind, or the text as given when it is not one.
    pub(crate) fn id_or_text(self, tag: &str) -> &str {
        self.id(tag).unwrap_or(tag)
    }
}

/// One address of a controller node, as `LoginResult.servers` and redirects list it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub struct HostPort {
    /// The host: an IP address or a host name.
    pub value: String,
    /// `ipv4`, `ipv6` or `hostname`.
    #[serde(rename = "type", default)]
    pub kind: String,
    /// `public`, `local-cloud`, `local-machine`, ...
    #[serde(default)]
    pub scope: String,
    /// The API port.
    #[serde(default)]
    pub port: u16,
}

impl HostPort {
    /// The address as `host:port`, IPv6 hosts in brackets.
    pub fn endpoint(&self) -> String {
        if self.value.contains(':') {
            format!("[{}]:{}", self.value, self.port)
        } else {
            format!("{}:{}", self.value, self.port)
        }
    }
}

/// `endpoints` in their first-seen order, each once.
pub(crate) fn unique_endpoints<I, S>(endpoints: I) -> Vec<String>
where
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    let mut unique: Vec<String> = Vec::new();
    for endpoint in endpoints.into_iter().map(Into::into) {
        if !unique.contains(&endpoint) {
            unique.push(endpoint);
        }
    }
    unique
}

/// The host of `host:port` (an IPv6 host without its brackets).
pub(crate) fn endpoint_host(endpoint: &str) -> &str {
    let host = endpoint.rsplit_once(':').map_or(endpoint, |(host, _)| host);
    host.trim_start_matches('[').trim_end_matches(']')
}

/// Whether `endpoint` looks like `host:port`.
pub(crate) fn is_host_port(endpoint: &str) -> bool {
    match endpoint.rsplit_once(':') {
        Some((host, port)) => !host.is_empty() && port.parse::<u16>().is_ok(),
        None => false,
    }
}

/// A controller for messages: `controller "prod"` by its name in the client store, else
/// `the controller at 10.0.0.1:17070, ...`.
pub(crate) fn describe_controller(name: Option<&str>, endpoints: &[String]) -> String {
    match name {
        Some(name) => format!("controller {name:?}"),
        None => format!("the controller at {}", endpoints.join(", ")),
    }
}

/// `owner/model` with a canonical owner (`bob@local` is `bob`); a bare name gets the account's user.
pub(crate) fn qualify(model: &str, user: &str) -> String {
    let canonical = |u: &str| u.strip_suffix("@local").unwrap_or(u).to_owned();
    match model.split_once('/') {
        Some((owner, name)) => format!("{}/{name}", canonical(owner)),
        None => format!("{}/{model}", canonical(user)),
    }
}

/// Whether `s` is a whole UUID (`8-4-4-4-12` hex digits), in either case.
pub(crate) fn is_uuid(s: &str) -> bool {
    s.len() == 36
        && s.char_indices().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// Whether `s` is a whole UUID in lowercase, as secret URIs carry them.
pub(crate) fn is_lowercase_uuid(s: &str) -> bool {
    is_uuid(s) && !s.bytes().any(|b| b.is_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_round_trip() {
        assert_eq!(Tag::User.of("admin"), "user-admin");
        assert_eq!(Tag::Model.id("model-abc"), Some("abc"));
        assert_eq!(Tag::Model.id("user-abc"), None);
        assert_eq!(Tag::Controller.id_or_text("c0ffee"), "c0ffee");
        assert_eq!(Tag::Application.of("mysql"), "application-mysql");
    }

    #[test]
    fn endpoints() {
        let hp = |value: &str| HostPort {
            value: value.into(),
            kind: String::new(),
            scope: String::new(),
            port: 17070,
        };
        assert_eq!(hp("10.0.0.2").endpoint(), "10.0.0.2:17070");
        assert_eq!(hp("::1").endpoint(), "[::1]:17070");
        assert_eq!(unique_endpoints(["a:1", "b:2", "a:1"]), ["a:1", "b:2"]);
        assert_eq!(endpoint_host("[::1]:17070"), "::1");
        assert_eq!(endpoint_host("juju.example.com:443"), "juju.example.com");
        assert!(is_host_port("[::1]:17070") && !is_host_port("nope") && !is_host_port(":1"));
    }

    #[test]
    fn uuids() {
        let uuid = "8f5a1b2c-3d4e-4f60-8a1b-2c3d4e5f6a7b";
        assert!(is_uuid(uuid) && is_lowercase_uuid(uuid));
        assert!(is_uuid(&uuid.to_uppercase()) && !is_lowercase_uuid(&uuid.to_uppercase()));
        assert!(!is_uuid(&uuid.replace('-', "_")) && !is_uuid(&uuid[1..]));
    }

    #[test]
    fn controllers_in_messages() {
        let endpoints = ["10.0.0.1:17070".to_owned(), "10.0.0.2:17070".to_owned()];
        assert_eq!(
            describe_controller(Some("prod"), &endpoints),
            "controller \"prod\""
        );
        assert_eq!(
            describe_controller(None, &endpoints),
            "the controller at 10.0.0.1:17070, 10.0.0.2:17070"
        );
    }
}
