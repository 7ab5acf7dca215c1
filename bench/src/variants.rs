//! The variants: the same route (`GET /price` → 200 "ok") with the same
//! work in front of it — bearer token from `Authorization`, signature, `exp`
//! / `iss` / `aud`, and `inventory:price.write` out of the space-delimited
//! `scope` claim.

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use http::StatusCode;
use serde::Deserialize;

use crate::common::{self, AUDIENCE, ISSUER, PATH, REQUIRED_SCOPE, keys};
use crate::forward::{ForwardLayer, ForwardMiddleware, ok_after_extraction};

/// Every variant, in table order.
pub const VARIANTS: &[&str] = &[
    "axum-unprotected",
    "axum-forward-layer",
    "axum-forward-layers",
    "axum-forward-layer-extractor",
    "axum-jsonwebtoken-mw",
    "axum-jwt-authorizer",
    "axum-aliri",
    "axum-tower-oauth2-rs",
    "axum-scopeguard-layer",
    "axum-scopeguard-scoped",
    "axum-scopeguard-macro",
    "actix-unprotected",
    "actix-forward-wrap",
    "actix-forward-wraps",
    "actix-forward-wrap-extractor",
    "actix-scopeguard-layer",
    "actix-scopeguard-scoped",
    "actix-scopeguard-macro",
];

pub fn is_actix(variant: &str) -> bool {
    variant.starts_with("actix-")
}

pub fn floor_of(variant: &str) -> &'static str {
    if is_actix(variant) { "actix-unprotected" } else { "axum-unprotected" }
}

/// A forwarding-only baseline: no authentication, answers every request.
pub fn is_baseline(variant: &str) -> bool {
    variant.contains("-forward-")
}

/// The forwarding-only baseline of the same shape as a scopeguard variant:
/// scopeguard's own cost is the variant minus this, in the same run.
pub fn baseline_of(variant: &str) -> Option<&'static str> {
    Some(match variant {
        "axum-scopeguard-layer" => "axum-forward-layers",
        "axum-scopeguard-scoped" | "axum-scopeguard-macro" => "axum-forward-layer-extractor",
        "actix-scopeguard-layer" => "actix-forward-wraps",
        "actix-scopeguard-scoped" | "actix-scopeguard-macro" => "actix-forward-wrap-extractor",
        _ => return None,
    })
}

/// Whether the variant can verify `alg` (n/a otherwise).
pub fn supports(variant: &str, alg: &str) -> bool {
    // aliri 0.6 has no EdDSA (its JWA covers HS*, RS*, PS*, ES256/384).
    !(variant == "axum-aliri" && alg == "EdDSA")
}

async fn ok() -> &'static str {
    "ok"
}

// ---------------------------------------------------------------- scopeguard

pub fn scopeguard_validator(alg: &str) -> scopeguard_core::JwtValidator {
    use scopeguard_core::validation::keys::{KeySet, StaticKeys, VerificationKey};
    let key = match alg {
        "HS256" => VerificationKey::hmac_secret(keys::HMAC_SECRET),
        "RS256" => VerificationKey::rsa_pem(keys::RSA_PUBLIC).expect("RSA key"),
        "ES256" => VerificationKey::ec_pem(keys::P256_PUBLIC).expect("EC key"),
        "EdDSA" => VerificationKey::ed_pem(keys::ED25519_PUBLIC).expect("Ed key"),
        _ => panic!("unknown algorithm {alg}"),
    };
    scopeguard_core::JwtValidator::builder()
        .issuer(ISSUER, StaticKeys::new(KeySet::new([key.with_kid(common::kid(alg))])))
        .audience(AUDIENCE)
        .algorithms([common::jwt_alg(alg)])
        .build()
        .expect("scopeguard configuration")
}

mod sg_axum {
    use scopeguard_axum::{Scoped, requires_scope, scope};

    scope!(pub PriceWrite = "inventory:price.write");

    pub async fn scoped(_: Scoped<PriceWrite>) -> &'static str {
        "ok"
    }

    #[requires_scope("inventory:price.write")]
    pub async fn macro_handler() -> &'static str {
        "ok"
    }
}

// ------------------------------------------------- hand-written jsonwebtoken

