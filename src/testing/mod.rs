//! The built-in test controller (feature `testing`): a Juju API server on loopback that speaks the
//! real wire protocol over a real TLS websocket, with Juju's login and secret semantics.
//!
//! Use it to test programs built on this crate without a Juju controller:
//!
//! ```
//! use juju_secrets::{testing::TestController, Client};
//! let controller = TestController::start()?;
//! let mut client = Client::connect(&controller.connect_options())?;
//! client.ping()?;
//! assert_eq!(controller.calls().last().map(|c| c.method().to_owned()), Some("Ping".into()));
//! # Ok::<(), juju_secrets::Error>(())
//! ```
//!
//! It serves `wss://127.0.0.1:<port>/model/<uuid>/api` for each of its models (and `/api` for
//! controller logins) with a CA and server certificate made at start, valid for `juju-apiserver`.
//! Each connection gets its own thread; the controller stops when dropped. Besides `Admin`,
//! `Pinger` and `Secrets`, it answers what python-libjuju's `Model.connect` calls
//! (`ModelConfig.ModelGet`, `Client.WatchAll`, `AllWatcher`, `ModelManager.ModelInfo`), so
//! python-libjuju can drive it too, and `ModelManager.ListModels` to find models by name.
//!
//! It plays Juju 3.6 by default, or Juju 4.0.x with [`TestControllerBuilder::profile`] (see
//! [`Profile`] for what differs, and which 4.0.x releases differ among themselves).
//!
//! For connection tests it can play a cluster node reporting other servers
//! ([`TestControllerBuilder::login_servers`]), the old controller of a migrated model
//! ([`TestControllerBuilder::redirect_model`], [`TestController::redirect_model`]), a controller
//! with external users ([`TestControllerBuilder::accept_macaroon`],
//! [`TestControllerBuilder::demand_discharge`]), a proxy that drops idle connections
//! ([`TestControllerBuilder::drop_idle_after`]) and JAAS ([`TestControllerBuilder::jaas`]).
//! Users with less than admin access ([`TestControllerBuilder::user_access`]) get Juju's
//! `permission denied` where Juju 3.6 refuses them.

// From the bottom layer up: a module uses only its own group and the groups listed before it,
// never mod.rs (see the module docs of each for what it owns).
// What every layer speaks: RPC errors and params, records, certificates, faults, roles
// (JAAS among them), users' access.
mod access;
mod certs;
mod faults;
mod jaas;
mod params;
mod recorded_call;
mod reply;
mod roles;

// The controller's settings and state, and one connection's own.
mod config;
mod conn;
mod profile;
mod shared;
mod state;

// One file per facade, then the router that picks one, the envelope around it, the sockets.
mod envelope;
mod facades;
mod router;
mod server;

// The public handle: settings, the running controller, the client store it writes, and who
// may log in.
mod builder;
mod client_store;
mod controller;
mod identities;
mod private_files;

pub use access::Access;
pub use builder::TestControllerBuilder;
pub use config::TestModel;
pub use controller::{HandlingTime, TestController, WIRE_LOG_ENV};
pub use faults::Fault;
pub use private_files::private_temp_dir;
pub use profile::Profile;
pub use recorded_call::RecordedCall;
pub use roles::RedirectTarget;
