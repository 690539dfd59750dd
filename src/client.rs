//! `Client`: one websocket to a model, logged in, sending one call at a time, and checking an
//! idle connection before using it again.

use std::fmt;
use std::net::TcpStream;
use std::time::{Duration, Instant};

use bytes::Bytes;
use log::{debug, trace, warn};
use serde::de::DeserializeOwned;
use serde::Serialize;
use tungstenite::{Message, Utf8Bytes};
use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::login::{self, client_versions, LoginInfo, WireLoginResult};
use crate::options::ConnectOptions;
use crate::rpc::{Request, Response};
use crate::transport::{self, is_timeout, Socket};

/// The longest an idle check's ping waits for its answer (Go's `api.pingTimeout`).
const PING_TIMEOUT: Duration = Duration::from_secs(30);

/// A logged-in connection to one Juju model.
///
/// Calls block until the controller answers or the call timeout expires; they take `&mut self`,
/// so one call is in flight at a time. Dropping the client closes the connection quietly;
/// [`Client::close`] reports errors.
///
/// A client may live for hours: when it has been idle longer than
/// [`ConnectOptionsBuilder::idle_ping_after`](crate::ConnectOptionsBuilder::idle_ping_after)
/// (60 seconds by default), its next call pings first and, if the connection turns out to be
/// dead, reconnects (new websocket, login, facade versions) before sending the call. No thread
/// runs in the background, and a call whose request was already sent is never sent again.
///
/// ```
/// # let controller = juju_secrets::testing::TestController::start()?;
/// # let options = controller.connect_options();
/// use juju_secrets::Client;
/// let mut client = Client::connect(&options)?;
/// client.ping()?;
/// println!("Juju {}", client.login_info().server_version);
/// client.close()?;
/// # Ok::<(), juju_secrets::Error>(())
/// ```
pub struct Client {
    socket: Socket,
    options: ConnectOptions,
    endpoint: String,
    next_id: u64,
    login: LoginInfo,
    /// Why the connection can no longer be used, once it cannot.
    broken: Option<String>,
    /// When the controller last answered: the start of the current idle time.
    last_heard: Instant,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("endpoint", &self.endpoint)
            .field("model_uuid", &self.options.model_uuid)
            .field("user", &self.options.user)
            .field("server_version", &self.login.server_version)
            .field("broken", &self.broken)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Connects to the model and logs in, within the connect timeout.
    ///
    /// - **Endpoints**: with several (the nodes of a highly available controller), all are
    ///   tried side by side, each started [`DIAL_STAGGER`](crate::DIAL_STAGGER) (100 ms) after
    ///   the one before or as soon as it failed, so a dead or silent address does not cost the
    ///   whole timeout. The first that logs in is kept and the others are closed. The dialing
    ///   threads end by the connect timeout at the latest; the client itself uses none.
    /// - **Model by name**: settings with a model name but no UUID first log in to the
    ///   controller (`/api`) and look the name up with `ModelManager.ListModels`.
    /// - **Redirects**: a model that migrated to another controller is followed there once,
    ///   trusting exactly the CA the old controller named (see
    ///   [`ConnectOptionsBuilder::follow_redirects`](crate::ConnectOptionsBuilder::follow_redirects)).
    ///
    /// # Errors
    /// - With one endpoint, the error of that attempt; with several,
    ///   [`Error::AllEndpointsFailed`] listing each endpoint's error.
    /// - A login refused by the controller (such as a wrong password,
    ///   [`ErrorCode::Unauthorized`](crate::ErrorCode::Unauthorized)) is returned at once as
    ///   [`Error::Api`], without waiting for other endpoints, since every node of a controller
    ///   would refuse it alike.
    /// - [`Error::DischargeRequired`] when the macaroons are missing or expired: run
    ///   `juju login`.
    /// - [`Error::Redirected`] when the model migrated and following redirects is off;
    ///   [`Error::RedirectedAgain`] when the new controller redirects again.
    /// - [`Error::Config`] when a model name is unknown to the controller (the message lists
    ///   the models it has).
    pub fn connect(options: &ConnectOptions) -> Result<Client> {
        crate::connect::connect(options)
    }

    /// Connects the way the `juju` CLI does: see [`ConnectOptions::from_juju_env`].
    ///
    /// # Errors
    /// As [`ConnectOptions::from_juju_env`] and [`Client::connect`].
    pub fn connect_juju_env() -> Result<Client> {
        Client::connect(&ConnectOptions::from_juju_env()?)
    }

