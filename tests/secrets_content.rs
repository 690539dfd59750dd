//! Content the controller would store but Juju's clients refuse: bad keys, values and totals just
//! under and just over the 1,000,000-byte base64 limits, bad `#base64`, missing `#file`. Each is
//! refused before any I/O, naming the key and never showing the value.

mod common;

use common::secrets::{invalid, last_arg, name, no_io};
use common::{connect, within};
use juju_secrets::testing::TestController;
use juju_secrets::{Client, ListOptions, NewSecret, Result, SecretContent, SecretUpdate};

const VALUE: &str = "val-Axolotl-6174-distinctive";

/// Builds content with `build` and adds it as `name`, checking the attempt is refused before any
/// I/O as invalid input; returns the message, which must not show [`VALUE`].
fn refused(
    controller: &TestController,
    client: &mut Client,
    build: impl FnOnce() -> Result<SecretContent>,
) -> String {
    let err = no_io(controller, || {
        build().and_then(|c| client.secrets().add(&NewSecret::new("refused", c)))
    })
    .unwrap_err();
    assert!(!format!("{err:?}").contains(VALUE), "{err:?}");
    let message = invalid(err);
    assert!(!message.contains(VALUE), "{message}");
    message
}

/// The recorded length of each base64 value sent by the last `CreateSecrets`.
fn sent_lengths(controller: &TestController) -> Vec<usize> {
    let arg = last_arg(controller, "CreateSecrets");
    let data = arg["content"]["data"].as_object().unwrap();
    data.values().map(|v| v.as_str().unwrap().len()).collect()
}

#[test]
fn invalid_keys_are_refused_naming_the_key_or_the_argument() {
    within(|| {
        let controller = TestController::start().unwrap();
        let mut client = connect(&controller);
        for key in ["Bad_Key", "ab", "1abc", "abc-", "a--bc", "db.pass"] {
            let m = refused(&controller, &mut client, || {
                SecretContent::from_pairs([(key, VALUE)])
            });
            assert!(m.contains(&format!("key {key:?} not valid")), "{m}");
            let arg = format!("{key}={VALUE}");
            let m = refused(&controller, &mut client, || {
                SecretContent::from_args(&[arg])
            });
            // Typed as an argument, the text may be a value: named by position only.
            assert!(
                m.contains("argument 1") && m.contains("not a valid key"),
                "{m}"
            );
            assert!(!m.contains(key), "{m}");
        }
        // An argument without '=' may be a bare value: it is named by position only.
        let m = refused(&controller, &mut client, || {
            SecretContent::from_args(&["abc=1", VALUE])
        });
        assert!(m.contains("argument 2"), "{m}");
        assert!(client
            .secrets()
            .list(&ListOptions::new())
            .unwrap()
            .is_empty());
    })
}

#[test]
fn a_value_of_exactly_one_million_base64_bytes_is_sent() {
    within(|| {
        let controller = TestController::start().unwrap();
        let mut client = connect(&controller);
        let raw: Vec<u8> = (0..750_000u32).map(|i| (i % 251) as u8).collect();
        let big = SecretContent::from_pairs([("big", raw.clone())]).unwrap();
        client.secrets().add(&NewSecret::new("big", big)).unwrap();
        assert_eq!(sent_lengths(&controller), [1_000_000]);
        let got = client.secrets().get_value("big", "big").unwrap();
        assert!(
            got.as_bytes() == raw.as_slice(),
            "the value came back changed"
        );

        // The same limit through `#base64`: 1,000,000 base64 characters are fine.
        let b64 = format!("big#base64={}", "QUJD".repeat(250_000));
        let c = SecretContent::from_args(&[b64]).unwrap();
        client.secrets().add(&NewSecret::new("big-b64", c)).unwrap();
        assert_eq!(sent_lengths(&controller), [1_000_000]);
    })
}

#[test]
fn a_value_four_base64_bytes_over_is_refused() {
    within(|| {
        let controller = TestController::start().unwrap();
        let mut client = connect(&controller);
        let m = refused(&controller, &mut client, || {
            SecretContent::from_pairs([("big", VALUE.repeat(1 + 750_000 / VALUE.len()))])
        });
        assert!(m.contains("for key \"big\" too large"), "{m}");
        let m = refused(&controller, &mut client, || {
            SecretContent::from_pairs([("big", vec![b'x'; 750_001])])
        });
        assert!(m.contains("\"big\" too large: 1000004 bytes"), "{m}");
        let m = refused(&controller, &mut client, || {
            SecretContent::from_args(&[format!("big#base64={}", "QUJD".repeat(250_001))])
        });
        assert!(m.contains("\"big\"") && m.contains("1000004"), "{m}");
    })
}

