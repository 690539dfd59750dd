use super::*;
use serde_json::{json, Value};

fn encode(v: &Value) -> String {
    base64::engine::general_purpose::STANDARD.encode(v.to_string())
}

fn cookie(name: &str, value: &str, domain: &str, expires: Option<&str>) -> Value {
    let mut cookie =
        json!({"Name": name, "Value": value, "Domain": domain, "Path": "/", "HostOnly": true});
    if let Some(expires) = expires {
        cookie["Expires"] = json!(expires);
    }
    cookie
}

fn slices(macaroons: &Macaroons) -> Value {
    serde_json::from_str(macaroons.as_raw().unwrap().get()).unwrap()
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
    let jar = json!([
        cookie("macaroon-a", &good, "c0ffee", later),
        cookie("macaroon-b", &good, "10.0.0.2", None),
        cookie(
            "macaroon-expired",
            &good,
            "c0ffee",
            Some("2025-05-01T00:00:00Z")
        ),
        cookie("macaroon-other", &good, "candid.example.com", later),
        cookie("session", &good, "c0ffee", None),
        cookie("macaroon-bad", "not base64!", "c0ffee", None),
        cookie("macaroon-object", &encode(&json!({"a": 1})), "c0ffee", None),
        cookie("macaroon-when", &good, "c0ffee", Some("tomorrow")),
    ]);
    let found = decode_jar(jar.to_string().as_bytes(), &hosts, now).unwrap();
    assert_eq!(found.len(), 2);
    assert_eq!(slices(&found), json!([slice.clone(), slice]));
}

#[test]
fn domain_cookies_match_subdomains() {
    let mut c = GoCookie {
        name: "macaroon-a".into(),
        value: "".into(),
        domain: "example.com".into(),
        path: "/".into(),
        host_only: true,
        expires: None,
    };
    assert!(!domain_matches(&c, "juju.example.com"));
    c.host_only = false;
    assert!(domain_matches(&c, "Juju.Example.com"));
    assert!(!domain_matches(&c, "badexample.com"));
}

#[test]
fn url_safe_unpadded_values_decode() {
    let slice = json!([{"i64": "aWQ", "s64": "c2ln~?"}]);
    let url = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(slice.to_string());
    let bytes = decode_base64(&url).unwrap();
    let text = macaroon_slice(&bytes).unwrap();
    assert_eq!(serde_json::from_str::<Value>(text).unwrap(), slice);
}

#[test]
fn malformed_jars_say_where_not_what() {
    let err = decode_jar(br#"[{"Name": "macaroon-x", "Value": "s3cr3t"#, &[], 0).unwrap_err();
    assert!(err.contains("line 1"), "{err}");
    assert!(!err.contains("s3cr3t"), "{err}");
    assert_eq!(decode_jar(b"  \n", &[], 0).unwrap().len(), 0);
}
