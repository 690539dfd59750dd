//! Connecting to real deployments: every endpoint of a highly available controller tried side
//! by side, a migrated model's redirect followed once, and a model found by name.
//!
//! Juju's own clients dial all endpoints with a small stagger and keep the first that works:
//! python-libjuju starts endpoint `i` after `i * 100 ms` (`juju/client/connection.py`,
//! `Connection._connect`), the Go client one every `DialAddressInterval` (50 ms by default,
//! `api.DefaultDialOpts`). Here each attempt is a short-lived thread doing TCP, TLS, websocket
//! and login before the connect deadline; the next starts [`DIAL_STAGGER`] later, or at once
//! when one fails. The calling thread only waits for answers, so no thread outlives the
//! connect deadline by more than the time its last blocking step needs to notice it.

use std::collections::BTreeMap;
use std::net::{Shutdown, TcpStream};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use log::debug;
use serde::Deserialize;

use crate::client::Client;
use crate::error::{Error, Result};
use crate::options::ConnectOptions;
use crate::redirect::Redirect;

/// How long after one endpoint the next is tried, unless the first failed sooner: the stagger
/// python-libjuju uses. It prefers the endpoints in the order given, yet a dead or black-holed
/// address costs only this much.
pub const DIAL_STAGGER: Duration = Duration::from_millis(100);

/// How long after the deadline to wait for the attempts' own timeout errors.
const LATE_GRACE: Duration = Duration::from_millis(500);

/// [`Client::connect`]: the model by name if need be, then its controller, following a redirect.
pub(crate) fn connect(options: &ConnectOptions) -> Result<Client> {
    let mut options = options.clone();
    if options.model_uuid.is_empty() {
        options.model_uuid = find_model(&options)?;
    }
    follow(options)
}

/// A new connection for a client whose connection died: its endpoints, then `reported` (the
/// controller's addresses from the last login).
pub(crate) fn reconnect(options: &ConnectOptions, reported: &[String]) -> Result<Client> {
    let mut options = options.clone();
    for endpoint in reported {
        if !options.endpoints.contains(endpoint) {
            options.endpoints.push(endpoint.clone());
        }
    }
    follow(options)
}

/// Connects, following one redirect when allowed.
fn follow(options: ConnectOptions) -> Result<Client> {
    let first = match dial(&options) {
        Err(Error::Api(e)) => match Redirect::from_login_error(&e, &options) {
            Some(redirect) => redirect,
            None => return Err(Error::Api(e)),
        },
        other => return other,
    };
    if !options.follow_redirects {
        return Err(Error::Redirected(Box::new(first)));
    }
    debug!(
        "model {} has migrated: following the redirect from {} to {} at {}",
        options.model_uuid,
        first.from,
        first.target(),
        first.endpoints().join(", ")
    );
    let next = first.follow(&options);
    match dial(&next) {
        Err(Error::Api(e)) => match Redirect::from_login_error(&e, &next) {
            Some(second) => Err(Error::RedirectedAgain {
                is_loop: second.leads_back_to(&options),
                first: Box::new(first),
                second: Box::new(second),
            }),
            None => Err(Error::Api(e)),
        },
        other => other,
    }
}

/// Connects to the first endpoint of `options` that logs in.
fn dial(options: &ConnectOptions) -> Result<Client> {
    let deadline = Instant::now() + options.connect_timeout;
    let mut endpoints: Vec<String> = Vec::new();
    for endpoint in &options.endpoints {
        if !endpoints.contains(endpoint) {
            endpoints.push(endpoint.clone());
        }
    }
    match endpoints.as_slice() {
        [] => Err(Error::AllEndpointsFailed(Vec::new())),
        [only] => Client::open(only, options, deadline, &|_| true),
        _ => {
            let (race, answers) = Race::new(endpoints, options, deadline);
            race.run(&answers)
        }
    }
}

/// Whether an attempt's error ends the whole race: the controller itself refused (a wrong
/// password, a redirect, a discharge to get): every node would answer the same.
fn is_final(e: &Error) -> bool {
    matches!(e, Error::Api(_) | Error::DischargeRequired { .. })
}

/// The TCP streams of running attempts, so the winner can close the losers' at once.
#[derive(Default)]
struct Streams {
    over: bool,
    open: Vec<(usize, TcpStream)>,
}

type Outcome = (usize, Result<Client>);

/// Several endpoints tried side by side.
struct Race {
    endpoints: Vec<String>,
    options: Arc<ConnectOptions>,
    deadline: Instant,
    streams: Arc<Mutex<Streams>>,
    results: Sender<Outcome>,
    failures: BTreeMap<usize, Error>,
    running: usize,
    started: usize,
}

impl Race {
    /// A race, and where its attempts' outcomes arrive.
    fn new(
        endpoints: Vec<String>,
        options: &ConnectOptions,
        deadline: Instant,
    ) -> (Race, Receiver<Outcome>) {
        let (results, answers) = mpsc::channel();
        let race = Race {
            endpoints,
            options: Arc::new(options.clone()),
            deadline,
            streams: Arc::default(),
            results,
            failures: BTreeMap::new(),
            running: 0,
            started: 0,
        };
        (race, answers)
    }

