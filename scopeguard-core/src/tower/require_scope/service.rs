use std::fmt;
use std::sync::Arc;
use std::task::{Context, Poll};

use http::{Request, Response};
use tower_service::Service;

use crate::Requirement;
use crate::authorize::{CorsPreflight, authorize_request};
use crate::tower::{PathParamsSource, ResponseFuture};

/// The service of [`RequireScope`](super::RequireScope).
pub struct RequireScopeService<S, P> {
    inner: S,
    requirement: Arc<Requirement>,
    params: P,
}

impl<S, P> RequireScopeService<S, P> {
    pub(super) fn new(inner: S, requirement: Arc<Requirement>, params: P) -> Self {
        Self {
            inner,
            requirement,
            params,
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

    fn call(&mut self, mut request: Request<ReqBody>) -> Self::Future {
        if request.extensions().get::<CorsPreflight>().is_some() {
            return ResponseFuture::inner(self.inner.call(request));
        }
        let result = if self.requirement.has_templates() {
            let (mut parts, body) = request.into_parts();
            let params = self.params.path_params(&mut parts);
            let result = authorize_request(
                parts.extensions.get(),
                parts.extensions.get(),
                &self.requirement,
                &params,
            )
            .map(drop);
            request = Request::from_parts(parts, body);
            result
        } else {
            authorize_request(
                request.extensions().get(),
                request.extensions().get(),
                &self.requirement,
                &(),
            )
            .map(drop)
        };
        match result {
            Ok(()) => ResponseFuture::inner(self.inner.call(request)),
            Err(denial) => ResponseFuture::denied(denial.respond()),
        }
    }
}

impl<S: Clone, P: Clone> Clone for RequireScopeService<S, P> {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone(),
            requirement: Arc::clone(&self.requirement),
            params: self.params.clone(),
        }
    }
}

impl<S: fmt::Debug, P> fmt::Debug for RequireScopeService<S, P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequireScopeService")
            .field("inner", &self.inner)
            .field("requirement", &format_args!("{}", self.requirement))
            .finish_non_exhaustive()
    }
}
