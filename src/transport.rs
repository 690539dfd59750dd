//! Bytes on a socket: name resolution and TCP within the deadline, TLS verified as the Go client
//! verifies it, then the websocket handshake on the API path.

use std::io::{self, Read, Write};
use std::net::{IpAddr, SocketAddr, TcpStream, ToSocketAddrs};
use std::ops::Deref;
use std::sync::mpsc;
use std::sync::{Mutex, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use log::{debug, warn};
use native_tls::{Certificate, HandshakeError, Protocol, TlsConnector, TlsStream};
use tungstenite::client::IntoClientRequest;
use tungstenite::http::HeaderValue;
use tungstenite::protocol::WebSocketConfig;
use tungstenite::WebSocket;

use crate::deadline::Deadline;
use crate::error::{Error, Result};
use crate::names::endpoint_host;
use crate::options::{ConnectOptions, JUJU_SERVER_NAME};

/// The Juju version this client presents itself as, in the login request and the
/// `X-Juju-ClientVersion` header: the release whose API it speaks. Controllers do not gate on
/// it (3.6, 4.0 and main have no client-version check); JAAS tells 3.6 from 4.x clients by it.
pub(crate) const CLIENT_VERSION: &str = "3.6.0";

/// The header the 4.x Go client sends on the websocket upgrade with its version.
const CLIENT_VERSION_HEADER: &str = "X-Juju-ClientVersion";

/// The largest websocket frame accepted. A frame header makes tungstenite reserve its whole
/// length before any payload arrives, so this bounds what a header alone can cost. Juju's Go
/// websocket library writes messages as frames of its write buffer (4 KiB by default, 64 KiB in
/// older clients); larger messages come as several frames.
pub(crate) const MAX_FRAME_BYTES: usize = 1 << 20;

/// The websocket's read buffer. tungstenite zero-fills this much before every read (128 KiB by
/// default, several microseconds per call), and a TLS read returns at most one record: 16 KiB.
const READ_BUFFER: usize = 16 * 1024;

/// A TCP stream that can be given a deadline: then each read or write waits at most for what is
/// left (give or take [`ARM_SLACK`]), and fails with `WouldBlock` (what an expired socket timeout
/// gives) once it has passed. Socket timeouts alone are not enough: a peer that trickles a byte at
/// a time resets them on every read, and would hold a handshake or a call far past its timeout.
#[derive(Debug)]
pub(crate) struct Tcp {
    stream: TcpStream,
    deadline: Option<Instant>,
    /// The socket timeouts last set, if any.
    armed: Option<Duration>,
}

/// How far past its deadline a read or write may wait, so that the socket timeouts (two syscalls)
/// need not be set again before every read and write: they are kept while they end no later than
/// this after the deadline, and a timeout that fires before the deadline is set again and retried.
const ARM_SLACK: Duration = Duration::from_millis(10);

impl Tcp {
    pub(crate) fn new(stream: TcpStream) -> Tcp {
        Tcp {
            stream,
            deadline: None,
            armed: None,
        }
    }

    /// From now on, reads and writes give up at `deadline` (never, for no deadline).
    pub(crate) fn set_deadline(&mut self, deadline: Deadline) {
        self.deadline = deadline.at();
        if self.deadline.is_none() && self.armed.take().is_some() {
            let _ = self.stream.set_read_timeout(None);
            let _ = self.stream.set_write_timeout(None);
        }
    }

    /// Sets the socket timeouts to what is left before the deadline (unless those set already
    /// end within [`ARM_SLACK`] of it), or fails once it passed.
    fn arm(&mut self) -> io::Result<()> {
        let Some(deadline) = self.deadline else {
            return Ok(());
        };
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(io::Error::new(
                io::ErrorKind::WouldBlock,
                "the deadline has passed",
            ));
        }
        if self
            .armed
            .is_some_and(|armed| armed <= left.saturating_add(ARM_SLACK))
        {
            return Ok(());
        }
        self.armed = None;
        self.stream.set_read_timeout(Some(left))?;
        self.stream.set_write_timeout(Some(left))?;
        self.armed = Some(left);
        Ok(())
    }

    /// Runs one read or write; when its socket timeout fired before the deadline (it was set for
    /// an earlier, shorter one), sets it again and retries.
    fn io<T>(&mut self, mut f: impl FnMut(&mut TcpStream) -> io::Result<T>) -> io::Result<T> {
        loop {
            self.arm()?;
            match f(&mut self.stream) {
                Err(e) if is_timeout(&e) && self.deadline.is_some_and(|d| Instant::now() < d) => {
                    self.armed = None;
                }
                result => return result,
            }
        }
    }
}

