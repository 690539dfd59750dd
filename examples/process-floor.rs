//! The floor of `exec → value → exit` for `scripts/bench-compare.sh`: a bare program (no
//! juju-secrets) that makes the same native-tls connection the crate makes (trusting exactly the
//! controller's CA, verified as `juju-apiserver`, TLS 1.2 or later), opens the same websocket,
//! makes one round trip and exits. What it takes is what the TLS stack and a round trip cost a
//! fresh process, before any Juju work.
//!
//! ```text
//! $ process-floor CONTROLLER_JSON     # the line examples/test-controller.rs printed, in a file
//! ```

use std::net::TcpStream;
use std::process::ExitCode;

use native_tls::{Certificate, Protocol, TlsConnector};
use tungstenite::Message;

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

fn main() -> ExitCode {
    match run() {
        Ok(bytes) => {
            println!("{bytes}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("ERROR {e}");
            ExitCode::FAILURE
        }
    }
}

/// One round trip; returns the size of the answer.
fn run() -> Result<usize> {
    let path = std::env::args()
        .nth(1)
        .ok_or("usage: process-floor CONTROLLER_JSON")?;
    let line: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path)?)?;
    let field = |name: &str| line[name].as_str().ok_or(format!("no {name:?}"));
    let (endpoint, model) = (field("endpoint")?, field("model_uuid")?);
    let ca = Certificate::from_pem(std::fs::read_to_string(field("ca_cert_path")?)?.as_bytes())?;
    let connector = TlsConnector::builder()
        .add_root_certificate(ca)
        .disable_built_in_roots(true)
        .min_protocol_version(Some(Protocol::Tlsv12))
        .build()?;
    let tcp = TcpStream::connect(endpoint)?;
    tcp.set_nodelay(true)?;
    let tls = connector.connect("juju-apiserver", tcp)?;
    let url = format!("wss://{endpoint}/model/{model}/api");
    let (mut socket, _) = tungstenite::client(url.as_str(), tls)?;
    let ping = r#"{"request-id":1,"type":"Pinger","version":1,"request":"Ping","params":{}}"#;
    socket.send(Message::text(ping))?;
    let answer = socket.read()?;
    let _ = socket.close(None);
    Ok(answer.len())
}
