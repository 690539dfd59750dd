use super::*;
use crate::error::ApiError;

fn info(facades: &[(&str, &[u32])]) -> LoginInfo {
    LoginInfo::from(WireLoginResult {
        facades: Some(Items(
            facades
                .iter()
                .map(|(n, v)| WireFacade {
                    name: (*n).into(),
                    versions: v.to_vec(),
                })
                .collect(),
        )),
        ..Default::default()
    })
}

fn options(user: &str) -> ConnectOptions {
    ConnectOptions::builder()
        .endpoint("10.0.0.1:17070")
        .model_uuid("m")
        .user(user)
        .macaroons(Vec::new())
        .controller_name("prod")
        .build()
        .unwrap()
}

#[test]
fn best_version_is_highest_common() {
    let i = info(&[("Secrets", &[1, 2, 3]), ("Pinger", &[1]), ("Other", &[5])]);
    assert_eq!(i.best_version("Secrets"), Some(2));
    assert_eq!(i.best_version("Pinger"), Some(1));
    assert_eq!(i.best_version("Other"), None);
    assert_eq!(info(&[("Secrets", &[1])]).best_version("Secrets"), Some(1));
    assert_eq!(info(&[]).best_version("Secrets"), None);
    let err = info(&[("Secrets", &[3])]).require("Secrets").unwrap_err();
    assert!(
        err.to_string()
            .contains("offers Secrets versions [3], this client speaks [1, 2]"),
        "{err}"
    );
}

#[test]
fn login_result_parses_list_of_lists_servers() {
    let w: WireLoginResult = serde_json::from_str(
        r#"{"servers":[[{"value":"10.0.0.2","type":"ipv4","scope":"public","port":17070}],
            [{"value":"::1","type":"ipv6","scope":"local-machine","port":17070}]],
            "model-tag":"model-abc","server-version":"3.6.4","unknown-field":1}"#,
    )
    .unwrap();
    assert!(!w.wants_discharge());
    let i = LoginInfo::from(w);
    assert_eq!(i.endpoints(), ["10.0.0.2:17070", "[::1]:17070"]);
    assert_eq!(i.model_uuid(), "abc");
    assert_eq!(i.public_dns_name, None);
}

#[test]
fn discharge_required_results_are_recognised() {
    for key in ["discharge-required", "bakery-discharge-required"] {
        let text =
            format!(r#"{{"{key}": {{"identifier": "x"}}, "discharge-required-error": "why"}}"#);
        let w: WireLoginResult = serde_json::from_str(&text).unwrap();
        assert!(w.wants_discharge(), "{key}");
    }
    let w: WireLoginResult = serde_json::from_str(r#"{"discharge-required": null}"#).unwrap();
    assert!(!w.wants_discharge());
}

#[test]
fn external_users_send_no_tag_with_macaroons() {
    let none: &RawValue = serde_json::from_str("[]").unwrap();
    assert_eq!(v3_request(&options("bob@external"), "", none).auth_tag, "");
    assert_eq!(
        v3_request(&options("alice@canonical.com"), "", none).auth_tag,
        ""
    );
    assert_eq!(
        v3_request(&options("admin"), "", none).auth_tag,
        "user-admin"
    );
    assert_eq!(
        v3_request(&options("bob@local"), "", none).auth_tag,
        "user-bob@local"
    );
    assert!(is_local_user("admin") && is_local_user("bob@local"));
    assert!(!is_local_user("bob@external"));
}

#[test]
fn discharge_error_says_to_run_juju_login() {
    let options = options("bob@external");
    let e = discharge_required(&options, "verification failed");
    assert_eq!(e.kind(), Some(ErrorKind::DischargeRequired));
    let as_error = Error::Api(ApiError {
        message: "verification failed".into(),
        code: Some("macaroon discharge required".into()),
        info: Some(r#"{"macaroon": {"identifier": "x"}}"#.into()),
    });
    let mapped = login_failed(as_error, &options, "10.0.0.1:17070");
    assert_eq!(mapped.to_string(), e.to_string());
    let timeout = Error::Timeout {
        context: "waiting for the answer to Admin.Login".into(),
        after: std::time::Duration::from_secs(1),
    };
    let mapped = login_failed(timeout, &options, "10.0.0.1:17070").to_string();
    assert!(
        mapped.contains("while logging in at 10.0.0.1:17070"),
        "{mapped}"
    );
    let text = e.to_string();
    for part in [
        "\"bob@external\"",
        "verification failed",
        "`juju login -c prod`",
    ] {
        assert!(text.contains(part), "{text:?} lacks {part:?}");
    }
}

#[test]
fn refused_session_tokens_say_to_run_juju_login() {
    let refused = Error::Api(ApiError {
        message: "JIMM session token expired".into(),
        code: Some("session token invalid".into()),
        info: None,
    });
    let e = login_failed(refused, &options("alice@canonical.com"), "10.0.0.1:443");
    assert_eq!(e.kind(), Some(ErrorKind::SessionTokenInvalid));
    let text = e.to_string();
    assert!(
        text.contains("JIMM session token expired") && text.contains("`juju login -c prod`"),
        "{text}"
    );
}

#[test]
fn targets_have_their_paths() {
    assert_eq!(Target::Controller.path(), "/api");
    assert_eq!(Target::Model("u".into()).path(), "/model/u/api");
}
