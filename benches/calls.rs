//! Our calls against the built-in test controller over TLS on loopback, each next to the floor:
//! a bare tungstenite + native-tls client and echo server exchanging frames of the same sizes.
//!
//! `cargo bench --bench calls` (a few minutes); `cargo bench --bench calls -- ping` for one group.
//! Criterion prints each benchmark's time; after each of ours, a `controller-share` line says how
//! much of it the test controller spent answering (see `TestController::handling_time`).
//! BENCHMARKS.md explains the numbers.

mod support;

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use criterion::{
    criterion_group, criterion_main, BenchmarkId, Criterion, SamplingMode, Throughput,
};
use juju_secrets::testing::TestController;
use juju_secrets::{
    Client, ListOptions, NewSecret, Removal, SecretContent, SecretRef, ShowOptions,
};
use support::floor::{self, EchoServer};
use support::{iterations, last_frame_sizes, Share};

/// The largest value Juju takes: 1,000,000 bytes of base64, so 750,000 raw bytes.
const BIG_VALUE_RAW: usize = 750_000;
const LIST_COUNTS: [usize; 4] = [10, 100, 1_000, 10_000];
const BATCH: usize = 100;

fn unique(prefix: &str) -> String {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    format!("{prefix}-{:06}", NEXT.fetch_add(1, Ordering::Relaxed))
}

fn small_content() -> SecretContent {
    SecretContent::from_pairs([("user", "bench-app"), ("password", "s3cr3t-bench-value")])
        .expect("valid content")
}

fn new_secrets(prefix: &str, count: usize) -> Vec<NewSecret> {
    (0..count)
        .map(|_| NewSecret::new(unique(prefix), small_content()))
        .collect()
}

fn connect(controller: &TestController) -> Client {
    Client::connect(&controller.connect_options()).expect("connect to the test controller")
}

/// Removes secrets outside the timing, so the model stays the same size throughout a bench.
fn remove_all(client: &mut Client, uris: Vec<juju_secrets::SecretUri>) {
    for chunk in uris.chunks(1_000) {
        let items: Vec<_> = chunk.iter().map(Removal::secret).collect();
        for result in client.secrets().remove_many(&items).expect("remove") {
            result.expect("remove one");
        }
    }
}

/// Times the floor: `iters` exchanges of `frame` on one connection.
fn floor_exchanges(
    echo: &mut floor::EchoClient,
    frame: &tungstenite::Utf8Bytes,
    iters: u64,
) -> Duration {
    let started = std::time::Instant::now();
    for _ in 0..iters {
        std::hint::black_box(echo.exchange(frame));
    }
    started.elapsed()
}

fn connect_login(c: &mut Criterion) {
    let controller = TestController::start().expect("test controller");
    let echo = EchoServer::start();
    drop(connect(&controller));
    let (request, reply) = {
        let calls = controller.calls();
        let login = calls.first().expect("the login call");
        (
            login.request.to_string().len(),
            login.response.to_string().len(),
        )
    };
    let frame = floor::frame(request, reply);
    let mut group = c.benchmark_group("connect_login");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(4));
    let mut share = Share::default();
    group.bench_function("ours", |b| {
        b.iter_custom(|iters| {
            iterations(&controller, iters, || {
                share.time(&controller, || connect(&controller)).0
            })
        })
    });
    share.report("connect_login");
    group.bench_function("floor", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let started = std::time::Instant::now();
                let mut client = echo.connect();
                std::hint::black_box(client.exchange(&frame));
                total += started.elapsed();
                drop(client);
            }
            total
        })
    });
    group.finish();
}

fn ping(c: &mut Criterion) {
    let controller = TestController::start().expect("test controller");
    let echo = EchoServer::start();
    let mut client = connect(&controller);
    client.ping().expect("ping");
    let (request, reply) = last_frame_sizes(&controller);
    let frame = floor::frame(request, reply);
    let mut echo_client = echo.connect();
    let mut group = c.benchmark_group("ping");
    let mut share = Share::default();
    group.bench_function("ours", |b| {
        b.iter_custom(|iters| {
            iterations(&controller, iters, || {
                share.time(&controller, || client.ping().expect("ping")).0
            })
        })
    });
    share.report("ping");
    group.bench_function("floor", |b| {
        b.iter_custom(|iters| floor_exchanges(&mut echo_client, &frame, iters))
    });
    group.finish();
}

