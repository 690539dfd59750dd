//! Our side of `scripts/bench-compare.sh`: the same workloads as `scripts/bench_libjuju.py`,
//! against the standalone test controller (`examples/test-controller.rs`).
//!
//! ```text
//! $ bench-client CONTROLLER_JSON run WORKLOAD N   # N timed repetitions, one JSON line out
//! $ bench-client CONTROLLER_JSON get NAME KEY     # exec -> value -> exit: prints the value's length
//! $ bench-client CONTROLLER_JSON put NAME KEY RAW_BYTES
//! $ bench-client CONTROLLER_JSON remove NAME
//! ```
//! `CONTROLLER_JSON` is a file holding the line the test controller printed (endpoint, model
//! UUID, user, password, CA certificate path). Workloads: `connect` (connect, TLS and login),
//! `ping`, `add` (one small secret), `show` (one secret, revealed), `list1000` (list with reveal,
//! 1,000 secrets), `big_add` and `big_reveal` (one 750,000-byte value: 1,000,000 bytes of base64,
//! the largest Juju takes), `create100_batch` (100 secrets in one call) and `create100_single`
//! (100 calls). Each sets up and removes what it needs outside the timing; `run` prints
//! `{"impl":"rust","workload":..,"seconds":[one per repetition]}`.

use std::process::ExitCode;
use std::time::Instant;

use juju_secrets::{
    Client, ConnectOptions, ListOptions, NewSecret, Removal, SecretContent, SecretUri,
};
use serde_json::{json, Value};

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

const BIG_VALUE_RAW: usize = 750_000;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ERROR {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &[String]) -> Result<()> {
    let [controller, command, rest @ ..] = args else {
        return Err("usage: bench-client CONTROLLER_JSON run|get|put|remove ...".into());
    };
    let options = options(controller)?;
    match (command.as_str(), rest) {
        ("get", [name, key]) => {
            let mut client = Client::connect(&options)?;
            let value = client.secrets().get_value(name, key)?;
            println!("{}", value.len());
            Ok(())
        }
        ("put", [name, key, size]) => {
            let value = vec![b'v'; size.parse()?];
            let content = SecretContent::new().with(key.as_str(), value)?;
            Client::connect(&options)?
                .secrets()
                .add(&NewSecret::new(name, content))?;
            Ok(())
        }
        ("remove", [name]) => Ok(Client::connect(&options)?.secrets().remove(name)?),
        ("run", [workload, n]) => {
            let seconds = workload_times(&options, workload, n.parse()?)?;
            let line = json!({"impl": "rust", "workload": workload, "seconds": seconds});
            println!("{line}");
            Ok(())
        }
        _ => Err(format!("unknown command {command:?} or wrong arguments").into()),
    }
}

fn options(path: &str) -> Result<ConnectOptions> {
    let line: Value = serde_json::from_str(&std::fs::read_to_string(path)?)?;
    let field = |name: &str| {
        line[name]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| format!("{path} has no {name:?}"))
    };
    let ca = std::fs::read_to_string(field("ca_cert_path")?)?;
    Ok(ConnectOptions::builder()
        .endpoint(field("endpoint")?)
        .model_uuid(field("model_uuid")?)
        .user(field("user")?)
        .password(field("password")?)
        .ca_cert(ca)
        .build()?)
}

fn small_content() -> Result<SecretContent> {
    Ok(SecretContent::from_pairs([
        ("user", "bench-app"),
        ("password", "s3cr3t-bench-value"),
    ])?)
}

fn new_secrets(prefix: &str, count: usize) -> Result<Vec<NewSecret>> {
    (0..count)
        .map(|i| Ok(NewSecret::new(format!("{prefix}-{i}"), small_content()?)))
        .collect()
}

fn remove_all(client: &mut Client, uris: &[SecretUri]) -> Result<()> {
    let items: Vec<Removal> = uris.iter().map(Removal::secret).collect();
    for result in client.secrets().remove_many(&items)? {
        result?;
    }
    Ok(())
}

fn add_all(client: &mut Client, secrets: &[NewSecret]) -> Result<Vec<SecretUri>> {
    let results = client.secrets().add_many(secrets)?;
    Ok(results.into_iter().collect::<juju_secrets::Result<_>>()?)
}

/// Times `n` repetitions of `workload`; set-up and clean-up are not timed.
fn workload_times(options: &ConnectOptions, workload: &str, n: usize) -> Result<Vec<f64>> {
    let prefix = format!("rust-{}-{workload}", std::process::id());
    let mut client = Client::connect(options)?;
    let mut times = Vec::with_capacity(n);
    let mut timed = |f: &mut dyn FnMut() -> Result<()>| -> Result<()> {
        let started = Instant::now();
        f()?;
        times.push(started.elapsed().as_secs_f64());
        Ok(())
    };
    match workload {
        "connect" => {
            for _ in 0..n {
                timed(&mut || {
                    Client::connect(options)?;
                    Ok(())
                })?;
            }
        }
        "ping" => {
            for _ in 0..n {
                timed(&mut || Ok(client.ping()?))?;
            }
        }
        "add" | "big_add" => {
            let content = if workload == "add" {
                small_content()?
            } else {
                SecretContent::new().with("data", vec![b'v'; BIG_VALUE_RAW])?
            };
            for i in 0..n {
                let secret = NewSecret::new(format!("{prefix}-{i}"), content.clone());
                let mut uri = None;
                timed(&mut || {
                    uri = Some(client.secrets().add(&secret)?);
                    Ok(())
                })?;
                remove_all(&mut client, &uri.into_iter().collect::<Vec<_>>())?;
            }
        }
        "show" | "big_reveal" => {
            let (key, content) = if workload == "show" {
                ("password", small_content()?)
            } else {
                let value = vec![b'v'; BIG_VALUE_RAW];
                ("data", SecretContent::new().with("data", value)?)
            };
            let uri = client.secrets().add(&NewSecret::new(&prefix, content))?;
            for _ in 0..n {
                timed(&mut || {
                    std::hint::black_box(client.secrets().get_value(prefix.as_str(), key)?);
                    Ok(())
                })?;
            }
            remove_all(&mut client, &[uri])?;
        }
        "list1000" => {
            let uris = add_all(&mut client, &new_secrets(&prefix, 1_000)?)?;
            for _ in 0..n {
                timed(&mut || {
                    let found = client.secrets().list(&ListOptions::new().reveal())?;
                    assert_eq!(found.len(), 1_000, "other secrets in the model");
                    Ok(())
                })?;
            }
            remove_all(&mut client, &uris)?;
        }
        "create100_batch" | "create100_single" => {
            for i in 0..n {
                let batch = new_secrets(&format!("{prefix}-{i}"), 100)?;
                let mut uris = Vec::new();
                timed(&mut || {
                    if workload == "create100_batch" {
                        uris = add_all(&mut client, &batch)?;
                    } else {
                        for secret in &batch {
                            uris.push(client.secrets().add(secret)?);
                        }
                    }
                    Ok(())
                })?;
                remove_all(&mut client, &uris)?;
            }
        }
        other => return Err(format!("unknown workload {other:?}").into()),
    }
    client.close()?;
    Ok(times)
}
