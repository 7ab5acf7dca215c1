use std::fmt;
use std::future::{Ready, ready};
use std::rc::Rc;
use std::sync::Arc;

use actix_web::HttpMessage;
use actix_web::body::EitherBody;
use actix_web::dev::{Service, ServiceRequest, ServiceResponse, Transform, forward_ready};
use actix_web::http::header::{HeaderName, HeaderValue};
use scopeguard_core::error::challenge::DPOP_NONCE;
use scopeguard_core::request::{Admission, Authenticator};
use scopeguard_core::validation::TokenValidator;

use super::{ResponseFuture, deny, forward};
use crate::context::{ExtensionsMut, Head};

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
/// use scopeguard_actix::{AuthMiddleware, Authenticator, RequireScope};
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
///     .wrap(AuthMiddleware::from(Authenticator::new(MyValidator).skip_cors_preflight(true)));
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
/// use scopeguard_actix::{AuthMiddleware, Authenticator, RequireScope};
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
///     .wrap(AuthMiddleware::from(Authenticator::new(MyValidator).skip_cors_preflight(true)))
///     .wrap(cors());
/// ```
#[must_use]
pub struct AuthMiddleware<V> {
    authenticator: Arc<Authenticator<V>>,
}

impl<V: TokenValidator> AuthMiddleware<V> {
    /// Validates tokens with `validator`, with the default settings (see
    /// [`Authenticator`] for the others).
    pub fn new(validator: V) -> Self {
        Authenticator::new(validator).into()
    }

    /// Validates tokens with a shared validator.
    pub fn from_shared(validator: Arc<V>) -> Self {
        Authenticator::from_shared(validator).into()
    }
}

impl<V> AuthMiddleware<V> {
    /// The authentication step this middleware runs.
    pub fn authenticator(&self) -> &Authenticator<V> {
        &self.authenticator
    }
}

impl<V> From<Authenticator<V>> for AuthMiddleware<V> {
    fn from(authenticator: Authenticator<V>) -> Self {
        Self {
            authenticator: Arc::new(authenticator),
        }
    }
}

impl<V> Clone for AuthMiddleware<V> {
    fn clone(&self) -> Self {
        Self {
            authenticator: Arc::clone(&self.authenticator),
        }
    }
}

impl<V> fmt::Debug for AuthMiddleware<V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthMiddleware")
            .field("authenticator", &self.authenticator)
            .finish()
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
    type Transform = AuthenticationMiddleware<S, V>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, Self::InitError>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(AuthenticationMiddleware {
            service: Rc::new(service),
            authenticator: Arc::clone(&self.authenticator),
        }))
    }
}

/// The service of [`AuthMiddleware`].
pub struct AuthenticationMiddleware<S, V> {
    service: Rc<S>,
    authenticator: Arc<Authenticator<V>>,
}

impl<S, V> fmt::Debug for AuthenticationMiddleware<S, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthenticationMiddleware")
            .field("authenticator", &self.authenticator)
            .finish_non_exhaustive()
    }
}

impl<S, B, V> Service<ServiceRequest> for AuthenticationMiddleware<S, V>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error> + 'static,
    B: 'static,
    V: TokenValidator,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = actix_web::Error;
    type Future = ResponseFuture<S::Future, B>;

    forward_ready!(service);

    fn call(&self, request: ServiceRequest) -> Self::Future {
        let pending = match self.authenticator.begin(&Head(&request)) {
            Admission::Pass(admitted) => {
                admitted.insert_into(&mut ExtensionsMut(request.extensions_mut()));
                return forward(&*self.service, request);
            }
            Admission::Deny(denial) => return deny(request, &denial),
            Admission::Validate(pending) => pending,
        };
        let service = Rc::clone(&self.service);
        ResponseFuture::boxed(Box::pin(async move {
            match pending.run().await {
                Ok(admitted) => {
                    let nonce = admitted
                        .dpop_nonce()
                        .and_then(|nonce| HeaderValue::from_str(nonce).ok());
                    admitted.insert_into(&mut ExtensionsMut(request.extensions_mut()));
                    let mut response = forward(&*service, request).await?;
                    if let Some(nonce) = nonce {
                        response
                            .headers_mut()
                            .insert(HeaderName::from_static(DPOP_NONCE), nonce);
                    }
                    Ok(response)
                }
                Err(denial) => deny::<S::Future, B>(request, &denial).await,
            }
        }))
    }
}
