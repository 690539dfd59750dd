//! No copy of a password or secret value is left in memory this crate frees. A global allocator
//! checks every block freed while a client logs in, adds a secret, reveals it and updates it
//! with `#file` read from a pipe, against a standalone test controller in another process (so
//! only the client's memory is watched). A freed block holding a watched text is a finding,
//! blamed on the innermost crate of the backtrace of its freeing: none may be this crate's.
//! Copies that tungstenite (frame and read buffers) and the standard library make are listed
//! but allowed: they are outside this crate's reach (OpenSSL's own buffers are not seen at all:
//! it allocates through `malloc`, not Rust's allocator).
#![cfg(unix)]

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::io::{BufRead, BufReader};
use std::os::fd::AsRawFd;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use base64::Engine;
use juju_secrets::{Client, ConnectOptions, NewSecret, SecretContent, SecretUpdate};
use zeroize::Zeroizing;

use common::examples::examples_dir;

/// Up to this many watched texts, each at most `PATTERN_MAX` bytes.
const PATTERNS: usize = 8;
const PATTERN_MAX: usize = 96;

/// The texts watched for, set before the scenario starts (no allocation needed to read them).
static WATCHED: Mutex<[([u8; PATTERN_MAX], usize); PATTERNS]> =
    Mutex::new([([0; PATTERN_MAX], 0); PATTERNS]);
static ARMED: AtomicBool = AtomicBool::new(false);
/// Each finding: the watched text's index and the frames of its freeing.
static FINDINGS: Mutex<Vec<(usize, String)>> = Mutex::new(Vec::new());

thread_local! {
    /// Set while a finding is recorded, so that the recording's own allocations are not checked.
    static BUSY: Cell<bool> = const { Cell::new(false) };
}

struct Checking;

/// A copy of this many bytes of a watched text counts: a buffer outgrown mid-text holds only
/// part of it.
const PIECE: usize = 12;

/// Which watched text `block` holds a piece of: any `PIECE` bytes of one, so any copy of at
/// least `PIECE + PIECE / 2` bytes is found (pieces start every `PIECE / 2` bytes).
fn holds_piece(block: &[u8], watched: &[([u8; PATTERN_MAX], usize); PATTERNS]) -> Option<usize> {
    let pieces = || {
        watched.iter().enumerate().flat_map(|(i, (bytes, len))| {
            let text = bytes.get(..*len).unwrap_or_default();
            let starts = (0..text.len().saturating_sub(PIECE - 1)).step_by(PIECE / 2);
            starts.filter_map(move |at| Some((i, text.get(at..at + PIECE)?)))
        })
    };
    let mut first = [false; 256];
    for (_, piece) in pieces() {
        if let Some(b) = piece.first() {
            first[usize::from(*b)] = true;
        }
    }
    for at in 0..block.len().saturating_sub(PIECE - 1) {
        if !first[usize::from(block[at])] {
            continue;
        }
        let here = &block[at..at + PIECE];
        if let Some((i, _)) = pieces().find(|(_, piece)| *piece == here) {
            return Some(i);
        }
    }
    None
}

/// Records a finding when the block at `ptr` holds a piece of a watched text.
fn check(ptr: *mut u8, size: usize) {
    if !ARMED.load(Ordering::Relaxed) || size == 0 || BUSY.with(Cell::get) {
        return;
    }
    BUSY.with(|b| b.set(true));
    // SAFETY: the block is still allocated: it is checked before it is freed.
    let block = unsafe { std::slice::from_raw_parts(ptr, size) };
    let hit = {
        let watched = WATCHED.lock().unwrap_or_else(|e| e.into_inner());
        holds_piece(block, &watched)
    };
    if let Some(i) = hit {
        let trace = std::backtrace::Backtrace::force_capture().to_string();
        FINDINGS
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((i, trace));
    }
    BUSY.with(|b| b.set(false));
}

unsafe impl GlobalAlloc for Checking {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        check(ptr, layout.size());
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // Always moves, so that the old block is checked like any freed one.
        let Ok(new_layout) = Layout::from_size_align(new_size, layout.align()) else {
            return std::ptr::null_mut();
        };
        let new = unsafe { System.alloc(new_layout) };
        if !new.is_null() {
            unsafe { std::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size)) };
            check(ptr, layout.size());
            unsafe { System.dealloc(ptr, layout) };
        }
        new
    }
}

#[global_allocator]
static ALLOCATOR: Checking = Checking;

/// Whose buffer it was: walking the backtrace of its freeing outwards, the first crate that
/// owns buffers (this crate, tungstenite, native-tls, OpenSSL's bindings, or this test). Helper
/// crates that only write into a caller's buffer (serde_json, base64, bytes) are passed over, so
/// a `String` this crate serialised into is blamed on this crate, and tungstenite's read buffer
/// on tungstenite even when this crate's `Drop` let it go.
fn blame(trace: &str) -> &'static str {
    const OWNERS: [(&str, &str); 5] = [
        ("tungstenite::", "tungstenite"),
        ("native_tls::", "native-tls"),
        ("openssl::", "openssl"),
        ("juju_secrets::", "juju_secrets"),
        ("secret_copies::", "this test"),
    ];
    let frames = trace
        .lines()
        .map(str::trim)
        .filter(|line| !line.starts_with("at "))
        .filter(|line| {
            !line.contains("secret_copies::check") && !line.contains("secret_copies::Checking")
        });
    for frame in frames {
        if let Some((_, owner)) = OWNERS.iter().find(|(path, _)| frame.contains(path)) {
            return owner;
        }
    }
    "std"
}

