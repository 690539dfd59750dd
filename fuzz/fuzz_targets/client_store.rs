//! A juju client store (controllers.yaml, accounts.yaml, models.yaml and current-controller,
//! split at NUL bytes), opened and resolved.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| juju_secrets::fuzzing::client_store(data));
