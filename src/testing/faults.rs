//! Faults the test controller can inject: broken connections, bad frames, slow answers and bad
//! certificates, one at a time, so tests can check what a client does about each.
//!
//! Requests are numbered per connection from 1, the login being request 1. A fault that
//! replaces an answer still carries the request out (a create still creates) and records the call
//! with its real answer: only what is sent back differs.

use std::fmt;
use std::io::Read;
use std::net::{Shutdown, TcpStream};
use std::str::FromStr;
use std::sync::Mutex;
use std::time::Duration;

use bytes::Bytes;
use native_tls::Identity;
use serde_json::{json, Value};
use tungstenite::protocol::frame::coding::{CloseCode, Data, OpCode};
use tungstenite::protocol::frame::Frame;
use tungstenite::protocol::CloseFrame;
use tungstenite::{Message, WebSocket};
use zeroize::Zeroizing;

use super::certs::{self, CertSpec, ServerTls};
use crate::error::{Error, Result};
use crate::transport::Stream;

/// The id of a request frame.
#[derive(serde::Deserialize)]
struct RequestId {
    #[serde(rename = "request-id")]
    id: Option<u64>,
}

/// How long a slow answer waits by default for the next request before it is sent anyway.
const SLOW_DEFAULT: Duration = Duration::from_secs(30);
/// The default size of an oversized frame: just over the client's default maximum (64 MiB).
const OVERSIZED_DEFAULT: usize = (64 << 20) + 1;
/// What "no deadline" means once a socket had one.
const FOREVER: Duration = Duration::from_secs(10 * 365 * 24 * 3600);

/// One fault, chosen with [`TestControllerBuilder::fault`](super::TestControllerBuilder::fault)
/// or [`TestController::set_fault`](super::TestController::set_fault), or with
/// `--fault <SPEC>` on the `test-controller` example. `SPEC` is what [`Fault::from_str`] reads
/// and `Display` prints, given after each variant below.
///
/// `n` counts the requests of each connection from 1 (the login is request 1); each connection
/// keeps the fault that was set when it was accepted.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// Right after sending the `n`th response of a connection, shuts its TCP connection down
    /// without a websocket close frame. `close-after=N`
    CloseAfterResponses(u32),
    /// Carries out request `n`, then sends a websocket close frame (code 1011) instead of its
    /// answer and ends the connection. `close-frame=N`
    CloseFrame(u32),
    /// Reads the first bytes of the client's TLS hello, then resets the TCP connection.
    /// `reset-tls`
    ResetTlsHandshake,
    /// Accepts TCP connections and never sends a byte: no TLS (nor websocket) handshake. Holds
    /// them until the client hangs up. `silent`
    Silent,
    /// Carries out request `request` and holds its answer until the next request arrives (then
    /// sends the late answer just before the next one's) or until `delay` has passed, whichever
    /// comes first. `slow=N` (30 s) or `slow=N:MILLIS`
    Slow {
        /// The request whose answer is late.
        request: u32,
        /// The longest the answer is held.
        delay: Duration,
    },
    /// Answers request `n` with a text frame that is not JSON. `non-json=N`
    NonJson(u32),
    /// Answers request `n` with a binary frame holding its answer. `binary=N`
    Binary(u32),
    /// Answers request `n` with valid JSON without a `request-id`. `no-request-id=N`
    NoRequestId(u32),
    /// Sends the answer to request `n` under the next request's id (one more than its own), so
    /// its own answer never comes. `wrong-request-id=N`
    WrongRequestId(u32),
    /// Answers request `n` with `"response": "wrong shape"` (a string where every method answers
    /// an object). `wrong-shape=N`
    WrongShape(u32),
    /// Before the answer to request `n`, sends a response to a request id that was never sent.
    /// `unsent-response=N`
    UnsentResponse(u32),
    /// Answers request `request` with a valid response frame of `bytes` bytes: set it above the
    /// client's maximum message size. `oversized=N` (64 MiB + 1 byte) or `oversized=N:BYTES`
    Oversized {
        /// The request whose answer is oversized.
        request: u32,
        /// The frame's size in bytes.
        bytes: usize,
    },
    /// Answers request `n` with a valid response of 1 MiB + 1 byte in a single websocket frame,
    /// where Juju sends frames of a few kilobytes: more than a client accepts in one frame, well
    /// under its maximum message size. `big-frame=N`
    BigFrame(u32),
    /// Serves a certificate signed by another CA than the one clients are given. `foreign-ca`
    ForeignCa,
    /// Serves a certificate valid only for the name `wrong-server-name.example`. `wrong-name`
    WrongServerName,
    /// Serves a certificate that expired in 2002. `expired-cert`
    ExpiredCertificate,
}

