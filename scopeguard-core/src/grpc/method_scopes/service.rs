use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;
use std::task::{Context, Poll};

use http::{Request, Response};
use tower_service::Service;

use super::UnknownMethods;
use super::layer::MethodRule;
use crate::AuthError;
use crate::request::{Denial, ExtensionSource, authenticated};
use crate::tower::{ResponseFuture, denial_response};
use crate::{Principal, error::DenialRenderer};

/// The service of [`MethodScopes`](super::MethodScopes).
pub struct MethodScopesService<S> {
    inner: S,
    methods: Arc<HashMap<String, MethodRule>>,
    unknown: UnknownMethods,
}

impl<S> MethodScopesService<S> {
    pub(super) fn new(inner: S, methods: Arc<HashMap<String, MethodRule>>, unknown: UnknownMethods) -> Self {
        Self {
            inner,
            methods,
            unknown,
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

    /// The check of a call to `method` whose extensions are `extensions`.
    fn check(&self, method: &str, extensions: &http::Extensions) -> Result<(), Denial> {
        let renderer = ExtensionSource::get::<DenialRenderer>(extensions);
        let principal = ExtensionSource::get::<Principal>(extensions);
        match self.methods.get(method) {
            Some(MethodRule::Scopes(check)) => return check.check(extensions, &()),
            Some(MethodRule::Authenticated) => return authenticated(renderer, principal).map(drop),
            None => {}
        }
        match &self.unknown {
            UnknownMethods::Allow => Ok(()),
            UnknownMethods::Require(check) => check.check(extensions, &()),
            UnknownMethods::Deny => {
                let principal = authenticated(renderer, principal)?;
                tracing::info!(method, "gRPC method not in the requirement map: denied");
                Err(Denial::of_principal(
                    AuthError::InsufficientScope { scope: None },
                    renderer,
                    principal,
                ))
            }
        }
    }
}

impl<S, ReqBody, ResBody> Service<Request<ReqBody>> for MethodScopesService<S>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
    ResBody: From<Vec<u8>>,
{
    type Response = Response<ResBody>;
    type Error = S::Error;
    type Future = ResponseFuture<S::Future, ResBody, S::Error>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<ReqBody>) -> Self::Future {
        match self.check(request.uri().path(), request.extensions()) {
            Ok(()) => ResponseFuture::inner(self.inner.call(request)),
            Err(denial) => ResponseFuture::denied(denial_response(&denial, request.headers())),
        }
    }
}

impl<S: Clone> Clone for MethodScopesService<S> {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone(),
            methods: Arc::clone(&self.methods),
            unknown: self.unknown.clone(),
        }
    }
}

impl<S: fmt::Debug> fmt::Debug for MethodScopesService<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MethodScopesService")
            .field("inner", &self.inner)
            .field("methods", &self.methods.len())
            .field("unknown", &self.unknown)
            .finish()
    }
}
