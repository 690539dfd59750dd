//! Migrated models: a login answered with `redirection required` is followed once to the new
//! controller (trusting exactly the CA it named), or reported as a typed error; a second
//! redirect or a loop is an error naming both controllers.

mod common;

use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use common::{options_without_endpoint, within, PROMPTLY};
use juju_secrets::testing::{Fault, RedirectTarget, TestController};
use juju_secrets::{Client, ConnectOptionsBuilder, Error, ErrorKind};

/// Collects `debug` records of this crate, to see what a redirect logged.
struct Records(Mutex<Vec<String>>);

impl log::Log for Records {
    fn enabled(&self, metadata: &log::Metadata) -> bool {
        metadata.target().starts_with("juju_secrets")
    }

    fn log(&self, record: &log::Record) {
        if self.enabled(record.metadata()) {
            let mut records = self.0.lock().unwrap_or_else(|e| e.into_inner());
            records.push(format!("{} {}", record.level(), record.args()));
        }
    }

    fn flush(&self) {}
}

fn records() -> &'static Records {
    static RECORDS: OnceLock<&'static Records> = OnceLock::new();
    RECORDS.get_or_init(|| {
        let records: &'static Records = Box::leak(Box::new(Records(Mutex::new(Vec::new()))));
        if log::set_logger(records).is_ok() {
            log::set_max_level(log::LevelFilter::Debug);
        }
        records
    })
}

fn named(name: &str) -> TestController {
    TestController::builder()
        .controller_name(name)
        .start()
        .unwrap()
}

/// Settings for `model` through `controller` (not the model's own controller).
fn via(controller: &TestController, model: &str) -> ConnectOptionsBuilder {
    options_without_endpoint(controller)
        .endpoint(controller.endpoint())
        .model_uuid(model)
        .controller_name(controller.controller_name())
}

#[test]
fn a_redirect_is_followed_to_the_new_controller_and_logged() {
    within(|| {
        let records = records();
        let new = named("beta");
        let model = new.model_uuid().to_owned();
        let old = TestController::builder()
            .controller_name("alpha")
            .redirect_model(&model, RedirectTarget::to(&new))
            .start()
            .unwrap();
        let mut client = Client::connect(&via(&old, &model).build().unwrap()).unwrap();
        client.ping().unwrap();
        assert_eq!(client.endpoint(), new.endpoint());
        let tag = format!("controller-{}", new.controller_uuid());
        assert_eq!(client.login_info().controller_tag, tag);
        assert_eq!(client.login_info().model_uuid(), model);
        // Reconnecting goes straight to the new controller.
        assert_eq!(client.options().endpoints(), [new.endpoint()]);
        assert_eq!(client.options().controller_name(), Some("beta"));

        let refused = old.calls();
        assert_eq!(refused.len(), 1);
        assert_eq!(refused[0].response["error-code"], "redirection required");
        let info = &refused[0].response["error-info"];
        assert_eq!(info["controller-alias"], "beta");
        assert_eq!(info["ca-cert"], new.ca_cert().unwrap());
        let methods: Vec<String> = new.calls().iter().map(|c| c.method().to_owned()).collect();
        assert_eq!(methods, ["Login", "Ping"]);

        let logged = records.0.lock().unwrap().clone();
        let followed = logged
            .iter()
            .find(|r| r.contains(&model) && r.contains("following the redirect"));
        let followed = followed.unwrap_or_else(|| panic!("no debug record: {logged:#?}"));
        assert!(followed.starts_with("DEBUG"), "{followed}");
        assert!(
            followed.contains("\"alpha\"") && followed.contains("\"beta\""),
            "{followed}"
        );
    })
}

#[test]
fn the_new_controller_must_present_a_certificate_of_the_ca_it_was_named_with() {
    within(|| {
        let new = named("beta");
        let stranger = named("stranger");
        let model = new.model_uuid().to_owned();
        // The old controller names the wrong CA for the new one.
        let target = RedirectTarget::new(
            [new.endpoint()],
            stranger.ca_cert().unwrap(),
            new.controller_uuid(),
        );
        let old = TestController::builder()
            .redirect_model(&model, target)
            .start()
            .unwrap();
        let err = Client::connect(&via(&old, &model).build().unwrap()).unwrap_err();
        assert!(matches!(err, Error::Tls { .. }), "{err:?}");
        assert!(new.calls().is_empty());
    })
}