    /// Opens one endpoint and logs in, before `deadline`: to the model of `options`, or to the
    /// controller (`/api`) when it has no model UUID. `watch` sees the TCP stream once it is
    /// connected, and returns `false` to give up (another endpoint already won).
    pub(crate) fn open(
        endpoint: &str,
        options: &ConnectOptions,
        deadline: Instant,
        watch: &dyn Fn(&TcpStream) -> bool,
    ) -> Result<Client> {
        let path = if options.model_uuid.is_empty() {
            "/api".to_owned()
        } else {
            format!("/model/{}/api", options.model_uuid)
        };
        debug!("connecting to {endpoint}{path}");
        let socket = transport::open(endpoint, &path, options, deadline, watch)?;
        let mut client = Client {
            socket,
            options: options.clone(),
            endpoint: endpoint.to_owned(),
            next_id: 1,
            login: LoginInfo::from(WireLoginResult::default()),
            broken: None,
            last_heard: Instant::now(),
        };
        client.login = login::login(&mut client, options, deadline)?;
        let target = match options.model_uuid.as_str() {
            "" => "the controller".to_owned(),
            uuid => format!("model {uuid}"),
        };
        debug!(
            "logged in to {target} at {endpoint} as {} (Juju {})",
            options.user, client.login.server_version
        );
        Ok(client)
    }

    /// What the controller said at login: its version, addresses and facades.
    pub fn login_info(&self) -> &LoginInfo {
        &self.login
    }

    /// The settings this client connected with: after a followed redirect, the new
    /// controller's endpoints and CA; after a lookup by name, the model's UUID.
    pub fn options(&self) -> &ConnectOptions {
        &self.options
    }

    /// The endpoint (`host:port`) this client is connected to.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// The controller's current API endpoints, as it reported them at login
    /// ([`LoginInfo::endpoints`]): every node of a highly available controller. Reconnecting
    /// tries them after the configured endpoints. Store them yourself if you want the next
    /// program to know them; this crate never rewrites the client store.
    pub fn controller_endpoints(&self) -> Vec<String> {
        self.login.endpoints()
    }

    /// The highest version of `facade` that both this client and the controller support, or `None`.
    pub fn facade_version(&self, facade: &str) -> Option<u32> {
        self.login.best_version(facade)
    }

    /// Like [`Client::facade_version`], but an error naming both sides' versions when there is none.
    ///
    /// # Errors
    /// [`Error::Unsupported`] when the controller offers no version this client implements.
    pub fn require_facade(&self, facade: &str) -> Result<u32> {
        self.facade_version(facade).ok_or_else(|| {
            Error::Unsupported(format!(
                "the controller offers {facade} versions {:?}, this client implements {:?}",
                self.login
                    .facades
                    .get(facade)
                    .map_or(&[][..], Vec::as_slice),
                client_versions(facade)
            ))
        })
    }

    /// Calls `facade.method` at `version` with `params` and decodes the result.
    ///
    /// Facades are built on this: the typed operations of [`SecretsApi`](crate::SecretsApi) are
    /// thin wrappers around it.
    ///
    /// # Errors
    /// - [`Error::Unsupported`], before any I/O, when the controller did not offer `facade` at
    ///   `version` at login;
    /// - [`Error::Api`] when the controller answers with an error (its message, code and info kept);
    /// - [`Error::Timeout`] when no answer comes within the call timeout (the connection stays
    ///   usable: a late answer is recognised by its request id and skipped);
    /// - [`Error::ConnectionClosed`] once the connection is unusable, and for every later call;
    /// - [`Error::Protocol`] when the answer is not a valid Juju response.
    pub fn call<P, R>(&mut self, facade: &str, version: u32, method: &str, params: &P) -> Result<R>
    where
        P: Serialize + ?Sized,
        R: DeserializeOwned,
    {
        self.ready_for(facade, version)?;
        let timeout = self.options.call_timeout;
        self.round_trip(
            facade,
            version,
            method,
            params,
            Instant::now() + timeout,
            timeout,
        )
    }

    /// Before a call: the facade must be offered, and an idle connection is checked (and
    /// replaced if dead). Nothing is sent for a call the controller does not offer.
    fn ready_for(&mut self, facade: &str, version: u32) -> Result<()> {
        self.check_offered(facade, version)?;
        if self.keep_alive()? {
            // A new login may offer other facade versions.
            self.check_offered(facade, version)?;
        }
        Ok(())
    }

