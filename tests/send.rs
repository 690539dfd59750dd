//! The client and its errors can move between threads: checked at compile time, and once for real.

mod common;

use std::thread;

use common::{connect, within};
use juju_secrets::testing::TestController;
use juju_secrets::{ApiError, Client, ConnectOptions, Error};

fn is_send<T: Send>() {}
fn is_sync<T: Sync>() {}

#[test]
fn client_options_and_errors_are_send() {
    is_send::<Client>();
    is_sync::<Client>();
    is_send::<ConnectOptions>();
    is_send::<Error>();
    is_sync::<Error>();
    is_send::<ApiError>();
    is_sync::<ApiError>();
}

#[test]
fn a_client_connected_on_one_thread_calls_from_another() {
    within(|| {
        let controller = TestController::start().unwrap();
        let mut client = connect(&controller);
        client.ping().unwrap();
        thread::spawn(move || {
            client.ping().unwrap();
            client.close().unwrap();
        })
        .join()
        .unwrap();
        assert_eq!(controller.calls().len(), 3);
    })
}