fn single_secret(c: &mut Criterion) {
    let controller = TestController::start().expect("test controller");
    let echo = EchoServer::start();
    let mut client = connect(&controller);
    let content = small_content();
    let mut echo_client = echo.connect();
    let mut group = c.benchmark_group("add_one");

    let uri = client
        .secrets()
        .add(&NewSecret::new(unique("add"), content.clone()))
        .expect("add");
    let (request, reply) = last_frame_sizes(&controller);
    remove_all(&mut client, vec![uri]);
    let frame = floor::frame(request, reply);
    let mut share = Share::default();
    group.bench_function("ours", |b| {
        b.iter_custom(|iters| {
            iterations(&controller, iters, || {
                // Made outside the timing: the content is copied into it.
                let secret = NewSecret::new(unique("add"), content.clone());
                let (elapsed, uri) =
                    share.time(&controller, || client.secrets().add(&secret).expect("add"));
                remove_all(&mut client, vec![uri]);
                elapsed
            })
        })
    });
    share.report("add_one");
    group.bench_function("floor", |b| {
        b.iter_custom(|iters| floor_exchanges(&mut echo_client, &frame, iters))
    });
    group.finish();

    let mut group = c.benchmark_group("show_one_revealed");
    let name = unique("show");
    client
        .secrets()
        .add(&NewSecret::new(name.as_str(), content))
        .expect("add");
    let secret = SecretRef::name(&name);
    let reveal = ShowOptions::new().reveal();
    client.secrets().show(&secret, &reveal).expect("show");
    let (request, reply) = last_frame_sizes(&controller);
    let frame = floor::frame(request, reply);
    let mut share = Share::default();
    group.bench_function("ours", |b| {
        b.iter_custom(|iters| {
            iterations(&controller, iters, || {
                share
                    .time(&controller, || {
                        client.secrets().show(&secret, &reveal).expect("show")
                    })
                    .0
            })
        })
    });
    share.report("show_one_revealed");
    group.bench_function("floor", |b| {
        b.iter_custom(|iters| floor_exchanges(&mut echo_client, &frame, iters))
    });
    group.finish();
}

fn list_revealed(c: &mut Criterion) {
    let echo = EchoServer::start();
    let mut echo_client = echo.connect();
    let mut group = c.benchmark_group("list_revealed");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(3));
    for count in LIST_COUNTS {
        let controller = TestController::start().expect("test controller");
        let mut client = connect(&controller);
        let mut left = count;
        while left > 0 {
            let batch = new_secrets("list", left.min(1_000));
            left -= batch.len();
            for result in client.secrets().add_many(&batch).expect("seed") {
                result.expect("seed one");
            }
        }
        let all = ListOptions::new().reveal();
        assert_eq!(client.secrets().list(&all).expect("list").len(), count);
        let (request, reply) = last_frame_sizes(&controller);
        controller.clear_calls();
        let frame = floor::frame(request, reply);
        group.throughput(Throughput::Elements(count as u64));
        if count >= 1_000 {
            group.sampling_mode(SamplingMode::Flat);
        }
        let mut share = Share::default();
        group.bench_with_input(BenchmarkId::new("ours", count), &count, |b, _| {
            b.iter_custom(|iters| {
                iterations(&controller, iters, || {
                    let elapsed = share
                        .time(&controller, || client.secrets().list(&all).expect("list"))
                        .0;
                    // A big answer per iteration: forget it at once.
                    controller.clear_calls();
                    elapsed
                })
            })
        });
        share.report(&format!("list_revealed/{count}"));
        group.bench_with_input(BenchmarkId::new("floor", count), &count, |b, _| {
            b.iter_custom(|iters| floor_exchanges(&mut echo_client, &frame, iters))
        });
    }
    group.finish();
}

