//! Server streams that end when the caller's token expires (SPEC §5).

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use futures_core::Stream;
use pin_project_lite::pin_project;
use tokio::time::{Instant, Sleep};
use tonic::Status;

use super::tonic_status::denial_status;
use crate::error::InvalidToken;
use crate::request::Denial;
use crate::{AuthError, Principal};

pin_project! {
    /// A server stream that ends with `UNAUTHENTICATED` (`invalid_token`,
    /// "the token has expired", with the `www-authenticate` challenge) when
    /// the caller's token expires: the call was authorized when it started,
    /// and a long stream must not outlive the token.
    ///
    /// The deadline is the principal's `exp`, without the validator's
    /// leeway; a principal with no `exp` (an introspection answer without
    /// one) sets no deadline. Items the inner stream yields before the
    /// deadline pass unchanged; after it, the stream yields the status once
    /// and then ends.
    ///
    /// ```
    /// use futures_core::Stream;
    /// use scopeguard_core::grpc::UntilExpiry;
    /// use scopeguard_core::Principal;
    ///
    /// fn updates<S>(principal: &Principal, stream: S) -> UntilExpiry<S>
    /// where
    ///     S: Stream<Item = Result<u32, tonic::Status>>,
    /// {
    ///     UntilExpiry::new(stream, principal)
    /// }
    /// ```
    #[must_use = "streams do nothing unless polled"]
    pub struct UntilExpiry<S> {
        #[pin]
        stream: S,
        #[pin]
        deadline: Option<Sleep>,
        principal: Principal,
        done: bool,
    }
}

impl<S> UntilExpiry<S> {
    /// `stream`, ended when `principal`'s token expires. Must be made
    /// inside a tokio runtime.
    pub fn new(stream: S, principal: &Principal) -> Self {
        let deadline = principal.exp().map(|exp| {
            let expiry = UNIX_EPOCH + Duration::from_secs(exp);
            let left = expiry.duration_since(SystemTime::now()).unwrap_or(Duration::ZERO);
            tokio::time::sleep_until(Instant::now() + left)
        });
        Self {
            stream,
            deadline,
            principal: principal.clone(),
            done: false,
        }
    }
}

impl<S, T> Stream for UntilExpiry<S>
where
    S: Stream<Item = Result<T, Status>>,
{
    type Item = Result<T, Status>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.project();
        if *this.done {
            return Poll::Ready(None);
        }
        let expired = this
            .deadline
            .as_pin_mut()
            // The clock first: the timer rounds a deadline up to its next
            // tick, and an item must not pass after the expiry meanwhile.
            .is_some_and(|deadline| Instant::now() >= deadline.deadline() || deadline.poll(cx).is_ready());
        if expired {
            *this.done = true;
            let error = AuthError::InvalidToken(InvalidToken::Expired);
            let denial = Denial::of_principal(error, None, this.principal);
            return Poll::Ready(Some(Err(denial_status(&denial))));
        }
        let next = this.stream.poll_next(cx);
        if let Poll::Ready(None) = next {
            *this.done = true;
        }
        next
    }
}

#[cfg(test)]
mod tests {
    use std::pin::pin;

    use super::*;

    /// Yields `Ok(1)` forever.
    struct Ones;

    impl Stream for Ones {
        type Item = Result<u32, Status>;

        fn poll_next(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Self::Item>> {
            Poll::Ready(Some(Ok(1)))
        }
    }

    async fn next<S: Stream + Unpin>(stream: &mut S) -> Option<S::Item> {
        std::future::poll_fn(|cx| Pin::new(&mut *stream).poll_next(cx)).await
    }

    fn seconds_from_now(offset: i64) -> u64 {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .expect("after 1970")
            .as_secs();
        now.checked_add_signed(offset).expect("a time")
    }

    #[tokio::test]
    async fn a_token_expired_within_the_leeway_ends_the_stream_at_once() {
        let principal = Principal::builder().exp(seconds_from_now(-5)).build();
        let mut stream = pin!(UntilExpiry::new(Ones, &principal));
        let status = next(&mut stream).await.expect("a status").unwrap_err();
        assert_eq!(status.code(), tonic::Code::Unauthenticated);
        assert_eq!(status.message(), "the token has expired");
        assert!(next(&mut stream).await.is_none());
    }

    #[tokio::test]
    async fn items_pass_until_the_expiry_and_without_one() {
        let principal = Principal::builder().exp(seconds_from_now(60)).build();
        let mut stream = pin!(UntilExpiry::new(Ones, &principal));
        for _ in 0..3 {
            assert_eq!(next(&mut stream).await.expect("an item").expect("not expired"), 1);
        }
        let forever = Principal::builder().build();
        let mut stream = pin!(UntilExpiry::new(Ones, &forever));
        assert_eq!(next(&mut stream).await.expect("an item").expect("no deadline"), 1);
    }
}
