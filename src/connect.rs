//! Connecting to real deployments, all within one deadline: a model found by name, every
//! endpoint of a highly available controller tried side by side, and a migrated model's redirect
//! followed once. The result is a logged-in `Conn` and what the controller said.
//!
//! Juju's own clients dial all endpoints with a small stagger and keep the first that works:
//! python-libjuju starts endpoint `i` after `i * 100 ms` (`juju/client/connection.py`,
//! `Connection._connect`), the Go client one every `DialAddressInterval` (50 ms by default,
//! `api.DefaultDialOpts`). Here each attempt is a short-lived thread doing TCP, TLS, websocket
//! and login before the deadline; the next starts [`DIAL_STAGGER`] later, or at once when one
//! fails. The calling thread only waits for answers, so no thread outlives the deadline by more
//! than the time its last blocking step needs to notice it.

use std::collections::BTreeMap;
use std::net::{Shutdown, TcpStream};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use log::debug;
use serde::Deserialize;

use crate::bounded::Items;
use crate::deadline::Deadline;
use crate::error::{ApiError, Error, ErrorKind, Result};
use crate::login::{self, LoginInfo, Target};
use crate::models;
use crate::names::{describe_controller, unique_endpoints, HostPort};
use crate::options::{check_ca_pem, ConnectOptions};
use crate::redirect::Redirect;
use crate::rpc::Conn;
use crate::transport::{self, Watch};

/// How long after one endpoint the next is tried, unless the first failed sooner: the stagger
/// python-libjuju uses. It prefers the endpoints in the order given, yet a dead or black-holed
/// address costs only this much.
pub const DIAL_STAGGER: Duration = Duration::from_millis(100);

/// How long after the deadline to wait for the attempts' own timeout errors.
const LATE_GRACE: Duration = Duration::from_millis(500);

/// A logged-in connection to a model, and the settings that reached it (after a lookup by name
/// they hold the model's UUID; after a redirect, the new controller's endpoints and CA).
#[derive(Debug)]
pub(crate) struct Session {
    pub conn: Conn,
    pub login: LoginInfo,
    pub options: ConnectOptions,
}

/// Connects as [`Client::connect`](crate::Client::connect) describes, within the connect
/// timeout as a whole.
pub(crate) fn connect(options: &ConnectOptions) -> Result<Session> {
    let deadline = Deadline::after(options.connect_timeout);
    let mut options = options.clone();
    if options.model_uuid.is_none() {
        options.model_uuid = Some(find_model(&options, deadline)?);
    }
    follow(options, deadline)
}

/// A new connection for a client whose connection died: its endpoints, then `reported` (the
/// controller's addresses from the last login), before `deadline`.
pub(crate) fn reconnect(
    options: &ConnectOptions,
    reported: &[String],
    deadline: Deadline,
) -> Result<Session> {
    let mut options = options.clone();
    options.endpoints = unique_endpoints(options.endpoints.iter().chain(reported).cloned());
    follow(options, deadline)
}

/// Connects to the model of `options`, following one redirect when allowed.
fn follow(options: ConnectOptions, deadline: Deadline) -> Result<Session> {
    let uuid = options.model_uuid.clone().unwrap_or_default();
    let target = Target::Model(uuid.clone());
    let first = match dial(&options, &target, deadline) {
        Ok((conn, login)) => {
            return Ok(Session {
                conn,
                login,
                options,
            })
        }
        Err(Error::Api(e)) => match redirect_in(&e, &options) {
            Some(redirect) => redirect,
            None => return Err(Error::Api(e)),
        },
        Err(e) => return Err(e),
    };
    if !options.follow_redirects {
        return Err(Error::Redirected(Box::new(first)));
    }
    debug!(
        "model {uuid} has migrated: following the redirect from {} to {} at {}",
        first.from,
        first.target(),
        first.endpoints().join(", ")
    );
    let next = redirected(&first, &options)?;
    match dial(&next, &target, deadline) {
        Ok((conn, login)) => Ok(Session {
            conn,
            login,
            options: next,
        }),
        Err(Error::Api(e)) => match redirect_in(&e, &next) {
            Some(second) => Err(Error::RedirectedAgain {
                is_loop: leads_back(&second, &options),
                first: Box::new(first),
                second: Box::new(second),
            }),
            None => Err(Error::Api(e)),
        },
        Err(e) => Err(e),
    }
}

