use std::fmt;
use std::sync::Arc;
use std::task::{Context, Poll};

use http::{HeaderName, HeaderValue, Request, Response};
use tower_service::Service;

use super::head::{ExtensionReaders, TowerHead};
use crate::error::challenge::DPOP_NONCE;
use crate::request::{Admission, Authenticator};
use crate::tower::{ResponseFuture, denial_response};
use crate::validation::TokenValidator;

/// The service of [`AuthLayer`](super::AuthLayer).
pub struct AuthService<S, V> {
    inner: S,
    authenticator: Arc<Authenticator<V>>,
    readers: ExtensionReaders,
}

impl<S, V> AuthService<S, V> {
    pub(super) fn new(inner: S, authenticator: Arc<Authenticator<V>>, readers: ExtensionReaders) -> Self {
        Self {
            inner,
            authenticator,
            readers,
        }
    }

    /// The inner service.
    pub fn get_ref(&self) -> &S {
        &self.inner
    }

    /// The inner service, mutably.
    pub fn get_mut(&mut self) -> &mut S {
        &mut self.inner
    }

    /// Consumes the middleware, returning the inner service.
    pub fn into_inner(self) -> S {
        self.inner
    }
}

impl<S, V, ReqBody, ResBody> Service<Request<ReqBody>> for AuthService<S, V>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>> + Clone + Send + 'static,
    S::Future: Send,
    V: TokenValidator,
    ReqBody: Send + 'static,
    ResBody: From<Vec<u8>>,
{
    type Response = Response<ResBody>;
    type Error = S::Error;
    type Future = ResponseFuture<S::Future, ResBody, S::Error>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request<ReqBody>) -> Self::Future {
        let head = TowerHead {
            request: &request,
            readers: self.readers,
        };
        let pending = match self.authenticator.begin(&head) {
            Admission::Pass(admitted) => {
                admitted.insert_into(request.extensions_mut());
                return ResponseFuture::inner(self.inner.call(request));
            }
            Admission::Deny(denial) => {
                return ResponseFuture::denied(denial_response(&denial, request.headers()));
            }
            Admission::Validate(pending) => pending,
        };
        // The inner service is ready; the clone takes its place for the next call.
        let ready = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, ready);
        ResponseFuture::boxed(Box::pin(async move {
            match pending.run().await {
                Ok(admitted) => {
                    let nonce = admitted
                        .dpop_nonce()
                        .and_then(|nonce| HeaderValue::from_str(nonce).ok());
                    admitted.insert_into(request.extensions_mut());
                    let mut response = inner.call(request).await?;
                    if let Some(nonce) = nonce {
                        response
                            .headers_mut()
                            .insert(HeaderName::from_static(DPOP_NONCE), nonce);
                    }
                    Ok(response)
                }
                Err(denial) => Ok(denial_response(&denial, request.headers())),
            }
        }))
    }
}

impl<S: Clone, V> Clone for AuthService<S, V> {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone(),
            authenticator: Arc::clone(&self.authenticator),
            readers: self.readers,
        }
    }
}

impl<S: fmt::Debug, V> fmt::Debug for AuthService<S, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthService")
            .field("inner", &self.inner)
            .field("authenticator", &self.authenticator)
            .field("readers", &self.readers)
            .finish()
    }
}
