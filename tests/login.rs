//! Admin.Login: refused credentials and models, and the request the client sends.

mod common;

use common::{connect, options, options_without_endpoint, within};
use juju_secrets::testing::TestController;
use juju_secrets::{Client, ConnectOptions, Error, ErrorKind};
use serde_json::json;

fn expect_api_error(settings: &ConnectOptions) -> juju_secrets::ApiError {
    match Client::connect(settings).unwrap_err() {
        Error::Api(e) => e,
        other => panic!("expected an API error, got {other:?}"),
    }
}

#[test]
fn wrong_password_is_unauthorized() {
    within(|| {
        let controller = TestController::start().unwrap();
        let settings = options(&controller)
            .password("not-the-password")
            .build()
            .unwrap();
        let err = Client::connect(&settings).unwrap_err();
        assert_eq!(err.kind(), Some(ErrorKind::Unauthorized));
        let api = err.api().expect("an API error");
        assert_eq!(api.code.as_deref(), Some("unauthorized access"));
        assert_eq!(api.message, "invalid entity name or password");
        assert_eq!(api.info, None);
        assert_eq!(controller.calls().len(), 1);
    })
}

#[test]
fn wrong_user_is_unauthorized() {
    within(|| {
        let controller = TestController::start().unwrap();
        let settings = options(&controller).user("nobody").build().unwrap();
        let api = expect_api_error(&settings);
        assert_eq!(api.kind(), Some(ErrorKind::Unauthorized));
        assert_eq!(api.code.as_deref(), Some("unauthorized access"));
        assert_eq!(api.message, "invalid entity name or password");
        let calls = controller.calls();
        assert_eq!(calls[0].params()["auth-tag"], json!("user-nobody"));
    })
}

#[test]
fn a_refused_login_is_not_retried_on_other_endpoints() {
    within(|| {
        let controller = TestController::start().unwrap();
        // Every node of a controller would refuse the same credentials.
        let settings = options_without_endpoint(&controller)
            .endpoints([controller.endpoint(), controller.endpoint()])
            .password("not-the-password")
            .build()
            .unwrap();
        let api = expect_api_error(&settings);
        assert_eq!(api.kind(), Some(ErrorKind::Unauthorized));
        assert_eq!(controller.calls().len(), 1);
    })
}

#[test]
fn unknown_model_is_an_api_error() {
    within(|| {
        let controller = TestController::start().unwrap();
        let missing = "5d3c1f0e-9a8b-4c7d-8e6f-5a4b3c2d1e0f";
        let settings = options(&controller).model_uuid(missing).build().unwrap();
        let api = expect_api_error(&settings);
        assert_eq!(api.code.as_deref(), Some("model not found"));
        assert_eq!(api.kind(), Some(ErrorKind::ModelNotFound));
        assert!(api.message.contains(missing), "{}", api.message);
        let calls = controller.calls();
        assert_eq!(calls.len(), 1);
        assert_eq!(calls[0].model_uuid.as_deref(), Some(missing));
    })
}

#[test]
fn login_request_has_juju_fields_and_is_recorded_redacted() {
    within(|| {
        let controller = TestController::start().unwrap();
        let client = connect(&controller);
        let calls = controller.calls();
        assert_eq!(calls.len(), 1);
        let login = &calls[0];
        assert_eq!(
            (login.facade(), login.version(), login.method()),
            ("Admin", 3, "Login")
        );
        assert_eq!(login.request["request-id"], json!(1));
        let params = login.params();
        assert_eq!(params["auth-tag"], json!("user-admin"));
        assert_eq!(params["nonce"], json!(""));
        assert_eq!(params["macaroons"], json!([]));
        assert_eq!(params["user-data"], json!(""));
        let version = params["client-version"].as_str().expect("client-version");
        assert_eq!(version.split('.').count(), 3, "{version}");
        assert!(
            version.split('.').all(|n| n.parse::<u32>().is_ok()),
            "{version}"
        );
        assert_eq!(params["credentials"], json!("<redacted>"));
        assert!(!login.request.to_string().contains(controller.password()));
        // The answer the client got is the one recorded.
        let model_tag = format!("model-{}", controller.model_uuid());
        assert_eq!(login.response["response"]["model-tag"], json!(model_tag));
        assert_eq!(client.login_info().model_tag, model_tag);
    })
}

#[test]
fn a_refused_login_is_recorded_redacted_too() {
    within(|| {
        let controller = TestController::start().unwrap();
        let settings = options(&controller)
            .password("wrong-and-recorded-nowhere")
            .build()
            .unwrap();
        expect_api_error(&settings);
        let calls = controller.calls();
        assert_eq!(calls[0].params()["credentials"], json!("<redacted>"));
        assert!(!format!("{calls:?}").contains("wrong-and-recorded-nowhere"));
    })
}
