//! Rendering an [`AuthError`] as its SPEC §4 response.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::time::Duration;

use http::{HeaderValue, StatusCode};

use super::response::APPLICATION_JSON;
use super::{ChallengeConfig, CredentialScheme, DpopChallenge, ErrorBody, ErrorResponse};
use crate::AuthError;
use crate::scopes::scope::validate;

/// The body's `error` when there are no credentials (the challenge has none).
const MISSING_TOKEN: &str = "missing_token";
/// The body's `error` on a 500.
const SERVER_ERROR: &str = "server_error";
/// The description of a 500: the cause is logged, never sent.
const SERVER_ERROR_DESCRIPTION: &str = "the server cannot authorize this request";

impl ChallengeConfig {
    /// The response to `error`, with the default JSON body (SPEC §4).
    ///
    /// This is the one place a denial becomes HTTP: the tower layers, the axum
    /// rejections and the actix middleware all call it (or
    /// [`render_with`](Self::render_with)), so every framework answers with
    /// the same bytes. It does not log; the caller logs the denial with
    /// [`AuthError::label`] before rendering.
    ///
    /// ```
    /// use scopeguard_core::AuthError;
    /// use scopeguard_core::error::challenge::ChallengeConfig;
    ///
    /// let config = ChallengeConfig::builder().realm("inventory").build().unwrap();
    /// let denial = AuthError::InsufficientScope { scope: Some("inventory:price.write".into()) };
    /// let response = config.render(&denial);
    /// assert_eq!(response.status(), 403);
    /// assert_eq!(
    ///     response.www_authenticate().unwrap(),
    ///     r#"Bearer realm="inventory", error="insufficient_scope", error_description="insufficient scope", scope="inventory:price.write""#,
    /// );
    /// assert_eq!(
    ///     response.body(),
    ///     br#"{"error":"insufficient_scope","error_description":"insufficient scope","scope":"inventory:price.write"}"#,
    /// );
    /// ```
    pub fn render(&self, error: &AuthError) -> ErrorResponse {
        self.render_as(error, CredentialScheme::Bearer)
    }

    /// The response to `error` for a request that used `scheme` (SPEC §3.6):
    /// with DPoP on ([`with_dpop`](Self::with_dpop)), a request that used
    /// the `DPoP` scheme, and every request in `Required` mode, gets a
    /// `DPoP algs="..."` challenge; in `Allowed` mode a no-credentials 401
    /// carries a `Bearer` challenge and then a `DPoP` one.
    ///
    /// ```
    /// use scopeguard_core::AuthError;
    /// use scopeguard_core::error::challenge::{ChallengeConfig, CredentialScheme, DpopChallenge};
    ///
    /// let config = ChallengeConfig::default().with_dpop(DpopChallenge::new(["ES256", "EdDSA"], false));
    /// let denial = AuthError::InsufficientScope { scope: Some("order:item".into()) };
    /// let response = config.render_as(&denial, CredentialScheme::Dpop);
    /// assert_eq!(
    ///     response.www_authenticate().unwrap(),
    ///     r#"DPoP algs="ES256 EdDSA", error="insufficient_scope", error_description="insufficient scope", scope="order:item""#,
    /// );
    /// let anonymous = config.render_as(&AuthError::MissingCredentials, CredentialScheme::Bearer);
    /// let challenges: Vec<_> = anonymous.challenges().collect();
    /// assert_eq!(challenges, [r#"Bearer realm="scopeguard""#, r#"DPoP algs="ES256 EdDSA""#]);
    /// ```
    pub fn render_as(&self, error: &AuthError, scheme: CredentialScheme) -> ErrorResponse {
        let status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let (code, description) = match error {
            AuthError::MissingCredentials => (MISSING_TOKEN, sanitize(error.to_string())),
            AuthError::Misconfigured(_) => (SERVER_ERROR, SERVER_ERROR_DESCRIPTION.to_owned()),
            _ => (
                error.error_code().unwrap_or(SERVER_ERROR),
                sanitize(error.to_string()),
            ),
        };
        let scope = match error {
            AuthError::InsufficientScope { scope } => scope.as_deref().filter(|scope| is_scope_list(scope)),
            _ => None,
        };
        let dpop_opening = self.dpop_opening(error, scheme);
        let opening = dpop_opening.as_deref().unwrap_or(&self.opening);
        let mut second_challenge = None;
        let mut dpop_nonce = None;
        let (www_authenticate, retry_after) = match error {
            AuthError::Unavailable(reason) => (None, Some(whole_seconds(reason.retry_after()))),
            AuthError::Misconfigured(_) => (None, None),
            AuthError::MissingCredentials => {
                if dpop_opening.is_none()
                    && let Some(dpop) = &self.dpop
                {
                    second_challenge = Some(self.challenge(&dpop_opening_of(dpop), None, &[]));
                }
                (Some(self.challenge(opening, None, &[])), None)
            }
            AuthError::StepUpRequired(step_up) => {
                let max_age = step_up.max_age.map(|seconds| seconds.to_string());
                let acr_values = acr_values(&step_up.acr_values);
                let attributes = [
                    ("max_age", max_age.as_deref()),
                    ("acr_values", acr_values.as_deref()),
                ];
                (
                    Some(self.challenge(opening, Some((code, &description)), &attributes)),
                    None,
                )
            }
            AuthError::UseDpopNonce { nonce } => {
                dpop_nonce = HeaderValue::from_str(nonce).ok();
                (
                    Some(self.challenge(opening, Some((code, &description)), &[])),
                    None,
                )
            }
            AuthError::InvalidRequest(_)
            | AuthError::InvalidToken(_)
            | AuthError::InvalidDpopProof(_)
            | AuthError::InsufficientScope { .. } => (
                Some(self.challenge(opening, Some((code, &description)), &[("scope", scope)])),
                None,
            ),
        };
        ErrorResponse {
            status,
            www_authenticate,
            second_challenge,
            dpop_nonce,
            retry_after,
            content_type: APPLICATION_JSON,
            body: json_body(code, &description, scope),
        }
    }