impl Fault {
    /// The certificate this fault serves instead of the controller's, if it is a certificate
    /// fault.
    fn cert_spec(&self) -> Option<CertSpec> {
        let mut spec = CertSpec::default();
        match self {
            Fault::ForeignCa => spec.foreign_ca = true,
            Fault::WrongServerName => spec.names = vec!["wrong-server-name.example".into()],
            Fault::ExpiredCertificate => spec.expired = true,
            _ => return None,
        }
        Some(spec)
    }
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Fault::CloseAfterResponses(n) => write!(f, "close-after={n}"),
            Fault::CloseFrame(n) => write!(f, "close-frame={n}"),
            Fault::ResetTlsHandshake => f.write_str("reset-tls"),
            Fault::Silent => f.write_str("silent"),
            Fault::Slow { request, delay } => write!(f, "slow={request}:{}", delay.as_millis()),
            Fault::NonJson(n) => write!(f, "non-json={n}"),
            Fault::Binary(n) => write!(f, "binary={n}"),
            Fault::NoRequestId(n) => write!(f, "no-request-id={n}"),
            Fault::WrongRequestId(n) => write!(f, "wrong-request-id={n}"),
            Fault::WrongShape(n) => write!(f, "wrong-shape={n}"),
            Fault::UnsentResponse(n) => write!(f, "unsent-response={n}"),
            Fault::Oversized { request, bytes } => write!(f, "oversized={request}:{bytes}"),
            Fault::BigFrame(n) => write!(f, "big-frame={n}"),
            Fault::ForeignCa => f.write_str("foreign-ca"),
            Fault::WrongServerName => f.write_str("wrong-name"),
            Fault::ExpiredCertificate => f.write_str("expired-cert"),
        }
    }
}

impl FromStr for Fault {
    type Err = Error;

    /// Reads the `SPEC` given for each variant, such as `close-after=3` or `slow=2:5000`.
    fn from_str(spec: &str) -> Result<Fault> {
        let bad = |why: &str| Error::invalid(format!("fault {spec:?}: {why}"));
        let (name, arg) = match spec.split_once('=') {
            Some((name, arg)) => (name, Some(arg)),
            None => (spec, None),
        };
        let (first, second) = match arg.map(|a| a.split_once(':')) {
            Some(Some((n, extra))) => (Some(n), Some(extra)),
            Some(None) => (arg, None),
            None => (None, None),
        };
        let request = || -> Result<u32> {
            let n = first.ok_or_else(|| bad("give the request number: NAME=N"))?;
            match n.parse() {
                Ok(n) if n > 0 => Ok(n),
                _ => Err(bad("the request number must be a whole number from 1")),
            }
        };
        let number = |default: u64| -> Result<u64> {
            second.map_or(Ok(default), |s| {
                s.parse()
                    .map_err(|_| bad("the value after ':' must be a whole number"))
            })
        };
        let no_arg = |fault: Fault| match arg {
            None => Ok(fault),
            Some(_) => Err(bad("this fault takes no value")),
        };
        let one_arg = |make: fn(u32) -> Fault| match second {
            None => Ok(make(request()?)),
            Some(_) => Err(bad("this fault takes only a request number")),
        };
        match name {
            "close-after" => one_arg(Fault::CloseAfterResponses),
            "close-frame" => one_arg(Fault::CloseFrame),
            "reset-tls" => no_arg(Fault::ResetTlsHandshake),
            "silent" => no_arg(Fault::Silent),
            "slow" => Ok(Fault::Slow {
                request: request()?,
                delay: Duration::from_millis(number(SLOW_DEFAULT.as_millis() as u64)?),
            }),
            "non-json" => one_arg(Fault::NonJson),
            "binary" => one_arg(Fault::Binary),
            "no-request-id" => one_arg(Fault::NoRequestId),
            "wrong-request-id" => one_arg(Fault::WrongRequestId),
            "wrong-shape" => one_arg(Fault::WrongShape),
            "unsent-response" => one_arg(Fault::UnsentResponse),
            "oversized" => Ok(Fault::Oversized {
                request: request()?,
                bytes: usize::try_from(number(OVERSIZED_DEFAULT as u64)?)
                    .map_err(|_| bad("too many bytes"))?,
            }),
            "big-frame" => one_arg(Fault::BigFrame),
            "foreign-ca" => no_arg(Fault::ForeignCa),
            "wrong-name" => no_arg(Fault::WrongServerName),
            "expired-cert" => no_arg(Fault::ExpiredCertificate),
            _ => Err(bad(
                "unknown fault; known: close-after=N, close-frame=N, reset-tls, silent, \
                 slow=N[:MILLIS], non-json=N, binary=N, no-request-id=N, wrong-request-id=N, \
                 wrong-shape=N, unsent-response=N, oversized=N[:BYTES], big-frame=N, foreign-ca, \
                 wrong-name, expired-cert",
            )),
        }
    }
}

