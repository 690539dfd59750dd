use super::*;

#[test]
fn request_uses_juju_field_names() {
    let params = serde_json::json!({});
    let r = Request {
        id: 1,
        facade: "Pinger",
        version: 1,
        request: "Ping",
        params: &params,
    };
    assert_eq!(
        serde_json::to_string(&r).unwrap(),
        r#"{"request-id":1,"type":"Pinger","version":1,"request":"Ping","params":{}}"#
    );
}

#[test]
fn calls_say_what_they_are() {
    let call = Call::write("Secrets", 2, "CreateSecrets");
    assert!(call.is_write());
    assert_eq!(call.to_string(), "Secrets(2).CreateSecrets");
    assert_eq!(call.operation(), "Secrets.CreateSecrets");
    assert!(!Call::read("Pinger", 1, "Ping").is_write());
}

#[test]
fn error_response_keeps_message_code_and_info() {
    let text = r#"{"request-id":3,"error":"boom","error-code":"not found","error-info":{"a":1},"response":{}}"#;
    let response = Response::parse(text).unwrap();
    assert_eq!(response.id, Some(3));
    let err = response
        .into_result::<serde::de::IgnoredAny>("X.Y")
        .unwrap_err();
    let api = err.api().unwrap();
    assert_eq!(api.message, "boom");
    assert_eq!(api.code.as_deref(), Some("not found"));
    assert_eq!(api.info.as_deref(), Some(r#"{"a":1}"#));
}

#[test]
fn missing_response_means_empty_and_bad_shape_is_protocol_error() {
    let ok: std::collections::BTreeMap<String, u8> = Response::parse(r#"{"request-id":1}"#)
        .unwrap()
        .into_result("X.Y")
        .unwrap();
    assert!(ok.is_empty());
    let err = Response::parse(r#"{"request-id":1,"response":{"results":7}}"#)
        .unwrap()
        .into_result::<Vec<u8>>("Secrets.ListSecrets")
        .unwrap_err();
    assert!(matches!(err, Error::Protocol(_)), "{err}");
    assert!(err.to_string().contains("Secrets.ListSecrets"), "{err}");
    assert!(Response::parse("not json").is_err());
}

#[test]
fn decoding_errors_never_quote_what_was_sent() {
    let secret = r#"czNjcjN0 with \"quotes\" inside"#;
    let text = format!(r#"{{"request-id":1,"response":{{"results":"{secret}"}}}}"#);
    let err = Response::parse(&text)
        .unwrap()
        .into_result::<std::collections::BTreeMap<String, Vec<u8>>>("X.Y")
        .unwrap_err()
        .to_string();
    assert!(
        !err.contains("czNjcjN0") && !err.contains("inside"),
        "{err}"
    );
    assert!(err.contains("invalid type: string \"…\""), "{err}");
    let err = Response::parse(&format!(r#"{{"request-id":"{secret}"}}"#))
        .err()
        .unwrap()
        .to_string();
    assert!(
        !err.contains("czNjcjN0") && !err.contains("inside"),
        "{err}"
    );
}
