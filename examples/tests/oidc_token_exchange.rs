//! SPEC §3.8 against a real OpenID provider: Node's `oidc-provider`
//! (`test-support/oidc`) registers the RFC 8693 token-exchange grant and
//! downscopes (same subject and expiry, scopes covered by the subject's),
//! and the `TokenExchanger`, finding the token endpoint by discovery,
//! exchanges at it end to end.
//!
//! Needs Node and `npm ci` in `test-support/oidc`; without them the tests skip with a
//! message, except under CI (`CI` set), where they fail.

#[allow(dead_code)] // shared with `oidc_provider.rs`, which uses all of it
mod oidc_support;

use oidc_support::{CLIENT_ID, CLIENT_SECRET, OidcProvider};
use scopeguard_core::Principal;
use scopeguard_core::downstream::{ExchangeErrorKind, TokenExchanger, TokenExchangerBuilder};
use scopeguard_core::validation::jwt::{JwtValidator, TypeCheck};
use scopeguard_core::validation::keys::JwksSource;

/// The API the callers' tokens are for.
const ORDERS: &str = "https://orders.scopeguard.test";
/// The downstream API exchanged tokens are for.
const SHIPPING: &str = "https://shipping.scopeguard.test";

async fn provider() -> Option<OidcProvider> {
    OidcProvider::builder()
        .resource(ORDERS)
        .resource(SHIPPING)
        .start()
        .await
}

async fn validator(issuer: &str, audience: &str) -> JwtValidator {
    JwtValidator::builder()
        .issuer(
            issuer,
            JwksSource::discover(issuer).build().await.expect("a key source"),
        )
        .audience(audience)
        .type_check(TypeCheck::AccessTokenOnly)
        .build()
        .expect("a validator")
}

/// A caller of the orders API granted `scopes` by the provider.
async fn caller(provider: &OidcProvider, scopes: &str) -> Principal {
    let token = provider
        .client_credentials(scopes, ORDERS)
        .await
        .expect("a token");
    validator(provider.issuer(), ORDERS)
        .await
        .validate(token.secret())
        .await
        .expect("a valid token")
}

fn exchanger(provider: &OidcProvider) -> TokenExchangerBuilder {
    TokenExchanger::builder()
        .discover(provider.issuer())
        .client_credentials(CLIENT_ID, CLIENT_SECRET)
        .audience(SHIPPING)
}

#[tokio::test]
async fn the_provider_exchanges_for_a_narrower_token_with_the_same_subject_and_expiry() {
    let Some(provider) = provider().await else {
        return;
    };
    let orders = caller(&provider, "order inventory").await;
    let exchanger = exchanger(&provider).scopes("order:shipping").build().unwrap();

    let token = exchanger.exchange(&orders).await.unwrap();
    assert_eq!(
        token.issued_token_type(),
        "urn:ietf:params:oauth:token-type:access_token"
    );
    assert_eq!(token.token_type(), "Bearer");
    let shipping = validator(provider.issuer(), SHIPPING)
        .await
        .validate(token.access_token())
        .await
        .unwrap();
    assert_eq!(shipping.sub(), orders.sub());
    assert_eq!(shipping.exp(), orders.exp());
    assert_eq!(shipping.aud(), [SHIPPING]);
    assert_eq!(shipping.scopes().as_space_delimited(), "order:shipping");
}

#[tokio::test]
async fn the_provider_refuses_a_broader_scope_and_a_forged_subject() {
    let Some(provider) = provider().await else {
        return;
    };
    // The local check is bypassed by a principal claiming more than its
    // token grants: the provider's own downscoping refuses.
    let token = provider.client_credentials("order:item", ORDERS).await.unwrap();
    let overclaiming = Principal::builder()
        .scopes("order".parse().unwrap())
        .access_token(token.secret())
        .build();
    let exchanger = exchanger(&provider).scopes("order:shipping").build().unwrap();
    let error = exchanger.exchange(&overclaiming).await.unwrap_err();
    assert_eq!(
        error.kind(),
        &ExchangeErrorKind::Refused {
            error: "invalid_scope".into()
        }
    );
    assert_eq!(error.status(), 403);

    let forged = Principal::builder()
        .scopes("order".parse().unwrap())
        .access_token("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.")
        .build();
    let error = exchanger.exchange(&forged).await.unwrap_err();
    assert_eq!(
        error.kind(),
        &ExchangeErrorKind::Refused {
            error: "invalid_grant".into()
        }
    );
}

#[tokio::test]
async fn the_provider_refuses_an_unknown_audience() {
    let Some(provider) = provider().await else {
        return;
    };
    let orders = caller(&provider, "order").await;
    let exchanger = TokenExchanger::builder()
        .discover(provider.issuer())
        .client_credentials(CLIENT_ID, CLIENT_SECRET)
        .audience("https://unknown.scopeguard.test")
        .scopes("order:shipping")
        .build()
        .unwrap();
    let error = exchanger.exchange(&orders).await.unwrap_err();
    assert_eq!(
        error.kind(),
        &ExchangeErrorKind::Refused {
            error: "invalid_target".into()
        }
    );
}