#[derive(Clone, Deserialize)]
#[allow(dead_code)]
pub struct UserClaims {
    sub: String,
    client_id: String,
    scope: String,
}

fn has_scope(scope: &str) -> bool {
    scope.split(' ').any(|s| s == REQUIRED_SCOPE)
}

struct Handwritten {
    key: jsonwebtoken::DecodingKey,
    validation: jsonwebtoken::Validation,
}

fn handwritten(alg: &str) -> Arc<Handwritten> {
    use jsonwebtoken::DecodingKey;
    let key = match alg {
        "HS256" => DecodingKey::from_secret(keys::HMAC_SECRET),
        "RS256" => DecodingKey::from_rsa_pem(keys::RSA_PUBLIC).expect("RSA key"),
        "ES256" => DecodingKey::from_ec_pem(keys::P256_PUBLIC).expect("EC key"),
        "EdDSA" => DecodingKey::from_ed_pem(keys::ED25519_PUBLIC).expect("Ed key"),
        _ => panic!("unknown algorithm {alg}"),
    };
    let mut validation = jsonwebtoken::Validation::new(common::jwt_alg(alg));
    validation.set_issuer(&[ISSUER]);
    validation.set_audience(&[AUDIENCE]);
    validation.set_required_spec_claims(&["exp", "iss", "aud"]);
    validation.leeway = 60;
    Arc::new(Handwritten { key, validation })
}

async fn handwritten_mw(State(state): State<Arc<Handwritten>>, mut request: Request, next: Next) -> Response {
    let Some(token) = request
        .headers()
        .get(http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    let claims = match jsonwebtoken::decode::<UserClaims>(token, &state.key, &state.validation) {
        Ok(data) => data.claims,
        Err(_) => return StatusCode::UNAUTHORIZED.into_response(),
    };
    if !has_scope(&claims.scope) {
        return StatusCode::FORBIDDEN.into_response();
    }
    request.extensions_mut().insert(claims);
    next.run(request).await
}

// ------------------------------------------------------------ jwt-authorizer

async fn jwt_authorizer_layer(
    alg: &str,
) -> jwt_authorizer::layer::AuthorizationLayer<UserClaims> {
    use jwt_authorizer::{IntoLayer, JwtAuthorizer, Validation};
    let pem = |b: &[u8]| std::str::from_utf8(b).expect("PEM").to_owned();
    let builder = match alg {
        "HS256" => JwtAuthorizer::from_secret(std::str::from_utf8(keys::HMAC_SECRET).expect("secret")),
        "RS256" => JwtAuthorizer::from_rsa_pem_text(&pem(keys::RSA_PUBLIC)),
        "ES256" => JwtAuthorizer::from_ec_pem_text(&pem(keys::P256_PUBLIC)),
        "EdDSA" => JwtAuthorizer::from_ed_pem_text(&pem(keys::ED25519_PUBLIC)),
        _ => panic!("unknown algorithm {alg}"),
    };
    builder
        .validation(Validation::new().iss(&[ISSUER]).aud(&[AUDIENCE]).leeway(60))
        .check(|claims: &UserClaims| has_scope(&claims.scope))
        .build()
        .await
        .expect("jwt-authorizer configuration")
        .into_layer()
}

// ------------------------------------------------------------------ aliri

mod aliri_claims {
    use aliri::jwt;
    use aliri_clock::UnixTime;
    use aliri_oauth2::{HasScope, Scope};
    use serde::Deserialize;

    #[derive(Clone, Debug, Deserialize)]
    pub struct AliriClaims {
        iss: jwt::Issuer,
        aud: jwt::Audiences,
        sub: jwt::Subject,
        exp: UnixTime,
        scope: Scope,
    }

    impl jwt::CoreClaims for AliriClaims {
        fn nbf(&self) -> Option<UnixTime> {
            None
        }
        fn exp(&self) -> Option<UnixTime> {
            Some(self.exp)
        }
        fn aud(&self) -> &jwt::Audiences {
            &self.aud
        }
        fn iss(&self) -> Option<&jwt::IssuerRef> {
            Some(&self.iss)
        }
        fn sub(&self) -> Option<&jwt::SubjectRef> {
            Some(&self.sub)
        }
    }

    impl HasScope for AliriClaims {
        fn scope(&self) -> &Scope {
            &self.scope
        }
    }

    pub mod scope {
        aliri_axum::scope_guards! {
            type Claims = super::AliriClaims;
            pub scope PriceWrite = "inventory:price.write";
        }
    }
}

fn aliri_authority(alg: &str) -> aliri_oauth2::Authority {
    use aliri::{jwa, jwt};
    let jwks: aliri::Jwks = serde_json::from_str(common::jwks(alg)).expect("JWKS");
    let algorithm = match alg {
        "HS256" => jwa::Algorithm::HS256,
        "RS256" => jwa::Algorithm::RS256,
        "ES256" => jwa::Algorithm::ES256,
        _ => panic!("aliri: no {alg}"),
    };
    let validator = jwt::CoreValidator::default()
        .add_approved_algorithm(algorithm)
        .add_allowed_audience(jwt::Audience::from_static(AUDIENCE))
        .require_issuer(jwt::Issuer::from_static(ISSUER))
        .with_leeway_secs(60)
        .check_expiration();
    aliri_oauth2::Authority::new(jwks, validator)
}

async fn aliri_handler(_: aliri_claims::scope::PriceWrite) -> &'static str {
    "ok"
}

