//! The builder's own checks: every problem at once, endpoints, `Debug`.

use super::*;
use crate::validation::jwt::AudienceProblem;

#[test]
fn every_problem_is_reported_at_once() {
    let error = IntrospectionValidatorBuilder::new("https://idp.example/introspect".into())
        .client_credentials("", "")
        .issuer("")
        .disable_issuer_check()
        .audience("")
        .disable_audience_check()
        .allow_missing_audience()
        .timeout(Duration::ZERO)
        .cache_ttl(Duration::ZERO)
        .cache_max_bytes(0)
        .max_body_size(0)
        .build()
        .unwrap_err();
    assert_eq!(
        error.problems(),
        [
            IntrospectionConfigProblem::EmptyClientId,
            IntrospectionConfigProblem::EmptyClientSecret,
            IntrospectionConfigProblem::IssuerWithoutIssuerCheck,
            IntrospectionConfigProblem::EmptyIssuer,
            IntrospectionConfigProblem::Audience(AudienceProblem::AudiencesWithoutAudienceCheck),
            IntrospectionConfigProblem::Audience(AudienceProblem::EmptyAudience),
            IntrospectionConfigProblem::MissingAudienceAllowedWithoutAudienceCheck,
            IntrospectionConfigProblem::EmptyCache,
            IntrospectionConfigProblem::ZeroDuration { setting: "cache_ttl" },
            IntrospectionConfigProblem::ZeroDuration { setting: "timeout" },
            IntrospectionConfigProblem::ZeroBodySize,
        ]
    );
}

#[test]
fn only_absolute_http_urls_are_endpoints() {
    for endpoint in [
        "",
        "idp.example/introspect",
        "ftp://idp.example/x",
        "data:text/plain,x",
    ] {
        let error = IntrospectionValidatorBuilder::new(endpoint.into())
            .client_credentials("id", "secret")
            .disable_issuer_check()
            .disable_audience_check()
            .build()
            .unwrap_err();
        assert_eq!(
            error.problems(),
            [IntrospectionConfigProblem::InvalidEndpoint],
            "{endpoint}"
        );
    }
}

#[test]
fn debug_never_shows_the_secret() {
    let builder = IntrospectionValidatorBuilder::new("https://idp.example/introspect".into())
        .client_credentials("orders-api", "hunter2-secret");
    let debug = format!("{builder:?}");
    assert!(
        debug.contains("orders-api") && !debug.contains("hunter2"),
        "{debug}"
    );
    let validator = builder
        .issuer("https://idp.example")
        .disable_audience_check()
        .build()
        .unwrap();
    let debug = format!("{validator:?}");
    assert!(
        debug.contains("orders-api") && !debug.contains("hunter2"),
        "{debug}"
    );
}
