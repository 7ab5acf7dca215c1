use std::fmt;
use std::future::{Ready, ready};
use std::rc::Rc;
use std::sync::Arc;

use actix_web::HttpMessage;
use actix_web::body::EitherBody;
use actix_web::dev::{Service, ServiceRequest, ServiceResponse, Transform, forward_ready};
use scopeguard_core::authorize::{CorsPreflight, authorize_request};
use scopeguard_core::renderer::DenialRenderer;
use scopeguard_core::{Principal, Requirement};

use super::{Answer, deny, forward};
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
    requirement: Arc<Requirement>,
}

impl RequireScope {
    /// Requires `requirement` (a [`Requirement`] or its string form).
    ///
    /// # Panics
    ///
    /// Panics when `requirement` does not parse, when the app is built. Use
    /// [`try_new`](Self::try_new) for requirements from configuration.
    pub fn new<R>(requirement: R) -> Self
    where
        R: TryInto<Requirement>,
        R::Error: fmt::Display,
    {
        match Self::try_new(requirement) {
            Ok(middleware) => middleware,
            Err(error) => panic!("invalid scope requirement: {error}"),
        }
    }

    /// Requires `requirement`, or says why it does not parse.
    ///
    /// The requirement is [recorded](scopeguard_core::usage::record) as used
    /// by the program, for the resource metadata and the scope catalogue.
    pub fn try_new<R: TryInto<Requirement>>(requirement: R) -> Result<Self, R::Error> {
        let requirement = requirement.try_into()?;
        scopeguard_core::usage::record(&requirement);
        Ok(Self {
            requirement: Arc::new(requirement),
        })
    }

    /// The requirement checked.
    pub fn requirement(&self) -> &Requirement {
        &self.requirement
    }
}

impl fmt::Debug for RequireScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("RequireScope")
            .field(&format_args!("{}", self.requirement))
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
    type Transform = RequireScopeService<S>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, Self::InitError>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(RequireScopeService {
            service: Rc::new(service),
            requirement: Arc::clone(&self.requirement),
        }))
    }
}

/// The service of [`RequireScope`].
pub struct RequireScopeService<S> {
    service: Rc<S>,
    requirement: Arc<Requirement>,
}

impl<S> fmt::Debug for RequireScopeService<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequireScopeService")
            .field("requirement", &format_args!("{}", self.requirement))
            .finish_non_exhaustive()
    }
}

impl<S, B> Service<ServiceRequest> for RequireScopeService<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error> + 'static,
    B: 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = actix_web::Error;
    type Future = Answer<B>;

    forward_ready!(service);

    fn call(&self, request: ServiceRequest) -> Self::Future {
        let result = {
            let extensions = request.extensions();
            if extensions.get::<CorsPreflight>().is_some() {
                drop(extensions);
                return forward(&*self.service, request);
            }
            authorize_request(
                extensions.get::<DenialRenderer>(),
                extensions.get::<Principal>(),
                &self.requirement,
                &MatchInfo::new(request.match_info()),
            )
            .map(drop)
        };
        match result {
            Ok(()) => forward(&*self.service, request),
            Err(denial) => deny(request, denial.deny()),
        }
    }
}
