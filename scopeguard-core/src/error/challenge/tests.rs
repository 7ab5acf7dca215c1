use std::time::Duration;

use http::header::{CONTENT_TYPE, RETRY_AFTER, WWW_AUTHENTICATE};
use http::{HeaderValue, StatusCode};
use proptest::prelude::*;

use super::*;
use crate::AuthError;
use crate::error::{InvalidRequest, InvalidToken, Misconfiguration, StepUpRequired, Unavailable};

const METADATA: &str = "https://api.example.com/.well-known/oauth-protected-resource";

fn config(realm: &str) -> ChallengeConfig {
    ChallengeConfig::builder().realm(realm).build().unwrap()
}

fn with_metadata() -> ChallengeConfig {
    ChallengeConfig::builder()
        .realm("api")
        .resource_metadata(METADATA)
        .build()
        .unwrap()
}

/// Status, `WWW-Authenticate`, `Retry-After` and body of `error` as strings.
fn rendered(config: &ChallengeConfig, error: &AuthError) -> (u16, Option<String>, Option<u64>, String) {
    let response = config.render(error);
    assert_eq!(response.content_type(), "application/json");
    (
        response.status().as_u16(),
        response
            .www_authenticate()
            .map(|value| value.to_str().unwrap().to_owned()),
        response.retry_after(),
        String::from_utf8(response.into_body()).unwrap(),
    )
}

fn step_up(max_age: Option<u64>, acr_values: &[&str]) -> AuthError {
    AuthError::StepUpRequired(StepUpRequired {
        max_age,
        acr_values: acr_values.iter().map(ToString::to_string).collect(),
    })
}

