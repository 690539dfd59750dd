//! The response of Secrets.ListSecrets (JSON), decoded into SecretInfo values.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| juju_secrets::fuzzing::list_secrets(data));