    /// Pings an idle connection and reconnects when it is dead; `Ok(true)` after reconnecting.
    fn keep_alive(&mut self) -> Result<bool> {
        let Some(idle_after) = self.options.idle_ping_after else {
            return Ok(false);
        };
        let idle = self.last_heard.elapsed();
        if idle < idle_after {
            return Ok(false);
        }
        let timeout = self.options.call_timeout.min(PING_TIMEOUT);
        let deadline = Instant::now() + timeout;
        let params = serde_json::json!({});
        let ping = self
            .round_trip::<_, serde_json::Value>("Pinger", 1, "Ping", &params, deadline, timeout);
        match ping {
            // Any answer, even an error, shows the connection works.
            Ok(_) | Err(Error::Api(_)) => Ok(false),
            Err(e) => {
                debug!(
                    "connection to {} idle for {idle:?} is dead ({e}); reconnecting",
                    self.endpoint
                );
                self.reconnect()?;
                Ok(true)
            }
        }
    }

    /// Replaces the connection with a new one to the same model: the configured endpoints
    /// first, then those the controller reported at login.
    fn reconnect(&mut self) -> Result<()> {
        let fresh = crate::connect::reconnect(&self.options, &self.login.endpoints())?;
        let mut old = std::mem::replace(self, fresh);
        old.broken = Some("replaced by a new connection".into());
        Ok(())
    }

    /// Checks that the connection is alive with `Pinger.Ping`.
    ///
    /// # Errors
    /// As [`Client::call`].
    pub fn ping(&mut self) -> Result<()> {
        let _: serde_json::Value = self.call("Pinger", 1, "Ping", &serde_json::json!({}))?;
        Ok(())
    }

    /// Closes the connection with a websocket close handshake.
    ///
    /// # Errors
    /// When the close frame cannot be sent; a connection that was already closed is not an error.
    pub fn close(mut self) -> Result<()> {
        self.shutdown()
    }

    fn shutdown(&mut self) -> Result<()> {
        if self.broken.is_some() {
            return Ok(());
        }
        self.broken = Some("the client closed it".into());
        debug!("closing connection to {}", self.endpoint);
        let deadline = Instant::now() + self.options.call_timeout.min(Duration::from_secs(5));
        self.socket.get_mut().tcp_mut().set_deadline(deadline);
        match self.socket.close(None) {
            Ok(()) => {}
            Err(tungstenite::Error::ConnectionClosed | tungstenite::Error::AlreadyClosed) => {
                return Ok(())
            }
            Err(e) => return Err(e.into()),
        }
        // Wait for the controller's close frame so the connection ends cleanly.
        loop {
            match self.socket.read() {
                Ok(_) => continue,
                Err(tungstenite::Error::ConnectionClosed | tungstenite::Error::AlreadyClosed) => {
                    return Ok(())
                }
                Err(_) => return Ok(()),
            }
        }
    }

    fn check_offered(&self, facade: &str, version: u32) -> Result<()> {
        if facade == "Admin" {
            return Ok(());
        }
        match self.login.facades.get(facade) {
            Some(versions) if versions.contains(&version) => Ok(()),
            Some(versions) => Err(Error::Unsupported(format!(
                "{facade} version {version} was asked for, the controller offers versions {versions:?}"
            ))),
            None => Err(Error::Unsupported(format!(
                "the controller does not offer the {facade} facade (version {version} was asked for)"
            ))),
        }
    }

    /// Marks the connection unusable: this call gets `error`, every later call
    /// [`Error::ConnectionClosed`] without any I/O.
    fn broke(&mut self, error: Error) -> Error {
        warn!("connection to {} is unusable: {error}", self.endpoint);
        self.broken = Some(error.to_string());
        error
    }

    fn closed(&mut self, why: String) -> Error {
        self.broke(Error::ConnectionClosed(why))
    }

    /// Like [`Client::call`], for calls that change something: once the request may have reached
    /// the controller, any failure short of the controller's own answer becomes
    /// [`Error::OutcomeUnknown`], since the change may or may not have been made.
    pub(crate) fn call_write<P, R>(
        &mut self,
        facade: &str,
        version: u32,
        method: &str,
        params: &P,
    ) -> Result<R>
    where
        P: Serialize + ?Sized,
        R: DeserializeOwned,
    {
        self.ready_for(facade, version)?;
        let timeout = self.options.call_timeout;
        let deadline = Instant::now() + timeout;
        let id = self.send_request(facade, version, method, params, deadline)?;
        self.read_response(id, facade, method, deadline, timeout)
            .map_err(|e| match e {
                e @ Error::Api(_) => e,
                cause => Error::OutcomeUnknown {
                    operation: format!("{facade}.{method}"),
                    cause: Box::new(cause),
                },
            })
    }

    pub(crate) fn round_trip<P, R>(
        &mut self,
        facade: &str,
        version: u32,
        method: &str,
        params: &P,
        deadline: Instant,
        timeout: Duration,
    ) -> Result<R>
    where
        P: Serialize + ?Sized,
        R: DeserializeOwned,
    {
        let id = self.send_request(facade, version, method, params, deadline)?;
        self.read_response(id, facade, method, deadline, timeout)
    }

