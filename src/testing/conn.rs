//! What one connection knows about itself: its model, whether it logged in, and its
//! AllWatchers with the requests they hold. Each connection thread owns one; nothing is shared.

use std::collections::BTreeMap;

use serde_json::Value;

use super::access::Access;

/// What one connection knows about itself.
pub(crate) struct Conn {
    /// The model UUID from the URL path, or `None` for a controller-only `/api` connection.
    pub model_uuid: Option<String>,
    pub logged_in: bool,
    /// The logged-in user's model access; read until login.
    pub access: Access,
    /// Its AllWatchers, which may hold requests while the connection serves others.
    pub watchers: Watchers,
}

impl Conn {
    /// A connection to `model_uuid` (`None`: the controller), before login.
    pub(crate) fn new(model_uuid: Option<String>) -> Self {
        Conn {
            model_uuid,
            logged_in: false,
            access: Access::Read,
            watchers: Watchers::default(),
        }
    }
}

/// A request held by an AllWatcher: its `request-id` and (recorded) frame.
#[derive(Debug)]
pub(crate) struct Held {
    pub id: u64,
    pub request: Value,
}

/// What an AllWatcher's `Next` gets.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Next {
    /// The first: answered now.
    First,
    /// A later one: held by the watcher until it stops.
    Held,
}

/// One connection's AllWatchers, by resource id, and the `Next` requests they hold.
#[derive(Debug, Default)]
pub(crate) struct Watchers {
    /// Juju numbers a connection's resources from 1.
    last_id: u64,
    live: BTreeMap<String, Watcher>,
    /// Set while a `Next` that must wait is dispatched: the server then holds that request.
    holding: Option<String>,
    /// Requests of watchers stopped since the server last asked: to answer now.
    released: Vec<Held>,
}

#[derive(Debug, Default)]
struct Watcher {
    delivered: bool,
    held: Vec<Held>,
}

impl Watchers {
    /// A new watcher; returns its id.
    pub(crate) fn add(&mut self) -> String {
        self.last_id += 1;
        let id = self.last_id.to_string();
        self.live.insert(id.clone(), Watcher::default());
        id
    }

    /// A `Next` on watcher `id`, `None` when there is no such watcher. A held one is kept when
    /// the server calls [`Watchers::hold`] after dispatching it.
    pub(crate) fn next(&mut self, id: &str) -> Option<Next> {
        let watcher = self.live.get_mut(id)?;
        if watcher.delivered {
            self.holding = Some(id.to_owned());
            return Some(Next::Held);
        }
        watcher.delivered = true;
        Some(Next::First)
    }

    /// Stops watcher `id`, releasing the requests it holds; `false` when there is no such
    /// watcher.
    pub(crate) fn stop(&mut self, id: &str) -> bool {
        let Some(watcher) = self.live.remove(id) else {
            return false;
        };
        self.released.extend(watcher.held);
        true
    }

    /// After dispatching request `id`: whether it is held (then kept with its frame, to be
    /// answered when its watcher stops) rather than answered now.
    pub(crate) fn hold(&mut self, id: u64, request: &Value) -> bool {
        let Some(watcher) = self.holding.take() else {
            return false;
        };
        if let Some(watcher) = self.live.get_mut(&watcher) {
            watcher.held.push(Held {
                id,
                request: request.clone(),
            });
        }
        true
    }

    /// The requests released by `Stop` since the last call.
    pub(crate) fn released(&mut self) -> Vec<Held> {
        std::mem::take(&mut self.released)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stopped_watcher_releases_the_nexts_it_held() {
        let mut watchers = Watchers::default();
        assert_eq!(watchers.add(), "1");
        assert_eq!(watchers.next("1"), Some(Next::First));
        assert!(
            !watchers.hold(1, &Value::Null),
            "the first Next is answered"
        );
        assert_eq!(watchers.next("1"), Some(Next::Held));
        assert!(watchers.hold(2, &Value::Null));
        assert!(watchers.released().is_empty());
        assert!(watchers.stop("1"));
        let released: Vec<u64> = watchers.released().iter().map(|h| h.id).collect();
        assert_eq!(released, [2]);
        assert_eq!(watchers.next("1"), None);
        assert!(!watchers.stop("1"));
    }
}