/// The standalone test controller, stopped when dropped.
struct Standalone {
    child: Child,
    line: serde_json::Value,
    _dir: tempdir::Dir,
}

mod tempdir {
    /// A directory removed on drop.
    pub struct Dir(pub std::path::PathBuf);
    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

impl Drop for Standalone {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn standalone() -> Standalone {
    let dir = std::env::temp_dir().join(format!("juju-secrets-copies-{}", std::process::id()));
    let mut child = Command::new(examples_dir().join("test-controller"))
        .arg("--juju-data")
        .arg(&dir)
        .stdout(Stdio::piped())
        .spawn()
        .expect("starting the test controller");
    let stdout = child.stdout.take().expect("its stdout");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("its JSON line");
    let line = serde_json::from_str(&line).expect("a JSON line");
    Standalone {
        child,
        line,
        _dir: tempdir::Dir(dir),
    }
}

fn watch(texts: &[&[u8]]) {
    let mut watched = WATCHED.lock().unwrap();
    for (slot, text) in watched.iter_mut().zip(texts) {
        let len = text.len().min(PATTERN_MAX);
        slot.0[..len].copy_from_slice(&text[..len]);
        slot.1 = len;
    }
}

#[test]
fn no_buffer_this_crate_frees_holds_a_password_or_secret_value() {
    let controller = standalone();
    let field = |name: &str| controller.line[name].as_str().expect(name).to_owned();
    let password = Zeroizing::new(field("password"));
    let ca = Zeroizing::new(std::fs::read_to_string(field("ca_cert_path")).expect("the CA"));
    let added = "copies-added-value-7d1e9b42a6c3";
    let added_b64 = base64::engine::general_purpose::STANDARD.encode(added);
    // What comes through the pipe: long enough that a buffer growing as it is read would be
    // outgrown several times, made of one 40-byte unit, so that any piece of it is a piece of
    // two units in a row.
    let unit = "copies-piped-value-3f5a8c21e0b7-9d4c2a1e";
    let piped = unit.repeat(400);
    let two_units = unit.repeat(2);
    watch(&[
        password.as_bytes(),
        added.as_bytes(),
        added_b64.as_bytes(),
        two_units.as_bytes(),
    ]);
    let options = ConnectOptions::builder()
        .endpoint(field("endpoint"))
        .model_uuid(field("model_uuid"))
        .user(field("user"))
        .password(password.as_str())
        .ca_cert(ca.as_str())
        .build()
        .expect("options");
    let mut writer = Command::new("printf")
        .args(["%s", piped.as_str()])
        .stdout(Stdio::piped())
        .spawn()
        .expect("printf");
    let pipe = writer.stdout.take().expect("the pipe");
    let file_arg = format!("value#file=/dev/fd/{}", pipe.as_raw_fd());

    ARMED.store(true, Ordering::SeqCst);
    {
        let mut client = Client::connect(&options).expect("connecting");
        let mut secrets = client.secrets();
        // A long value after the watched one: a request buffer growing while it is written
        // would be outgrown after the watched value is in it.
        let filler = "f".repeat(4000);
        let content =
            SecretContent::from_pairs([("value", added), ("zz-filler", &filler)]).expect("content");
        secrets
            .add(&NewSecret::new("copies", content))
            .expect("adding");
        let revealed = secrets.get_value("copies", "value").expect("revealing");
        assert_eq!(revealed.as_str(), Some(added));
        drop(revealed);
        let from_pipe = SecretContent::from_args(&[file_arg.as_str()]).expect("reading the pipe");
        secrets
            .update("copies", &SecretUpdate::new().content(from_pipe))
            .expect("updating");
        let revealed = secrets.get_value("copies", "value").expect("revealing");
        assert_eq!(revealed.as_str(), Some(piped.as_str()));
        drop(revealed);
        client.close().expect("closing");
    }
    drop(options);
    ARMED.store(false, Ordering::SeqCst);
    let _ = writer.wait();

    let findings = std::mem::take(&mut *FINDINGS.lock().unwrap());
    let names = ["password", "value", "value's base64", "piped value"];
    let mut ours = Vec::new();
    for (i, trace) in &findings {
        let who = blame(trace);
        eprintln!("a freed block held the {} (freed by {who})", names[*i]);
        if who == "juju_secrets" {
            ours.push(trace.clone());
        }
    }
    assert!(
        ours.is_empty(),
        "this crate freed {} blocks holding a watched text; the first was freed at:\n{}",
        ours.len(),
        ours[0]
    );
}