/// `RedirectErrorInfo`, the `error-info` of a `redirection required` login error.
#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
struct WireRedirectInfo {
    #[serde(default)]
    servers: Items<Items<HostPort>>,
    #[serde(default)]
    ca_cert: String,
    #[serde(default)]
    controller_tag: String,
    #[serde(default)]
    controller_alias: String,
}

/// The redirect a login error describes, or `None` when it is not a redirect with
/// `error-info` (old or JAAS-style redirects without it are left as API errors).
fn redirect_in(e: &ApiError, options: &ConnectOptions) -> Option<Redirect> {
    if e.kind() != Some(ErrorKind::RedirectionRequired) {
        return None;
    }
    let info: WireRedirectInfo = serde_json::from_str(e.info.as_deref()?).ok()?;
    Some(Redirect {
        model_uuid: options.model_uuid.clone().unwrap_or_default(),
        from: describe_controller(options.controller_name.as_deref(), &options.endpoints),
        servers: info
            .servers
            .into_vec()
            .into_iter()
            .map(Items::into_vec)
            .collect(),
        ca_cert: info.ca_cert,
        controller_tag: info.controller_tag,
        controller_alias: Some(info.controller_alias).filter(|a| !a.is_empty()),
    })
}

/// Settings for a redirect's new controller: its endpoints, trusting exactly the CA it named
/// (verified as `juju-apiserver`, the name every controller certificate carries); model,
/// credentials and timeouts kept.
fn redirected(redirect: &Redirect, options: &ConnectOptions) -> Result<ConnectOptions> {
    let mut next = options.clone();
    next.endpoints = redirect.endpoints();
    if !redirect.ca_cert.trim().is_empty() {
        check_ca_pem(&redirect.ca_cert).map_err(|_| {
            Error::protocol(format!(
                "{} redirected to {} with a CA certificate that is not valid PEM",
                redirect.from,
                redirect.target()
            ))
        })?;
        next.ca_cert = Some(redirect.ca_cert.clone());
        next.public_hostname = None;
    }
    next.controller_name = redirect
        .controller_alias
        .clone()
        .or_else(|| Some(redirect.controller_tag.clone()))
        .filter(|n| !n.is_empty());
    Ok(next)
}

/// Whether `redirect` points back to the controller `options` reach: the same CA, or an
/// endpoint in common.
fn leads_back(redirect: &Redirect, options: &ConnectOptions) -> bool {
    let same_ca = options
        .ca_cert
        .as_deref()
        .is_some_and(|ca| !ca.trim().is_empty() && ca.trim() == redirect.ca_cert.trim());
    same_ca
        || redirect
            .endpoints()
            .iter()
            .any(|e| options.endpoints.contains(e))
}

/// Logs in to `target` on the first endpoint of `options` that answers.
fn dial(
    options: &ConnectOptions,
    target: &Target,
    deadline: Deadline,
) -> Result<(Conn, LoginInfo)> {
    let endpoints = unique_endpoints(options.endpoints.iter().cloned());
    match endpoints.as_slice() {
        [] => Err(Error::AllEndpointsFailed(Vec::new())),
        [only] => open(only, options, target, deadline, &|_| true),
        _ => {
            let (race, answers) = Race::new(endpoints, options, target, deadline);
            race.run(&answers)
        }
    }
}

/// Opens one endpoint and logs in to `target` there.
fn open(
    endpoint: &str,
    options: &ConnectOptions,
    target: &Target,
    deadline: Deadline,
    watch: Watch<'_>,
) -> Result<(Conn, LoginInfo)> {
    let path = target.path();
    debug!("connecting to {endpoint}{path}");
    let socket = transport::open(endpoint, &path, options, deadline, watch)?;
    let mut conn = Conn::new(socket, endpoint, options.max_message_size);
    let login = login::login(&mut conn, options, target, deadline)?;
    debug!(
        "logged in at {endpoint}{path} as {} (Juju {})",
        options.user, login.server_version
    );
    Ok((conn, login))
}

