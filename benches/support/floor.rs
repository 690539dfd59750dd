//! The floor: a bare tungstenite + native-tls client and server on loopback, with nothing of
//! ours in between, exchanging text frames of the sizes our calls exchange.
//!
//! A request frame starts with the size of the reply it wants, in 12 ASCII digits; the server
//! answers every request with one text frame of that size. Payloads are built once and shared, so
//! what is timed is what no client can avoid: TLS, websocket framing and masking, two syscalls
//! per frame at least, and the scheduler waking the other side. Both ends use the read buffer
//! size our client uses, and the client's TLS connector is built once, as ours is.

use std::collections::HashMap;
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::{self, JoinHandle};

use native_tls::{Certificate, Identity, TlsAcceptor, TlsConnector, TlsStream};
use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DistinguishedName, DnType, IsCa, KeyPair,
};
use tungstenite::protocol::WebSocketConfig;
use tungstenite::{Message, Utf8Bytes, WebSocket};

const SIZE_DIGITS: usize = 12;
/// As large as our client's default limit (64 MiB), so no frame of the benches is refused.
const MAX_MESSAGE: usize = 64 << 20;
/// The read buffer our client uses (tungstenite's default, 128 KiB, is zero-filled before every
/// read): the floor is what the same libraries do at their best, not at their defaults.
const READ_BUFFER: usize = 16 * 1024;

/// A request frame wanting a reply of `reply` bytes, itself `request` bytes long (at least 12).
pub fn frame(request: usize, reply: usize) -> Utf8Bytes {
    let mut text = format!("{reply:0SIZE_DIGITS$}");
    text.extend(std::iter::repeat_n(
        'x',
        request.saturating_sub(SIZE_DIGITS),
    ));
    text.into()
}

/// The echo server: one thread per connection, stopped (and its port closed) when dropped.
pub struct EchoServer {
    port: u16,
    /// Made once: building one loads the system's CA bundle, tens of milliseconds.
    connector: TlsConnector,
    stopping: Arc<AtomicBool>,
    accept: Option<JoinHandle<()>>,
}

impl EchoServer {
    pub fn start() -> EchoServer {
        let (ca, identity) = tls_identity();
        let acceptor = TlsAcceptor::new(identity).expect("TLS acceptor");
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let port = listener.local_addr().expect("local address").port();
        let stopping = Arc::new(AtomicBool::new(false));
        let stop = Arc::clone(&stopping);
        let accept = thread::spawn(move || {
            for tcp in listener.incoming() {
                if stop.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(tcp) = tcp else { continue };
                let acceptor = acceptor.clone();
                thread::spawn(move || serve(&acceptor, tcp));
            }
        });
        let connector = TlsConnector::builder()
            .add_root_certificate(ca)
            .disable_built_in_roots(true)
            .build()
            .expect("TLS connector");
        EchoServer {
            port,
            connector,
            stopping,
            accept: Some(accept),
        }
    }

    /// TCP connect, TLS handshake (verifying the server against its CA) and websocket handshake.
    pub fn connect(&self) -> EchoClient {
        let tcp = TcpStream::connect(("127.0.0.1", self.port)).expect("connect to the echo server");
        tcp.set_nodelay(true).expect("TCP_NODELAY");
        let tls = self
            .connector
            .connect("localhost", tcp)
            .expect("TLS handshake");
        let url = format!("wss://localhost:{}/echo", self.port);
        let (ws, _) = tungstenite::client::client_with_config(url, tls, Some(config()))
            .expect("websocket handshake");
        EchoClient { ws }
    }
}

impl Drop for EchoServer {
    fn drop(&mut self) {
        self.stopping.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(accept) = self.accept.take() {
            let _ = accept.join();
        }
    }
}

pub struct EchoClient {
    ws: WebSocket<TlsStream<TcpStream>>,
}

impl EchoClient {
    /// Sends `request` (made by [`frame`]) and reads the reply; returns the reply's length.
    pub fn exchange(&mut self, request: &Utf8Bytes) -> usize {
        self.ws
            .send(Message::Text(request.clone()))
            .expect("send to the echo server");
        loop {
            match self.ws.read().expect("read from the echo server") {
                Message::Text(reply) => return reply.len(),
                _ => continue,
            }
        }
    }
}

impl Drop for EchoClient {
    fn drop(&mut self) {
        let _ = self.ws.close(None);
        let _ = self.ws.flush();
    }
}

fn config() -> WebSocketConfig {
    WebSocketConfig::default()
        .read_buffer_size(READ_BUFFER)
        .max_message_size(Some(MAX_MESSAGE))
        .max_frame_size(Some(MAX_MESSAGE))
}

fn serve(acceptor: &TlsAcceptor, tcp: TcpStream) {
    let _ = tcp.set_nodelay(true);
    let Ok(tls) = acceptor.accept(tcp) else {
        return;
    };
    let Ok(mut ws) = tungstenite::accept_with_config(tls, Some(config())) else {
        return;
    };
    let mut replies: HashMap<usize, Utf8Bytes> = HashMap::new();
    while let Ok(message) = ws.read() {
        let Message::Text(request) = message else {
            continue;
        };
        let size = request
            .get(..SIZE_DIGITS)
            .and_then(|digits| digits.parse().ok())
            .unwrap_or(0);
        let reply = replies
            .entry(size)
            .or_insert_with(|| "y".repeat(size).into())
            .clone();
        if ws.send(Message::Text(reply)).is_err() {
            break;
        }
    }
}

/// A CA and a `localhost` certificate it signed, as the test controller makes its own.
fn tls_identity() -> (Certificate, Identity) {
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.distinguished_name = DistinguishedName::new();
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "echo floor CA");
    let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().expect("CA key"))
        .expect("CA certificate");
    let key = KeyPair::generate().expect("server key");
    let mut params = CertificateParams::new(vec!["localhost".to_owned()]).expect("server params");
    params.distinguished_name = DistinguishedName::new();
    params
        .distinguished_name
        .push(DnType::CommonName, "localhost");
    let cert = params.signed_by(&key, &ca).expect("server certificate");
    let identity = Identity::from_pkcs8(cert.pem().as_bytes(), key.serialize_pem().as_bytes())
        .expect("server identity");
    let ca = Certificate::from_pem(ca.pem().as_bytes()).expect("CA PEM");
    (ca, identity)
}