/// The controller's current fault, and the broken certificate a certificate fault serves.
pub(crate) struct Faults {
    current: Mutex<(Option<Fault>, Option<Identity>)>,
    /// The controller CA's key, to issue broken certificates; `None` without TLS.
    ca_key_pem: Option<Zeroizing<String>>,
}

impl Faults {
    pub(crate) fn new(fault: Option<Fault>, tls: Option<&ServerTls>) -> Result<Faults> {
        let faults = Faults {
            current: Mutex::new((None, None)),
            ca_key_pem: tls.map(|t| t.ca_key_pem.clone()),
        };
        faults.set(fault)?;
        Ok(faults)
    }

    /// Sets the fault for connections accepted from now on.
    pub(crate) fn set(&self, fault: Option<Fault>) -> Result<()> {
        let spec = fault.as_ref().and_then(Fault::cert_spec);
        let identity = match (spec, &self.ca_key_pem) {
            (Some(spec), Some(key)) => Some(certs::reissue(&spec, key)?),
            _ => None,
        };
        *self.current.lock().unwrap_or_else(|e| e.into_inner()) = (fault, identity);
        Ok(())
    }

    /// The faults of a connection just accepted.
    pub(crate) fn connection(&self) -> ConnFaults {
        let (fault, identity) = self
            .current
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        ConnFaults {
            fault,
            identity,
            requests: 0,
            request_id: None,
            responses: 0,
            early: None,
        }
    }
}

/// One connection's fault and its counts.
pub(crate) struct ConnFaults {
    fault: Option<Fault>,
    identity: Option<Identity>,
    requests: u32,
    /// The `request-id` of the latest request.
    request_id: Option<u64>,
    responses: u32,
    /// A frame read while a slow answer was held, to be served next.
    early: Option<tungstenite::Result<Message>>,
}

impl ConnFaults {
    /// The certificate to serve instead of the controller's, for a certificate fault.
    pub(crate) fn identity(&self) -> Option<Identity> {
        self.identity.clone()
    }

    /// Faults that strike before any handshake. `false` when the connection has been dealt with
    /// (reset, or held until the client gave up) and must not be served. `forget` drops the
    /// accept loop's clone of `tcp`, so the connection ends when `tcp` is dropped.
    pub(crate) fn before_handshake(
        &self,
        tcp: &TcpStream,
        forget: impl FnOnce(&TcpStream),
    ) -> bool {
        match self.fault {
            Some(Fault::ResetTlsHandshake) => {
                // Leave most of the hello unread: closing a socket with unread data resets it.
                let mut header = [0; 5];
                let _ = tcp.set_read_timeout(Some(Duration::from_secs(10)));
                let _ = (&mut &*tcp).read_exact(&mut header);
                forget(tcp);
                false
            }
            Some(Fault::Silent) => {
                let mut sink = [0; 4096];
                // Until the client hangs up, or the controller stops (it shuts every socket down).
                while let Ok(1..) = (&mut &*tcp).read(&mut sink) {}
                forget(tcp);
                let _ = tcp.shutdown(Shutdown::Both);
                false
            }
            _ => true,
        }
    }

