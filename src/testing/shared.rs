//! The state a running controller shares between its accept loop, its connection threads and
//! the [`TestController`](super::TestController) handle: settings, faults, the calls recorded,
//! open sockets, and each model's secrets.

use std::collections::{BTreeMap, HashMap};
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use native_tls::TlsAcceptor;

use super::config::Config;
use super::faults::Faults;
use super::recorded_call::RecordedCall;
use super::state::ModelSecrets;

/// State shared by the accept loop, every connection thread and the
/// [`TestController`](super::TestController) handle.
pub(crate) struct Shared {
    pub config: Config,
    pub port: u16,
    /// Built once: making an OpenSSL context per connection costs more than the handshake.
    pub tls: Option<TlsAcceptor>,
    pub stopping: AtomicBool,
    pub faults: Faults,
    /// Requests answered, and the nanoseconds spent answering them (see `handled`).
    handled: AtomicU64,
    busy_nanos: AtomicU64,
    state: Mutex<State>,
}

/// What changes while the controller runs, behind one lock.
#[derive(Default)]
pub(crate) struct State {
    pub calls: Vec<RecordedCall>,
    pub sockets: Vec<TcpStream>,
    /// User secrets by model UUID.
    pub models: HashMap<String, ModelSecrets>,
    /// Secrets "another client" adds just before a request for a method is handled.
    pub pending: Vec<PendingSecret>,
}

/// A secret to put into a model just before the next request for `method` is handled.
pub(crate) struct PendingSecret {
    pub method: String,
    pub model_uuid: String,
    pub name: String,
    pub data: BTreeMap<String, String>,
}

impl State {
    /// Adds the secrets waiting for a request for `method`.
    pub(crate) fn before(&mut self, method: &str) {
        let (now, later): (Vec<_>, Vec<_>) = std::mem::take(&mut self.pending)
            .into_iter()
            .partition(|p| p.method == method);
        self.pending = later;
        for secret in now {
            let secrets = self.models.entry(secret.model_uuid).or_default();
            let id = secrets.new_id(false);
            secrets.insert_user_secret(id, &secret.name, secret.data);
        }
    }
}

impl Shared {
    pub(crate) fn new(config: Config, port: u16, tls: Option<TlsAcceptor>, faults: Faults) -> Self {
        Shared {
            config,
            port,
            tls,
            stopping: AtomicBool::new(false),
            faults,
            handled: AtomicU64::new(0),
            busy_nanos: AtomicU64::new(0),
            state: Mutex::new(State::default()),
        }
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        // A panicking connection thread must not take the whole controller down with it.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Drops the accept loop's clone of `tcp`, so the connection ends when `tcp` is dropped.
    pub(crate) fn forget(&self, tcp: &TcpStream) {
        if let Ok(peer) = tcp.peer_addr() {
            self.lock()
                .sockets
                .retain(|s| s.peer_addr().ok() != Some(peer));
        }
    }

    /// Counts one request frame that took `busy` to answer.
    pub(crate) fn record_handling(&self, busy: Duration) {
        let nanos = u64::try_from(busy.as_nanos()).unwrap_or(u64::MAX);
        self.handled.fetch_add(1, Ordering::Relaxed);
        self.busy_nanos.fetch_add(nanos, Ordering::Relaxed);
    }

    /// Request frames answered so far, and the time spent answering them.
    pub(crate) fn handled(&self) -> (u64, Duration) {
        let busy = Duration::from_nanos(self.busy_nanos.load(Ordering::Relaxed));
        (self.handled.load(Ordering::Relaxed), busy)
    }
}
