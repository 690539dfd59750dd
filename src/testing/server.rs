//! The test controller's network side: start and stop, accept loop, TLS, websocket, one thread
//! per connection.

use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::Instant;

use log::debug;
use native_tls::TlsAcceptor;
use tungstenite::handshake::server::{ErrorResponse, Request, Response};
use tungstenite::http::StatusCode;
use tungstenite::protocol::WebSocketConfig;
use tungstenite::Message;

use super::certs::generate;
use super::config::Config;
use super::conn::Conn;
use super::envelope::answer;
use super::faults::Faults;
use super::shared::Shared;
use crate::error::{Error, Result};
use crate::transport::{Stream, Tcp};

/// A running server: what a [`TestController`](super::TestController) holds.
pub(crate) struct Server {
    pub shared: Arc<Shared>,
    /// The CA certificate (PEM) that signed the server certificate; `None` for a plain websocket.
    pub ca_pem: Option<String>,
    /// The public CA (PEM) that signed it instead, for a publicly signed certificate.
    pub public_ca_pem: Option<String>,
    accept: Option<JoinHandle<()>>,
}

impl Server {
    /// Makes the certificates, binds the port and starts accepting: ready when this returns.
    pub(crate) fn start(config: Config) -> Result<Server> {
        let tls = (!config.plain)
            .then(|| generate(&config.cert))
            .transpose()?;
        let faults = Faults::new(config.fault.clone(), tls.as_ref())?;
        let listener = TcpListener::bind(("127.0.0.1", config.port))
            .map_err(|e| Error::io("binding the test controller's port", e))?;
        let port = listener
            .local_addr()
            .map_err(|e| Error::io("reading the test controller's port", e))?
            .port();
        let (ca_pem, public_ca_pem, acceptor) = match tls {
            Some(t) => {
                let acceptor = TlsAcceptor::new(t.identity).map_err(|e| {
                    Error::Config(format!("test controller: cannot set up TLS: {e}"))
                })?;
                (Some(t.ca_pem), t.public_ca_pem, Some(acceptor))
            }
            None => (None, None, None),
        };
        let shared = Arc::new(Shared::new(config, port, acceptor, faults));
        let accept_shared = Arc::clone(&shared);
        let accept = thread::Builder::new()
            .name("test-controller".into())
            .spawn(move || accept_loop(listener, accept_shared))
            .map_err(|e| Error::io("starting the test controller", e))?;
        Ok(Server {
            shared,
            ca_pem,
            public_ca_pem,
            accept: Some(accept),
        })
    }

    /// Stops accepting and closes every connection; only the first call does anything.
    pub(crate) fn stop(&mut self) {
        if self.shared.stopping.swap(true, Ordering::SeqCst) {
            return;
        }
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.shared.port));
        if let Some(handle) = self.accept.take() {
            let _ = handle.join();
        }
        for socket in self.shared.lock().sockets.drain(..) {
            let _ = socket.shutdown(Shutdown::Both);
        }
    }
}

fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    for stream in listener.incoming() {
        if shared.stopping.load(Ordering::SeqCst) {
            break;
        }
        let Ok(tcp) = stream else { continue };
        if let Ok(clone) = tcp.try_clone() {
            shared.lock().sockets.push(clone);
        }
        let shared = Arc::clone(&shared);
        let _ = thread::Builder::new()
            .name("test-controller-conn".into())
            .spawn(move || serve(tcp, shared));
    }
}