// -------------------------------------------------- tower-oauth2-resource-server

async fn tower_oauth2(alg: &str) -> tower_oauth2_resource_server::server::OAuth2ResourceServer<UserClaims> {
    use tower_oauth2_resource_server::server::OAuth2ResourceServer;
    use tower_oauth2_resource_server::tenant::TenantConfiguration;
    use tower_oauth2_resource_server::validation::ClaimsValidationSpec;
    let tenant = TenantConfiguration::static_builder(common::jwks(alg))
        .identifier(ISSUER)
        .audiences(&[AUDIENCE])
        .claims_validation(ClaimsValidationSpec::new().exp(true).iss(ISSUER).aud(&vec![AUDIENCE.to_owned()]))
        .allowed_algorithms(&[common::jwt_alg(alg)])
        .build()
        .expect("tower-oauth2-resource-server tenant");
    OAuth2ResourceServer::<UserClaims>::builder()
        .add_tenant(tenant)
        .build()
        .await
        .expect("tower-oauth2-resource-server")
}

/// The "small scope check" after tower-oauth2-resource-server's layer.
async fn claims_scope_mw(request: Request, next: Next) -> Response {
    match request.extensions().get::<UserClaims>() {
        Some(claims) if has_scope(&claims.scope) => next.run(request).await,
        Some(_) => StatusCode::FORBIDDEN.into_response(),
        None => StatusCode::UNAUTHORIZED.into_response(),
    }
}

// ---------------------------------------------------------------- axum apps

/// The axum router of `variant` (an axum variant).
pub async fn axum_app(variant: &str, alg: &str) -> Router {
    let router = match variant {
        "axum-unprotected" => Router::new().route(PATH, get(ok)),
        // Baselines: axum's own price for a router layer and a route layer
        // that only forward, the shape of `axum-scopeguard-layer` ...
        "axum-forward-layers" => Router::new()
            .route(PATH, get(ok).route_layer(ForwardLayer))
            .layer(ForwardLayer),
        // ... and for the router layer alone, the shape of `Scoped`/macro.
        "axum-forward-layer" => Router::new().route(PATH, get(ok)).layer(ForwardLayer),
        // ... and with a handler taking one argument that extracts nothing:
        // what axum charges for the extractor argument of `Scoped`/macro.
        "axum-forward-layer-extractor" => Router::new()
            .route(PATH, get(ok_after_extraction))
            .layer(ForwardLayer),
        "axum-jsonwebtoken-mw" => Router::new()
            .route(PATH, get(ok))
            .layer(middleware::from_fn_with_state(handwritten(alg), handwritten_mw)),
        "axum-jwt-authorizer" => {
            // The layer needs an inner service answering axum 0.7's
            // `Response`: convert the body on the way in and back out.
            let layer = tower::ServiceBuilder::new()
                .map_response(|r: axum07::response::Response| r.map(Body::new))
                .layer(jwt_authorizer_layer(alg).await)
                .map_response(|r: Response| r.map(axum07::body::Body::new));
            Router::new().route(PATH, get(ok)).layer(layer)
        }
        "axum-aliri" => {
            let authorizer = aliri_tower::Oauth2Authorizer::new()
                .with_claims::<aliri_claims::AliriClaims>()
                .with_terse_error_handler();
            Router::new()
                .route(PATH, get(aliri_handler))
                .layer(authorizer.jwt_layer(aliri_authority(alg)))
        }
        "axum-tower-oauth2-rs" => {
            let server = tower_oauth2(alg).await;
            Router::new()
                .route(PATH, get(ok))
                .route_layer(middleware::from_fn(claims_scope_mw))
                .layer(server.into_layer())
        }
        "axum-scopeguard-layer" => Router::new()
            .route(PATH, get(ok).route_layer(scopeguard_axum::RequireScope::new(REQUIRED_SCOPE)))
            .layer(scopeguard_axum::AuthLayer::new(scopeguard_validator(alg))),
        "axum-scopeguard-scoped" => Router::new()
            .route(PATH, get(sg_axum::scoped))
            .layer(scopeguard_axum::AuthLayer::new(scopeguard_validator(alg))),
        "axum-scopeguard-macro" => Router::new()
            .route(PATH, get(sg_axum::macro_handler))
            .layer(scopeguard_axum::AuthLayer::new(scopeguard_validator(alg))),
        other => panic!("not an axum variant: {other}"),
    };
    // What `axum::serve` does (`Router::into_make_service`): turn every
    // handler and its layers into a service once, not on every request.
    router.with_state(())
}

