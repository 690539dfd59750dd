//! The Juju API envelope (`rpc/jsoncodec`, "v1" layout: one JSON object per websocket text
//! frame) and `Conn`, one websocket with its request ids: a request out, its response back,
//! one at a time, each bounded by a deadline.

use std::fmt;
use std::time::{Duration, Instant};

use bytes::Bytes;
use log::{debug, trace, warn};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use tungstenite::{Message, Utf8Bytes};
use zeroize::Zeroize;

use crate::deadline::Deadline;
use crate::error::{ApiError, Error, Result};
use crate::sensitive;
use crate::transport::{is_timeout, Socket, MAX_FRAME_BYTES};

/// One API method: facade, version and name, and whether calling it changes something, which
/// decides what a failure after sending means (see [`Error::OutcomeUnknown`]).
///
/// ```
/// use juju_secrets::Call;
/// let ping = Call::read("Pinger", 1, "Ping");
/// assert_eq!(ping.to_string(), "Pinger(1).Ping");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Call<'a> {
    facade: &'a str,
    version: u32,
    method: &'a str,
    kind: CallKind,
}

/// Whether a call only reads or may change something.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum CallKind {
    Read,
    Write,
}

impl<'a> Call<'a> {
    /// A call that changes nothing, so that asking again is harmless.
    pub const fn read(facade: &'a str, version: u32, method: &'a str) -> Call<'a> {
        Call {
            facade,
            version,
            method,
            kind: CallKind::Read,
        }
    }

    /// A call that changes something: once its request may have reached the controller, any
    /// failure short of the controller's answer is [`Error::OutcomeUnknown`], and it is never
    /// sent twice.
    pub const fn write(facade: &'a str, version: u32, method: &'a str) -> Call<'a> {
        Call {
            facade,
            version,
            method,
            kind: CallKind::Write,
        }
    }

    /// The facade, such as `Secrets`.
    pub fn facade(&self) -> &'a str {
        self.facade
    }

    /// The facade version.
    pub fn version(&self) -> u32 {
        self.version
    }

    /// The method, such as `ListSecrets`.
    pub fn method(&self) -> &'a str {
        self.method
    }

    /// Whether the call changes something.
    pub fn is_write(&self) -> bool {
        self.kind == CallKind::Write
    }

    /// `Facade.Method`, for messages.
    pub(crate) fn operation(&self) -> String {
        format!("{}.{}", self.facade, self.method)
    }
}

impl fmt::Display for Call<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}({}).{}", self.facade, self.version, self.method)
    }
}

/// A request frame. `request-id` starts at 1: 0 would select Juju's legacy CamelCase format.
#[derive(Serialize)]
pub(crate) struct Request<'a, P: ?Sized> {
    #[serde(rename = "request-id")]
    pub id: u64,
    #[serde(rename = "type")]
    pub facade: &'a str,
    pub version: u32,
    pub request: &'a str,
    pub params: &'a P,
}

/// A response frame, borrowed from its text, with the result left undecoded until its request
/// is known.
#[derive(Deserialize)]
pub(crate) struct Response<'a> {
    #[serde(rename = "request-id", default)]
    pub id: Option<u64>,
    #[serde(borrow, default)]
    pub response: Option<&'a RawValue>,
    #[serde(default)]
    pub error: Option<String>,
    #[serde(rename = "error-code", default)]
    pub error_code: Option<String>,
    #[serde(rename = "error-info", borrow, default)]
    pub error_info: Option<&'a RawValue>,
}

impl Response<'_> {
    /// Parses a frame's text. A frame that is not an envelope is a protocol error.
    pub(crate) fn parse(text: &str) -> Result<Response<'_>> {
        serde_json::from_str(text).map_err(|e| {
            Error::protocol(format!(
                "the controller sent a frame that is not a Juju API response: {}",
                sensitive::unquoted(&e)
            ))
        })
    }

    /// The request-level error, or the decoded result.
    pub(crate) fn into_result<R: DeserializeOwned>(self, what: &str) -> Result<R> {
        if let Some(message) = self.error.filter(|m| !m.is_empty()) {
            return Err(Error::Api(ApiError {
                message,
                code: self.error_code.filter(|c| !c.is_empty()),
                info: self
                    .error_info
                    .map(|raw| raw.get().to_owned())
                    .filter(|info| info != "null"),
            }));
        }
        // Absent means empty: the server omits empty fields.
        let raw = self.response.map_or("{}", RawValue::get);
        serde_json::from_str(raw).map_err(|e| {
            Error::protocol(format!(
                "the response to {what} does not have the expected shape: {}",
                sensitive::unquoted(&e)
            ))
        })
    }
}