    /// Reads the next frame, counting requests.
    pub(crate) fn read(&mut self, ws: &mut WebSocket<Stream>) -> tungstenite::Result<Message> {
        let frame = match self.early.take() {
            Some(frame) => frame,
            None => ws.read(),
        };
        if let Ok(Message::Text(text)) = &frame {
            self.requests = self.requests.saturating_add(1);
            // Only the id: the rest of a (possibly large) request is skipped, not copied.
            let request = serde_json::from_str::<RequestId>(text).ok();
            self.request_id = request.and_then(|r| r.id);
        }
        frame
    }

    /// Sends the reply frames to the latest request, faulty as the fault says. An error ends the
    /// connection.
    pub(crate) fn send(
        &mut self,
        ws: &mut WebSocket<Stream>,
        frames: Vec<String>,
    ) -> tungstenite::Result<()> {
        for frame in frames {
            match self.fault.clone().filter(|f| self.strikes(f)) {
                Some(fault) => match serde_json::from_str::<Value>(&frame) {
                    Ok(reply)
                        if reply.get("request-id").and_then(Value::as_u64) == self.request_id =>
                    {
                        self.send_faulty(ws, fault, reply)?
                    }
                    _ => self.send_one(ws, Message::text(frame))?,
                },
                None => self.send_one(ws, Message::text(frame))?,
            }
        }
        Ok(())
    }

    fn strikes(&self, fault: &Fault) -> bool {
        let n = match fault {
            Fault::CloseFrame(n)
            | Fault::NonJson(n)
            | Fault::Binary(n)
            | Fault::NoRequestId(n)
            | Fault::WrongRequestId(n)
            | Fault::WrongShape(n)
            | Fault::UnsentResponse(n)
            | Fault::BigFrame(n)
            | Fault::Slow { request: n, .. }
            | Fault::Oversized { request: n, .. } => *n,
            _ => return false,
        };
        n == self.requests
    }

    fn send_faulty(
        &mut self,
        ws: &mut WebSocket<Stream>,
        fault: Fault,
        mut reply: Value,
    ) -> tungstenite::Result<()> {
        let id = self.request_id.unwrap_or(0);
        let frame = match fault {
            Fault::CloseFrame(n) => {
                let reason = format!("test controller fault: close frame on request {n}");
                ws.close(Some(CloseFrame {
                    code: CloseCode::Error,
                    reason: reason.into(),
                }))?;
                ws.flush()?;
                return Err(tungstenite::Error::ConnectionClosed);
            }
            Fault::Slow { delay, .. } => {
                self.early = next_frame_within(ws, delay);
                Message::text(reply.to_string())
            }
            Fault::NonJson(_) => Message::text("this is not JSON"),
            Fault::Binary(_) => Message::binary(reply.to_string().into_bytes()),
            Fault::NoRequestId(_) => {
                if let Some(frame) = reply.as_object_mut() {
                    frame.remove("request-id");
                }
                Message::text(reply.to_string())
            }
            Fault::WrongRequestId(_) => {
                reply["request-id"] = json!(id.saturating_add(1));
                Message::text(reply.to_string())
            }
            Fault::WrongShape(_) => {
                Message::text(json!({"request-id": id, "response": "wrong shape"}).to_string())
            }
            Fault::UnsentResponse(_) => {
                let unsent = json!({"request-id": id.saturating_add(1_000_000), "response": {}});
                self.send_one(ws, Message::text(unsent.to_string()))?;
                Message::text(reply.to_string())
            }
            Fault::Oversized { bytes, .. } => Message::text(oversized(id, bytes)),
            Fault::BigFrame(_) => {
                // Not through `send_one`, which would cut it into frames.
                self.responses = self.responses.saturating_add(1);
                return ws.send(Message::text(oversized(id, BIG_FRAME_BYTES)));
            }
            _ => Message::text(reply.to_string()),
        };
        self.send_one(ws, frame)
    }

    /// Sends one response message, then closes the TCP connection if that was the last allowed.
    fn send_one(&mut self, ws: &mut WebSocket<Stream>, frame: Message) -> tungstenite::Result<()> {
        send_in_frames(ws, frame)?;
        self.responses = self.responses.saturating_add(1);
        if self.fault == Some(Fault::CloseAfterResponses(self.responses)) {
            let _ = ws.get_mut().tcp_mut().shutdown(Shutdown::Both);
            return Err(tungstenite::Error::ConnectionClosed);
        }
        Ok(())
    }
}