// The handshake callback's signature is tungstenite's.
#[allow(clippy::result_large_err)]
fn serve(tcp: TcpStream, shared: Arc<Shared>) {
    let _ = tcp.set_nodelay(true);
    let mut faults = shared.faults.connection();
    if !faults.before_handshake(&tcp, |tcp| shared.forget(tcp)) {
        return;
    }
    let _hangup = Hangup::new(&tcp, &shared);
    let stream = match &shared.tls {
        None => Stream::Plain(Tcp::new(tcp)),
        Some(acceptor) => {
            // A fault may serve a broken certificate; otherwise the acceptor made at start.
            let acceptor = match faults.identity().map(TlsAcceptor::new) {
                None => acceptor.clone(),
                Some(Ok(a)) => a,
                Some(Err(_)) => return,
            };
            match acceptor.accept(Tcp::new(tcp)) {
                Ok(s) => Stream::Tls(Box::new(s)),
                Err(e) => {
                    debug!("test controller: TLS handshake failed: {e}");
                    return;
                }
            }
        }
    };
    let mut path = String::new();
    let callback = |request: &Request, response: Response| -> Result<Response, ErrorResponse> {
        path = request.uri().path().to_owned();
        if model_from_path(&path).is_some() {
            Ok(response)
        } else {
            let mut refused = ErrorResponse::new(Some(format!("no API at {path}")));
            *refused.status_mut() = StatusCode::NOT_FOUND;
            Err(refused)
        }
    };
    // tungstenite zero-fills its read buffer before every read: 128 KiB by default, several
    // microseconds of each round trip, where a TLS read returns one 16 KiB record at most.
    let config = WebSocketConfig::default()
        .read_buffer_size(16 * 1024)
        .max_message_size(Some(1 << 30));
    let Ok(mut ws) = tungstenite::accept_hdr_with_config(stream, callback, Some(config)) else {
        return;
    };
    let mut conn = Conn::new(model_from_path(&path).flatten());
    if let Some(idle) = shared.config.roles.drop_idle_after {
        // Quiet for that long, the read fails and the connection ends, as behind a proxy.
        let _ = ws.get_mut().tcp_mut().set_read_timeout(Some(idle));
    }
    loop {
        let text = match faults.read(&mut ws) {
            Ok(Message::Text(text)) => text,
            Ok(Message::Close(_)) | Err(_) => break,
            Ok(_) => continue,
        };
        let started = Instant::now();
        let Some(replies) = answer(&shared, &mut conn, &text) else {
            // Not a v1 request frame: a real controller tears the connection down.
            break;
        };
        shared.record_handling(started.elapsed());
        if faults.send(&mut ws, replies).is_err() {
            break;
        }
    }
    let _ = ws.close(None);
    let _ = ws.flush();
}

/// Ends the connection however `serve` returns. The accept loop keeps a clone of every socket
/// (to shut it down on stop), so dropping ours alone would leave a refused client (TLS or
/// websocket handshake failed) waiting for its timeout instead of seeing the connection end.
struct Hangup<'a> {
    tcp: Option<TcpStream>,
    shared: &'a Shared,
}

impl<'a> Hangup<'a> {
    fn new(tcp: &TcpStream, shared: &'a Shared) -> Self {
        Hangup {
            tcp: tcp.try_clone().ok(),
            shared,
        }
    }
}

impl Drop for Hangup<'_> {
    fn drop(&mut self) {
        let Some(tcp) = self.tcp.take() else { return };
        // Forget the accept loop's clone too, so closed connections do not pile up.
        self.shared.forget(&tcp);
        let _ = tcp.shutdown(Shutdown::Both);
    }
}

/// `Some(None)` for the controller path `/api`, `Some(Some(uuid))` for `/model/<uuid>/api`.
fn model_from_path(path: &str) -> Option<Option<String>> {
    if path == "/api" {
        return Some(None);
    }
    let uuid = path.strip_prefix("/model/")?.strip_suffix("/api")?;
    (!uuid.is_empty() && !uuid.contains('/')).then(|| Some(uuid.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        assert_eq!(model_from_path("/api"), Some(None));
        assert_eq!(model_from_path("/model/abc/api"), Some(Some("abc".into())));
        assert_eq!(model_from_path("/model//api"), None);
        assert_eq!(model_from_path("/model/a/b/api"), None);
        assert_eq!(model_from_path("/other"), None);
    }
}
