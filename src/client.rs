//! `Client`: a logged-in connection to one model, sending one call at a time, checking an idle
//! connection before using it again and replacing it when it died.

use std::fmt;
use std::time::Duration;

use log::debug;
use serde::de::{DeserializeOwned, IgnoredAny};
use serde::Serialize;

use crate::connect::{self, Session};
use crate::deadline::Deadline;
use crate::error::{Error, Result};
use crate::login::LoginInfo;
use crate::options::ConnectOptions;
use crate::rpc::{Call, Conn};

/// The longest an idle check's ping waits for its answer (Go's `api.pingTimeout`).
const PING_TIMEOUT: Duration = Duration::from_secs(30);

/// The longest [`Client::close`] waits for the controller's side of the close handshake.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(5);

/// A logged-in connection to one Juju model.
///
/// Calls block until the controller answers or the call timeout expires; they take `&mut self`,
/// so one call is in flight at a time. Dropping the client closes the connection quietly;
/// [`Client::close`] reports errors.
///
/// A client may live for hours: when it has been idle longer than
/// [`ConnectOptionsBuilder::idle_ping_after`](crate::ConnectOptionsBuilder::idle_ping_after)
/// (60 seconds by default), its next call pings first and, if the connection turns out to be
/// dead, reconnects (new websocket, login, facade versions) before sending the call. No thread
/// runs in the background, and a call whose request was already sent is never sent again.
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
    conn: Conn,
    login: LoginInfo,
    options: ConnectOptions,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("endpoint", &self.conn.endpoint())
            .field("model_uuid", &self.login.model_uuid())
            .field("user", &self.options.user)
            .field("server_version", &self.login.server_version)
            .field("broken", &self.conn.broken())
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Connects to the model and logs in, all within the connect timeout.
    ///
    /// - **Endpoints**: with several (the nodes of a highly available controller), all are
    ///   tried side by side, each started [`DIAL_STAGGER`](crate::DIAL_STAGGER) (100 ms) after
    ///   the one before or as soon as it failed, so a dead or silent address does not cost the
    ///   whole timeout. The first that logs in is kept and the others are closed. The dialing
    ///   threads end by the connect timeout at the latest; the client itself uses none.
    /// - **Model by name**: settings with a model name but no UUID first log in to the
    ///   controller (`/api`) and look the name up with `ModelManager.ListModels`.
    /// - **Redirects**: a model that migrated to another controller is followed there once,
    ///   trusting exactly the CA the old controller named (see
    ///   [`ConnectOptionsBuilder::follow_redirects`](crate::ConnectOptionsBuilder::follow_redirects)).
    ///
    /// Name resolution, TCP, TLS, websocket handshake and login on each endpoint, the model
    /// lookup and a followed redirect all share one deadline: the connect timeout.
    ///
    /// # Errors
    /// - With one endpoint, the error of that attempt; with several,
    ///   [`Error::AllEndpointsFailed`] listing each endpoint's error.
    /// - A login refused by the controller (such as a wrong password,
    ///   [`ErrorKind::Unauthorized`](crate::ErrorKind::Unauthorized)) is returned at once as
    ///   [`Error::Api`], without waiting for other endpoints, since every node of a controller
    ///   would refuse it alike.
    /// - [`Error::DischargeRequired`] when the macaroons are missing or expired, and
    ///   [`Error::SessionTokenRefused`] when a session token is: run `juju login`.
    /// - [`Error::Redirected`] when the model migrated and following redirects is off;
    ///   [`Error::RedirectedAgain`] when the new controller redirects again.
    /// - [`Error::UnknownModel`] when a model name is unknown to the controller (the message
    ///   lists the models it has).
    pub fn connect(options: &ConnectOptions) -> Result<Client> {
        let Session {
            conn,
            login,
            options,
        } = connect::connect(options)?;
        Ok(Client {
            conn,
            login,
            options,
        })
    }

    /// Connects the way the `juju` CLI does: see [`ConnectOptions::from_juju_env`].
    ///
    /// # Errors
    /// As [`ConnectOptions::from_juju_env`] and [`Client::connect`].
    pub fn connect_juju_env() -> Result<Client> {
        Client::connect(&ConnectOptions::from_juju_env()?)
    }

    /// What the controller said at login: its version, addresses and facades.
    pub fn login_info(&self) -> &LoginInfo {
        &self.login
    }

    /// The settings this client connected with: after a followed redirect, the new
    /// controller's endpoints and CA; after a lookup by name, the model's UUID.
    pub fn options(&self) -> &ConnectOptions {
        &self.options
    }

    /// The endpoint (`host:port`) this client is connected to.
    pub fn endpoint(&self) -> &str {
        self.conn.endpoint()
    }

    /// The controller's current API endpoints, as it reported them at login
    /// ([`LoginInfo::endpoints`]): every node of a highly available controller. Reconnecting
    /// tries them after the configured endpoints. Store them yourself if you want the next
    /// program to know them; this crate never rewrites the client store.
    pub fn controller_endpoints(&self) -> Vec<String> {
        self.login.endpoints()
    }

    /// The highest version of `facade` that both this crate and the controller speak, or
    /// `None`.
    pub fn facade_version(&self, facade: &str) -> Option<u32> {
        self.login.best_version(facade)
    }

    /// Sends `call` with `params` and decodes its result: the way to reach a facade this crate
    /// has no typed API for. The typed operations of [`SecretsApi`](crate::SecretsApi) are
    /// built on it.
    ///
    /// ```
    /// # let controller = juju_secrets::testing::TestController::start()?;
    /// # let mut client = juju_secrets::Client::connect(&controller.connect_options())?;
    /// use juju_secrets::Call;
    /// let version = client.facade_version("Pinger").unwrap_or(1);
    /// let _: serde::de::IgnoredAny = client.call(Call::read("Pinger", version, "Ping"), &serde_json::json!({}))?;
    /// # Ok::<(), juju_secrets::Error>(())
    /// ```
    ///
    /// # Errors
    /// - [`Error::Unsupported`], before any I/O, when the controller did not offer the facade
    ///   at that version at login;
    /// - [`Error::Api`] when the controller answers with an error (its message, code and info
    ///   kept);
    /// - [`Error::Timeout`] when no answer comes within the call timeout (the connection stays
    ///   usable: a late answer is recognised by its request id and skipped);
    /// - [`Error::ConnectionClosed`] once the connection is unusable, and at once, without I/O,
    ///   for every later call;
    /// - [`Error::Protocol`] when the answer is not a valid Juju response;
    /// - [`Error::OutcomeUnknown`] for a [`Call::write`] that failed after its request may have
    ///   reached the controller.
    pub fn call<P, R>(&mut self, call: Call<'_>, params: &P) -> Result<R>
    where
        P: Serialize + ?Sized,
        R: DeserializeOwned,
    {
        self.check_offered(call)?;
        let deadline = match self.keep_alive()? {
            Some(overall) => overall.within(self.options.call_timeout),
            None => Deadline::after(self.options.call_timeout),
        };
        // A new login may offer other facade versions.
        self.check_offered(call)?;
        self.conn.call(call, params, deadline)
    }

    /// Checks that the connection is alive with `Pinger.Ping`.
    ///
    /// # Errors
    /// As [`Client::call`].
    pub fn ping(&mut self) -> Result<()> {
        let _: IgnoredAny = self.call(Call::read("Pinger", 1, "Ping"), &EmptyParams {})?;
        Ok(())
    }

    /// Closes the connection with a websocket close handshake.
    ///
    /// # Errors
    /// When the close frame cannot be sent; a connection that was already closed is not an error.
    pub fn close(mut self) -> Result<()> {
        let deadline = Deadline::after(self.options.call_timeout.min(CLOSE_TIMEOUT));
        self.conn.close(deadline)
    }

    /// Before a call on a connection idle for long: a ping, and when the connection is dead a
    /// new one. Returns the deadline of the whole call (call timeout plus connect timeout from
    /// now) when it checked. A broken client is never revived here: its calls fail at once.
    fn keep_alive(&mut self) -> Result<Option<Deadline>> {
        let Some(idle_after) = self.options.idle_ping_after else {
            return Ok(None);
        };
        let idle = self.conn.idle_for();
        if idle < idle_after || self.conn.broken().is_some() {
            return Ok(None);
        }
        let overall = Deadline::after(
            self.options
                .call_timeout
                .saturating_add(self.options.connect_timeout),
        );
        let ping_deadline = Deadline::after(self.options.call_timeout.min(PING_TIMEOUT));
        let ping: Result<IgnoredAny> = self.conn.call(
            Call::read("Pinger", 1, "Ping"),
            &EmptyParams {},
            ping_deadline,
        );
        match ping {
            // Any answer, even an error, shows the connection works.
            Ok(_) | Err(Error::Api(_)) => {}
            Err(e) => {
                debug!(
                    "connection to {} idle for {idle:?} is dead ({e}); reconnecting",
                    self.conn.endpoint()
                );
                let deadline = overall.within(self.options.connect_timeout);
                let fresh = connect::reconnect(&self.options, &self.login.endpoints(), deadline)?;
                self.conn.retire("replaced by a new connection");
                self.conn = fresh.conn;
                self.login = fresh.login;
                self.options = fresh.options;
            }
        }
        Ok(Some(overall))
    }

    /// Nothing is sent for a facade or version the controller did not offer at login.
    fn check_offered(&self, call: Call<'_>) -> Result<()> {
        let (facade, version) = (call.facade(), call.version());
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

    /// The negotiated version of `facade`, or [`Error::Unsupported`] naming both sides'.
    pub(crate) fn require_facade(&self, facade: &str) -> Result<u32> {
        self.login.require(facade)
    }
}

/// `{}`: the params of calls that take none.
#[derive(Serialize)]
struct EmptyParams {}