/// A per-item error inside bulk results: `{"message", "code", "info"}`.
#[derive(Debug, Deserialize, Serialize)]
pub(crate) struct WireError {
    #[serde(default)]
    pub message: String,
    #[serde(default)]
    pub code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub info: Option<Box<RawValue>>,
}

impl From<WireError> for ApiError {
    fn from(e: WireError) -> Self {
        ApiError {
            message: e.message,
            code: Some(e.code).filter(|c| !c.is_empty()),
            info: e
                .info
                .map(|raw| raw.get().to_owned())
                .filter(|info| info != "null"),
        }
    }
}

impl From<&ApiError> for WireError {
    fn from(e: &ApiError) -> Self {
        WireError {
            message: e.message.clone(),
            code: e.code.clone().unwrap_or_default(),
            info: e
                .info
                .as_ref()
                .and_then(|info| RawValue::from_string(info.clone()).ok()),
        }
    }
}

/// One websocket to a controller, logged in or not: request ids, and whether it can still be
/// used. Calls take `&mut self`, so one request is in flight at a time.
pub(crate) struct Conn {
    socket: Socket,
    endpoint: String,
    next_id: u64,
    /// Why the connection can no longer be used, once it cannot.
    broken: Option<String>,
    /// When the controller last answered: the start of the current idle time.
    last_heard: Instant,
    max_message_size: usize,
}

impl fmt::Debug for Conn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Conn")
            .field("endpoint", &self.endpoint)
            .field("next_id", &self.next_id)
            .field("broken", &self.broken)
            .finish_non_exhaustive()
    }
}

impl Conn {
    /// A connection over `socket`, open to `endpoint`.
    pub(crate) fn new(socket: Socket, endpoint: &str, max_message_size: usize) -> Conn {
        Conn {
            socket,
            endpoint: endpoint.to_owned(),
            next_id: 1,
            broken: None,
            last_heard: Instant::now(),
            max_message_size,
        }
    }

    /// The endpoint (`host:port`).
    pub(crate) fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// Why the connection cannot be used any more, if it cannot.
    pub(crate) fn broken(&self) -> Option<&str> {
        self.broken.as_deref()
    }

    /// How long since the controller last answered.
    pub(crate) fn idle_for(&self) -> Duration {
        self.last_heard.elapsed()
    }

