//! Bytes on a socket: TCP with timeouts, TLS verified against the controller's CA, then the
//! websocket handshake on the model's API path.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::ops::Deref;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use log::{debug, warn};
use native_tls::{Certificate, HandshakeError, TlsConnector, TlsStream};
use tungstenite::client::IntoClientRequest;
use tungstenite::protocol::WebSocketConfig;
use tungstenite::WebSocket;

use crate::error::{Error, Result};
use crate::options::ConnectOptions;

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

    /// From now on, reads and writes give up at `deadline`.
    pub(crate) fn set_deadline(&mut self, deadline: Instant) {
        self.deadline = Some(deadline);
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
        if self.armed.is_some_and(|armed| armed <= left + ARM_SLACK) {
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

pub(crate) type Socket = WebSocket<Stream>;

pub(crate) fn is_timeout(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

/// The websocket's read buffer. tungstenite zero-fills this much before every read (128 KiB by
/// default, several microseconds per call), and a TLS read returns at most one record: 16 KiB.
const READ_BUFFER: usize = 16 * 1024;

/// Opens a websocket to `path` (such as `/model/<uuid>/api`) on one endpoint, all before
/// `deadline`. `watch` sees the TCP stream as soon as it is connected (so that another thread
/// can shut it down) and returns `false` to give up at once.
pub(crate) fn open(
    endpoint: &str,
    path: &str,
    options: &ConnectOptions,
    deadline: Instant,
    watch: &dyn Fn(&TcpStream) -> bool,
) -> Result<Socket> {
    let stream = connect_tcp(endpoint, deadline)?;
    if !watch(&stream) {
        return Err(Error::ConnectionClosed(format!(
            "gave up on {endpoint}: another endpoint answered first"
        )));
    }
    let mut tcp = Tcp::new(stream);
    tcp.set_deadline(deadline);
    tcp.set_nodelay(true)
        .map_err(|e| Error::io("configuring the socket", e))?;
    let (stream, scheme) = if options.insecure_plain_websocket {
        warn!("INSECURE: plain websocket to {endpoint}: the password and secrets cross the network unencrypted");
        (Stream::Plain(tcp), "ws")
    } else {
        (
            Stream::Tls(Box::new(tls(endpoint, tcp, options, deadline)?)),
            "wss",
        )
    };
    let url = format!("{scheme}://{endpoint}{path}");
    let request = url.as_str().into_client_request().map_err(|e| {
        Error::Config(format!(
            "API endpoint {endpoint:?} does not make a valid URL: {e}"
        ))
    })?;
    let config = WebSocketConfig::default()
        .read_buffer_size(READ_BUFFER)
        .max_message_size(Some(options.max_message_size))
        .max_frame_size(Some(options.max_message_size));
    match tungstenite::client::client_with_config(request, stream, Some(config)) {
        Ok((socket, _response)) => {
            debug!("websocket open to {url}");
            Ok(socket)
        }
        Err(tungstenite::HandshakeError::Failure(tungstenite::Error::Io(e))) if is_timeout(&e) => {
            Err(timeout("the websocket handshake", options))
        }
        Err(tungstenite::HandshakeError::Failure(e)) => Err(e.into()),
        Err(tungstenite::HandshakeError::Interrupted(_)) => {
            Err(timeout("the websocket handshake", options))
        }
    }
}

fn timeout(context: &str, options: &ConnectOptions) -> Error {
    Error::Timeout {
        context: context.to_owned(),
        after: options.connect_timeout,
    }
}

fn connect_tcp(endpoint: &str, deadline: Instant) -> Result<TcpStream> {
    let addrs: Vec<SocketAddr> = endpoint
        .to_socket_addrs()
        .map_err(|e| Error::io(format!("resolving {endpoint}"), e))?
        .collect();
    let mut last = None;
    for addr in addrs {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            break;
        }
        match TcpStream::connect_timeout(&addr, left) {
            Ok(s) => return Ok(s),
            Err(e) => last = Some(Error::io(format!("connecting to {addr}"), e)),
        }
    }
    Err(last.unwrap_or_else(|| {
        Error::io(
            format!("connecting to {endpoint}"),
            io::Error::new(io::ErrorKind::TimedOut, "no address reachable in time"),
        )
    }))
}

fn tls(
    endpoint: &str,
    tcp: Tcp,
    options: &ConnectOptions,
    deadline: Instant,
) -> Result<TlsStream<Tcp>> {
    let tls_error = |message: String| Error::Tls {
        endpoint: endpoint.to_owned(),
        message,
    };
    let connector = cached_connector(options.ca_cert.as_deref(), || {
        let mut builder = TlsConnector::builder();
        if let Some(pem) = &options.ca_cert {
            let ca = Certificate::from_pem(pem.as_bytes()).map_err(|e| {
                Error::Config(format!(
                    "the controller CA certificate is not valid PEM: {e}"
                ))
            })?;
            // Trust exactly the controller's CA, as the Go client does.
            builder
                .add_root_certificate(ca)
                .disable_built_in_roots(true);
        }
        builder
            .build()
            .map_err(|e| tls_error(format!("cannot set up TLS: {e}")))
    })?;
    let mut attempt = connector.connect(&options.server_name, tcp);
    loop {
        match attempt {
            Ok(stream) => return Ok(stream),
            Err(HandshakeError::Failure(e)) => return Err(tls_error(explain_tls(&e.to_string()))),
            Err(HandshakeError::WouldBlock(mid)) => {
                // A socket timeout surfaced as WouldBlock; retry until the deadline.
                if Instant::now() >= deadline {
                    return Err(timeout("the TLS handshake", options));
                }
                attempt = mid.handshake();
            }
        }
    }
}

/// Building a connector loads the system's CA bundle, even with the built-in roots disabled
/// (native-tls on OpenSSL does), which takes tens of milliseconds: so connectors are kept for the
/// life of the process, by CA certificate, for later connections and reconnections.
fn cached_connector(
    ca_cert: Option<&str>,
    build: impl FnOnce() -> Result<TlsConnector>,
) -> Result<TlsConnector> {
    static CONNECTORS: Mutex<Vec<(Option<String>, TlsConnector)>> = Mutex::new(Vec::new());
    let mut cache = CONNECTORS.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some((_, connector)) = cache.iter().find(|(ca, _)| ca.as_deref() == ca_cert) {
        return Ok(connector.clone());
    }
    let connector = build()?;
    if cache.len() >= 8 {
        cache.remove(0);
    }
    cache.push((ca_cert.map(str::to_owned), connector.clone()));
    Ok(connector)
}

/// Adds what to do to a TLS failure: a certificate problem points at the configured CA, anything
/// else (a reset, a peer that speaks no TLS) at the endpoint.
fn explain_tls(message: &str) -> String {
    if message.contains("certificate") {
        format!(
            "{message}; check the controller's ca-cert in controllers.yaml or the CA given to \
             ConnectOptions, and the server name (juju-apiserver by default)"
        )
    } else {
        format!("{message}; check that the endpoint is a Juju controller's API port")
    }
}
