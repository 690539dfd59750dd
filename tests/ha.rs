//! Highly available controllers: several endpoints tried side by side with a small stagger, so a
//! dead or black-holed address costs little; the first that logs in wins; the controller's
//! current addresses from login.

mod common;

use std::io::Read;
use std::net::TcpListener;
use std::sync::mpsc::{self, Receiver};
use std::thread;
use std::time::{Duration, Instant};

use common::{listener, options_without_endpoint, refused_endpoint, within, PROMPTLY};
use juju_secrets::testing::TestController;
use juju_secrets::{Client, Error, ErrorKind, DIAL_STAGGER};

/// Well under the connect timeout the tests give (5 s): the stagger plus a login, with room
/// for a loaded machine.
const QUICKLY: Duration = Duration::from_millis(2500);

/// Accepts connections and never answers them (a black hole that completes TCP); reports, for
/// each, whether the client later hung up.
fn black_hole(listener: TcpListener) -> Receiver<bool> {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        for tcp in listener.incoming() {
            let Ok(mut tcp) = tcp else { return };
            let tx = tx.clone();
            thread::spawn(move || {
                tcp.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
                let mut buf = [0; 4096];
                let hung_up = loop {
                    match tcp.read(&mut buf) {
                        Ok(0) => break true,
                        Ok(_) => continue,
                        Err(_) => break false,
                    }
                };
                let _ = tx.send(hung_up);
            });
        }
    });
    rx
}

#[test]
fn a_listener_that_never_accepts_costs_only_the_stagger() {
    within(|| {
        let controller = TestController::start().unwrap();
        // TCP connects (the kernel's backlog) but nothing ever answers the TLS hello.
        let (silent, dead) = listener();
        let options = options_without_endpoint(&controller)
            .endpoints([dead, controller.endpoint()])
            .build()
            .unwrap();
        let started = Instant::now();
        let mut client = Client::connect(&options).unwrap();
        let took = started.elapsed();
        assert!(
            took >= DIAL_STAGGER,
            "the second endpoint started at once: {took:?}"
        );
        assert!(took < QUICKLY, "took {took:?}");
        assert_eq!(client.endpoint(), controller.endpoint());
        client.ping().unwrap();
        drop(silent);
    })
}

#[test]
fn an_accepted_but_silent_endpoint_is_hung_up_on_once_another_wins() {
    within(|| {
        let controller = TestController::start().unwrap();
        let (hole, dead) = listener();
        let hung_up = black_hole(hole);
        let options = options_without_endpoint(&controller)
            .endpoints([dead, controller.endpoint()])
            .build()
            .unwrap();
        let started = Instant::now();
        let mut client = Client::connect(&options).unwrap();
        assert!(started.elapsed() < QUICKLY, "took {:?}", started.elapsed());
        // The losing attempt is closed when the winner is chosen, not at the connect timeout.
        let closed = hung_up.recv_timeout(PROMPTLY).expect("the client hung up");
        assert!(
            closed,
            "the black hole's read failed instead of seeing the hang-up"
        );
        client.ping().unwrap();
        let logins = controller
            .calls()
            .iter()
            .filter(|c| c.method() == "Login")
            .count();
        assert_eq!(logins, 1);
    })
}

#[test]
fn a_refusing_first_endpoint_starts_the_next_at_once() {
    within(|| {
        let controller = TestController::start().unwrap();
        let options = options_without_endpoint(&controller)
            .endpoints([
                refused_endpoint(),
                refused_endpoint(),
                controller.endpoint(),
            ])
            .build()
            .unwrap();
        let started = Instant::now();
        let client = Client::connect(&options).unwrap();
        // Two refusals do not wait out two staggers each.
        assert!(started.elapsed() < QUICKLY, "took {:?}", started.elapsed());
        assert_eq!(client.endpoint(), controller.endpoint());
    })
}

#[test]
fn all_dead_lists_every_endpoint_with_its_own_error() {
    within(|| {
        let controller = TestController::start().unwrap();
        let (silent, black_holed) = listener();
        let refused = refused_endpoint();
        let timeout = Duration::from_millis(600);
        let options = options_without_endpoint(&controller)
            .endpoints([&black_holed, &refused])
            .connect_timeout(timeout)
            .build()
            .unwrap();
        let started = Instant::now();
        let err = Client::connect(&options).unwrap_err();
        assert!(
            started.elapsed() < timeout + PROMPTLY,
            "took {:?}",
            started.elapsed()
        );
        let Error::AllEndpointsFailed(attempts) = &err else {
            panic!("expected AllEndpointsFailed, got {err:?}");
        };
        let tried: Vec<&str> = attempts.iter().map(|(e, _)| e.as_str()).collect();
        assert_eq!(tried, [black_holed.as_str(), refused.as_str()]);
        assert!(
            matches!(
                &attempts[0].1,
                Error::Timeout { after, context }
                    if *after == timeout && context.ends_with(black_holed.as_str())
            ),
            "{:?}",
            attempts[0].1
        );
        assert!(
            matches!(attempts[1].1, Error::Io { .. }),
            "{:?}",
            attempts[1].1
        );
        let text = err.to_string();
        assert!(
            text.contains(&black_holed) && text.contains(&refused),
            "{text}"
        );
        assert!(controller.calls().is_empty());
        drop(silent);
    })
}

#[test]
fn a_wrong_password_fails_at_once_without_waiting_for_a_silent_endpoint() {
    within(|| {
        let controller = TestController::start().unwrap();
        let (silent, dead) = listener();
        let options = options_without_endpoint(&controller)
            .endpoints([dead, controller.endpoint()])
            .password("not-the-password")
            .build()
            .unwrap();
        let started = Instant::now();
        let err = Client::connect(&options).unwrap_err();
        assert!(started.elapsed() < QUICKLY, "took {:?}", started.elapsed());
        assert_eq!(err.kind(), Some(ErrorKind::Unauthorized), "{err:?}");
        assert_eq!(controller.calls().len(), 1);
        drop(silent);
    })
}

#[test]
fn repeated_endpoints_are_tried_once() {
    within(|| {
        let controller = TestController::start().unwrap();
        let options = options_without_endpoint(&controller)
            .endpoints([controller.endpoint(), controller.endpoint()])
            .build()
            .unwrap();
        Client::connect(&options).unwrap();
        assert_eq!(controller.calls().len(), 1);
    })
}

#[test]
fn login_reports_the_controller_s_other_servers() {
    within(|| {
        let controller = TestController::builder()
            .login_servers([
                vec!["10.0.0.1:17070".to_owned(), "198.51.100.1:17070".to_owned()],
                vec!["10.0.0.2:17070".to_owned()],
                vec!["[fd00::3]:17070".to_owned(), "10.0.0.1:17070".to_owned()],
            ])
            .start()
            .unwrap();
        let client = common::connect(&controller);
        let expected = [
            "10.0.0.1:17070",
            "198.51.100.1:17070",
            "10.0.0.2:17070",
            "[fd00::3]:17070",
        ];
        assert_eq!(client.controller_endpoints(), expected);
        assert_eq!(client.login_info().endpoints(), expected);
        let servers = &client.login_info().servers;
        assert_eq!(servers.len(), 3);
        assert_eq!(servers[2][0].kind, "ipv6");
        assert_eq!(servers[0][1].scope, "public");
        // Reported, not adopted: the client still speaks to the endpoint it dialed.
        assert_eq!(client.endpoint(), controller.endpoint());
        assert_eq!(client.options().endpoints(), [controller.endpoint()]);
    })
}
