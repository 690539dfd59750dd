//! `Client`: one websocket to a model, logged in, sending one call at a time.

use std::fmt;
use std::time::{Duration, Instant};

use log::{debug, trace, warn};
use serde::de::DeserializeOwned;
use serde::Serialize;
use tungstenite::Message;
use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::login::{client_versions, LoginInfo, LoginRequest, WireLoginResult, CLIENT_VERSION};
use crate::options::ConnectOptions;
use crate::rpc::{Request, Response};
use crate::transport::{self, is_timeout, Socket};

/// A logged-in connection to one Juju model.
///
/// Calls block until the controller answers or the call timeout expires; they take `&mut self`,
/// so one call is in flight at a time. Dropping the client closes the connection quietly;
/// [`Client::close`] reports errors.
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
    /// Connects to the first endpoint that answers, in the order given, and logs in; all within
    /// the connect timeout.
    ///
    /// # Errors
    /// With one endpoint, the error of that attempt; with several, [`Error::AllEndpointsFailed`]
    /// listing each endpoint's error. A login refused by the controller (such as a wrong password,
    /// [`ErrorCode::Unauthorized`](crate::ErrorCode::Unauthorized)) is returned at once as
    /// [`Error::Api`], since every node of a controller would refuse it alike.
    pub fn connect(options: &ConnectOptions) -> Result<Client> {
        let deadline = Instant::now() + options.connect_timeout;
        let path = format!("/model/{}/api", options.model_uuid);
        let mut failures = Vec::new();
        for endpoint in &options.endpoints {
            debug!("connecting to {endpoint}{path}");
            let attempt = transport::open(endpoint, &path, options, deadline)
                .and_then(|socket| Client::login(socket, options, endpoint, deadline));
            match attempt {
                Ok(client) => return Ok(client),
                Err(e @ Error::Api(_)) => return Err(e),
                Err(e) => {
                    debug!("endpoint {endpoint} failed: {e}");
                    failures.push((endpoint.clone(), e));
                }
            }
        }
        if failures.len() == 1 {
            if let Some((_, e)) = failures.pop() {
                return Err(e);
            }
        }
        Err(Error::AllEndpointsFailed(failures))
    }

    /// Connects the way the `juju` CLI does: see [`ConnectOptions::from_juju_env`].
    ///
    /// # Errors
    /// As [`ConnectOptions::from_juju_env`] and [`Client::connect`].
    pub fn connect_juju_env() -> Result<Client> {
        Client::connect(&ConnectOptions::from_juju_env()?)
    }

    fn login(
        socket: Socket,
        options: &ConnectOptions,
        endpoint: &str,
        deadline: Instant,
    ) -> Result<Client> {
        let mut client = Client {
            socket,
            options: options.clone(),
            endpoint: endpoint.to_owned(),
            next_id: 1,
            login: LoginInfo::from(WireLoginResult::default()),
            broken: None,
        };
        let password = options.password.as_ref().map_or("", |p| p.expose());
        let request = LoginRequest {
            auth_tag: format!("user-{}", options.user),
            credentials: password,
            nonce: "",
            macaroons: [],
            user_data: "",
            client_version: CLIENT_VERSION,
        };
        let result: WireLoginResult = client
            .round_trip(
                "Admin",
                3,
                "Login",
                &request,
                deadline,
                options.connect_timeout,
            )
            .map_err(|e| match e {
                Error::Timeout { .. } => Error::Timeout {
                    context: format!("logging in at {endpoint}"),
                    after: options.connect_timeout,
                },
                other => other,
            })?;
        client.login = LoginInfo::from(result);
        let expected = format!("model-{}", options.model_uuid);
        if !client.login.model_tag.is_empty() && client.login.model_tag != expected {
            return Err(Error::protocol(format!(
                "logged in to {} but asked for {expected}",
                client.login.model_tag
            )));
        }
        debug!(
            "logged in to model {} at {endpoint} as {} (Juju {})",
            options.model_uuid, options.user, client.login.server_version
        );
        Ok(client)
    }

    /// What the controller said at login: its version, addresses and facades.
    pub fn login_info(&self) -> &LoginInfo {
        &self.login
    }

    /// The settings this client connected with.
    pub fn options(&self) -> &ConnectOptions {
        &self.options
    }

    /// The endpoint (`host:port`) this client is connected to.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
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
        self.check_offered(facade, version)?;
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
        self.check_offered(facade, version)?;
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

    fn round_trip<P, R>(
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
        if let Err(e) = self.socket.send(Message::text(text.as_str())) {
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
                Some(got) if got == id => return response.into_result(&what),
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
