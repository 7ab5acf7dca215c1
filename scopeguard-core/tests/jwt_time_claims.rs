//! The time claims of a JWT and the clock leeway (SPEC §3.2): `exp`
//! required, `nbf` honoured, no `iat` or `auth_time` in the future, all with
//! a leeway of 60 s by default.

mod support;

use std::time::Duration;

use scopeguard_core::error::InvalidToken;
use scopeguard_core::validation::jwt::{Algorithm, JwtValidator};
use scopeguard_core::{AuthError, Requirement};
use serde_json::{Value, json};
use support::{Signer, builder, validator, with};

async fn outcome(validator: &JwtValidator, claims: &Value) -> Result<(), InvalidToken> {
    match validator
        .validate(&Signer::rsa(Algorithm::RS256).sign(claims))
        .await
    {
        Ok(_) => Ok(()),
        Err(AuthError::InvalidToken(reason)) => Err(reason),
        Err(other) => panic!("expected a valid or an invalid token, got {other:?}"),
    }
}

/// The outcome of a token whose `claim` is `now + offset`, for each offset,
/// all signed and validated within the second `now` (tried again when the
/// clock ticks meanwhile), so that a boundary one second away is pinned
/// exactly.
async fn outcomes(validator: &JwtValidator, claim: &str, offsets: &[i64]) -> Vec<Result<(), InvalidToken>> {
    loop {
        let now = support::now();
        let mut results = Vec::with_capacity(offsets.len());
        for &offset in offsets {
            let at = now.checked_add_signed(offset).expect("a test date");
            results.push(outcome(validator, &with(claim, json!(at))).await);
        }
        if support::now() == now {
            return results;
        }
    }
}

#[tokio::test]
async fn the_default_leeway_accepts_exp_59_s_ago_and_rejects_61_s_ago() {
    assert_eq!(
        outcomes(&validator(), "exp", &[-59, -61]).await,
        [Ok(()), Err(InvalidToken::Expired)]
    );
    assert_eq!(
        outcome(&validator(), &with("exp", json!(support::now() - 3600))).await,
        Err(InvalidToken::Expired)
    );
}

#[tokio::test]
async fn the_default_leeway_accepts_nbf_59_s_ahead_and_rejects_61_s_ahead() {
    assert_eq!(
        outcomes(&validator(), "nbf", &[59, 61]).await,
        [Ok(()), Err(InvalidToken::NotYetValid)]
    );
}

#[tokio::test]
async fn the_default_leeway_accepts_iat_59_s_ahead_and_rejects_61_s_ahead() {
    assert_eq!(
        outcomes(&validator(), "iat", &[59, 61]).await,
        [Ok(()), Err(InvalidToken::IssuedInFuture)]
    );
}

#[tokio::test]
async fn an_auth_time_in_the_future_beyond_the_leeway_is_invalid() {
    assert_eq!(
        outcomes(&validator(), "auth_time", &[-3600, 0, 59, 61, 86_400]).await,
        [
            Ok(()),
            Ok(()),
            Ok(()),
            Err(InvalidToken::InvalidClaim),
            Err(InvalidToken::InvalidClaim)
        ]
    );
    let no_leeway = builder().leeway(Duration::ZERO).build().unwrap();
    assert_eq!(
        outcomes(&no_leeway, "auth_time", &[0, 2]).await,
        [Ok(()), Err(InvalidToken::InvalidClaim)]
    );
}

#[tokio::test]
async fn a_future_auth_time_never_meets_a_max_age() {
    // An age of `now - auth_time` saturates to zero, which would meet any
    // `max_age`: the token itself is refused, before any step-up check.
    let token = Signer::rsa(Algorithm::RS256).sign(&with("auth_time", json!(support::now() + 3600)));
    let result = validator().validate(&token).await;
    assert_eq!(
        result.err(),
        Some(AuthError::InvalidToken(InvalidToken::InvalidClaim))
    );
    let recent = Signer::rsa(Algorithm::RS256).sign(&with("auth_time", json!(support::now() - 10)));
    let principal = validator().validate(&recent).await.unwrap();
    let step_up = Requirement::parse("order, max_age = 300").unwrap();
    assert_eq!(principal.check(&step_up, &()), Ok(()));
}

#[tokio::test]
async fn fractional_numeric_dates_are_accepted() {
    let now = support::now();
    #[allow(
        clippy::cast_precision_loss,
        reason = "seconds since the epoch fit an f64 exactly"
    )]
    let claims = with("exp", json!(now as f64 + 300.5));
    let principal = validator()
        .validate(&Signer::rsa(Algorithm::RS256).sign(&claims))
        .await
        .unwrap();
    assert_eq!(principal.exp(), Some(now + 300));
}

#[tokio::test]
async fn the_leeway_is_configurable() {
    let no_leeway = builder().leeway(Duration::ZERO).build().unwrap();
    let claims = with("exp", json!(support::now() - 1));
    assert_eq!(outcome(&validator(), &claims).await, Ok(()));
    assert_eq!(outcome(&no_leeway, &claims).await, Err(InvalidToken::Expired));
}