fn big_value(c: &mut Criterion) {
    let controller = TestController::start().expect("test controller");
    let echo = EchoServer::start();
    let mut client = connect(&controller);
    let mut echo_client = echo.connect();
    let bytes: Vec<u8> = (0..BIG_VALUE_RAW).map(|i| (i % 251) as u8).collect();
    let content = SecretContent::new()
        .with("data", bytes)
        .expect("largest value");
    let mut group = c.benchmark_group("big_value_750000_raw");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(3))
        .throughput(Throughput::Bytes(BIG_VALUE_RAW as u64));

    let uri = client
        .secrets()
        .add(&NewSecret::new(unique("big"), content.clone()))
        .expect("add");
    let (request, reply) = last_frame_sizes(&controller);
    remove_all(&mut client, vec![uri]);
    let frame = floor::frame(request, reply);
    let mut share = Share::default();
    group.bench_function("add/ours", |b| {
        b.iter_custom(|iters| {
            iterations(&controller, iters, || {
                // Made outside the timing: the content is copied into it.
                let secret = NewSecret::new(unique("big"), content.clone());
                let (elapsed, uri) =
                    share.time(&controller, || client.secrets().add(&secret).expect("add"));
                remove_all(&mut client, vec![uri]);
                controller.clear_calls();
                elapsed
            })
        })
    });
    share.report("big_value/add");
    group.bench_function("add/floor", |b| {
        b.iter_custom(|iters| floor_exchanges(&mut echo_client, &frame, iters))
    });

    let name = unique("big");
    client
        .secrets()
        .add(&NewSecret::new(name.as_str(), content))
        .expect("add");
    let secret = SecretRef::name(&name);
    let value = client.secrets().get_value(&secret, "data").expect("reveal");
    assert_eq!(value.len(), BIG_VALUE_RAW);
    let (request, reply) = last_frame_sizes(&controller);
    controller.clear_calls();
    let frame = floor::frame(request, reply);
    let mut share = Share::default();
    group.bench_function("reveal/ours", |b| {
        b.iter_custom(|iters| {
            iterations(&controller, iters, || {
                let elapsed = share
                    .time(&controller, || {
                        client.secrets().get_value(&secret, "data").expect("reveal")
                    })
                    .0;
                controller.clear_calls();
                elapsed
            })
        })
    });
    share.report("big_value/reveal");
    group.bench_function("reveal/floor", |b| {
        b.iter_custom(|iters| floor_exchanges(&mut echo_client, &frame, iters))
    });
    group.finish();
}

fn batch_create(c: &mut Criterion) {
    let controller = TestController::start().expect("test controller");
    let echo = EchoServer::start();
    let mut client = connect(&controller);
    let mut echo_client = echo.connect();
    let mut group = c.benchmark_group("create_100");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(3))
        .throughput(Throughput::Elements(BATCH as u64));

    let batch = new_secrets("batch", BATCH);
    let uris: Vec<_> = client
        .secrets()
        .add_many(&batch)
        .expect("add_many")
        .into_iter()
        .map(|r| r.expect("one"))
        .collect();
    let (request, reply) = last_frame_sizes(&controller);
    remove_all(&mut client, uris);
    let one_call = floor::frame(request, reply);
    let uri = client
        .secrets()
        .add(&NewSecret::new(unique("batch"), small_content()))
        .expect("add");
    let (request, reply) = last_frame_sizes(&controller);
    remove_all(&mut client, vec![uri]);
    let single = floor::frame(request, reply);
    controller.clear_calls();

    let mut share = Share::default();
    group.bench_function("one_call/ours", |b| {
        b.iter_custom(|iters| {
            iterations(&controller, iters, || {
                let batch = new_secrets("batch", BATCH);
                let (elapsed, results) = share.time(&controller, || {
                    client.secrets().add_many(&batch).expect("add_many")
                });
                let uris = results.into_iter().map(|r| r.expect("one")).collect();
                remove_all(&mut client, uris);
                elapsed
            })
        })
    });
    share.report("create_100/one_call");
    let mut share = Share::default();
    group.bench_function("single_calls/ours", |b| {
        b.iter_custom(|iters| {
            iterations(&controller, iters, || {
                let batch = new_secrets("batch", BATCH);
                let (elapsed, uris) = share.time(&controller, || {
                    let mut secrets = client.secrets();
                    batch
                        .iter()
                        .map(|s| secrets.add(s).expect("add"))
                        .collect::<Vec<_>>()
                });
                remove_all(&mut client, uris);
                elapsed
            })
        })
    });
    share.report("create_100/single_calls");
    group.bench_function("one_call/floor", |b| {
        b.iter_custom(|iters| floor_exchanges(&mut echo_client, &one_call, iters))
    });
    group.bench_function("single_calls/floor", |b| {
        b.iter_custom(|iters| floor_exchanges(&mut echo_client, &single, iters * BATCH as u64))
    });
    group.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(30)
}

criterion_group! {
    name = calls;
    config = config();
    targets = connect_login, ping, single_secret, list_revealed, big_value, batch_create
}
criterion_main!(calls);
