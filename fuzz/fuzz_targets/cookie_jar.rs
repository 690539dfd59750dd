//! A cookie jar of the juju client store (JSON), decoded into macaroon slices.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| juju_secrets::fuzzing::cookie_jar(data));
