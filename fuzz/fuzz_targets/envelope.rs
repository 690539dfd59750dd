//! One response frame: the Juju envelope and its result, as the client decodes it.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| juju_secrets::fuzzing::envelope(data));
