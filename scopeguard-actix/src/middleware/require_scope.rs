use std::fmt;
use std::future::{Ready, ready};
use std::rc::Rc;

use actix_web::HttpMessage;
use actix_web::body::EitherBody;
use actix_web::dev::{Service, ServiceRequest, ServiceResponse, Transform, forward_ready};
use scopeguard_core::Requirement;
use scopeguard_core::request::ScopeCheck;

use super::{ResponseFuture, deny, forward};
use crate::context::ExtensionsRef;
use crate::path_params::MatchInfo;

/// Requires scopes on an `App`, `Scope` or `Resource` (SPEC §4).
///
/// Answers 401 without a principal, 403 when the scopes are not met, 401 when
/// step-up authentication is needed, 500 when no
/// [`AuthMiddleware`](crate::AuthMiddleware) ran before it. Template scopes
/// (`transaction-{tx}`) are filled from `match_info`, so wrap the `Resource`
/// or `Scope` that defines the parameter: on an `App`, routing has not
/// happened yet and a template answers 500.
///
/// ```
/// use actix_web::{App, web};
/// use scopeguard_actix::RequireScope;
///
/// let app = App::new().service(
///     web::resource("/transactions/{tx}/approve")
///         .wrap(RequireScope::new("transaction-{tx}"))
///         .route(web::post().to(|| async { "approved" })),
/// );
/// ```
#[derive(Clone)]
#[must_use]
pub struct RequireScope {
    check: ScopeCheck,
}

impl RequireScope {
    /// Requires `requirement` (a [`Requirement`] or its string form).
    ///
    /// # Panics
    ///
    /// Panics when `requirement` does not parse, when the app is built (see
    /// [`ScopeCheck::new`]). Use [`try_new`](Self::try_new) for requirements
    /// from configuration.
    pub fn new<R>(requirement: R) -> Self
    where
        R: TryInto<Requirement>,
        R::Error: fmt::Display,
    {
        ScopeCheck::new(requirement).into()
    }

    /// Requires `requirement`, or says why it does not parse. The
    /// requirement is recorded as used (see [`ScopeCheck::try_new`]).
    pub fn try_new<R: TryInto<Requirement>>(requirement: R) -> Result<Self, R::Error> {
        ScopeCheck::try_new(requirement).map(Self::from)
    }

    /// The requirement checked.
    pub fn requirement(&self) -> &Requirement {
        self.check.requirement()
    }
}

impl From<ScopeCheck> for RequireScope {
    fn from(check: ScopeCheck) -> Self {
        Self { check }
    }
}

impl fmt::Debug for RequireScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("RequireScope")
            .field(&format_args!("{}", self.requirement()))
            .finish()
    }
}

impl<S, B> Transform<S, ServiceRequest> for RequireScope
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error> + 'static,
    B: 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = actix_web::Error;
    type Transform = RequireScopeMiddleware<S>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, Self::InitError>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(RequireScopeMiddleware {
            service: Rc::new(service),
            check: self.check.clone(),
        }))
    }
}

/// The service of [`RequireScope`].
pub struct RequireScopeMiddleware<S> {
    service: Rc<S>,
    check: ScopeCheck,
}

impl<S> fmt::Debug for RequireScopeMiddleware<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequireScopeMiddleware")
            .field("check", &self.check)
            .finish_non_exhaustive()
    }
}

impl<S, B> Service<ServiceRequest> for RequireScopeMiddleware<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error> + 'static,
    B: 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = actix_web::Error;
    type Future = ResponseFuture<S::Future, B>;

    forward_ready!(service);

    fn call(&self, request: ServiceRequest) -> Self::Future {
        let extensions = ExtensionsRef(request.extensions());
        let result = self
            .check
            .check(&extensions, &MatchInfo::new(request.match_info()));
        drop(extensions);
        match result {
            Ok(()) => forward(&*self.service, request),
            Err(denial) => deny(request, &denial),
        }
    }
}