/// Whether an attempt's error ends the whole race: the controller itself refused (a wrong
/// password, a redirect, a discharge to get): every node would answer the same.
fn is_final(e: &Error) -> bool {
    matches!(
        e,
        Error::Api(_) | Error::DischargeRequired { .. } | Error::SessionTokenRefused { .. }
    )
}

/// The TCP streams of running attempts, so the winner can close the losers' at once.
#[derive(Default)]
struct Streams {
    over: bool,
    open: Vec<(usize, TcpStream)>,
}

type Outcome = (usize, Result<(Conn, LoginInfo)>);

/// Several endpoints tried side by side.
struct Race {
    endpoints: Vec<String>,
    options: Arc<ConnectOptions>,
    target: Target,
    deadline: Deadline,
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
        target: &Target,
        deadline: Deadline,
    ) -> (Race, Receiver<Outcome>) {
        let (results, answers) = mpsc::channel();
        let race = Race {
            endpoints,
            options: Arc::new(options.clone()),
            target: target.clone(),
            deadline,
            streams: Arc::default(),
            results,
            failures: BTreeMap::new(),
            running: 0,
            started: 0,
        };
        (race, answers)
    }

    fn run(mut self, answers: &Receiver<Outcome>) -> Result<(Conn, LoginInfo)> {
        let mut next_start = Instant::now();
        let outcome = loop {
            let now = Instant::now();
            let more = self.started < self.endpoints.len() && !self.deadline.passed();
            if more && now >= next_start {
                self.start();
                next_start = now + DIAL_STAGGER;
                continue;
            }
            if self.running == 0 && !more {
                break None;
            }
            let wait = if more {
                next_start.saturating_duration_since(now)
            } else {
                self.deadline
                    .left()
                    .map_or(Duration::MAX, |left| left + LATE_GRACE)
            };
            match answers.recv_timeout(wait) {
                Ok((i, Ok(session))) => break Some((i, Ok(session))),
                Ok((i, Err(e))) if is_final(&e) => break Some((i, Err(e))),
                Ok((i, Err(e))) => {
                    debug!("endpoint {} failed: {e}", self.name(i));
                    self.running -= 1;
                    self.failures.insert(i, e);
                    next_start = now;
                }
                Err(RecvTimeoutError::Timeout) if more => {}
                // Attempts still running past the grace (a slow handshake, say) are given up.
                Err(_) => break None,
            }
        };
        let winner = outcome.as_ref().map(|(i, _)| *i);
        self.close_losers(winner);
        match outcome {
            Some((i, Ok(session))) => {
                debug!("connected through {}", self.name(i));
                Ok(session)
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
        let (target, deadline) = (self.target.clone(), self.deadline);
        let spawned = thread::Builder::new()
            .name("juju-secrets-dial".into())
            .spawn(move || {
                let watch = |tcp: &TcpStream| register(&streams, i, tcp);
                let result = open(&endpoint, &options, &target, deadline, &watch);
                // Once the race is over nobody listens: a late connection is dropped (closed).
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
        let deadline = self.deadline;
        let attempts = self
            .endpoints
            .iter()
            .enumerate()
            .map(|(i, endpoint)| {
                let error = self
                    .failures
                    .remove(&i)
                    .unwrap_or_else(|| deadline.expired(format!("connecting to {endpoint}")));
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

/// The UUID of the model named in `options`: a controller login, `ModelManager.ListModels`
/// and the close of that connection, all before `deadline`.
fn find_model(options: &ConnectOptions, deadline: Deadline) -> Result<String> {
    let Some(name) = options.model_name.as_deref() else {
        return Err(Error::config("a model UUID or name is required"));
    };
    debug!("looking up model {name:?} on the controller");
    let (mut conn, login) = dial(options, &Target::Controller, deadline)?;
    let found = models::find(&mut conn, &login, options, name, deadline);
    // The answer is in: a failure to close cleanly changes nothing.
    let _ = conn.close(deadline);
    found
}

#[cfg(test)]
mod tests;
