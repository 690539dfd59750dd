//! What one message from a controller can make the client allocate: with a counting global
//! allocator, the peak of the heap while decoding each adversarial answer, over what it held
//! before, must stay within 8 times the message's size (`juju_secrets::fuzzing::decode_answer`
//! decodes a frame exactly as the client does). The allocator counts per thread, so tests
//! running side by side do not see each other's allocations.
#![cfg(feature = "fuzzing")]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use juju_secrets::fuzzing::{decode_answer, Answer};

struct Counting;

thread_local! {
    /// This thread's allocated bytes (blocks it freed count even if another thread made them).
    static CURRENT: Cell<isize> = const { Cell::new(0) };
    /// The most `CURRENT` reached since the last reset.
    static PEAK: Cell<isize> = const { Cell::new(0) };
}

fn grow(bytes: usize) {
    let bytes = isize::try_from(bytes).unwrap_or(isize::MAX);
    let _ = CURRENT.try_with(|c| {
        let now = c.get().saturating_add(bytes);
        c.set(now);
        let _ = PEAK.try_with(|p| p.set(p.get().max(now)));
    });
}

fn shrink(bytes: usize) {
    let bytes = isize::try_from(bytes).unwrap_or(isize::MAX);
    let _ = CURRENT.try_with(|c| c.set(c.get().saturating_sub(bytes)));
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        grow(layout.size());
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        shrink(layout.size());
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // The new block exists before the old one is freed.
        grow(new_size);
        shrink(layout.size());
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// The most this thread's heap grew while decoding `frame` as `kind`, and the outcome.
fn peak_growth(kind: Answer, frame: &str) -> (usize, Result<usize, String>) {
    let base = CURRENT.with(Cell::get);
    PEAK.with(|p| p.set(base));
    let outcome = decode_answer(kind, frame).map_err(|e| e.to_string());
    let grew = PEAK.with(Cell::get) - base;
    (usize::try_from(grew).unwrap_or(0), outcome)
}

/// Checks the 8× bound and returns the outcome.
fn bounded(kind: Answer, frame: &str) -> Result<usize, String> {
    let (grew, outcome) = peak_growth(kind, frame);
    let ratio = grew as f64 / frame.len() as f64;
    eprintln!("{kind:?}: {} bytes, heap grew {ratio:.2}×", frame.len());
    assert!(
        ratio <= 8.0,
        "{kind:?}: {} bytes grew the heap by {grew} ({ratio:.1}×); outcome {outcome:?}",
        frame.len()
    );
    outcome
}

fn frame(response: &str) -> String {
    format!(r#"{{"request-id":1,"response":{response}}}"#)
}

/// `{"results":[ITEM,ITEM,…]}` of about `size` bytes.
fn results_of(item: &str, size: usize) -> String {
    let n = size / (item.len() + 1);
    let items = vec![item; n].join(",");
    frame(&format!(r#"{{"results":[{items}]}}"#))
}

const MB: usize = 1 << 20;

#[test]
fn empty_objects_in_a_list_cost_nothing() {
    let frame = results_of("{}", 4 * MB);
    let outcome = bounded(Answer::ListSecrets, &frame);
    assert!(outcome.unwrap_err().contains("too short"));
}

#[test]
fn a_write_refuses_more_results_than_it_sent_items_before_decoding() {
    let frame = results_of("{}", 4 * MB);
    let outcome = bounded(Answer::Write(1), &frame).unwrap_err();
    assert!(outcome.contains("results for 1 items"), "{outcome}");
    assert!(
        outcome.contains("may or may not have taken effect"),
        "{outcome}"
    );
}

#[test]
fn the_smallest_items_that_pass_stay_within_the_bound() {
    // Padded with an unknown key to just the shortest length an item may have.
    for pad in [60, 90, 120, 200] {
        let item = format!(
            r#"{{"uri":"secret:d0q6g3l9h5s9k8a6s0rg","x":"{}"}}"#,
            "y".repeat(pad)
        );
        let frame = results_of(&item, 2 * MB);
        let outcome = bounded(Answer::ListSecrets, &frame);
        assert!(
            outcome.is_ok() || outcome.as_ref().unwrap_err().contains("too short"),
            "{outcome:?}"
        );
    }
}

#[test]
fn nested_lists_of_empty_objects_are_refused() {
    for key in ["revisions", "access"] {
        let empties = vec!["{}"; MB].join(",");
        let item = format!(r#"{{"uri":"secret:d0q6g3l9h5s9k8a6s0rg","{key}":[{empties}]}}"#);
        let outcome = bounded(
            Answer::ListSecrets,
            &frame(&format!(r#"{{"results":[{item}]}}"#)),
        );
        assert!(outcome.unwrap_err().contains("too short"), "{key}");
    }
}

#[test]
fn many_tiny_values_stay_within_the_bound() {
    let entries: Vec<String> = (0..200_000).map(|i| format!(r#""k{i}":"""#)).collect();
    let item = format!(
        r#"{{"uri":"secret:d0q6g3l9h5s9k8a6s0rg","owner-tag":"model-x","value":{{"data":{{{}}}}}}}"#,
        entries.join(",")
    );
    let outcome = bounded(
        Answer::ListSecrets,
        &frame(&format!(r#"{{"results":[{item}]}}"#)),
    );
    assert_eq!(outcome, Ok(1));
}

#[test]
fn a_huge_error_info_is_kept_as_text() {
    let zeros = vec!["0"; 2 * MB].join(",");
    let frame = format!(
        r#"{{"request-id":1,"error":"boom","error-code":"not found","error-info":[{zeros}]}}"#
    );
    let outcome = bounded(Answer::ListSecrets, &frame);
    assert!(outcome.unwrap_err().contains("boom"));
}

#[test]
fn login_lists_stay_within_the_bound() {
    let facades = vec![r#"{"name":"F","versions":[]}"#; 100_000].join(",");
    let frame_text = frame(&format!(r#"{{"facades":[{facades}]}}"#));
    assert!(bounded(Answer::Login, &frame_text).is_ok());
    let servers = vec!["[]"; MB].join(",");
    let outcome = bounded(
        Answer::Login,
        &frame(&format!(r#"{{"servers":[{servers}]}}"#)),
    );
    assert!(outcome.unwrap_err().contains("too short"));
    let versions = vec!["1"; 2 * MB].join(",");
    let frame_text = frame(&format!(
        r#"{{"facades":[{{"name":"F","versions":[{versions}]}}]}}"#
    ));
    assert!(bounded(Answer::Login, &frame_text).is_ok());
}

#[test]
fn model_lists_stay_within_the_bound() {
    let models = vec!["{}"; MB].join(",");
    let outcome = bounded(
        Answer::ListModels,
        &frame(&format!(r#"{{"user-models":[{models}]}}"#)),
    );
    assert!(outcome.unwrap_err().contains("too short"));
    let model = r#"{"model":{"name":"m","uuid":"u","type":"iaas"}}"#;
    let models = vec![model; 50_000].join(",");
    assert!(bounded(
        Answer::ListModels,
        &frame(&format!(r#"{{"user-models":[{models}]}}"#))
    )
    .is_ok());
}

#[test]
fn long_strings_cost_their_length() {
    let long = "a".repeat(4 * MB);
    let item = format!(r#"{{"uri":"secret:d0q6g3l9h5s9k8a6s0rg","description":"{long}"}}"#);
    assert_eq!(
        bounded(
            Answer::ListSecrets,
            &frame(&format!(r#"{{"results":[{item}]}}"#))
        ),
        Ok(1)
    );
}
