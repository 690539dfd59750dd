use super::*;
use serde_json::json;

fn options() -> ConnectOptions {
    let mut options = ConnectOptions::builder()
        .endpoint("10.0.0.1:17070")
        .model_uuid("m-uuid")
        .password("pw")
        .public_hostname("juju.example.com")
        .controller_name("old")
        .build()
        .unwrap();
    options.ca_cert = Some("OLD CA".into());
    options
}

fn redirect_error(info: serde_json::Value) -> ApiError {
    ApiError {
        message: "redirection to alternative server required".into(),
        code: Some("redirection required".into()),
        info: Some(info.to_string()),
    }
}

fn info(ca: &str) -> serde_json::Value {
    json!({
        "servers": [[
            {"value": "10.1.0.9", "type": "ipv4", "scope": "local-cloud", "port": 17070},
            {"value": "203.0.113.9", "type": "ipv4", "scope": "public", "port": 17070},
            {"value": "10.1.0.9", "type": "ipv4", "scope": "local-cloud", "port": 17070},
        ]],
        "ca-cert": ca, "controller-tag": "controller-c0ffee", "controller-alias": "new",
    })
}

#[test]
fn parses_error_info_and_orders_public_addresses_first() {
    let r = redirect_in(&redirect_error(info("NEW CA")), &options()).unwrap();
    assert_eq!(r.endpoints(), ["203.0.113.9:17070", "10.1.0.9:17070"]);
    assert_eq!(r.controller_uuid(), "c0ffee");
    assert_eq!(r.controller_alias.as_deref(), Some("new"));
    let text = r.to_string();
    for part in [
        "model m-uuid has been migrated from controller \"old\"",
        "controller \"new\" (controller-c0ffee)",
        "juju login 203.0.113.9:17070 -c new",
    ] {
        assert!(text.contains(part), "{text:?} lacks {part:?}");
    }
}

#[test]
fn following_trusts_the_named_ca_under_the_juju_name() {
    let pem = crate::options::tests_support::ca_pem();
    let r = redirect_in(&redirect_error(info(&pem)), &options()).unwrap();
    let next = redirected(&r, &options()).unwrap();
    assert_eq!(next.endpoints, ["203.0.113.9:17070", "10.1.0.9:17070"]);
    assert_eq!(next.ca_cert.as_deref(), Some(pem.as_str()));
    assert_eq!(
        next.public_hostname, None,
        "the old controller's public name is not the new one's"
    );
    assert_eq!(next.controller_name.as_deref(), Some("new"));
    assert_eq!(next.model_uuid.as_deref(), Some("m-uuid"));
    assert!(!leads_back(&r, &options()));
    assert!(leads_back(&r, &next));
}

#[test]
fn a_redirect_to_a_ca_that_is_not_pem_is_refused() {
    let r = redirect_in(&redirect_error(info("NOT A CERTIFICATE")), &options()).unwrap();
    let err = redirected(&r, &options()).unwrap_err();
    assert!(matches!(err, Error::Protocol(_)), "{err}");
}

#[test]
fn other_errors_and_missing_info_are_not_redirects() {
    let mut e = redirect_error(info("NEW CA"));
    e.info = None;
    assert_eq!(redirect_in(&e, &options()), None);
    let mut e = redirect_error(info("NEW CA"));
    e.code = Some("not found".into());
    assert_eq!(redirect_in(&e, &options()), None);
    let e = redirect_error(json!({"servers": "nonsense"}));
    assert_eq!(redirect_in(&e, &options()), None);
}
