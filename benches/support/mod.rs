//! What the benches share: the floor, and the test controller's share of each workload.

pub mod floor;

use std::time::{Duration, Instant};

use juju_secrets::testing::{HandlingTime, TestController};

/// Client-side time and the controller's handling time, summed over the timed iterations of one
/// benchmark (warm-up included), to print after it how much of a round trip is the controller.
#[derive(Default)]
pub struct Share {
    client: Duration,
    controller: HandlingTime,
    iterations: u64,
}

/// Runs one timed iteration `iters` times and sums the time each counted; then the controller
/// forgets the calls it recorded, which would otherwise pile up over a benchmark.
pub fn iterations(
    controller: &TestController,
    iters: u64,
    mut one: impl FnMut() -> Duration,
) -> Duration {
    let total = (0..iters).map(|_| one()).sum();
    controller.clear_calls();
    total
}

impl Share {
    /// Times `f` as one iteration; only what `f` does counts, on both sides. Returns the time
    /// taken and what `f` returned, to be dropped (or cleaned up) outside the timing.
    pub fn time<T>(&mut self, controller: &TestController, f: impl FnOnce() -> T) -> (Duration, T) {
        let before = controller.handling_time();
        let started = Instant::now();
        let value = std::hint::black_box(f());
        let elapsed = started.elapsed();
        let spent = controller.handling_time().since(&before);
        self.client += elapsed;
        self.controller.requests += spent.requests;
        self.controller.busy += spent.busy;
        self.iterations += 1;
        (elapsed, value)
    }

    /// Prints one line: `controller-share <name>: ...`, to be read with the criterion output.
    pub fn report(&self, name: &str) {
        if self.iterations == 0 {
            return;
        }
        let n = u32::try_from(self.iterations).unwrap_or(u32::MAX);
        let client = self.client / n;
        let controller = self.controller.busy / n;
        let percent = 100.0 * controller.as_secs_f64() / client.as_secs_f64().max(1e-12);
        println!(
            "controller-share {name}: {controller:.1?} of {client:.1?} per iteration ({percent:.0}%), \
             {:.1} requests per iteration",
            self.controller.requests as f64 / self.iterations as f64
        );
    }
}

/// The sizes of the request and response frames of the controller's last recorded call, as
/// JSON text (so, as sent, give or take the order of keys).
pub fn last_frame_sizes(controller: &TestController) -> (usize, usize) {
    let calls = controller.calls();
    let call = calls.last().expect("a recorded call");
    (
        call.request.to_string().len(),
        call.response.to_string().len(),
    )
}
