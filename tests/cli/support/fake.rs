//! What every fake service offers a test, and the check that no test passes
//! while its fake saw the client break the protocol (xh's `tests/server`: the
//! server's `Drop` asserts).

use super::http::{Recorded, Server};
use std::sync::atomic::{AtomicBool, Ordering};

/// A fake provider service, serving on `127.0.0.1` until dropped.
///
/// Every fake also holds a [`Watch`]: when it is dropped with violations the
/// test did not claim with [`Fake::expect_violations`], it panics (unless the
/// thread is already panicking), so a test that never looks at the list still
/// fails when its fake recorded a mistake.
pub trait Fake {
    /// The provider's name in docpipe's registry (for messages).
    const NAME: &'static str;

    /// The API host, no trailing slash.
    fn base_url(&self) -> String;

    /// Every request any of its hosts received, in arrival order.
    fn requests(&self) -> Vec<Recorded>;

    /// Billed work the service did: tasks created, batch entries accepted,
    /// synchronous calls answered with a result.
    fn creations(&self) -> usize;

    /// Protocol mistakes the client made; empty for a correct client.
    fn violations(&self) -> Vec<String>;

    /// The fake's drop check.
    fn watch(&self) -> &Watch;

    /// The requests to the API host only (not upload stores, CDNs, traps).
    fn api_requests(&self) -> Vec<Recorded> {
        self.requests()
            .into_iter()
            .filter(|r| r.server == Server::Api)
            .collect()
    }

    /// For tests of the fake itself, which provoke violations on purpose and
    /// assert the list: the drop check is off for this fake.
    fn expect_violations(&self) {
        self.watch().expected.store(true, Ordering::SeqCst);
    }
}

/// The drop check a fake holds; see [`Fake`].
#[derive(Default)]
pub struct Watch {
    expected: AtomicBool,
}

impl Watch {
    /// Called from a fake's `Drop`: panics when `violations` is not empty,
    /// unless the test claimed them or is already failing.
    pub fn check(&self, name: &str, violations: Vec<String>) {
        if violations.is_empty() || self.expected.load(Ordering::SeqCst) || std::thread::panicking()
        {
            return;
        }
        panic!(
            "the {name} fake recorded {} protocol violation(s) by the client:\n  {}",
            violations.len(),
            violations.join("\n  ")
        );
    }
}

/// Implements `Drop` for a fake: the [`Watch`] check.
macro_rules! drop_checks_violations {
    ($fake:ty) => {
        impl Drop for $fake {
            fn drop(&mut self) {
                let violations = <$fake as $crate::support::fake::Fake>::violations(self);
                $crate::support::fake::Fake::watch(self)
                    .check(<$fake as $crate::support::fake::Fake>::NAME, violations);
            }
        }
    };
}
pub(crate) use drop_checks_violations;
