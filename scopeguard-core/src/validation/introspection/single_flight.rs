//! One endpoint call per token at a time (SPEC §3.5, §3.8): concurrent
//! validations of the same token wait for the call already under way and
//! share its outcome.
//!
//! Calls are keyed by the token's hash (token exchange adds what is asked
//! for to the key). The entry of a call leaves the map
//! as soon as the call ends, so a later validation never gets an old
//! outcome from here (only from the answer cache), and a failure is never
//! handed to a validation that started after it. When the validation
//! making the call is dropped, one of those waiting takes over; when they
//! all are, the entry goes with the last of them.

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use tokio::sync::OnceCell;

use std::hash::Hash;

use crate::{AuthError, Principal};

type Call<O> = Arc<OnceCell<O>>;

/// The calls under way, by key: by default a token hash and a validation's
/// outcome.
pub(crate) struct SingleFlight<K = super::answer_cache::TokenHash, O = Result<Principal, AuthError>> {
    calls: Mutex<HashMap<K, Call<O>>>,
}

impl<K, O> Default for SingleFlight<K, O> {
    fn default() -> Self {
        Self {
            calls: Mutex::new(HashMap::new()),
        }
    }
}

impl<K: Hash + Eq + Clone, O: Clone> fmt::Debug for SingleFlight<K, O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SingleFlight")
            .field("in_flight", &self.lock().len())
            .finish()
    }
}

impl<K: Hash + Eq + Clone, O: Clone> SingleFlight<K, O> {
    /// The outcome of `call` for `token`: the call under way for the same
    /// key if there is one, else this one.
    pub(crate) async fn run<F, Fut>(&self, token: K, call: F) -> O
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = O>,
    {
        let joined = self.join(token);
        joined
            .call()
            .get_or_init(|| async {
                let outcome = call().await;
                joined.finish();
                outcome
            })
            .await
            .clone()
    }

    /// The number of calls under way.
    #[cfg(test)]
    fn in_flight(&self) -> usize {
        self.lock().len()
    }

    fn join(&self, token: K) -> Joined<'_, K, O> {
        let call = Arc::clone(self.lock().entry(token.clone()).or_default());
        Joined {
            flight: self,
            token,
            call: Some(call),
        }
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<K, Call<O>>> {
        self.calls.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// One validation's share in a call. Every clone and drop of a call's `Arc`
/// happens under the map's lock, so its count tells who still waits.
struct Joined<'f, K: Hash + Eq + Clone, O: Clone> {
    flight: &'f SingleFlight<K, O>,
    token: K,
    /// `None` only while dropping.
    call: Option<Call<O>>,
}

impl<K: Hash + Eq + Clone, O: Clone> Joined<'_, K, O> {
    fn call(&self) -> &OnceCell<O> {
        self.call
            .as_deref()
            .unwrap_or_else(|| unreachable!("taken only when dropped"))
    }

    /// The call has ended: later validations start their own.
    fn finish(&self) {
        let mut calls = self.flight.lock();
        if let (Some(current), Some(mine)) = (calls.get(&self.token), &self.call)
            && Arc::ptr_eq(current, mine)
        {
            calls.remove(&self.token);
        }
    }
}

impl<K: Hash + Eq + Clone, O: Clone> Drop for Joined<'_, K, O> {
    fn drop(&mut self) {
        let mut calls = self.flight.lock();
        drop(self.call.take());
        if calls
            .get(&self.token)
            .is_some_and(|current| Arc::strong_count(current) == 1)
        {
            calls.remove(&self.token);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use super::*;
    use crate::validation::introspection::answer_cache::TokenHash;

    /// Polls `future` for a moment: its output if it is ready by then.
    async fn poll_briefly<F: Future + Unpin>(future: F) -> Option<F::Output> {
        tokio::time::timeout(Duration::from_millis(20), future).await.ok()
    }

    #[tokio::test]
    async fn concurrent_runs_share_one_call_and_leave_nothing_behind() {
        let flight: SingleFlight = SingleFlight::default();
        let calls = AtomicUsize::new(0);
        let token = TokenHash::of("t");
        let run = || {
            flight.run(token, || async {
                calls.fetch_add(1, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(50)).await;
                Ok(Principal::builder().build())
            })
        };
        let (a, b, c) = tokio::join!(run(), run(), run());
        assert!(a.is_ok() && b.is_ok() && c.is_ok());
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        assert_eq!(flight.in_flight(), 0);
        run().await.unwrap();
        assert_eq!(calls.load(Ordering::SeqCst), 2, "a finished call is not reused");
    }

    #[tokio::test]
    async fn an_abandoned_call_leaves_the_map() {
        let flight: SingleFlight = SingleFlight::default();
        let slow = Box::pin(flight.run(TokenHash::of("t"), || async {
            tokio::time::sleep(Duration::from_secs(60)).await;
            Ok(Principal::builder().build())
        }));
        assert!(poll_briefly(slow).await.is_none());
        assert_eq!(flight.in_flight(), 0);
    }

    #[tokio::test]
    async fn a_waiting_caller_takes_over_from_a_dropped_one() {
        let flight: SingleFlight = SingleFlight::default();
        let token = TokenHash::of("t");
        let calls = AtomicUsize::new(0);
        let mut first = Box::pin(flight.run(token, || async {
            tokio::time::sleep(Duration::from_secs(60)).await;
            Ok(Principal::builder().build())
        }));
        let mut second = Box::pin(flight.run(token, || async {
            calls.fetch_add(1, Ordering::SeqCst);
            Ok(Principal::builder().build())
        }));
        assert!(poll_briefly(first.as_mut()).await.is_none());
        assert!(
            poll_briefly(second.as_mut()).await.is_none(),
            "the second waits for the first"
        );
        drop(first);
        assert_eq!(flight.in_flight(), 1, "the second caller still holds the call");
        second.await.unwrap();
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        assert_eq!(flight.in_flight(), 0);
    }
}
