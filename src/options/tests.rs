use super::*;

fn full() -> ConnectOptionsBuilder {
    ConnectOptions::builder()
        .endpoint("127.0.0.1:17070")
        .model_uuid("u")
        .password("hunter2-password")
}

#[test]
fn debug_hides_credentials() {
    let options = full().build().unwrap();
    let text = format!("{options:?}");
    assert!(!text.contains("hunter2-password"), "{text}");
    assert!(text.contains("***"), "{text}");
    let macaroon = serde_json::json!([{"signature": "macaroon-signature-secret"}]);
    let options = full().macaroons(vec![macaroon]).build().unwrap();
    let text = format!("{options:?}");
    assert!(!text.contains("macaroon-signature-secret"), "{text}");
    assert!(text.contains("<1 macaroon slices>"), "{text}");
    let options = full()
        .client_credentials("svc", "client-secret-text")
        .build()
        .unwrap();
    assert!(!format!("{options:?}").contains("client-secret-text"));
    let options = full().session_token("session-token-text").build().unwrap();
    assert!(!format!("{options:?}").contains("session-token-text"));
}

#[test]
fn defaults() {
    let o = full().build().unwrap();
    assert!(o.follow_redirects());
    assert_eq!(o.idle_ping_after(), Some(DEFAULT_IDLE_PING_AFTER));
    assert_eq!(o.connect_timeout(), Duration::from_secs(30));
    assert_eq!(o.call_timeout(), Duration::from_secs(60));
    assert_eq!(o.max_message_size(), 64 << 20);
    assert_eq!(o.public_hostname(), None);
    let o = full().follow_redirects(false).idle_ping_after(None);
    let o = o.build().unwrap();
    assert!(!o.follow_redirects());
    assert_eq!(o.idle_ping_after(), None);
}

#[test]
fn a_model_name_or_macaroons_are_enough() {
    let by_name = ConnectOptions::builder()
        .endpoint("127.0.0.1:17070")
        .model_name("admin/prod")
        .macaroons(Vec::new())
        .build()
        .unwrap();
    assert_eq!(by_name.model_uuid(), None);
    assert_eq!(by_name.model_name(), Some("admin/prod"));
}

#[test]
fn the_last_credentials_set_are_used() {
    let o = full().session_token("t").build().unwrap();
    assert!(matches!(
        o.credentials.as_deref(),
        Some(Credentials::SessionToken(_))
    ));
    let o = full()
        .client_credentials("id", "s")
        .password("p")
        .build()
        .unwrap();
    assert!(matches!(
        o.credentials.as_deref(),
        Some(Credentials::Password(_))
    ));
}

#[test]
fn build_names_what_is_missing() {
    let err = ConnectOptions::builder().build().unwrap_err();
    assert!(err.to_string().contains("endpoint"), "{err}");
    let err = ConnectOptions::builder()
        .endpoint("127.0.0.1:17070")
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("model UUID or name"), "{err}");
    let err = full().endpoint("nope").build().unwrap_err();
    assert!(err.to_string().contains("\"nope\""), "{err}");
    let err = ConnectOptions::builder()
        .endpoint("[::1]:17070")
        .model_uuid("u")
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("macaroon"), "{err}");
    let err = full().call_timeout(Duration::ZERO).build().unwrap_err();
    assert!(err.to_string().contains("timeouts"), "{err}");
}

#[test]
fn timeouts_without_limit_are_accepted() {
    let o = full()
        .connect_timeout(Duration::MAX)
        .call_timeout(Duration::MAX)
        .idle_ping_after(Some(Duration::MAX))
        .build()
        .unwrap();
    assert_eq!(o.call_timeout(), Duration::MAX);
}

#[test]
fn message_size_is_capped() {
    for bad in [0, MAX_MESSAGE_SIZE_LIMIT + 1, usize::MAX] {
        let err = full().max_message_size(bad).build().unwrap_err();
        assert!(matches!(err, Error::Config(_)), "{bad}: {err}");
    }
    assert!(full()
        .max_message_size(MAX_MESSAGE_SIZE_LIMIT)
        .build()
        .is_ok());
}

#[test]
fn a_ca_that_is_not_pem_is_refused_when_built() {
    let err = full().ca_cert("not a certificate").build().unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err}");
    assert!(
        err.to_string().contains("CA certificate is not valid PEM"),
        "{err}"
    );
}