// ---------------------------------------------------------------- actix apps

mod sg_actix {
    use scopeguard_actix::{Scoped, requires_scope, scope};

    scope!(pub PriceWrite = "inventory:price.write");

    pub async fn ok() -> &'static str {
        "ok"
    }

    pub async fn scoped(_: Scoped<PriceWrite>) -> &'static str {
        "ok"
    }

    #[requires_scope("inventory:price.write")]
    pub async fn macro_handler() -> &'static str {
        "ok"
    }
}

/// Configures the actix routes of `variant` (an actix variant).
pub fn actix_config(variant: &str) -> impl Fn(&mut actix_web::web::ServiceConfig) + Clone + Send + 'static {
    use actix_web::web;
    let variant = variant.to_owned();
    move |cfg: &mut web::ServiceConfig| match variant.as_str() {
        "actix-unprotected" | "actix-forward-wrap" => {
            cfg.route(PATH, web::get().to(sg_actix::ok));
        }
        "actix-forward-wrap-extractor" => {
            cfg.route(PATH, web::get().to(crate::forward::ok_after_extraction));
        }
        "actix-forward-wraps" => {
            cfg.service(web::resource(PATH).wrap(ForwardMiddleware).route(web::get().to(sg_actix::ok)));
        }
        "actix-scopeguard-layer" => {
            cfg.service(
                web::resource(PATH)
                    .wrap(scopeguard_actix::RequireScope::new(REQUIRED_SCOPE))
                    .route(web::get().to(sg_actix::ok)),
            );
        }
        "actix-scopeguard-scoped" => {
            cfg.route(PATH, web::get().to(sg_actix::scoped));
        }
        "actix-scopeguard-macro" => {
            cfg.route(PATH, web::get().to(sg_actix::macro_handler));
        }
        other => panic!("not an actix variant: {other}"),
    }
}

/// Runs `$body` with `$make`, a closure building the actix `App` of
/// `$variant`: the floor without middleware, the others inside
/// `AuthMiddleware` (a macro: the two apps have different types).
#[macro_export]
macro_rules! with_actix_app {
    ($variant:expr, $alg:expr, |$make:ident| $body:expr) => {{
        let variant: &str = $variant;
        let config = $crate::variants::actix_config(variant);
        if variant == "actix-unprotected" {
            let $make = move || actix_web::App::new().configure(config.clone());
            $body
        } else if $crate::variants::is_baseline(variant) {
            let $make = move || actix_web::App::new().configure(config.clone()).wrap($crate::forward::ForwardMiddleware);
            $body
        } else {
            let validator = std::sync::Arc::new($crate::variants::scopeguard_validator($alg));
            let $make = move || {
                actix_web::App::new()
                    .configure(config.clone())
                    .wrap(scopeguard_actix::AuthMiddleware::from_shared(validator.clone()))
            };
            $body
        }
    }};
}
