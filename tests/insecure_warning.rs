//! TLS is the default; the one way around it, `insecure_plain_websocket`, logs a warning each
//! time it connects. Alone in its file: the logger it installs is process-wide.

mod common;

use common::{options, warnings, within};
use juju_secrets::testing::TestController;
use juju_secrets::Client;

#[test]
fn a_plain_websocket_logs_a_warning_and_tls_does_not() {
    warnings::capture();
    within(|| {
        let tls = TestController::start().unwrap();
        Client::connect(&options(&tls).build().unwrap())
            .unwrap()
            .ping()
            .unwrap();
        assert_eq!(warnings::take(), Vec::<String>::new());

        let plain = TestController::builder()
            .insecure_plain_websocket(true)
            .start()
            .unwrap();
        let settings = options(&plain)
            .insecure_plain_websocket(true)
            .build()
            .unwrap();
        Client::connect(&settings).unwrap().ping().unwrap();
        let warnings = warnings::take();
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].contains("INSECURE"), "{warnings:?}");
        assert!(warnings[0].contains(&plain.endpoint()), "{warnings:?}");
        assert!(warnings[0].contains("unencrypted"), "{warnings:?}");
    })
}
