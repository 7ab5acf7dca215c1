//! Middleware that does nothing but forward the request: the baselines
//! that give what each framework itself charges for the shape of a
//! scopeguard variant (a router layer, a router layer plus a route layer;
//! actix: an app `wrap`, an app `wrap` plus a resource `wrap`).

use std::future::{Ready, ready};
use std::task::{Context, Poll};

/// A tower layer whose service calls its inner service and returns its
/// future unchanged.
#[derive(Clone, Copy, Default)]
pub struct ForwardLayer;

impl<S> tower::Layer<S> for ForwardLayer {
    type Service = Forward<S>;

    fn layer(&self, inner: S) -> Forward<S> {
        Forward { inner }
    }
}

/// The service of [`ForwardLayer`] (tower) and of [`ForwardMiddleware`]
/// (actix).
#[derive(Clone)]
pub struct Forward<S> {
    inner: S,
}

impl<S, R> tower::Service<R> for Forward<S>
where
    S: tower::Service<R>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: R) -> S::Future {
        self.inner.call(request)
    }
}

/// An actix middleware (`App::wrap`, `Resource::wrap`) that forwards.
#[derive(Clone, Copy, Default)]
pub struct ForwardMiddleware;

impl<S, R> actix_web::dev::Transform<S, R> for ForwardMiddleware
where
    S: actix_web::dev::Service<R>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Transform = Forward<S>;
    type InitError = ();
    type Future = Ready<Result<Forward<S>, ()>>;

    fn new_transform(&self, inner: S) -> Self::Future {
        ready(Ok(Forward { inner }))
    }
}

impl<S, R> actix_web::dev::Service<R> for Forward<S>
where
    S: actix_web::dev::Service<R>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;

    actix_web::dev::forward_ready!(inner);

    fn call(&self, request: R) -> S::Future {
        self.inner.call(request)
    }
}

/// A handler argument that extracts nothing: the baselines of the
/// extractor variants (`Scoped`, the macro) take one, so that what the
/// framework charges for a handler with an extractor argument is not
/// counted as scopeguard's.
#[derive(Clone, Copy, Default)]
pub struct NoExtraction;

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for NoExtraction {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(_: &mut http::request::Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self)
    }
}

impl actix_web::FromRequest for NoExtraction {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, actix_web::Error>>;

    fn from_request(_: &actix_web::HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        ready(Ok(Self))
    }
}

/// The handler of the extractor baselines.
pub async fn ok_after_extraction(_: NoExtraction) -> &'static str {
    "ok"
}
