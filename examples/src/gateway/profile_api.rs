//! The profile API of the gateway demo: an API behind a phantom-token
//! gateway. Its callers hold opaque tokens; the gateway introspects them
//! and forwards the signed introspection answer (RFC 9701), which this API
//! validates locally with scopeguard's
//! [`IntrospectionJwtValidator`] (no call to the authorization server).

use axum::routing::get;
use axum::{Json, Router};
use scopeguard_core::Principal;
use scopeguard_core::tower::{AuthLayer, RequireScope};
use scopeguard_core::validation::introspection::IntrospectionJwtValidator;
use serde_json::{Value, json};

/// The API: `GET /profile`, for `order:item`.
pub fn profile_api(validator: IntrospectionJwtValidator) -> Router {
    Router::new()
        .route("/profile", get(profile))
        .route_layer(RequireScope::new("order:item"))
        .layer(AuthLayer::new(validator))
}

async fn profile(principal: axum::Extension<Principal>) -> Json<Value> {
    tracing::info!(
        route = "profile",
        sub = principal.sub().unwrap_or("-"),
        "request allowed"
    );
    Json(json!({
        "sub": principal.sub(),
        "scopes": principal.scopes().as_space_delimited(),
        "validated_from": "a signed introspection answer (RFC 9701) forwarded by the gateway",
    }))
}
