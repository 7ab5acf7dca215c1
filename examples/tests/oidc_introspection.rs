//! RFC 9701 against a real OpenID provider: Node's `oidc-provider`
//! (`test-support/oidc`) issues opaque tokens and answers introspection
//! with JWTs signed by its key (`features.jwtIntrospection`). The
//! introspection validator asks for them and verifies them with the keys
//! found by discovery; the API side validates the same JWT locally; and a
//! gateway forwards it in place of the opaque token (the phantom-token
//! flow).
//!
//! Needs Node and `npm ci` in `test-support/oidc`; without them the tests
//! skip with a message, except under CI (`CI` set), where they fail.

#[allow(dead_code)]
mod oidc_support;

use std::time::Duration;

use oidc_support::{CLIENT_ID, CLIENT_SECRET, OidcProvider};
use scopeguard_core::error::InvalidToken;
use scopeguard_core::validation::introspection::{IntrospectionJwtValidator, IntrospectionValidator};
use scopeguard_core::validation::keys::JwksSource;
use scopeguard_core::{AuthError, Requirement};

/// The resource whose tokens are opaque.
const RESOURCE: &str = "http://127.0.0.1:8090/reports";

async fn provider() -> Option<OidcProvider> {
    OidcProvider::builder().opaque_resource(RESOURCE).start().await
}

async fn keys(issuer: &str) -> JwksSource {
    JwksSource::discover(issuer)
        .timeout(Duration::from_secs(5))
        .build()
        .await
        .expect("a valid key source configuration")
}

/// The provider's introspection endpoint, from its metadata.
async fn introspection_endpoint(provider: &OidcProvider) -> String {
    provider.metadata().await["introspection_endpoint"]
        .as_str()
        .expect("the metadata names an introspection endpoint")
        .to_owned()
}

async fn validator(provider: &OidcProvider) -> IntrospectionValidator {
    IntrospectionValidator::builder(introspection_endpoint(provider).await)
        .client_credentials(CLIENT_ID, CLIENT_SECRET)
        .issuer(provider.issuer())
        .audience(RESOURCE)
        .jwt_answers(keys(provider.issuer()).await)
        .build()
        .expect("a valid configuration")
}

#[tokio::test]
async fn an_opaque_token_is_introspected_with_a_signed_answer_the_api_validates_locally() {
    let Some(provider) = provider().await else { return };
    let issued = provider
        .client_credentials("report:read inventory:sales", RESOURCE)
        .await
        .expect("an opaque token");
    assert_eq!(issued.parts(), 1, "an opaque token, not a JWT");

    let principal = validator(&provider)
        .await
        .validate(issued.secret())
        .await
        .expect("an active token");
    assert_eq!(principal.client_id(), Some(CLIENT_ID));
    assert_eq!(principal.aud(), [RESOURCE]);
    principal
        .check(
            &Requirement::parse("all(report:read, inventory:sales)").unwrap(),
            &(),
        )
        .expect("the scopes of the token");
    let jwt = principal
        .introspection_jwt()
        .expect("the signed answer")
        .to_owned();
    assert_eq!(jwt.split('.').count(), 3);

    // The API behind a gateway validates the same answer without calling
    // the provider.
    let api = IntrospectionJwtValidator::builder(provider.issuer(), CLIENT_ID, keys(provider.issuer()).await)
        .audience(RESOURCE)
        .build()
        .expect("a valid configuration");
    let forwarded = api.validate(&jwt).await.expect("a valid phantom token");
    assert_eq!(
        forwarded.scopes().as_space_delimited(),
        principal.scopes().as_space_delimited()
    );
}

#[tokio::test]
async fn an_unknown_token_has_a_signed_inactive_answer() {
    let Some(provider) = provider().await else { return };
    let outcome = validator(&provider).await.validate("not-a-token-it-issued").await;
    assert_eq!(
        outcome.unwrap_err(),
        AuthError::InvalidToken(InvalidToken::Inactive)
    );
}

#[tokio::test]
async fn an_api_expecting_another_gateway_refuses_the_forwarded_answer() {
    let Some(provider) = provider().await else { return };
    let issued = provider
        .client_credentials("report:read", RESOURCE)
        .await
        .expect("an opaque token");
    // The provider signs for the client that asked: a validator expecting
    // another client id (a confused configuration) trusts no answer.
    let api = IntrospectionJwtValidator::builder(
        provider.issuer(),
        "another-client",
        keys(provider.issuer()).await,
    )
    .audience(RESOURCE)
    .build()
    .expect("a valid configuration");
    let jwt = validator(&provider)
        .await
        .validate(issued.secret())
        .await
        .expect("an active token")
        .introspection_jwt()
        .expect("the signed answer")
        .to_owned();
    assert_eq!(
        api.validate(&jwt).await.unwrap_err(),
        AuthError::InvalidToken(InvalidToken::InvalidAudience)
    );
}
