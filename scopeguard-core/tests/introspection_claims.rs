//! SPEC §3.5: the JWT rules for `iss` and `auth_time` applied to
//! introspection answers (RFC 7662), and the step-up `max_age` of §2.4
//! checked on introspected principals.
#![cfg(feature = "introspection")]

#[path = "../../test-support/shared/introspection_server.rs"]
mod introspection_server;

use introspection_server::{
    AUDIENCE, CLIENT_ID, CLIENT_SECRET, ISSUER, IntrospectionServer, active, now, rejection,
};
use scopeguard_core::error::{InvalidToken, StepUpRequired};
use scopeguard_core::validation::introspection::{
    AudienceProblem, IntrospectionConfigProblem, IntrospectionValidator,
};
use scopeguard_core::{AuthError, Requirement};
use serde_json::json;

fn requirement(text: &str) -> Requirement {
    Requirement::parse(text).expect("test fixture")
}

// `auth_time`.

#[tokio::test]
async fn an_auth_time_in_the_future_beyond_the_leeway_is_an_invalid_claim() {
    let server = IntrospectionServer::start().await;
    server.reply("future", active(json!({"auth_time": now() + 3600})));
    server.reply("just-beyond", active(json!({"auth_time": now() + 120})));
    let validator = server.validator();
    for token in ["future", "just-beyond"] {
        assert_eq!(
            rejection(&validator, token).await,
            InvalidToken::InvalidClaim,
            "{token}"
        );
    }
    let error = validator.validate("future").await.unwrap_err();
    assert_eq!((error.status(), error.error_code()), (401, Some("invalid_token")));
}

#[tokio::test]
async fn a_future_auth_time_never_satisfies_max_age() {
    let server = IntrospectionServer::start().await;
    server.reply(
        "stepped-up-tomorrow",
        active(json!({"scope": "payment.write", "auth_time": now() + 86_400})),
    );
    let outcome = server
        .validator()
        .validate("stepped-up-tomorrow")
        .await
        .and_then(|principal| principal.check(&requirement("payment.write, max_age = 300"), &()));
    assert_eq!(outcome, Err(InvalidToken::InvalidClaim.into()));
}

#[tokio::test]
async fn an_auth_time_within_the_leeway_is_a_fresh_authentication() {
    // Clock skew within the leeway: the answer is valid, and its age zero.
    let server = IntrospectionServer::start().await;
    server.reply(
        "skewed",
        active(json!({"scope": "payment.write", "auth_time": now() + 30})),
    );
    let principal = server.validator().validate("skewed").await.unwrap();
    assert_eq!(
        principal.check(&requirement("payment.write, max_age = 0"), &()),
        Ok(())
    );
}

#[tokio::test]
async fn max_age_is_checked_against_the_answers_auth_time() {
    let server = IntrospectionServer::start().await;
    server.reply(
        "recent",
        active(json!({"scope": "payment.write", "auth_time": now() - 10})),
    );
    server.reply(
        "stale",
        active(json!({"scope": "payment.write", "auth_time": now() - 3600})),
    );
    server.reply("unknown", active(json!({"scope": "payment.write"})));
    let validator = server.validator();
    let payment = requirement("payment.write, max_age = 300");
    let recent = validator.validate("recent").await.unwrap();
    assert_eq!(recent.check(&payment, &()), Ok(()));
    for token in ["stale", "unknown"] {
        let principal = validator.validate(token).await.unwrap();
        assert_eq!(
            principal.check(&payment, &()),
            Err(AuthError::StepUpRequired(StepUpRequired {
                max_age: Some(300),
                acr_values: vec![],
            })),
            "{token}"
        );
    }
}

// `iss`.

#[tokio::test]
async fn the_builder_requires_an_issuer_unless_the_check_is_disabled() {
    let server = IntrospectionServer::start().await;
    let without_issuer = || {
        IntrospectionValidator::builder(server.url())
            .client_credentials(CLIENT_ID, CLIENT_SECRET)
            .audience(AUDIENCE)
    };
    let error = without_issuer().build().unwrap_err();
    assert_eq!(error.problems(), [IntrospectionConfigProblem::NoIssuer]);
    assert!(error.to_string().contains("no issuer is configured"), "{error}");
    without_issuer()
        .disable_issuer_check()
        .build()
        .expect("the check explicitly disabled");
    let error = without_issuer()
        .issuer(ISSUER)
        .disable_issuer_check()
        .build()
        .unwrap_err();
    assert_eq!(
        error.problems(),
        [IntrospectionConfigProblem::IssuerWithoutIssuerCheck]
    );
}

/// The same audience rule, and the same problem type, as the JWT builder's.
#[test]
fn the_builder_requires_an_audience_unless_the_check_is_disabled() {
    let builder = || {
        IntrospectionValidator::builder("https://idp.example/introspect")
            .client_credentials(CLIENT_ID, CLIENT_SECRET)
            .issuer(ISSUER)
    };
    let error = builder().build().unwrap_err();
    assert_eq!(
        error.problems(),
        [IntrospectionConfigProblem::Audience(AudienceProblem::NoAudience)]
    );
    assert!(
        error
            .to_string()
            .ends_with(": no audience is configured (or disable the audience check explicitly)"),
        "{error}"
    );
    let error = builder()
        .audience(AUDIENCE)
        .disable_audience_check()
        .build()
        .unwrap_err();
    assert_eq!(
        error.problems(),
        [IntrospectionConfigProblem::Audience(
            AudienceProblem::AudiencesWithoutAudienceCheck
        )]
    );
    builder()
        .disable_audience_check()
        .build()
        .expect("the check explicitly disabled");
}

#[tokio::test]
async fn iss_must_equal_the_issuer_when_present() {
    let server = IntrospectionServer::start().await;
    server.reply("same", active(json!({})));
    server.reply("absent", active(json!({"iss": null})));
    server.reply("foreign", active(json!({"iss": "https://evil.example"})));
    server.reply("trailing-slash", active(json!({"iss": format!("{ISSUER}/")})));
    let validator = server.validator();
    assert_eq!(validator.validate("same").await.unwrap().iss(), Some(ISSUER));
    assert_eq!(validator.validate("absent").await.unwrap().iss(), None);
    for token in ["foreign", "trailing-slash"] {
        assert_eq!(
            rejection(&validator, token).await,
            InvalidToken::InvalidIssuer,
            "{token}"
        );
    }
    let error = validator.validate("foreign").await.unwrap_err();
    assert_eq!((error.status(), error.error_code()), (401, Some("invalid_token")));
}

#[tokio::test]
async fn with_the_issuer_check_disabled_any_iss_is_accepted() {
    let server = IntrospectionServer::start().await;
    server.reply("foreign", active(json!({"iss": "https://evil.example"})));
    let validator = IntrospectionValidator::builder(server.url())
        .client_credentials(CLIENT_ID, CLIENT_SECRET)
        .disable_issuer_check()
        .audience(AUDIENCE)
        .build()
        .unwrap();
    let principal = validator.validate("foreign").await.unwrap();
    assert_eq!(principal.iss(), Some("https://evil.example"));
}
