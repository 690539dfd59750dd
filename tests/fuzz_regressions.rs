//! Replays every fuzz seed and every saved regression input (`fuzz/seeds/<target>/`,
//! `fuzz/regressions/<target>/`) through the fuzz targets' entry points, as plain tests: what
//! once made a decoder panic stays fixed, without cargo-fuzz or a nightly compiler.
#![cfg(feature = "fuzzing")]

use std::path::Path;

use juju_secrets::fuzzing;

/// Runs `target` over every file of its seed and regression directories; returns how many.
fn replay(name: &str, target: fn(&[u8])) -> usize {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut count = 0;
    for kind in ["seeds", "regressions"] {
        let Ok(entries) = std::fs::read_dir(fuzz.join(kind).join(name)) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            let data = std::fs::read(&path).unwrap();
            let outcome = std::panic::catch_unwind(|| target(&data));
            assert!(outcome.is_ok(), "{} panicked", path.display());
            count += 1;
        }
    }
    count
}

#[test]
fn envelope_inputs() {
    assert!(replay("envelope", fuzzing::envelope) >= 5);
}

#[test]
fn list_secrets_inputs() {
    assert!(replay("list_secrets", fuzzing::list_secrets) >= 2);
}

#[test]
fn login_result_inputs() {
    assert!(replay("login_result", fuzzing::login_result) >= 2);
}

#[test]
fn client_store_inputs() {
    assert!(replay("client_store", fuzzing::client_store) >= 3);
}

#[test]
fn cookie_jar_inputs() {
    assert!(replay("cookie_jar", fuzzing::cookie_jar) >= 2);
}

#[test]
fn short_and_odd_inputs() {
    // What a fuzzer tries first; cheap to keep.
    let odd: [&[u8]; 8] = [
        b"",
        b"\0",
        b"{}",
        b"null",
        b"{\"request-id\":18446744073709551615}",
        b"\xff\xfe",
        b"{\"results\":[{\"value\":{\"data\":{\"k\":\"====\"}}}]}",
        b"controllers: &a [*a]\n",
    ];
    for data in odd {
        fuzzing::envelope(data);
        fuzzing::list_secrets(data);
        fuzzing::login_result(data);
        fuzzing::client_store(data);
        fuzzing::cookie_jar(data);
    }
}