    /// Sends `call` with `params` and waits for its answer until `deadline`.
    ///
    /// A write whose request may have been sent fails with [`Error::OutcomeUnknown`] for any
    /// reason but the controller's own answer; nothing is ever re-sent.
    pub(crate) fn call<P, R>(&mut self, call: Call<'_>, params: &P, deadline: Deadline) -> Result<R>
    where
        P: Serialize + ?Sized,
        R: DeserializeOwned,
    {
        let id = self.send(call, params, deadline)?;
        let answer = self.receive(id, call, deadline);
        match answer {
            Err(cause) if call.is_write() && !matches!(cause, Error::Api(_)) => {
                Err(Error::OutcomeUnknown {
                    operation: call.operation(),
                    cause: Box::new(cause),
                })
            }
            answer => answer,
        }
    }

    /// Writes one request frame. An error here means nothing was sent; a write that fails
    /// midway marks the connection closed, which [`Conn::receive`] then reports.
    fn send<P: Serialize + ?Sized>(
        &mut self,
        call: Call<'_>,
        params: &P,
        deadline: Deadline,
    ) -> Result<u64> {
        if let Some(why) = &self.broken {
            return Err(Error::ConnectionClosed(why.clone()));
        }
        let id = self.next_id;
        self.next_id = self.next_id.saturating_add(1);
        let request = Request {
            id,
            facade: call.facade,
            version: call.version,
            request: call.method,
            params,
        };
        // Sized first and zeroed when dropped: the text may hold a password or secret values.
        let text = sensitive::to_json(&request)
            .map_err(|e| Error::invalid(format!("cannot encode the {call} request: {e}")))?;
        debug!("call {call} request-id {id}");
        trace!("request {id}: {} bytes", text.len());
        self.socket.get_mut().tcp_mut().set_deadline(deadline);
        // The websocket takes the text without copying it (the frame it writes is masked) and
        // the buffer is zeroed when the websocket drops it.
        let text = Utf8Bytes::try_from(Bytes::from_owner(text))
            .map_err(|e| Error::invalid(format!("cannot encode the {call} request: {e}")))?;
        if let Err(e) = self.socket.send(Message::Text(text)) {
            // Part of the frame may have been written: the stream cannot be trusted any more.
            self.closed(format!("sending {} failed: {e}", call.operation()));
        }
        Ok(id)
    }

    /// Reads frames until the answer to request `id`, skipping late answers to earlier ones.
    fn receive<R: DeserializeOwned>(
        &mut self,
        id: u64,
        call: Call<'_>,
        deadline: Deadline,
    ) -> Result<R> {
        if let Some(why) = &self.broken {
            return Err(Error::ConnectionClosed(why.clone()));
        }
        let what = call.operation();
        let timed_out = || deadline.expired(format!("waiting for the answer to {what}"));
        loop {
            // Pings and stale answers must not keep a call waiting past its deadline.
            if deadline.passed() {
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
            let answer = self.answer(id, &what, &text);
            zero_frame(text);
            if let Some(answer) = answer {
                return answer;
            }
        }
    }

    /// The answer in one frame when it is the one to request `id`; `None` to read on.
    fn answer<R: DeserializeOwned>(
        &mut self,
        id: u64,
        what: &str,
        text: &str,
    ) -> Option<Result<R>> {
        let response = match Response::parse(text) {
            Ok(r) => r,
            Err(e) => return Some(Err(self.broke(e))),
        };
        match response.id {
            Some(got) if got == id => {
                self.last_heard = Instant::now();
                Some(response.into_result(what))
            }
            Some(got) if got > 0 && got < id => {
                debug!("skipping a late answer to request {got}");
                None
            }
            Some(got) if got > id => {
                warn!("skipping a response to request {got}, never sent");
                None
            }
            // Without a request id a frame is Juju's legacy format: not this protocol.
            _ => Some(Err(self.broke(Error::protocol(format!(
                "the controller answered {what} with a frame without a request-id"
            ))))),
        }
    }

    fn read_failed(&mut self, what: &str, e: tungstenite::Error) -> Error {
        match e {
            tungstenite::Error::ConnectionClosed | tungstenite::Error::AlreadyClosed => {
                self.closed(format!("the connection ended during {what}"))
            }
            tungstenite::Error::Capacity(tungstenite::error::CapacityError::MessageTooLong {
                size,
                max_size,
            }) if max_size == MAX_FRAME_BYTES && max_size < self.max_message_size => {
                self.broke(Error::protocol(format!(
                    "the controller sent a websocket frame of {size} bytes during {what}, more \
                     than the {max_size} this client accepts in one frame (Juju sends messages \
                     as frames of a few kilobytes)"
                )))
            }
            tungstenite::Error::Capacity(c) => self.broke(Error::MessageTooLarge {
                limit: self.max_message_size,
                detail: c.to_string(),
            }),
            other => self.closed(format!("reading the answer to {what} failed: {other}")),
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

    /// Marks the connection as no longer in use (replaced by another, say), without I/O.
    pub(crate) fn retire(&mut self, why: &str) {
        self.broken.get_or_insert_with(|| why.to_owned());
    }

    /// Closes with a websocket close handshake, waiting for the controller's close frame until
    /// `deadline`. A connection that was already closed is not an error.
    pub(crate) fn close(&mut self, deadline: Deadline) -> Result<()> {
        if self.broken.is_some() {
            return Ok(());
        }
        self.broken = Some("the client closed it".into());
        debug!("closing connection to {}", self.endpoint);
        self.socket.get_mut().tcp_mut().set_deadline(deadline);
        match self.socket.close(None) {
            Ok(()) => {}
            Err(tungstenite::Error::ConnectionClosed | tungstenite::Error::AlreadyClosed) => {
                return Ok(())
            }
            Err(e) => return Err(e.into()),
        }
        // Wait for the controller's close frame so the connection ends cleanly.
        while self.socket.read().is_ok() {}
        Ok(())
    }
}

impl Drop for Conn {
    fn drop(&mut self) {
        if self.broken.is_none() {
            self.broken = Some("dropped".into());
            let soon = Deadline::after(Duration::from_millis(200));
            self.socket.get_mut().tcp_mut().set_deadline(soon);
            let _ = self.socket.close(None);
            let _ = self.socket.flush();
        }
    }
}

/// Zeroes a received frame's text once it is decoded (it may hold revealed values), when this
/// crate holds the only reference to its buffer. A single-frame message shares its buffer with
/// tungstenite's read buffer, which tungstenite reuses and frees itself.
fn zero_frame(text: Utf8Bytes) {
    match Bytes::from(text).try_into_mut() {
        Ok(mut bytes) => bytes[..].zeroize(),
        Err(_) => trace!("the frame's buffer is tungstenite's: left to it"),
    }
}

#[cfg(test)]
mod tests;
