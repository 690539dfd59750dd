//! Unit tests of the parent module.
use super::*;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

const HIDDEN: &str = "hunter2-value";

fn message<T: fmt::Debug>(r: Result<T>) -> String {
    match r {
        Err(e @ Error::InvalidInput(_)) => {
            let text = e.to_string();
            assert!(!text.contains(HIDDEN), "value leaked: {text}");
            text
        }
        other => panic!("expected invalid input, got {other:?}"),
    }
}

/// The JSON the content is sent as.
pub(super) fn wire_json(content: &SecretContent) -> Result<serde_json::Value> {
    let wire = crate::sensitive::to_json(&content.to_wire()?).unwrap();
    Ok(serde_json::from_slice(&wire).unwrap())
}

/// Revealed content decoded from `data`'s JSON, as the client decodes it.
pub(super) fn from_wire(data: &serde_json::Value) -> std::result::Result<SecretContent, String> {
    serde_json::from_str::<Revealed>(&data.to_string())
        .map(|r| r.0)
        .map_err(|e| e.to_string())
}

fn text(content: &SecretContent, key: &str) -> String {
    content
        .get(key)
        .and_then(SecretValue::as_str)
        .unwrap()
        .to_owned()
}

/// A file in the temp dir, removed on drop.
struct TempFile(PathBuf);

