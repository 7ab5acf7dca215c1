use std::fmt;
use std::future::{Ready, ready};
use std::rc::Rc;
use std::sync::Arc;

use actix_web::HttpMessage;
use actix_web::body::EitherBody;
use actix_web::dev::{Service, ServiceRequest, ServiceResponse, Transform, forward_ready};
use actix_web::http::{Method, header};
use scopeguard_core::authenticate::{Credentials, read_credentials};
use scopeguard_core::authorize::CorsPreflight;
use scopeguard_core::bearer::BearerConfig;
use scopeguard_core::challenge::{ChallengeConfig, ErrorBody};
use scopeguard_core::renderer::DenialRenderer;
use scopeguard_core::validator::TokenValidator;

use super::{Answer, deny, forward};

/// Validates bearer tokens and stores the
/// [`Principal`](scopeguard_core::Principal) in request extensions.
///
/// - No credentials: the request passes on without a principal.
/// - Malformed credentials or an invalid token: answered at once (400/401).
/// - A token that cannot be checked now (key server down): 503.
///
/// Wrap it around the whole `App` (it must run before every scope check):
///
/// ```
/// use actix_web::{App, web};
/// use scopeguard_actix::{AuthMiddleware, RequireScope};
/// # use scopeguard_actix::{AuthError, TokenValidator};
/// # struct MyValidator;
/// # impl TokenValidator for MyValidator {
/// #     async fn validate(&self, _: &str) -> Result<scopeguard_actix::core::Principal, AuthError> {
/// #         Err(AuthError::MissingCredentials)
/// #     }
/// # }
///
/// let app = App::new()
///     .service(
///         web::resource("/orders/{id}/items")
///             .wrap(RequireScope::new("order:item"))
///             .route(web::get().to(|| async { "items" })),
///     )
///     .wrap(AuthMiddleware::new(MyValidator).skip_cors_preflight(true));
/// ```
///
/// CORS: with `skip_cors_preflight(true)`, preflight requests (`OPTIONS`
/// with `Access-Control-Request-Method`) pass untouched, through
/// [`RequireScope`](crate::RequireScope) too (extractors still require a
/// caller). In actix the middleware wrapped **last** runs **first**, so:
///
/// - `.wrap(auth).wrap(cors)` (recommended): `actix-cors` runs first; it
///   answers preflights itself and adds its headers to every answer,
///   denials included, so a browser can read a 401/403 (list
///   `WWW-Authenticate` in `expose_headers` to let it read the challenge);
/// - `.wrap(cors).wrap(auth)`: this middleware runs first; a preflight
///   reaches `actix-cors` only with `skip_cors_preflight(true)` when it
///   carries an `Authorization` header, and this middleware's own denials
///   (400/401/503) leave without CORS headers.
///
/// ```
/// use actix_cors::Cors;
/// use actix_web::{App, web};
/// use scopeguard_actix::{AuthMiddleware, RequireScope};
/// # use scopeguard_actix::{AuthError, TokenValidator};
/// # struct MyValidator;
/// # impl TokenValidator for MyValidator {
/// #     async fn validate(&self, _: &str) -> Result<scopeguard_actix::core::Principal, AuthError> {
/// #         Err(AuthError::MissingCredentials)
/// #     }
/// # }
///
/// let cors = || {
///     Cors::default()
///         .allowed_origin("https://app.example")
///         .allowed_methods(["GET", "PUT"])
///         .allowed_header("authorization")
///         .expose_headers(["www-authenticate"])
/// };
/// let app = App::new()
///     .service(
///         web::resource("/items")
///             .wrap(RequireScope::new("order:item"))
///             .route(web::put().to(|| async { "updated" })),
///     )
///     .wrap(AuthMiddleware::new(MyValidator).skip_cors_preflight(true))
///     .wrap(cors());
/// ```
#[must_use]
pub struct AuthMiddleware<V> {
    validator: Arc<V>,
    bearer: BearerConfig,
    renderer: DenialRenderer,
    skip_cors_preflight: bool,
}

impl<V: TokenValidator> AuthMiddleware<V> {
    /// Validates tokens with `validator`.
    pub fn new(validator: V) -> Self {
        Self::from_shared(Arc::new(validator))
    }

    /// Validates tokens with a shared validator.
    pub fn from_shared(validator: Arc<V>) -> Self {
        Self {
            validator,
            bearer: BearerConfig::default(),
            renderer: DenialRenderer::default(),
            skip_cors_preflight: false,
        }
    }
}

