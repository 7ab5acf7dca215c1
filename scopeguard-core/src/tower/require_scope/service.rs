use std::fmt;
use std::task::{Context, Poll};

use http::{Request, Response};
use tower_service::Service;

use crate::request::ScopeCheck;
use crate::tower::{PathParamsSource, ResponseFuture, denial_response};

/// The service of [`RequireScope`](super::RequireScope).
pub struct RequireScopeService<S, P> {
    inner: S,
    check: ScopeCheck,
    params: P,
}

impl<S, P> RequireScopeService<S, P> {
    pub(super) fn new(inner: S, check: ScopeCheck, params: P) -> Self {
        Self { inner, check, params }
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

impl<S, P, ReqBody, ResBody> Service<Request<ReqBody>> for RequireScopeService<S, P>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
    P: PathParamsSource,
    ResBody: From<Vec<u8>>,
{
    type Response = Response<ResBody>;
    type Error = S::Error;
    type Future = ResponseFuture<S::Future, ResBody, S::Error>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<ReqBody>) -> Self::Future {
        let (result, request) = if self.check.needs_path_params() {
            let (mut parts, body) = request.into_parts();
            let params = self.params.path_params(&mut parts);
            let result = self.check.check(&parts.extensions, &params);
            (result, Request::from_parts(parts, body))
        } else {
            (self.check.check(request.extensions(), &()), request)
        };
        match result {
            Ok(()) => ResponseFuture::inner(self.inner.call(request)),
            Err(denial) => ResponseFuture::denied(denial_response(&denial, request.headers())),
        }
    }
}

impl<S: Clone, P: Clone> Clone for RequireScopeService<S, P> {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone(),
            check: self.check.clone(),
            params: self.params.clone(),
        }
    }
}

impl<S: fmt::Debug, P> fmt::Debug for RequireScopeService<S, P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequireScopeService")
            .field("inner", &self.inner)
            .field("requirement", &format_args!("{}", self.check.requirement()))
            .finish_non_exhaustive()
    }
}
