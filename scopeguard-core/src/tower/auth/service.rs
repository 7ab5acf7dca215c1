use std::fmt;
use std::sync::Arc;
use std::task::{Context, Poll};

use http::header::AUTHORIZATION;
use http::{HeaderValue, Request, Response};
use tower_service::Service;

use super::is_cors_preflight;
use crate::authenticate::{Credentials, read_credentials};
use crate::authorize::CorsPreflight;
use crate::bearer::BearerConfig;
use crate::renderer::DenialRenderer;
use crate::tower::ResponseFuture;
use crate::validator::TokenValidator;

/// The service of [`AuthLayer`](super::AuthLayer).
pub struct AuthService<S, V> {
    inner: S,
    validator: Arc<V>,
    bearer: BearerConfig,
    renderer: DenialRenderer,
    skip_cors_preflight: bool,
}

impl<S, V> AuthService<S, V> {
    pub(super) fn new(
        inner: S,
        validator: Arc<V>,
        bearer: BearerConfig,
        renderer: DenialRenderer,
        skip_cors_preflight: bool,
    ) -> Self {
        Self {
            inner,
            validator,
            bearer,
            renderer,
            skip_cors_preflight,
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
        // The renderer goes into the extensions attached to the principal,
        // or on its own when there is none: either way, scope checks
        // further in find it (`layer_renderer`).
        if self.skip_cors_preflight && is_cors_preflight(&request) {
            request.extensions_mut().insert(self.renderer.clone());
            request.extensions_mut().insert(CorsPreflight);
            return ResponseFuture::inner(self.inner.call(request));
        }
        let values = request
            .headers()
            .get_all(AUTHORIZATION)
            .into_iter()
            .map(HeaderValue::as_bytes);
        let token = match read_credentials(values, &self.bearer, &*self.validator) {
            Credentials::Rejected(error) => return ResponseFuture::denied(self.renderer.respond(&error)),
            Credentials::Absent => {
                request.extensions_mut().insert(self.renderer.clone());
                return ResponseFuture::inner(self.inner.call(request));
            }
            Credentials::Known(principal) => {
                request
                    .extensions_mut()
                    .insert(principal.with_denial_renderer(self.renderer.clone()));
                return ResponseFuture::inner(self.inner.call(request));
            }
            Credentials::Unverified(token) => token.as_str().to_owned(),
        };
        let validator = Arc::clone(&self.validator);
        let renderer = self.renderer.clone();
        // The inner service is ready; the clone takes its place for the next call.
        let ready = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, ready);
        ResponseFuture::boxed(Box::pin(async move {
            match validator.validate_uncached(&token).await {
                Ok(principal) => {
                    request
                        .extensions_mut()
                        .insert(principal.with_denial_renderer(renderer));
                    inner.call(request).await
                }
                Err(error) => Ok(renderer.respond(&error)),
            }
        }))
    }
}

impl<S: Clone, V> Clone for AuthService<S, V> {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone(),
            validator: Arc::clone(&self.validator),
            bearer: self.bearer.clone(),
            renderer: self.renderer.clone(),
            skip_cors_preflight: self.skip_cors_preflight,
        }
    }
}

impl<S: fmt::Debug, V> fmt::Debug for AuthService<S, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthService")
            .field("inner", &self.inner)
            .field("validator", &std::any::type_name::<V>())
            .field("renderer", &self.renderer)
            .field("skip_cors_preflight", &self.skip_cors_preflight)
            .finish_non_exhaustive()
    }
}
