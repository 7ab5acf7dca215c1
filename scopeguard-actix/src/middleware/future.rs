//! The response future of the middleware services.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use actix_web::body::EitherBody;
use actix_web::dev::ServiceResponse;
use pin_project_lite::pin_project;

type Boxed<B> = Pin<Box<dyn Future<Output = Result<ServiceResponse<EitherBody<B>>, actix_web::Error>>>>;

pin_project! {
    /// The response future of [`AuthenticationMiddleware`](crate::AuthenticationMiddleware)
    /// and [`RequireScopeMiddleware`](crate::RequireScopeMiddleware): the
    /// inner service's future `F` (its body on the left), a denial (on the
    /// right), or the validation of a token not seen before.
    //
    // A concrete future rather than a boxed one: a request that passes (a
    // reused token, a scope met) costs no allocation here; only a token
    // that must be validated is boxed.
    pub struct ResponseFuture<F, B> {
        #[pin]
        state: State<F, B>,
    }
}

pin_project! {
    #[project = StateProjection]
    enum State<F, B> {
        Inner { #[pin] future: F },
        Boxed { future: Boxed<B> },
        Ready { response: Option<ServiceResponse<EitherBody<B>>> },
    }
}

impl<F, B> ResponseFuture<F, B> {
    pub(super) fn inner(future: F) -> Self {
        Self {
            state: State::Inner { future },
        }
    }

    pub(super) fn boxed(future: Boxed<B>) -> Self {
        Self {
            state: State::Boxed { future },
        }
    }

    pub(super) fn ready(response: ServiceResponse<EitherBody<B>>) -> Self {
        Self {
            state: State::Ready {
                response: Some(response),
            },
        }
    }
}

impl<F, B> Future for ResponseFuture<F, B>
where
    F: Future<Output = Result<ServiceResponse<B>, actix_web::Error>>,
{
    type Output = Result<ServiceResponse<EitherBody<B>>, actix_web::Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project().state.project() {
            StateProjection::Inner { future } => future
                .poll(cx)
                .map(|result| result.map(ServiceResponse::map_into_left_body)),
            StateProjection::Boxed { future } => future.as_mut().poll(cx),
            StateProjection::Ready { response } => match response.take() {
                Some(response) => Poll::Ready(Ok(response)),
                // Polled after completion: an error, never a panic.
                None => Poll::Ready(Err(actix_web::error::ErrorInternalServerError(
                    "response future polled after completion",
                ))),
            },
        }
    }
}

impl<F, B> fmt::Debug for ResponseFuture<F, B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseFuture").finish_non_exhaustive()
    }
}
