//! The response of Admin.Login (JSON), decoded into LoginInfo.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| juju_secrets::fuzzing::login_result(data));