/// The size of the frame `Fault::BigFrame` sends: one byte more than a client takes in one frame.
const BIG_FRAME_BYTES: usize = (1 << 20) + 1;

/// The largest frame the test controller writes. Juju's Go websocket library writes a message as
/// frames of its write buffer (4 KiB by default, 64 KiB in older Juju clients), so clients meet
/// large answers in many frames, as from a real controller.
const FRAME_BYTES: usize = 64 << 10;

/// Sends a message; a long text goes as a text frame and continuation frames.
fn send_in_frames(ws: &mut WebSocket<Stream>, message: Message) -> tungstenite::Result<()> {
    let text = match message {
        Message::Text(text) if text.len() > FRAME_BYTES => text,
        other => return ws.send(other),
    };
    let chunks: Vec<&[u8]> = text.as_bytes().chunks(FRAME_BYTES).collect();
    let last = chunks.len().saturating_sub(1);
    for (i, chunk) in chunks.into_iter().enumerate() {
        let opcode = if i == 0 { Data::Text } else { Data::Continue };
        let frame = Frame::message(
            Bytes::copy_from_slice(chunk),
            OpCode::Data(opcode),
            i == last,
        );
        ws.write(Message::Frame(frame))?;
    }
    ws.flush()
}

/// Waits up to `delay` for the client's next frame; `None` when none came.
fn next_frame_within(
    ws: &mut WebSocket<Stream>,
    delay: Duration,
) -> Option<tungstenite::Result<Message>> {
    ws.get_mut()
        .tcp_mut()
        .set_deadline(crate::deadline::Deadline::after(delay));
    let frame = ws.read();
    ws.get_mut()
        .tcp_mut()
        .set_deadline(crate::deadline::Deadline::after(FOREVER));
    match frame {
        Err(tungstenite::Error::Io(e)) if crate::transport::is_timeout(&e) => None,
        other => Some(other),
    }
}

/// A valid response frame of `bytes` bytes (at least the frame without padding).
fn oversized(id: u64, bytes: usize) -> String {
    let empty = json!({"request-id": id, "response": {"padding": ""}}).to_string();
    let padding = "x".repeat(bytes.saturating_sub(empty.len()));
    json!({"request-id": id, "response": {"padding": padding}}).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_round_trip() {
        let all = [
            Fault::CloseAfterResponses(3),
            Fault::CloseFrame(2),
            Fault::ResetTlsHandshake,
            Fault::Silent,
            Fault::Slow {
                request: 2,
                delay: Duration::from_millis(1500),
            },
            Fault::NonJson(2),
            Fault::Binary(2),
            Fault::NoRequestId(2),
            Fault::WrongRequestId(2),
            Fault::WrongShape(2),
            Fault::UnsentResponse(2),
            Fault::Oversized {
                request: 2,
                bytes: 1000,
            },
            Fault::BigFrame(3),
            Fault::ForeignCa,
            Fault::WrongServerName,
            Fault::ExpiredCertificate,
        ];
        for fault in all {
            assert_eq!(fault.to_string().parse::<Fault>().unwrap(), fault);
        }
    }

    #[test]
    fn specs_have_defaults_and_refuse_nonsense() {
        let slow: Fault = "slow=4".parse().unwrap();
        assert_eq!(
            slow,
            Fault::Slow {
                request: 4,
                delay: SLOW_DEFAULT
            }
        );
        let big: Fault = "oversized=2".parse().unwrap();
        assert_eq!(
            big,
            Fault::Oversized {
                request: 2,
                bytes: OVERSIZED_DEFAULT
            }
        );
        for bad in [
            "",
            "nope",
            "close-after",
            "close-after=0",
            "close-after=x",
            "close-after=2:3",
            "silent=1",
            "slow=2:x",
            "binary=-1",
        ] {
            let err = bad.parse::<Fault>().unwrap_err();
            assert!(matches!(err, Error::InvalidInput(_)), "{bad:?}: {err:?}");
            assert!(err.to_string().contains(&format!("{bad:?}")), "{err}");
        }
    }

    #[test]
    fn oversized_frames_have_the_size_asked_for() {
        let frame = oversized(7, 10_000);
        assert_eq!(frame.len(), 10_000);
        let parsed: Value = serde_json::from_str(&frame).unwrap();
        assert_eq!(parsed["request-id"], 7);
    }
}