    /// The response to `error`, with the body written by `body`.
    ///
    /// Adapters that let users replace the body call this with the user's
    /// [`ErrorBody`]; [`JsonErrorBody`](super::JsonErrorBody) gives the same
    /// answer as [`render`](Self::render).
    pub fn render_with<B: ErrorBody + ?Sized>(&self, error: &AuthError, body: &B) -> ErrorResponse {
        body.error_body(error, self.render(error))
    }

    /// [`render_as`](Self::render_as), with the body written by `body`.
    pub fn render_as_with<B: ErrorBody + ?Sized>(
        &self,
        error: &AuthError,
        scheme: CredentialScheme,
        body: &B,
    ) -> ErrorResponse {
        body.error_body(error, self.render_as(error, scheme))
    }

    /// `DPoP algs="..."` when `error` is answered with a `DPoP` challenge:
    /// DPoP is on, and the request used it, or only DPoP is accepted, or the
    /// error is about a proof.
    fn dpop_opening(&self, error: &AuthError, scheme: CredentialScheme) -> Option<String> {
        let dpop = self.dpop.as_ref()?;
        let about_proof = matches!(
            error,
            AuthError::InvalidDpopProof(_) | AuthError::UseDpopNonce { .. }
        );
        (scheme == CredentialScheme::Dpop || dpop.required() || about_proof).then(|| dpop_opening_of(dpop))
    }

    /// Writes the challenge. Attribute order: `realm`, `error`,
    /// `error_description`, then `attributes` in the order given (those that
    /// are `None` are left out), then `resource_metadata`.
    ///
    /// Every value is a quoted-string with no `"`, `\` or control character.
    fn challenge(
        &self,
        opening: &str,
        error: Option<(&str, &str)>,
        attributes: &[(&str, Option<&str>)],
    ) -> HeaderValue {
        let mut challenge = String::with_capacity(128);
        challenge.push_str(opening);
        if let Some((code, description)) = error {
            let _ = write!(
                challenge,
                ", error=\"{code}\", error_description=\"{description}\""
            );
        }
        for (name, value) in attributes {
            if let Some(value) = value {
                let _ = write!(challenge, ", {name}=\"{value}\"");
            }
        }
        challenge.push_str(&self.closing);
        HeaderValue::try_from(challenge).unwrap_or_else(|_| self.bare_challenge(opening))
    }

    /// The opening plus `resource_metadata`, or `Bearer` alone.
    fn bare_challenge(&self, opening: &str) -> HeaderValue {
        HeaderValue::try_from(format!("{opening}{}", self.closing))
            .unwrap_or_else(|_| HeaderValue::from_static("Bearer"))
    }
}

/// `DPoP algs="A"`: how a `DPoP` challenge starts.
fn dpop_opening_of(dpop: &DpopChallenge) -> String {
    format!("DPoP algs=\"{}\"", dpop.algs())
}