impl Deref for Tcp {
    type Target = TcpStream;

    fn deref(&self) -> &TcpStream {
        &self.stream
    }
}

impl Read for Tcp {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.io(|stream| stream.read(buf))
    }
}

impl Write for Tcp {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.io(|stream| stream.write(buf))
    }

    fn flush(&mut self) -> io::Result<()> {
        self.stream.flush()
    }
}

/// The stream under the websocket: TLS, or plain TCP when explicitly asked for.
#[derive(Debug)]
pub(crate) enum Stream {
    Plain(Tcp),
    Tls(Box<TlsStream<Tcp>>),
}

impl Stream {
    pub(crate) fn tcp_mut(&mut self) -> &mut Tcp {
        match self {
            Stream::Plain(s) => s,
            Stream::Tls(s) => s.get_mut(),
        }
    }
}

impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Stream::Plain(s) => s.read(buf),
            Stream::Tls(s) => s.read(buf),
        }
    }
}

impl Write for Stream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Stream::Plain(s) => s.write(buf),
            Stream::Tls(s) => s.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Stream::Plain(s) => s.flush(),
            Stream::Tls(s) => s.flush(),
        }
    }
}

/// An open websocket to a controller.
pub(crate) type Socket = WebSocket<Stream>;

pub(crate) fn is_timeout(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

/// Sees each TCP stream as soon as it is connected (so that another thread can shut it down)
/// and returns `false` to give up at once.
pub(crate) type Watch<'a> = &'a (dyn Fn(&TcpStream) -> bool + Sync);

/// Opens a websocket to `path` (such as `/model/<uuid>/api`) on one endpoint, all before
/// `deadline`.
pub(crate) fn open(
    endpoint: &str,
    path: &str,
    options: &ConnectOptions,
    deadline: Deadline,
    watch: Watch<'_>,
) -> Result<Socket> {
    let scheme = if options.insecure_plain_websocket {
        "ws"
    } else {
        "wss"
    };
    let url = format!("{scheme}://{endpoint}{path}");
    // Checked before connecting: a URL the settings cannot make is a configuration error.
    let mut request = url.as_str().into_client_request().map_err(|e| {
        Error::config(format!(
            "API endpoint {endpoint:?} does not make a valid URL: {e}"
        ))
    })?;
    request.headers_mut().insert(
        CLIENT_VERSION_HEADER,
        HeaderValue::from_static(CLIENT_VERSION),
    );
    let stream = if options.insecure_plain_websocket {
        warn!("INSECURE: plain websocket to {endpoint}: the credentials and secrets cross the network unencrypted");
        Stream::Plain(connect_tcp(endpoint, deadline, watch)?)
    } else {
        Stream::Tls(Box::new(tls(endpoint, options, deadline, watch)?))
    };
    let config = WebSocketConfig::default()
        .read_buffer_size(READ_BUFFER)
        .max_message_size(Some(options.max_message_size))
        .max_frame_size(Some(MAX_FRAME_BYTES.min(options.max_message_size)));
    match tungstenite::client::client_with_config(request, stream, Some(config)) {
        Ok((socket, _response)) => {
            debug!("websocket open to {url}");
            Ok(socket)
        }
        Err(tungstenite::HandshakeError::Failure(tungstenite::Error::Io(e))) if is_timeout(&e) => {
            Err(deadline.expired(format!(
                "waiting for the websocket handshake with {endpoint}"
            )))
        }
        Err(tungstenite::HandshakeError::Failure(e)) => Err(e.into()),
        Err(tungstenite::HandshakeError::Interrupted(_)) => Err(deadline.expired(format!(
            "waiting for the websocket handshake with {endpoint}"
        ))),
    }
}

/// Resolves and connects `endpoint` before `deadline`, its stream given the deadline too.
fn connect_tcp(endpoint: &str, deadline: Deadline, watch: Watch<'_>) -> Result<Tcp> {
    let mut last = None;
    for addr in resolve(endpoint, deadline)? {
        let stream = match deadline.left() {
            Some(left) if left.is_zero() => break,
            Some(left) => TcpStream::connect_timeout(&addr, left),
            None => TcpStream::connect(addr),
        };
        match stream {
            Ok(stream) => {
                if !watch(&stream) {
                    return Err(Error::ConnectionClosed(format!(
                        "gave up on {endpoint}: another endpoint answered first"
                    )));
                }
                let mut tcp = Tcp::new(stream);
                tcp.set_deadline(deadline);
                tcp.set_nodelay(true)
                    .map_err(|e| Error::io(format!("configuring the socket to {addr}"), e))?;
                return Ok(tcp);
            }
            Err(e) if is_timeout(&e) => {
                last = Some(deadline.expired(format!("connecting to {addr}")));
            }
            Err(e) => last = Some(Error::io(format!("connecting to {addr}"), e)),
        }
    }
    Err(last.unwrap_or_else(|| deadline.expired(format!("connecting to {endpoint}"))))
}

/// The addresses of `endpoint`. An IP address needs no lookup; a host name is looked up on a
/// short-lived thread, since the system resolver ignores deadlines: the caller stops waiting at
/// the deadline and the thread ends when the resolver returns.
fn resolve(endpoint: &str, deadline: Deadline) -> Result<Vec<SocketAddr>> {
    let lookup_failed = |e: io::Error| Error::io(format!("resolving {endpoint}"), e);
    if endpoint_host(endpoint).parse::<IpAddr>().is_ok() {
        return Ok(endpoint.to_socket_addrs().map_err(lookup_failed)?.collect());
    }
    let (send, answer) = mpsc::channel();
    let name = endpoint.to_owned();
    thread::Builder::new()
        .name("juju-secrets-resolve".into())
        .spawn(move || {
            let addrs = name.to_socket_addrs().map(Iterator::collect::<Vec<_>>);
            let _ = send.send(addrs);
        })
        .map_err(|e| Error::io("starting a thread to resolve a host name", e))?;
    let addrs = match deadline.left() {
        Some(left) => answer.recv_timeout(left).map_err(|_| ()),
        None => answer.recv().map_err(|_| ()),
    };
    match addrs {
        Ok(Ok(addrs)) => Ok(addrs),
        Ok(Err(e)) => Err(lookup_failed(e)),
        Err(()) => Err(deadline.expired(format!("resolving {endpoint}"))),
    }
}

/// TLS as the Go client does it (`api/apiclient.go`): with a CA, verify against exactly that CA
/// as `juju-apiserver`; when that fails on the certificate and the controller has a public host
/// name, try again on a new connection against the system's roots as that name (a publicly
/// signed certificate), reporting the first failure if the second fails too. Without a CA,
/// verify against the system's roots as the public host name, else the endpoint's host.
fn tls(
    endpoint: &str,
    options: &ConnectOptions,
    deadline: Deadline,
    watch: Watch<'_>,
) -> Result<TlsStream<Tcp>> {
    let public = options.public_hostname.as_deref();
    let result = match options.ca_cert.as_deref() {
        None => {
            let name = public.unwrap_or_else(|| endpoint_host(endpoint));
            handshake(endpoint, None, name, deadline, watch)
        }
        Some(ca) => match (
            handshake(endpoint, Some(ca), JUJU_SERVER_NAME, deadline, watch),
            public,
        ) {
            (Err(first @ Error::Tls { .. }), Some(name)) if is_certificate_problem(&first) => {
                debug!("{endpoint}: {first}; trying the system's roots as {name}");
                handshake(endpoint, None, name, deadline, watch).map_err(|_| first)
            }
            (result, _) => result,
        },
    };
    result.map_err(|e| match e {
        Error::Tls { endpoint, message } => Error::Tls {
            message: explain_tls(&message),
            endpoint,
        },
        other => other,
    })
}

/// One TCP connection and TLS handshake, trusting `ca` (else the system's roots), verifying
/// `server_name`. A failed handshake is [`Error::Tls`] with the TLS library's words alone.
fn handshake(
    endpoint: &str,
    ca: Option<&str>,
    server_name: &str,
    deadline: Deadline,
    watch: Watch<'_>,
) -> Result<TlsStream<Tcp>> {
    let connector = connector(endpoint, ca)?;
    let tcp = connect_tcp(endpoint, deadline, watch)?;
    let mut attempt = connector.connect(server_name, tcp);
    loop {
        match attempt {
            Ok(stream) => return Ok(stream),
            Err(HandshakeError::Failure(e)) => {
                return Err(Error::Tls {
                    endpoint: endpoint.to_owned(),
                    message: e.to_string(),
                })
            }
            Err(HandshakeError::WouldBlock(mid)) => {
                // A socket timeout surfaced as WouldBlock; retry until the deadline.
                if deadline.passed() {
                    return Err(
                        deadline.expired(format!("waiting for the TLS handshake with {endpoint}"))
                    );
                }
                attempt = mid.handshake();
            }
        }
    }
}

/// A connector trusting exactly `ca`, or the system's roots. Building one loads the system's CA
/// bundle, even with the built-in roots disabled (native-tls on OpenSSL does), which takes tens
/// of milliseconds: so connectors are kept for the life of the process, by CA certificate, for
/// later connections and reconnections. TLS 1.2 is the oldest version accepted.
fn connector(endpoint: &str, ca: Option<&str>) -> Result<TlsConnector> {
    static CONNECTORS: Mutex<Vec<(Option<String>, TlsConnector)>> = Mutex::new(Vec::new());
    let mut cache = CONNECTORS.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some((_, connector)) = cache.iter().find(|(c, _)| c.as_deref() == ca) {
        return Ok(connector.clone());
    }
    let tls_error = |message: String| Error::Tls {
        endpoint: endpoint.to_owned(),
        message,
    };
    let mut builder = TlsConnector::builder();
    builder.min_protocol_version(Some(Protocol::Tlsv12));
    if let Some(pem) = ca {
        let ca = Certificate::from_pem(pem.as_bytes()).map_err(|e| {
            Error::config(format!(
                "the controller CA certificate is not valid PEM: {e}"
            ))
        })?;
        // Trust exactly the controller's CA, as the Go client does.
        builder
            .add_root_certificate(ca)
            .disable_built_in_roots(true);
    }
    let connector = builder
        .build()
        .map_err(|e| tls_error(format!("cannot set up TLS: {e}")))?;
    if cache.len() >= 8 {
        cache.remove(0);
    }
    cache.push((ca.map(str::to_owned), connector.clone()));
    Ok(connector)
}

/// Whether a TLS failure is about the certificate (its issuer, name or dates), not the peer.
fn is_certificate_problem(e: &Error) -> bool {
    matches!(e, Error::Tls { message, .. } if message.contains("certificate"))
}

/// Adds what to do to a TLS failure: a certificate problem points at the configured CA, anything
/// else (a reset, a peer that speaks no TLS) at the endpoint.
fn explain_tls(message: &str) -> String {
    if message.contains("certificate") {
        format!(
            "{message}; check the controller's ca-cert in controllers.yaml or the CA given to \
             ConnectOptions (the certificate must be valid for juju-apiserver), or its \
             public-hostname"
        )
    } else {
        format!("{message}; check that the endpoint is a Juju controller's API port")
    }
}