#[test]
fn the_total_counts_base64_values_across_keys() {
    within(|| {
        let controller = TestController::start().unwrap();
        let mut client = connect(&controller);
        // 500,000 + 500,000 bytes of base64, with long keys that do not count: fits.
        let half = vec![7u8; 375_000];
        let fits = SecretContent::from_pairs([
            ("first-rather-long-key-name", half.clone()),
            ("second-rather-long-key-name", half.clone()),
        ])
        .unwrap();
        client
            .secrets()
            .add(&NewSecret::new("fits", fits.clone()))
            .unwrap();
        assert_eq!(sent_lengths(&controller), [500_000, 500_000]);

        // 500,000 + 500,004: each value is fine, the total is not. Content built pair by pair
        // only checks each value, so the operation itself must refuse it.
        let over =
            || SecretContent::from_pairs([("first", half.clone()), ("second", vec![7u8; 375_003])]);
        let m = refused(&controller, &mut client, over);
        assert!(m.contains("content too large: 1000004 bytes"), "{m}");
        let args = [
            format!("first={}", "a".repeat(375_000)),
            format!("second={}", "b".repeat(375_003)),
        ];
        let m = refused(&controller, &mut client, || SecretContent::from_args(&args));
        assert!(m.contains("1000004"), "{m}");

        // Merging can go over the total too; an update with it is refused as well.
        let mut merged = fits.clone();
        merged.merge(SecretContent::from_pairs([("third", vec![1u8; 3])]).unwrap());
        let update = SecretUpdate::new().content(merged);
        let err = no_io(&controller, || client.secrets().update("fits", &update));
        assert!(invalid(err.unwrap_err()).contains("1000004"));
    })
}

#[test]
fn bad_base64_is_refused_naming_the_key() {
    within(|| {
        let controller = TestController::start().unwrap();
        let mut client = connect(&controller);
        for bad in [format!("{VALUE}!"), "YWJ".to_owned(), "YW=j".to_owned()] {
            let arg = format!("token#base64={bad}");
            let m = refused(&controller, &mut client, || {
                SecretContent::from_args(&[arg])
            });
            assert!(m.contains("\"token\"") && m.contains("base64"), "{m}");
        }
    })
}

#[test]
fn a_missing_file_is_refused_naming_key_and_path() {
    within(|| {
        let controller = TestController::start().unwrap();
        let mut client = connect(&controller);
        let path =
            std::env::temp_dir().join(format!("juju-secrets-missing-{}", std::process::id()));
        let arg = format!("cert#file={}", path.display());
        let err = no_io(&controller, || {
            SecretContent::from_args(&[arg])
                .and_then(|c| client.secrets().add(&NewSecret::new("x", c)))
        })
        .unwrap_err();
        let m = invalid(err);
        assert!(
            m.contains("\"cert\"") && m.contains("juju-secrets-missing-"),
            "{m}"
        );
    })
}

#[test]
fn non_utf8_values_round_trip() {
    within(|| {
        let controller = TestController::start().unwrap();
        let mut client = connect(&controller);
        let raw = vec![0xff, 0xfe, 0x00, 0x80, b'\n', 0xc3];
        let c = SecretContent::from_pairs([("binary", raw.clone())]).unwrap();
        client
            .secrets()
            .add(&NewSecret::new("bin", c.clone()))
            .unwrap();
        let got = client.secrets().get("bin").unwrap();
        assert_eq!(got, c);
        let value = got.get("binary").unwrap();
        assert_eq!((value.as_bytes(), value.as_str()), (raw.as_slice(), None));

        let two = SecretContent::from_pairs([("binary", vec![0x80u8; 5])]).unwrap();
        let update = SecretUpdate::new().content(two.clone());
        client.secrets().update(name("bin"), &update).unwrap();
        assert_eq!(client.secrets().get("bin").unwrap(), two);
        let shown = client
            .secrets()
            .list(&ListOptions::new().secret("bin").at_revision(1).reveal())
            .unwrap();
        assert_eq!(shown[0].content, Some(Ok(c)));
    })
}