impl TempFile {
    fn new(bytes: &[u8]) -> TempFile {
        static N: AtomicUsize = AtomicUsize::new(0);
        let name = format!(
            "juju-secrets-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        );
        let path = std::env::temp_dir().join(name);
        std::fs::write(&path, bytes).unwrap();
        TempFile(path)
    }

    fn arg(&self, key: &str) -> String {
        format!("{key}={}", self.0.display())
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

#[test]
fn key_rule_matches_the_juju_regex() {
    for good in "abc a-bc ab-c a-b-c a1b a12 abc-1 token x509-cert".split(' ') {
        assert!(is_valid_key(good), "{good:?}");
    }
    let bad = "a ab a-b a--bc abc- -abc Abc aBc a_bc a.bc 1abc äbc abc#base64".split(' ');
    for bad in bad.chain(["", "ab c", "abc\n", "ab\u{0}c"]) {
        assert!(!is_valid_key(bad), "{bad:?}");
    }
}

#[test]
fn insert_checks_key_and_names_it() {
    let mut content = SecretContent::new();
    assert!(message(content.insert("Bad_Key", HIDDEN)).contains("\"Bad_Key\""));
    content.insert("good-key", HIDDEN).unwrap();
    content.insert("good-key", "second").unwrap();
    assert_eq!(text(&content, "good-key"), "second");
    let chained = SecretContent::new()
        .with("abc", "1")
        .unwrap()
        .with("def", "2")
        .unwrap();
    assert_eq!(
        chained,
        SecretContent::from_pairs([("def", "2"), ("abc", "1")]).unwrap()
    );
    assert_eq!(chained.keys().collect::<Vec<_>>(), ["abc", "def"]);
    assert_eq!(chained.iter().count(), chained.len());
    assert!(SecretContent::from_pairs([("ab", "x")]).is_err());
}

#[test]
fn args_split_on_the_first_separator() {
    let args = [
        "user=admin",
        "pad=YQ==",
        "mid==b",
        "eqs=a=b=",
        "x-yz=1",
        "x-yz=2",
    ];
    let c = SecretContent::from_args(&args).unwrap();
    assert_eq!(text(&c, "user"), "admin");
    assert_eq!(text(&c, "pad"), "YQ==");
    assert_eq!(text(&c, "mid"), "=b");
    assert_eq!(text(&c, "eqs"), "a=b=");
    assert_eq!(text(&c, "x-yz"), "2", "later arguments win");
}

#[test]
fn bad_args_name_position_not_value() {
    let no_sep = message(SecretContent::from_args(&["abc=1", HIDDEN]));
    assert!(
        no_sep.contains("argument 2") && no_sep.contains("no '='"),
        "{no_sep}"
    );
    let empty_key = message(SecretContent::from_args(&[format!("={HIDDEN}")]));
    assert!(empty_key.contains("key before '=' is empty"), "{empty_key}");
    for bare in [format!("{HIDDEN}="), format!("{HIDDEN}=="), "=".to_owned()] {
        assert!(message(SecretContent::from_args(&[bare])).contains("argument 1"));
    }
    // `P4ss=w0rd` may be a value typed without its key: the text is not repeated.
    let bad_key = message(SecretContent::from_args(&["user=app", "P4ss=w0rd"]));
    assert!(
        bad_key.contains("argument 2") && bad_key.contains("not a valid key"),
        "{bad_key}"
    );
    assert!(
        !bad_key.contains("P4ss") && !bad_key.contains("w0rd"),
        "{bad_key}"
    );
    assert!(SecretContent::from_args::<&str>(&[]).unwrap().is_empty());
}

#[test]
fn base64_args_are_validated_and_decoded() {
    let c = SecretContent::from_args(&["tok#base64=czNjcjN0", "bin#base64=/wD+"]).unwrap();
    assert_eq!(text(&c, "tok"), "s3cr3t");
    assert_eq!(c.get("bin").unwrap().as_bytes(), [0xff, 0x00, 0xfe]);
    for bad in ["not base64!", "YWJ", "YWI", "YWJjZA", "YW=j", "YWJjZB=="] {
        let err = message(SecretContent::from_args(&[format!("tok#base64={bad}")]));
        assert!(
            err.contains("key \"tok\"") && err.contains("base64"),
            "{err}"
        );
    }
    let bad_key = message(SecretContent::from_args(&["Tok#base64=YQ=="]));
    assert!(
        bad_key.contains("argument 1") && !bad_key.contains("Tok"),
        "{bad_key}"
    );
}

#[test]
fn file_args_trim_the_exact_suffix() {
    let file = TempFile::new(&[0xff, b'\n', 0]);
    let c = SecretContent::from_args(&[file.arg("profile#file"), file.arg("cafile#file")]).unwrap();
    assert_eq!(c.keys().collect::<Vec<_>>(), ["cafile", "profile"]);
    assert_eq!(c.get("profile").unwrap().as_bytes(), [0xff, b'\n', 0]);
    let b64 = TempFile::new(b"czNjcjN0");
    let c = SecretContent::from_args(&[b64.arg("tok#base64#file")]).unwrap();
    assert_eq!(text(&c, "tok"), "s3cr3t");
}

#[test]
fn file_args_report_key_and_path() {
    let missing = std::env::temp_dir().join("juju-secrets-no-such-file");
    let err = message(SecretContent::from_args(&[format!(
        "cert#file={}",
        missing.display()
    )]));
    assert!(
        err.contains("\"cert\"") && err.contains("juju-secrets-no-such-file"),
        "{err}"
    );
    let file = TempFile::new(b"x");
    let bad_key = message(SecretContent::from_args(&[file.arg("C#file")]));
    assert!(
        bad_key.contains("argument 1") && bad_key.contains("not a valid key"),
        "{bad_key}"
    );
}

#[test]
fn file_args_are_size_checked() {
    let fits = TempFile::new(&vec![7; MAX_RAW_VALUE_BYTES]);
    let c = SecretContent::from_args(&[fits.arg("big#file")]).unwrap();
    assert_eq!(c.get("big").unwrap().len(), 750_000);
    let over = TempFile::new(&vec![7; MAX_RAW_VALUE_BYTES + 1]);
    let err = message(SecretContent::from_args(&[over.arg("big#file")]));
    assert!(
        err.contains("\"big\"") && err.contains("larger than the 750000"),
        "{err}"
    );
    let b64 = TempFile::new(&vec![b'A'; MAX_VALUE_BYTES + 4]);
    assert!(message(SecretContent::from_args(&[b64.arg("big#base64#file")])).contains("1000000"));
}

#[test]
fn value_limit_is_on_base64_text() {
    assert_eq!(encoded_len(750_000), 1_000_000);
    assert_eq!(encoded_len(750_001), 1_000_004);
    assert_eq!((encoded_len(0), encoded_len(1), encoded_len(3)), (0, 4, 4));
    let mut c = SecretContent::new();
    c.insert("big", vec![0u8; 750_000]).unwrap();
    c.validate().unwrap();
    let err = message(c.insert("big", vec![0u8; 750_003]));
    assert!(
        err.contains("for key \"big\" too large: 1000004 bytes"),
        "{err}"
    );
    let err = message(SecretContent::from_args(&[
        "big#base64=".to_owned() + &"A".repeat(1_000_004)
    ]));
    assert!(err.contains("\"big\""), "{err}");
}

#[test]
fn total_limit_sums_base64_values_not_keys() {
    let half = vec![1u8; 375_000]; // 500,000 bytes of base64
    let mut c = SecretContent::from_pairs([("first", half.clone()), ("second", half)]).unwrap();
    c.validate().unwrap();
    let wire = wire_json(&c).unwrap();
    let sizes = wire
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_str().unwrap().len());
    assert_eq!(sizes.sum::<usize>(), 1_000_000);
    c.insert("second", vec![1u8; 375_003]).unwrap();
    let err = message(c.validate());
    assert!(err.contains("content too large: 1000004 bytes"), "{err}");
    assert!(message(wire_json(&c)).contains("too large"));
    let args = ["a".repeat(375_000), "b".repeat(375_003)];
    let args = [format!("aaa={}", args[0]), format!("bbb={}", args[1])];
    assert!(message(SecretContent::from_args(&args)).contains("1000004"));
}

#[test]
fn empty_content_is_refused() {
    assert!(message(SecretContent::new().validate()).contains("empty"));
    assert!(message(wire_json(&SecretContent::new())).contains("empty"));
}

#[test]
fn wire_round_trip_keeps_bytes() {
    let raw = vec![0xff, 0xfe, 0x00, 0x80, b'a'];
    let c = SecretContent::from_pairs([("bin", raw.clone())])
        .unwrap()
        .with("txt", "abcd")
        .unwrap();
    let wire = wire_json(&c).unwrap();
    assert_eq!(
        wire,
        serde_json::json!({"bin": "//4AgGE=", "txt": "YWJjZA=="})
    );
    assert_eq!(from_wire(&wire).unwrap(), c);
    assert_eq!(
        from_wire(&wire).unwrap().get("bin").unwrap().as_bytes(),
        raw
    );
    assert_eq!(c.get("bin").unwrap().as_str(), None);
}

#[test]
fn from_wire_is_lenient_but_reports_garbage_by_key() {
    let data = serde_json::json!({"zzz": "YQ", "abc": "YWJj\nZA"});
    let content = from_wire(&data).unwrap();
    assert_eq!(
        content.keys().collect::<Vec<_>>(),
        ["abc", "zzz"],
        "kept in key order"
    );
    assert_eq!(text(&content, "abc"), "abcd");
    let data = serde_json::json!({"tok": format!("{HIDDEN}!")});
    let err = from_wire(&data).unwrap_err();
    assert!(err.contains("key `tok`") && !err.contains(HIDDEN), "{err}");
    let twice = r#"{"tok": "YQ==", "tok": "Yg=="}"#;
    let err = serde_json::from_str::<Revealed>(twice)
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("twice"), "{err}");
}

#[test]
fn debug_and_display_hide_values() {
    let value = SecretValue::from(HIDDEN);
    assert_eq!(format!("{value:?}|{value}|{value:#?}"), "***|***|***");
    let c = SecretContent::from_pairs([("password", HIDDEN)]).unwrap();
    let text = format!("{c:?} {c:#?}");
    assert!(
        text.contains("\"password\": ***") && !text.contains(HIDDEN),
        "{text}"
    );
    assert_eq!(
        SecretValue::from(HIDDEN.to_owned()),
        SecretValue::from(HIDDEN.as_bytes())
    );
    assert_eq!(SecretValue::new(Vec::new()).len(), 0);
    assert!(SecretValue::new(Vec::new()).is_empty());
}

#[test]
fn merge_lets_the_other_win() {
    let mut c = SecretContent::from_args(&["abc=args", "def=args"]).unwrap();
    c.merge(SecretContent::from_args(&["def=file", "ghi=file"]).unwrap());
    let got: Vec<_> = c.iter().map(|(k, v)| (k, v.as_str().unwrap())).collect();
    assert_eq!(got, [("abc", "args"), ("def", "file"), ("ghi", "file")]);
}

#[test]
fn files_in_json_or_yaml() {
    let json = TempFile::new(
        br#"{"user": "admin", "port": 8080, "enabled": true, "tok#base64": "czNjcjN0"}"#,
    );
    let yaml = TempFile::new(b"user: admin\nport: 8080\nenabled: true\ntok#base64: czNjcjN0\n");
    for file in [json, yaml] {
        let c = SecretContent::from_file(&file.0).unwrap();
        let got: Vec<_> = c.iter().map(|(k, v)| (k, v.as_str().unwrap())).collect();
        assert_eq!(
            got,
            [
                ("enabled", "true"),
                ("port", "8080"),
                ("tok", "s3cr3t"),
                ("user", "admin")
            ]
        );
    }
    let numbers = TempFile::new(b"ratio: 1.5\nhex: 0x10\nbig: 1e3\n");
    let c = SecretContent::from_file(&numbers.0).unwrap();
    assert_eq!(
        (text(&c, "ratio"), text(&c, "hex")),
        ("1.5".into(), "16".into())
    );
}

#[test]
fn bad_files_name_the_key_or_problem() {
    for (body, expect) in [
        (format!("abc: ~\nok-key: {HIDDEN}\n"), "\"abc\""),
        (
            format!("{{\"abc\": null, \"def\": \"{HIDDEN}\"}}"),
            "\"abc\"",
        ),
        ("abc: [1, 2]\n".to_owned(), "\"abc\""),
        ("abc:\n  nested: x\n".to_owned(), "\"abc\""),
        ("- abc\n- def\n".to_owned(), "not a mapping"),
        (String::new(), "not a mapping"),
        (HIDDEN.to_owned(), "not a mapping"),
        ("abc: [\n".to_owned(), "neither JSON nor YAML"),
        (format!("abc: \"{HIDDEN}\\q\"\n"), "neither JSON nor YAML"),
        (format!("abc: {HIDDEN}: x\n"), "neither JSON nor YAML"),
        (format!("abc: {HIDDEN}\nabc: {HIDDEN}\n"), "abc"),
        (format!("Bad: {HIDDEN}\n"), "\"Bad\""),
        (format!("abc#base64: {HIDDEN}\n"), "\"abc\""),
    ] {
        let file = TempFile::new(body.as_bytes());
        let err = message(SecretContent::from_file(&file.0));
        assert!(err.contains(expect), "{body:?}: {err}");
    }
    let err = message(SecretContent::from_file(
        std::env::temp_dir().join("juju-secrets-none"),
    ));
    assert!(err.contains("juju-secrets-none"), "{err}");
    let big = TempFile::new(&vec![b'#'; MAX_CONTENT_BYTES + 1]);
    assert!(message(SecretContent::from_file(&big.0)).contains("larger than"));
}