    fn run(mut self, answers: &Receiver<Outcome>) -> Result<Client> {
        let mut next_start = Instant::now();
        let outcome = loop {
            let now = Instant::now();
            let more = self.started < self.endpoints.len() && now < self.deadline;
            if more && now >= next_start {
                self.start();
                next_start = now + DIAL_STAGGER;
                continue;
            }
            if self.running == 0 && !more {
                break None;
            }
            let wake = if more {
                next_start
            } else {
                self.deadline + LATE_GRACE
            };
            match answers.recv_timeout(wake.saturating_duration_since(now)) {
                Ok((i, Ok(client))) => break Some((i, Ok(client))),
                Ok((i, Err(e))) if is_final(&e) => break Some((i, Err(e))),
                Ok((i, Err(e))) => {
                    debug!("endpoint {} failed: {e}", self.name(i));
                    self.running -= 1;
                    self.failures.insert(i, e);
                    next_start = now;
                }
                Err(RecvTimeoutError::Timeout) if more => {}
                // Attempts still running past the grace (a slow DNS lookup, say) are given up.
                Err(_) => break None,
            }
        };
        let winner = outcome.as_ref().map(|(i, _)| *i);
        self.close_losers(winner);
        match outcome {
            Some((i, Ok(client))) => {
                debug!("connected through {}", self.name(i));
                Ok(client)
            }
            Some((_, Err(e))) => Err(e),
            None => Err(self.all_failed()),
        }
    }

    /// The endpoint of attempt `i`.
    fn name(&self, i: usize) -> &str {
        self.endpoints.get(i).map_or("?", String::as_str)
    }

    /// Starts the next endpoint's attempt on its own thread.
    fn start(&mut self) {
        let i = self.started;
        self.started += 1;
        let Some(endpoint) = self.endpoints.get(i).cloned() else {
            return;
        };
        debug!(
            "trying endpoint {endpoint} ({} of {})",
            i + 1,
            self.endpoints.len()
        );
        let (options, streams, results) = (
            Arc::clone(&self.options),
            Arc::clone(&self.streams),
            self.results.clone(),
        );
        let deadline = self.deadline;
        let spawned = thread::Builder::new()
            .name("juju-secrets-dial".into())
            .spawn(move || {
                let watch = |tcp: &TcpStream| register(&streams, i, tcp);
                let result = Client::open(&endpoint, &options, deadline, &watch);
                // Once the race is over nobody listens: a late client is dropped (closed) here.
                let _ = results.send((i, result));
            });
        match spawned {
            Ok(_) => self.running += 1,
            Err(e) => {
                self.failures
                    .insert(i, Error::io("starting a thread to connect", e));
            }
        }
    }

    /// Ends the race: shuts down every attempt's stream but the winner's.
    fn close_losers(&self, winner: Option<usize>) {
        let mut streams = self.streams.lock().unwrap_or_else(|e| e.into_inner());
        streams.over = true;
        for (i, tcp) in streams.open.drain(..) {
            if Some(i) != winner {
                let _ = tcp.shutdown(Shutdown::Both);
            }
        }
    }

    /// Every endpoint with its error, in the order given; those that never answered (or were
    /// never started) timed out.
    fn all_failed(mut self) -> Error {
        let timeout = self.options.connect_timeout;
        let attempts = self
            .endpoints
            .iter()
            .enumerate()
            .map(|(i, endpoint)| {
                let error = self.failures.remove(&i).unwrap_or_else(|| Error::Timeout {
                    context: format!("connecting to {endpoint}"),
                    after: timeout,
                });
                (endpoint.clone(), error)
            })
            .collect();
        Error::AllEndpointsFailed(attempts)
    }
}

/// Records an attempt's stream; `false` when the race is already over.
fn register(streams: &Mutex<Streams>, i: usize, tcp: &TcpStream) -> bool {
    let mut streams = streams.lock().unwrap_or_else(|e| e.into_inner());
    if streams.over {
        return false;
    }
    if let Ok(clone) = tcp.try_clone() {
        streams.open.push((i, clone));
    }
    true
}

/// `params.UserModelList`, the answer of `ModelManager.ListModels`.
#[derive(Deserialize, Default)]
#[serde(rename_all = "kebab-case", default)]
struct UserModelList {
    user_models: Vec<UserModel>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct UserModel {
    model: WireModel,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "kebab-case", default)]
struct WireModel {
    name: String,
    uuid: String,
    owner_tag: String,
}

/// The UUID of the model named in `options`, from the controller's list of the user's models.
fn find_model(options: &ConnectOptions) -> Result<String> {
    let name = options.model_name.as_deref().unwrap_or("");
    if name.is_empty() {
        return Err(Error::Config("a model UUID or name is required".into()));
    }
    let wanted = crate::store::qualify(name, &options.user);
    let mut on_controller = options.clone();
    on_controller.model_uuid.clear();
    debug!("looking up model {wanted:?} on the controller");
    let mut client = follow(on_controller)?;
    let version = client.require_facade("ModelManager")?;
    let user = serde_json::json!({"tag": format!("user-{}", options.user)});
    let list: UserModelList = client.call("ModelManager", version, "ListModels", &user)?;
    let _ = client.close();
    let mut known = Vec::new();
    for user_model in list.user_models {
        let WireModel {
            name,
            uuid,
            owner_tag,
        } = user_model.model;
        let owner = owner_tag.strip_prefix("user-").unwrap_or(&owner_tag);
        let qualified = crate::store::qualify(&format!("{owner}/{name}"), &options.user);
        if qualified == wanted && !uuid.is_empty() {
            debug!("model {wanted:?} is {uuid}");
            return Ok(uuid);
        }
        known.push(qualified);
    }
    known.sort();
    let controller = match &options.controller_name {
        Some(name) => format!("controller {name:?}"),
        None => format!("the controller at {}", options.endpoints.join(", ")),
    };
    let known = if known.is_empty() {
        "none".to_owned()
    } else {
        known.join(", ")
    };
    Err(Error::Config(format!(
        "unknown model {wanted:?} on {controller} (models user {:?} can see: {known})",
        options.user
    )))
}
