//! What a conformance case must answer (SPEC §4), and the check of an
//! answer against it.

use serde_json::Value;

use super::challenge::{attributes, names, value};
use super::server::Answer;

/// Where every challenge points (with the server's address as
/// [`SERVER`](super::server::SERVER)).
pub(crate) const METADATA_URL: &str = "http://SERVER/.well-known/oauth-protected-resource";

/// What a case must answer.
#[derive(Debug, Clone)]
pub(crate) enum Want {
    /// 200 with this JSON body.
    Ok(Value),
    /// 401, the bare challenge, `missing_token`.
    NoToken,
    /// 400 `invalid_request`.
    BadRequest,
    /// 401 `invalid_token`.
    InvalidToken,
    /// 403 `insufficient_scope` with this `scope` attribute.
    Scope(&'static str),
    /// 403 `insufficient_scope` with no `scope` attribute.
    ScopeUnnamed,
    /// 401 `insufficient_user_authentication` with this `max_age`.
    StepUp(&'static str),
}

/// Checks `answer` against `want`; says what is wrong.
pub(crate) fn check(want: &Want, answer: &Answer) -> Result<(), String> {
    let body: Value = serde_json::from_str(&answer.body).map_err(|error| format!("a JSON body: {error}"))?;
    if answer.content_type.as_deref() != Some("application/json") {
        return Err(format!("content type {:?}", answer.content_type));
    }
    let (status, error) = match want {
        Want::Ok(expected) => {
            return if answer.status == 200 && answer.challenge.is_none() && &body == expected {
                Ok(())
            } else {
                Err(format!("want 200 {expected}"))
            };
        }
        Want::NoToken => (401, "missing_token"),
        Want::BadRequest => (400, "invalid_request"),
        Want::InvalidToken => (401, "invalid_token"),
        Want::Scope(_) | Want::ScopeUnnamed => (403, "insufficient_scope"),
        Want::StepUp(_) => (401, "insufficient_user_authentication"),
    };
    if answer.status != status || body["error"] != error {
        return Err(format!("want {status} with error {error}"));
    }
    let challenge = answer.challenge.as_deref().ok_or("a challenge")?;
    let attributes = attributes(challenge);
    let (expected_names, extra) = match want {
        Want::NoToken => (vec!["realm", "resource_metadata"], None),
        Want::Scope(scope) => {
            let exact = format!(
                r#"Bearer realm="scopeguard", error="insufficient_scope", error_description="insufficient scope", scope="{scope}", resource_metadata="{METADATA_URL}""#
            );
            if challenge != exact || body["scope"] != *scope {
                return Err(format!("want the challenge {exact} and the body scope {scope}"));
            }
            (
                vec![
                    "realm",
                    "error",
                    "error_description",
                    "scope",
                    "resource_metadata",
                ],
                Some(("scope", *scope)),
            )
        }
        Want::StepUp(max_age) => (
            vec![
                "realm",
                "error",
                "error_description",
                "max_age",
                "resource_metadata",
            ],
            Some(("max_age", *max_age)),
        ),
        _ => (
            vec!["realm", "error", "error_description", "resource_metadata"],
            None,
        ),
    };
    let expected_error = (status != 401 || error != "missing_token").then_some(error);
    let fits = names(&attributes) == expected_names
        && value(&attributes, "realm") == Some("scopeguard")
        && value(&attributes, "resource_metadata") == Some(METADATA_URL)
        && value(&attributes, "error") == expected_error
        && value(&attributes, "error_description").is_none_or(|text| !text.is_empty())
        && extra.is_none_or(|(name, expected)| value(&attributes, name) == Some(expected))
        && (matches!(want, Want::Scope(_)) || body.get("scope").is_none());
    if fits {
        Ok(())
    } else {
        Err(format!("want the attributes {expected_names:?} with {extra:?}"))
    }
}
