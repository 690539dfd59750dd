//! Manage Juju *user secrets* from ordinary synchronous Rust programs and `build.rs` scripts.
//!
//! A [`Client`] opens one TLS websocket to a Juju controller's model endpoint, logs in, and sends
//! calls one at a time; [`SecretsApi`] turns each secret operation into one blocking function.
//! There is no async runtime and no background thread (connecting to a cluster's endpoints side
//! by side uses short-lived threads that end with the connect timeout).
//!
//! # Quick start
//!
//! ```
//! # let controller = juju_secrets::testing::TestController::start()?;
//! # let options = controller.connect_options();
//! use juju_secrets::{Client, NewSecret, SecretContent, SecretUpdate};
//!
//! // Connect as the juju CLI would: Client::connect_juju_env()? (here: a test controller).
//! let mut client = Client::connect(&options)?;
//! let mut secrets = client.secrets();
//!
//! let content = SecretContent::from_args(&["user=app", "password=s3cr3t"])?;
//! let uri = secrets.add(&NewSecret::new("db-creds", content).description("database credentials"))?;
//! secrets.grant("db-creds", &["mysql"])?;
//!
//! let password = secrets.get_value("db-creds", "password")?;
//! assert_eq!(password.as_str(), Some("s3cr3t"));
//!
//! let rotated = SecretContent::from_pairs([("user", "app"), ("password", "n3w")])?;
//! secrets.update(&uri, &SecretUpdate::new().content(rotated))?;
//! secrets.remove(&uri)?;
//! # Ok::<(), juju_secrets::Error>(())
//! ```
//!
//! # Connecting
//!
//! - [`Client::connect_juju_env`] resolves the controller, model and account the way the `juju`
//!   CLI does: the client store in `$JUJU_DATA` (else `$XDG_DATA_HOME/juju`, else
//!   `~/.local/share/juju`), the controller from `JUJU_CONTROLLER` or `current-controller`, the
//!   model from `JUJU_MODEL` (`model`, `owner/model`, `controller:model`,
//!   `controller:owner/model`) or the controller's `current-model`. [`ClientStore`] does the same
//!   for names you choose.
//!   A model name `models.yaml` does not list is looked up on the controller; a model UUID it
//!   does not list is used as given.
//! - [`ConnectOptions::builder`] takes explicit endpoints, model (UUID, or name to look up),
//!   user, credentials (password, macaroons, client credentials or a session token), CA and
//!   public host name.
//!
//! What happens then ([`Client::connect`]):
//!
//! - **TLS** (1.2 or later) trusts exactly the controller's CA certificate and checks the name
//!   `juju-apiserver`, as Juju's own clients do. A controller with a public DNS name may serve a
//!   publicly signed certificate instead: as the Go dialer does, when the CA check fails on the
//!   certificate, the handshake is tried once more against the system's roots as that name.
//! - **Highly available controllers**: every endpoint is tried, side by side, each started
//!   [`DIAL_STAGGER`] (100 ms, as python-libjuju) after the previous one or as soon as it failed;
//!   the first that logs in is kept and the others are closed, so a dead or black-holed node
//!   costs 100 ms, not the connect timeout. A refused login (wrong password) fails at once.
//!   [`Client::controller_endpoints`] gives the addresses the controller reported at login;
//!   the client store is never rewritten.
//! - **Model by name**: without a UUID, the client logs in to the controller (`/api`), finds
//!   the name with `ModelManager.ListModels`, and fails listing the models there if it is not
//!   one of them ([`Error::UnknownModel`]).
//! - **External users** log in with the macaroons `juju login` stored in the client store's
//!   cookie jar (`cookies/<controller>.json`; expired cookies are ignored), or with macaroons
//!   given to [`ConnectOptionsBuilder::macaroons`]. This crate does not perform third-party
//!   discharges over HTTP: when the controller asks for one, connecting fails with
//!   [`Error::DischargeRequired`] telling you to run `juju login`.
//! - **JAAS** refuses the old login. Service accounts log in with client credentials
//!   ([`ConnectOptionsBuilder::client_credentials`], or `JUJU_CLIENT_ID` and
//!   `JUJU_CLIENT_SECRET` for a controller marked `oidc-login`), people with the session token
//!   `juju login` stored. The OIDC device flow is not run here: a refused token is
//!   [`Error::SessionTokenRefused`], telling you to run `juju login`.
//! - **Kubernetes controllers** the `juju` CLI reaches through a port-forward (`proxy-config`)
//!   are refused at once with the `kubectl port-forward` command to run; connect to the
//!   forwarded port with explicit options.
//! - **Migrated models**: a login answered with a redirect is followed once to the new
//!   controller, trusting exactly the CA the old one named, and logged at `debug`. A second
//!   redirect (or a loop) is [`Error::RedirectedAgain`]. With
//!   [`ConnectOptionsBuilder::follow_redirects`]`(false)` you get [`Error::Redirected`] with the
//!   new addresses, CA, controller tag and alias instead, as the `juju` CLI reports it.
//! - **Long-lived clients**: a client idle longer than
//!   [`ConnectOptionsBuilder::idle_ping_after`] (60 s by default) pings before its next call and,
//!   if the connection is dead, reconnects (new websocket, login, facade versions) before
//!   sending it. A request already written is never sent again: a write whose fate is unknown
//!   is [`Error::OutcomeUnknown`].
//!
//! # Errors
//!
//! Every function returns [`Error`], one enum by layer. Anything the controller would refuse
//! (bad keys, oversize values, a revision of 0, an update that changes nothing, a write to a
//! controller older than Juju 3.3) is refused before any I/O. An error the controller sends keeps
//! its message and code in [`ApiError`]; match on [`Error::kind`] ([`ErrorKind`]) rather than
//! on strings: "not found" is [`ErrorKind::NotFound`] whichever way a Juju release says it. Bulk
//! operations return one result per item, so one failure never hides the others' success.
//!
//! **Nothing is lost.** A call that changes something (add, update, remove, grant, revoke) is
//! never sent twice. Once its request may have reached the controller, any failure short of the
//! controller's own answer is [`Error::OutcomeUnknown`]: the change may or may not have been
//! made, and the message says to check (list the secret by name) before trying again. A write
//! refused before sending (invalid input, a connection already closed) is that error instead.
//!
//! **Every fault ends in a clear error, in time.** No call blocks past its timeout (the connect
//! timeout while connecting and logging in, the call timeout for each call) and nothing the
//! network sends makes this crate panic. Afterwards the client is either still usable, or every
//! later call fails at once, without any I/O, with [`Error::ConnectionClosed`] (connect again):
//!
//! | fault | error | the client afterwards |
//! |---|---|---|
//! | the controller hangs up (TCP closed or reset) | [`Error::ConnectionClosed`] | fails fast |
//! | a websocket close frame mid-call | [`Error::ConnectionClosed`], with its reason | fails fast |
//! | a reset during the TLS handshake | [`Error::Tls`] | connect fails |
//! | a server that accepts TCP and never speaks | [`Error::Timeout`] | connect fails |
//! | no answer within the call timeout | [`Error::Timeout`] | usable: the late answer is skipped, the next call gets its own |
//! | a text frame that is not JSON | [`Error::Protocol`] | fails fast |
//! | a binary frame | [`Error::Protocol`] | fails fast |
//! | JSON without a `request-id` | [`Error::Protocol`] | fails fast |
//! | the answer under another request's id | skipped; [`Error::Timeout`] if the own answer never comes | usable |
//! | a response to a request never sent | skipped (logged at `warn`) | usable |
//! | an answer whose `response` has the wrong shape | [`Error::Protocol`] | usable |
//! | a message over [`ConnectOptionsBuilder::max_message_size`] (64 MiB: a reveal of about 60 secrets at Juju's 1 MB limit) | [`Error::MessageTooLarge`] | fails fast |
//! | a single websocket frame over 1 MiB (Juju sends frames of a few KiB) | [`Error::Protocol`] | fails fast |
//! | a certificate from another CA, for another name, or expired | [`Error::Tls`] | connect fails |
//!
//! During a write, each of these call faults comes wrapped in [`Error::OutcomeUnknown`]. During
//! connect, they fail the connection attempt. The test controller injects each of them on
//! demand ([`testing::Fault`]), so programs built on this crate can test their own handling.
//!
//! **Bounded memory.** No message makes the client allocate without bound: arrays are counted
//! before they are decoded, an item too short to be real is refused, a write's results must
//! number its items, and decoding any message peaks within 8 times its size. Local files are
//! read with caps (client store 16 MiB, cookie jar 4 MiB, secret files at Juju's limits), and a
//! `#file` naming a FIFO nobody writes to does not wait forever.
//!
//! # Security
//!
//! - Passwords ([`Password`]) and secret values ([`SecretValue`]) are zeroed when dropped and
//!   print `***` in `Debug` and `Display`; so are their base64 texts sent and received. No log
//!   record of this crate at any level, no error message and no `Debug` output of a public type
//!   carries a password or a secret value: errors about a value name its key, and errors
//!   decoding the controller's answers never quote what it sent.
//! - No buffer this crate frees holds a password or a secret value: requests are serialised
//!   into one buffer of their exact size, zeroed when dropped, with base64 written straight
//!   into it; revealed values are decoded straight into zeroing buffers. Copies made inside
//!   `tungstenite` and OpenSSL (frame and TLS buffers) are outside this crate's reach.
//! - TLS is always verified: the certificate must chain to the controller's CA (or, for a public
//!   host name, to the system's roots), carry the expected server name and be current. There is no option to skip verification; plain
//!   websockets need [`ConnectOptionsBuilder::insecure_plain_websocket`], and each connection
//!   made that way logs a warning.
//! - **Keep the `tungstenite` target below `trace`**: at trace level that crate logs every
//!   websocket frame whole, the login password and revealed values included, and this crate
//!   cannot stop it. With `env_logger`, for example: `RUST_LOG=trace,tungstenite=debug`. At
//!   `debug` and above no crate's log carries them.
//!
//! # Logging
//!
//! Through the `log` crate: `debug` for connecting (each endpoint tried, a redirect followed,
//! an idle connection found dead and replaced), login, closing and each call's
//! `Facade(version).Method` and request id; `trace` for message sizes; `warn` for something you
//! should fix (an insecure connection, a connection that became unusable). Parameters of calls are
//! never logged. Keep `tungstenite` below `trace` (see [Security](#security)).
//!
//! # Features
//!
//! - `testing`: [`testing::TestController`], a Juju API server on loopback with Juju's secret
//!   semantics, for testing programs built on this crate without a Juju controller.
//! - `fuzzing`: entry points for the fuzz targets in `fuzz/`; unstable, not part of the API.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod bounded;
mod client;
mod connect;
mod cookies;
mod credentials;
mod deadline;
mod error;
mod files;
mod login;
mod models;
mod names;
mod oneliner;
mod options;
mod redirect;
mod rpc;
mod secrets;
mod sensitive;
mod store;
mod transport;

#[cfg(feature = "testing")]
pub mod testing;

#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;

pub use client::Client;
pub use connect::DIAL_STAGGER;
pub use credentials::{ClientSecret, Password, SessionToken};
pub use error::{ApiError, Error, ErrorKind, Result, UnknownModel};
pub use login::{LoginInfo, UserInfo};
pub use names::HostPort;
pub use oneliner::get_value;
pub use options::{
    ConnectOptions, ConnectOptionsBuilder, DEFAULT_IDLE_PING_AFTER, JUJU_SERVER_NAME,
    MAX_MESSAGE_SIZE_LIMIT,
};
pub use redirect::Redirect;
pub use rpc::Call;
pub use secrets::{
    AccessAction, AccessChange, AccessGrant, Ensured, IntoSecretRef, ListOptions, NewSecret,
    Removal, RevisionInfo, SecretContent, SecretInfo, SecretRef, SecretUpdate, SecretUri,
    SecretValue, SecretsApi, ShowOptions,
};
pub use store::ClientStore;