    /// Writes one request frame. An error here means nothing was sent; a write that fails midway
    /// marks the connection closed, which [`Client::read_response`] then reports.
    fn send_request<P: Serialize + ?Sized>(
        &mut self,
        facade: &str,
        version: u32,
        method: &str,
        params: &P,
        deadline: Instant,
    ) -> Result<u64> {
        if let Some(why) = &self.broken {
            return Err(Error::ConnectionClosed(why.clone()));
        }
        let id = self.next_id;
        self.next_id += 1;
        let request = Request {
            id,
            facade,
            version,
            request: method,
            params,
        };
        let text = Zeroizing::new(serde_json::to_string(&request).map_err(|e| {
            Error::invalid(format!("cannot encode the {facade}.{method} request: {e}"))
        })?);
        debug!("call {facade}({version}).{method} request-id {id}");
        trace!("request {id}: {} bytes", text.len());
        self.socket.get_mut().tcp_mut().set_deadline(deadline);
        // The websocket takes the text without copying it and zeroes it when done (it may hold
        // secret values): the frame it writes is masked, the text itself freed zeroed.
        let text = Utf8Bytes::try_from(Bytes::from_owner(text)).map_err(|e| {
            Error::invalid(format!("cannot encode the {facade}.{method} request: {e}"))
        })?;
        if let Err(e) = self.socket.send(Message::Text(text)) {
            // Part of the frame may have been written: the stream cannot be trusted any more.
            self.closed(format!("sending {facade}.{method} failed: {e}"));
        }
        Ok(id)
    }

    fn read_response<R: DeserializeOwned>(
        &mut self,
        id: u64,
        facade: &str,
        method: &str,
        deadline: Instant,
        timeout: Duration,
    ) -> Result<R> {
        if let Some(why) = &self.broken {
            return Err(Error::ConnectionClosed(why.clone()));
        }
        let what = format!("{facade}.{method}");
        let timed_out = || Error::Timeout {
            context: format!("waiting for the answer to {what}"),
            after: timeout,
        };
        loop {
            // Pings and stale answers must not keep a call waiting past its deadline.
            if Instant::now() >= deadline {
                return Err(timed_out());
            }
            let frame = match self.socket.read() {
                Ok(frame) => frame,
                Err(tungstenite::Error::Io(e)) if is_timeout(&e) => return Err(timed_out()),
                Err(e) => return Err(self.read_failed(&what, e)),
            };
            let text = match frame {
                Message::Text(text) => text,
                Message::Close(frame) => {
                    let reason = frame.map(|f| f.reason.to_string()).unwrap_or_default();
                    return Err(self.closed(format!(
                        "the controller closed the connection during {what} ({reason})"
                    )));
                }
                Message::Binary(_) => {
                    return Err(self.broke(Error::protocol(format!(
                        "the controller sent a binary frame during {what}"
                    ))))
                }
                _ => continue,
            };
            trace!("response: {} bytes", text.len());
            let response = match Response::parse(&text) {
                Ok(r) => r,
                Err(e) => return Err(self.broke(e)),
            };
            match response.id {
                Some(got) if got == id => {
                    self.last_heard = Instant::now();
                    return response.into_result(&what);
                }
                Some(got) if got > 0 && got < id => {
                    debug!("skipping a late answer to request {got}")
                }
                Some(got) if got > id => warn!("skipping a response to request {got}, never sent"),
                // Without a request id a frame is Juju's legacy format: not this protocol.
                _ => {
                    return Err(self.broke(Error::protocol(format!(
                        "the controller answered {what} with a frame without a request-id"
                    ))))
                }
            }
        }
    }

    fn read_failed(&mut self, what: &str, e: tungstenite::Error) -> Error {
        match e {
            tungstenite::Error::ConnectionClosed | tungstenite::Error::AlreadyClosed => {
                self.closed(format!("the connection ended during {what}"))
            }
            tungstenite::Error::Capacity(c) => self.broke(Error::MessageTooLarge {
                limit: self.options.max_message_size,
                detail: c.to_string(),
            }),
            other => self.closed(format!("reading the answer to {what} failed: {other}")),
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        if self.broken.is_none() {
            self.broken = Some("the client was dropped".into());
            self.socket
                .get_mut()
                .tcp_mut()
                .set_deadline(Instant::now() + Duration::from_millis(200));
            let _ = self.socket.close(None);
            let _ = self.socket.flush();
        }
    }
}