#[test]
fn no_credentials_is_401_with_a_bare_challenge_and_missing_token_body() {
    assert_eq!(
        rendered(&config("R"), &AuthError::MissingCredentials),
        (
            401,
            Some(r#"Bearer realm="R""#.into()),
            None,
            r#"{"error":"missing_token","error_description":"no bearer token"}"#.into(),
        )
    );
}

#[test]
fn malformed_request_is_400_invalid_request() {
    assert_eq!(
        rendered(&config("R"), &InvalidRequest::MultipleAuthorizationHeaders.into()),
        (
            400,
            Some(
                r#"Bearer realm="R", error="invalid_request", error_description="the request has more than one Authorization header""#
                    .into()
            ),
            None,
            r#"{"error":"invalid_request","error_description":"the request has more than one Authorization header"}"#.into(),
        )
    );
}

#[test]
fn invalid_or_expired_token_is_401_invalid_token() {
    assert_eq!(
        rendered(&config("R"), &InvalidToken::Expired.into()),
        (
            401,
            Some(
                r#"Bearer realm="R", error="invalid_token", error_description="the token has expired""#
                    .into()
            ),
            None,
            r#"{"error":"invalid_token","error_description":"the token has expired"}"#.into(),
        )
    );
    let (status, challenge, _, _) = rendered(&config("R"), &InvalidToken::UnknownKey.into());
    assert_eq!(status, 401);
    assert_eq!(
        challenge.unwrap(),
        r#"Bearer realm="R", error="invalid_token", error_description="no known key matches the token""#
    );
}

#[test]
fn oversized_authorization_header_is_401_invalid_token() {
    let (status, challenge, _, body) = rendered(&config("R"), &InvalidToken::TooLarge.into());
    assert_eq!(status, 401);
    assert_eq!(
        challenge.unwrap(),
        r#"Bearer realm="R", error="invalid_token", error_description="the Authorization header is too large""#
    );
    assert_eq!(
        body,
        r#"{"error":"invalid_token","error_description":"the Authorization header is too large"}"#
    );
}

#[test]
fn key_set_or_introspection_unavailable_is_503_with_retry_after_and_no_challenge() {
    let key_set = Unavailable::KeySet {
        retry_after: Duration::from_secs(30),
    };
    assert_eq!(
        rendered(&config("R"), &key_set.into()),
        (
            503,
            None,
            Some(30),
            r#"{"error":"temporarily_unavailable","error_description":"the signing keys are temporarily unavailable"}"#
                .into(),
        )
    );
    let introspection = Unavailable::Introspection {
        retry_after: Duration::from_millis(200),
    };
    assert_eq!(
        rendered(&config("R"), &introspection.into()),
        (
            503,
            None,
            Some(1),
            r#"{"error":"temporarily_unavailable","error_description":"token introspection is temporarily unavailable"}"#
                .into(),
        )
    );
}

#[test]
fn scope_missing_is_403_insufficient_scope_with_scope_attribute_and_body_member() {
    let error = AuthError::InsufficientScope {
        scope: Some("order:item inventory:price.write".into()),
    };
    assert_eq!(
        rendered(&config("R"), &error),
        (
            403,
            Some(
                r#"Bearer realm="R", error="insufficient_scope", error_description="insufficient scope", scope="order:item inventory:price.write""#
                    .into()
            ),
            None,
            r#"{"error":"insufficient_scope","error_description":"insufficient scope","scope":"order:item inventory:price.write"}"#
                .into(),
        )
    );
}

#[test]
fn scope_attribute_only_when_the_error_names_a_valid_scope() {
    let expected = (
        403,
        Some(
            r#"Bearer realm="R", error="insufficient_scope", error_description="insufficient scope""#.into(),
        ),
        None,
        r#"{"error":"insufficient_scope","error_description":"insufficient scope"}"#.into(),
    );
    for scope in [
        None,
        Some(String::new()),
        Some("a\"b".into()),
        Some("a  b".into()),
    ] {
        assert_eq!(
            rendered(&config("R"), &AuthError::InsufficientScope { scope }),
            expected
        );
    }
}

#[test]
fn step_up_is_401_insufficient_user_authentication_with_max_age_and_or_acr_values() {
    let opening = r#"Bearer realm="R", error="insufficient_user_authentication", error_description="the user must authenticate again""#;
    let body = r#"{"error":"insufficient_user_authentication","error_description":"the user must authenticate again"}"#;
    for (error, attributes) in [
        (step_up(Some(300), &[]), r#", max_age="300""#),
        (step_up(None, &["phr", "phrh"]), r#", acr_values="phr phrh""#),
        (step_up(Some(0), &["phr"]), r#", max_age="0", acr_values="phr""#),
        (step_up(None, &[]), ""),
    ] {
        assert_eq!(
            rendered(&config("R"), &error),
            (401, Some(format!("{opening}{attributes}")), None, body.into())
        );
    }
}

#[test]
fn misconfiguration_is_500_with_a_generic_body_and_no_challenge() {
    for error in [
        Misconfiguration::MissingAuthLayer,
        Misconfiguration::MissingPathParameter("tenant_id".into()),
    ] {
        let (status, challenge, retry_after, body) = rendered(&config("R"), &error.into());
        assert_eq!((status, challenge, retry_after), (500, None, None));
        assert_eq!(
            body,
            r#"{"error":"server_error","error_description":"the server cannot authorize this request"}"#
        );
    }
}

#[test]
fn resource_metadata_ends_every_400_401_and_403_challenge() {
    let tail = format!(r#", resource_metadata="{METADATA}""#);
    for error in [
        AuthError::MissingCredentials,
        InvalidRequest::EmptyToken.into(),
        InvalidToken::InvalidSignature.into(),
        AuthError::InsufficientScope {
            scope: Some("order".into()),
        },
        AuthError::InsufficientScope { scope: None },
        step_up(Some(60), &["phr"]),
    ] {
        let challenge = with_metadata()
            .render(&error)
            .www_authenticate()
            .cloned()
            .unwrap();
        let without = config("api").render(&error).www_authenticate().cloned().unwrap();
        assert_eq!(
            challenge.to_str().unwrap(),
            format!("{}{tail}", without.to_str().unwrap()),
            "{error:?}"
        );
    }
    assert_eq!(
        with_metadata()
            .render(&AuthError::MissingCredentials)
            .www_authenticate()
            .unwrap(),
        &format!(r#"Bearer realm="api", resource_metadata="{METADATA}""#)
    );
}

#[test]
fn resource_metadata_never_on_503_or_500() {
    let unavailable = Unavailable::KeySet {
        retry_after: Duration::from_secs(5),
    };
    for error in [unavailable.into(), Misconfiguration::MissingAuthLayer.into()] {
        let response = with_metadata().render(&error);
        assert!(response.www_authenticate().is_none(), "{error:?}");
        assert!(!String::from_utf8_lossy(response.body()).contains("resource_metadata"));
    }
}

#[test]
fn into_response_carries_status_headers_and_body() {
    let unavailable = Unavailable::Introspection {
        retry_after: Duration::from_secs(10),
    };
    let response: http::Response<Vec<u8>> = config("R").render(&unavailable.into()).into_response();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(response.headers()[RETRY_AFTER], "10");
    assert_eq!(response.headers()[CONTENT_TYPE], "application/json");
    assert!(!response.headers().contains_key(WWW_AUTHENTICATE));
    assert!(
        response
            .body()
            .starts_with(br#"{"error":"temporarily_unavailable""#)
    );

    let response: http::Response<Vec<u8>> =
        config("R").render(&AuthError::MissingCredentials).into_response();
    assert_eq!(response.headers()[WWW_AUTHENTICATE], r#"Bearer realm="R""#);
    assert_eq!(response.headers().len(), 2);
}

#[test]
fn headers_come_in_a_fixed_order() {
    let unavailable = Unavailable::KeySet {
        retry_after: Duration::from_secs(3),
    };
    let names = |error: &AuthError| {
        config("R")
            .render(error)
            .headers()
            .map(|(name, _)| name)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        names(&AuthError::MissingCredentials),
        [WWW_AUTHENTICATE, CONTENT_TYPE]
    );
    assert_eq!(names(&unavailable.into()), [RETRY_AFTER, CONTENT_TYPE]);
}

#[test]
fn users_can_replace_the_body_keeping_status_and_challenge() {
    let plain = |error: &AuthError, response: ErrorResponse| {
        response.with_body(HeaderValue::from_static("text/plain"), error.label())
    };
    let error = AuthError::from(InvalidToken::Expired);
    let default = config("R").render(&error);
    let replaced = config("R").render_with(&error, &plain);
    assert_eq!(replaced.status(), default.status());
    assert_eq!(replaced.www_authenticate(), default.www_authenticate());
    assert_eq!(replaced.content_type(), "text/plain");
    assert_eq!(replaced.body(), b"expired");

    let boxed: Box<dyn ErrorBody> = Box::new(JsonErrorBody);
    assert_eq!(config("R").render_with(&error, boxed.as_ref()), default);
}

fn any_auth_error() -> impl Strategy<Value = AuthError> {
    let invalid_request = prop::sample::select(vec![
        InvalidRequest::EmptyToken,
        InvalidRequest::MalformedToken,
        InvalidRequest::MultipleAuthorizationHeaders,
        InvalidRequest::NonAsciiAuthorization,
        InvalidRequest::ConflictingCredentials,
    ]);
    let invalid_token = prop::sample::select(vec![
        InvalidToken::TooLarge,
        InvalidToken::Malformed,
        InvalidToken::AlgorithmNotAllowed,
        InvalidToken::InvalidType,
        InvalidToken::CriticalHeader,
        InvalidToken::UnknownKey,
        InvalidToken::AmbiguousKey,
        InvalidToken::InvalidSignature,
        InvalidToken::Expired,
        InvalidToken::NotYetValid,
        InvalidToken::IssuedInFuture,
        InvalidToken::MissingClaim,
        InvalidToken::InvalidClaim,
        InvalidToken::InvalidIssuer,
        InvalidToken::InvalidAudience,
        InvalidToken::InvalidScopeClaim,
        InvalidToken::Inactive,
    ]);
    let retry_after =
        (any::<u64>(), 0u32..1_000_000_000).prop_map(|(secs, nanos)| Duration::new(secs, nanos));
    let text = prop_oneof![any::<String>(), "[ -~]{0,12}( [!-~]{1,8}){0,3}"];
    prop_oneof![
        Just(AuthError::MissingCredentials),
        invalid_request.prop_map(AuthError::from),
        invalid_token.prop_map(AuthError::from),
        retry_after
            .clone()
            .prop_map(|retry_after| Unavailable::KeySet { retry_after }.into()),
        retry_after.prop_map(|retry_after| Unavailable::Introspection { retry_after }.into()),
        prop::option::of(text.clone()).prop_map(|scope| AuthError::InsufficientScope { scope }),
        (
            prop::option::of(any::<u64>()),
            prop::collection::vec(text.clone(), 0..4)
        )
            .prop_map(|(max_age, acr_values)| StepUpRequired { max_age, acr_values }.into()),
        Just(Misconfiguration::MissingAuthLayer.into()),
        text.prop_map(|name| Misconfiguration::MissingPathParameter(name).into()),
    ]
}

/// Splits `Bearer name="value", name="value"` into its attributes, or fails.
fn parse_challenge(challenge: &str) -> Option<Vec<(&str, &str)>> {
    let mut rest = challenge.strip_prefix("Bearer ")?;
    let mut attributes = Vec::new();
    loop {
        let (name, after) = rest.split_once("=\"")?;
        let (value, after) = after.split_once('"')?;
        let name_ok = !name.is_empty() && name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_');
        let value_ok = value.bytes().all(|b| (0x20..0x7f).contains(&b) && b != b'\\');
        if !(name_ok && value_ok) {
            return None;
        }
        attributes.push((name, value));
        if after.is_empty() {
            return Some(attributes);
        }
        rest = after.strip_prefix(", ")?;
    }
}

proptest! {
    #[test]
    fn no_auth_error_produces_an_invalid_challenge_or_body(
        error in any_auth_error(),
        metadata in any::<bool>(),
    ) {
        let config = if metadata { with_metadata() } else { config("R") };
        let response = config.render(&error);
        prop_assert_eq!(response.status().as_u16(), error.status());

        let body: serde_json::Value = serde_json::from_slice(response.body()).expect("the body is JSON");
        let description = body["error_description"].as_str().expect("a description");
        prop_assert!(description.bytes().all(|b| (0x20..0x7f).contains(&b) && b != b'"' && b != b'\\'));
        let expected_error = match &error {
            AuthError::MissingCredentials => "missing_token",
            AuthError::Misconfigured(_) => "server_error",
            other => other.error_code().expect("an OAuth error code"),
        };
        prop_assert_eq!(body["error"].as_str(), Some(expected_error));

        match response.www_authenticate() {
            None => {
                prop_assert!(matches!(error.status(), 500 | 503));
                prop_assert_eq!(response.retry_after().is_some(), error.status() == 503);
                prop_assert!(response.retry_after().is_none_or(|seconds| seconds >= 1));
            }
            Some(challenge) => {
                prop_assert!(matches!(error.status(), 400 | 401 | 403));
                let challenge = challenge.to_str().expect("visible ASCII");
                let attributes = parse_challenge(challenge).expect("a well-formed challenge");
                prop_assert_eq!(attributes[0], ("realm", config.realm()));
                prop_assert_eq!(
                    attributes.iter().find(|(name, _)| *name == "error").map(|(_, value)| *value),
                    error.error_code()
                );
                prop_assert_eq!(
                    attributes.iter().find(|(name, _)| *name == "scope").map(|(_, value)| *value),
                    body.get("scope").and_then(serde_json::Value::as_str)
                );
                let last = attributes.last().copied();
                prop_assert_eq!(last == Some(("resource_metadata", METADATA)), metadata);
            }
        }
    }
}
