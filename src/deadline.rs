//! One point in time by which a whole operation (a connect, a call) must be done, and the timeout
//! it came from, for the error that says it expired.

use std::time::{Duration, Instant};

use crate::error::Error;

/// When an operation must be done by. A timeout too large to add to the clock (such as
/// `Duration::MAX`, the usual "no timeout") means no deadline at all.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Deadline {
    at: Option<Instant>,
    timeout: Duration,
}

impl Deadline {
    /// `timeout` from now.
    pub(crate) fn after(timeout: Duration) -> Deadline {
        Deadline {
            at: Instant::now().checked_add(timeout),
            timeout,
        }
    }

    /// The earlier of this deadline and `timeout` from now; errors still name this deadline's
    /// timeout when it is the one that ends first.
    pub(crate) fn within(self, timeout: Duration) -> Deadline {
        let other = Deadline::after(timeout);
        match (self.at, other.at) {
            (Some(mine), Some(theirs)) if theirs < mine => other,
            (None, Some(_)) => other,
            _ => self,
        }
    }

    /// The time left, `None` for no deadline; zero once it has passed.
    pub(crate) fn left(&self) -> Option<Duration> {
        self.at
            .map(|at| at.saturating_duration_since(Instant::now()))
    }

    /// Whether the deadline has passed.
    pub(crate) fn passed(&self) -> bool {
        self.left().is_some_and(|left| left.is_zero())
    }

    /// The instant, `None` for no deadline.
    pub(crate) fn at(&self) -> Option<Instant> {
        self.at
    }

    /// The error for running out of time while doing `what` (a phrase that follows "while":
    /// `waiting for the TLS handshake with 10.0.0.2:17070`).
    pub(crate) fn expired(&self, what: impl Into<String>) -> Error {
        Error::Timeout {
            context: what.into(),
            after: self.timeout,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_timeout_means_no_deadline() {
        let never = Deadline::after(Duration::MAX);
        assert_eq!(never.left(), None);
        assert!(!never.passed());
        let soon = never.within(Duration::from_secs(1));
        assert!(soon.left().is_some_and(|l| l <= Duration::from_secs(1)));
        assert!(soon.expired("x").to_string().contains("after 1s"));
    }

    #[test]
    fn within_keeps_the_earlier() {
        let short = Deadline::after(Duration::from_millis(10));
        let text = short
            .within(Duration::from_secs(60))
            .expired("x")
            .to_string();
        assert!(text.contains("after 10ms"), "{text}");
        assert!(Deadline::after(Duration::ZERO).passed());
        let text = short.expired("waiting for the answer to X.Y").to_string();
        assert!(
            text.starts_with("timed out after 10ms while waiting for the answer to X.Y"),
            "{text}"
        );
    }
}