impl<V> AuthMiddleware<V> {
    /// Sets the realm and resource-metadata URL of challenges.
    pub fn challenge(mut self, challenge: ChallengeConfig) -> Self {
        self.renderer = DenialRenderer::new(challenge);
        self
    }

    /// Replaces the body of every error response (status and challenge stay).
    pub fn error_body(mut self, body: impl ErrorBody + Send + Sync + 'static) -> Self {
        self.renderer = self.renderer.with_error_body(body);
        self
    }

    /// Sets how the bearer token is taken from the request.
    pub fn bearer(mut self, bearer: BearerConfig) -> Self {
        self.bearer = bearer;
        self
    }

    /// When `true`, CORS preflight requests pass on untouched, never
    /// challenged.
    pub fn skip_cors_preflight(mut self, skip: bool) -> Self {
        self.skip_cors_preflight = skip;
        self
    }
}

impl<V> Clone for AuthMiddleware<V> {
    fn clone(&self) -> Self {
        Self {
            validator: Arc::clone(&self.validator),
            bearer: self.bearer.clone(),
            renderer: self.renderer.clone(),
            skip_cors_preflight: self.skip_cors_preflight,
        }
    }
}

impl<V> fmt::Debug for AuthMiddleware<V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthMiddleware")
            .field("validator", &std::any::type_name::<V>())
            .field("renderer", &self.renderer)
            .field("skip_cors_preflight", &self.skip_cors_preflight)
            .finish_non_exhaustive()
    }
}

impl<S, B, V> Transform<S, ServiceRequest> for AuthMiddleware<V>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error> + 'static,
    B: 'static,
    V: TokenValidator,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = actix_web::Error;
    type Transform = AuthMiddlewareService<S, V>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, Self::InitError>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(AuthMiddlewareService {
            service: Rc::new(service),
            config: self.clone(),
        }))
    }
}

/// The service of [`AuthMiddleware`].
pub struct AuthMiddlewareService<S, V> {
    service: Rc<S>,
    config: AuthMiddleware<V>,
}

impl<S, V> fmt::Debug for AuthMiddlewareService<S, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthMiddlewareService")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

fn is_cors_preflight(request: &ServiceRequest) -> bool {
    request.method() == Method::OPTIONS
        && request
            .headers()
            .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD)
}

impl<S, B, V> Service<ServiceRequest> for AuthMiddlewareService<S, V>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error> + 'static,
    B: 'static,
    V: TokenValidator,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = actix_web::Error;
    type Future = Answer<B>;

    forward_ready!(service);

    fn call(&self, request: ServiceRequest) -> Self::Future {
        let config = &self.config;
        // The renderer goes into the extensions attached to the principal,
        // or on its own when there is none: either way, scope checks
        // further in find it (`layer_renderer`).
        if config.skip_cors_preflight && is_cors_preflight(&request) {
            let mut extensions = request.extensions_mut();
            extensions.insert(config.renderer.clone());
            extensions.insert(CorsPreflight);
            drop(extensions);
            return forward(&*self.service, request);
        }
        let values = request
            .headers()
            .get_all(header::AUTHORIZATION)
            .map(header::HeaderValue::as_bytes);
        let token = match read_credentials(values, &config.bearer, &*config.validator) {
            Credentials::Rejected(error) => {
                let rendered = config.renderer.deny(&error);
                return deny(request, rendered);
            }
            Credentials::Absent => {
                request.extensions_mut().insert(config.renderer.clone());
                return forward(&*self.service, request);
            }
            Credentials::Known(principal) => {
                request
                    .extensions_mut()
                    .insert(principal.with_denial_renderer(config.renderer.clone()));
                return forward(&*self.service, request);
            }
            Credentials::Unverified(token) => token.as_str().to_owned(),
        };
        let validator = Arc::clone(&config.validator);
        let renderer = config.renderer.clone();
        let service = Rc::clone(&self.service);
        Box::pin(async move {
            match validator.validate_uncached(&token).await {
                Ok(principal) => {
                    request
                        .extensions_mut()
                        .insert(principal.with_denial_renderer(renderer));
                    forward(&*service, request).await
                }
                Err(error) => deny(request, renderer.deny(&error)).await,
            }
        })
    }
}