#[test]
fn not_following_reports_where_the_model_went() {
    within(|| {
        let new = named("beta");
        let model = new.model_uuid().to_owned();
        let old = TestController::builder()
            .controller_name("alpha")
            .redirect_model(&model, RedirectTarget::to(&new))
            .start()
            .unwrap();
        let options = via(&old, &model).follow_redirects(false).build().unwrap();
        let err = Client::connect(&options).unwrap_err();
        assert_eq!(err.kind(), Some(ErrorKind::RedirectionRequired));
        let Error::Redirected(redirect) = &err else {
            panic!("expected Error::Redirected, got {err:?}");
        };
        assert_eq!(redirect.model_uuid, model);
        assert_eq!(redirect.endpoints(), [new.endpoint()]);
        assert_eq!(redirect.ca_cert, new.ca_cert().unwrap());
        assert_eq!(redirect.controller_uuid(), new.controller_uuid());
        assert_eq!(redirect.controller_alias.as_deref(), Some("beta"));
        assert_eq!(redirect.servers[0][0].scope, "public");
        let text = err.to_string();
        for part in [
            "has been migrated from controller \"alpha\" to controller \"beta\"",
            &format!("juju login {} -c beta", new.endpoint()),
        ] {
            assert!(text.contains(part), "{text:?} lacks {part:?}");
        }
        assert!(new.calls().is_empty());
    })
}

#[test]
fn a_redirect_loop_is_an_error_naming_both_controllers() {
    within(|| {
        let beta = named("beta");
        let model = beta.model_uuid().to_owned();
        let alpha = TestController::builder()
            .controller_name("alpha")
            .redirect_model(&model, RedirectTarget::to(&beta))
            .start()
            .unwrap();
        beta.redirect_model(&model, RedirectTarget::to(&alpha));
        let err = Client::connect(&via(&alpha, &model).build().unwrap()).unwrap_err();
        let Error::RedirectedAgain {
            first,
            second,
            is_loop,
        } = &err
        else {
            panic!("expected Error::RedirectedAgain, got {err:?}");
        };
        assert!(is_loop);
        assert_eq!(first.controller_alias.as_deref(), Some("beta"));
        assert_eq!(second.controller_alias.as_deref(), Some("alpha"));
        assert_eq!(second.from, "controller \"beta\"");
        let text = err.to_string();
        for part in [
            "from controller \"alpha\"",
            "to controller \"beta\"",
            "redirect loop",
        ] {
            assert!(text.contains(part), "{text:?} lacks {part:?}");
        }
        // One login each: no ping-pong.
        assert_eq!((alpha.calls().len(), beta.calls().len()), (1, 1));
    })
}

#[test]
fn a_second_redirect_is_not_followed() {
    within(|| {
        let gamma = named("gamma");
        let model = gamma.model_uuid().to_owned();
        let beta = TestController::builder()
            .controller_name("beta")
            .redirect_model(&model, RedirectTarget::to(&gamma))
            .start()
            .unwrap();
        let alpha = TestController::builder()
            .controller_name("alpha")
            .redirect_model(&model, RedirectTarget::to(&beta))
            .start()
            .unwrap();
        let err = Client::connect(&via(&alpha, &model).build().unwrap()).unwrap_err();
        assert!(
            matches!(err, Error::RedirectedAgain { is_loop: false, .. }),
            "{err:?}"
        );
        let text = err.to_string();
        for name in ["\"alpha\"", "\"beta\"", "\"gamma\""] {
            assert!(text.contains(name), "{text:?} lacks {name}");
        }
        assert!(!text.contains("loop"), "{text}");
        assert!(gamma.calls().is_empty());
    })
}

/// Every login answer of the controllers below is held this long: one held login fits in the
/// short timeout, the redirect's two do not.
const HELD_LOGIN: Duration = Duration::from_secs(1);

#[test]
fn a_followed_redirect_shares_the_connect_timeout() {
    within(|| {
        let slow_login = Fault::Slow {
            request: 1,
            delay: HELD_LOGIN,
        };
        let new = TestController::builder()
            .controller_name("beta")
            .fault(slow_login.clone())
            .start()
            .unwrap();
        let model = new.model_uuid().to_owned();
        let old = TestController::builder()
            .controller_name("alpha")
            .fault(slow_login)
            .redirect_model(&model, RedirectTarget::to(&new))
            .start()
            .unwrap();
        // With room for both logins, the redirect is followed.
        let roomy = via(&old, &model)
            .connect_timeout(Duration::from_secs(10))
            .build()
            .unwrap();
        let mut client = Client::connect(&roomy).unwrap();
        client.ping().unwrap();
        assert_eq!(client.endpoint(), new.endpoint());

        // With room for one held login only, the new controller's login runs out of the time
        // the old one left: one deadline for the whole connect.
        old.clear_calls();
        new.clear_calls();
        let timeout = Duration::from_millis(1500);
        assert!(HELD_LOGIN < timeout && HELD_LOGIN * 2 > timeout);
        let tight = via(&old, &model).connect_timeout(timeout).build().unwrap();
        let started = Instant::now();
        let err = Client::connect(&tight).unwrap_err();
        let took = started.elapsed();
        assert!(took >= HELD_LOGIN, "took {took:?}");
        assert!(took < timeout + PROMPTLY, "took {took:?}");
        match &err {
            Error::Timeout { context, after } => {
                assert_eq!(*after, timeout);
                assert_eq!(context, &format!("logging in at {}", new.endpoint()));
            }
            other => panic!("expected a timeout, got {other:?}"),
        }
        // The redirect was followed: one login each.
        assert_eq!((old.calls().len(), new.calls().len()), (1, 1));
    })
}