/// `{"error":"E","error_description":"D"}`, plus `"scope":"S"`.
///
/// No JSON escaping is needed: the code is a constant, the description is
/// sanitised and the scope validated to printable ASCII without `"` or `\`,
/// and every such string is its own JSON string content.
fn json_body(code: &str, description: &str, scope: Option<&str>) -> Vec<u8> {
    let mut body = format!(r#"{{"error":"{code}","error_description":"{description}""#);
    if let Some(scope) = scope {
        let _ = write!(body, r#","scope":"{scope}""#);
    }
    body.push('}');
    body.into_bytes()
}

/// The `error_description` of `error`'s answer, as its challenge and body
/// carry it (and a gRPC answer's `grpc-message`).
#[cfg(feature = "grpc")]
pub(crate) fn description(error: &AuthError) -> String {
    match error {
        AuthError::Misconfigured(_) => SERVER_ERROR_DESCRIPTION.to_owned(),
        _ => sanitize(error.to_string()),
    }
}

/// Makes `text` fit RFC 6750's `error_description` (`%x20-21 / %x23-5B /
/// %x5D-7E`): `"` becomes `'`, `\` becomes `/`, a control character a space,
/// and any other character `?`.
pub(super) fn sanitize(text: String) -> String {
    if text.bytes().all(is_description_byte) {
        return text;
    }
    text.chars()
        .map(|c| match c {
            '"' => '\'',
            '\\' => '/',
            c if c.is_control() => ' ',
            c if c.is_ascii() => c,
            _ => '?',
        })
        .collect()
}

const fn is_description_byte(byte: u8) -> bool {
    matches!(byte, 0x20..=0x21 | 0x23..=0x5B | 0x5D..=0x7E)
}

/// Whether `scope` is a valid RFC 6749 scope list: scope tokens separated by
/// single spaces. Anything else is left out of the response.
fn is_scope_list(scope: &str) -> bool {
    scope.split(' ').all(|token| validate(token).is_ok())
}

/// The `acr_values` attribute: the values that are valid tokens (printable
/// ASCII without space, `"` or `\`), space-separated; `None` if none is.
fn acr_values(values: &[String]) -> Option<Cow<'_, str>> {
    let mut valid = values.iter().filter(|value| validate(value).is_ok());
    let first = valid.next()?;
    Some(valid.fold(Cow::Borrowed(first.as_str()), |mut joined, value| {
        let joined_mut = joined.to_mut();
        joined_mut.push(' ');
        joined_mut.push_str(value);
        joined
    }))
}

/// `Retry-After` in whole seconds: rounded up, at least 1.
fn whole_seconds(duration: Duration) -> u64 {
    duration
        .as_secs()
        .saturating_add(u64::from(duration.subsec_nanos() > 0))
        .max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn description_never_contains_quote_backslash_or_control_characters() {
        assert_eq!(sanitize("plain text".into()), "plain text");
        assert_eq!(sanitize("say \"hi\"".into()), "say 'hi'");
        assert_eq!(sanitize("a\\b".into()), "a/b");
        assert_eq!(sanitize("line\nbreak\ttab\u{7f}".into()), "line break tab ");
        assert_eq!(sanitize("café ✓".into()), "caf? ?");
    }

    #[test]
    fn retry_after_is_whole_seconds_rounded_up_and_at_least_one() {
        assert_eq!(whole_seconds(Duration::ZERO), 1);
        assert_eq!(whole_seconds(Duration::from_millis(1)), 1);
        assert_eq!(whole_seconds(Duration::from_secs(30)), 30);
        assert_eq!(whole_seconds(Duration::from_millis(30_001)), 31);
        assert_eq!(whole_seconds(Duration::MAX), u64::MAX);
    }

    #[test]
    fn scope_attribute_needs_single_space_separated_scope_tokens() {
        assert!(is_scope_list("a"));
        assert!(is_scope_list("order:item inventory:price.write"));
        for bad in ["", " a", "a ", "a  b", "a\"b", "a\\b", "a\tb", "é"] {
            assert!(!is_scope_list(bad), "{bad:?}");
        }
    }

    #[test]
    fn invalid_acr_values_are_left_out() {
        let values = |list: &[&str]| list.iter().map(ToString::to_string).collect::<Vec<_>>();
        assert_eq!(acr_values(&values(&["phr"])).as_deref(), Some("phr"));
        assert_eq!(
            acr_values(&values(&["phr", "a b", "phrh"])).as_deref(),
            Some("phr phrh")
        );
        assert_eq!(acr_values(&values(&["\"", ""])), None);
        assert_eq!(acr_values(&[]), None);
    }
}
