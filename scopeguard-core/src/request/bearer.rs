//! Taking the bearer token from the request (SPEC §3.1, RFC 6750 §2.1).
//!
//! ```text
//! credentials = "Bearer" 1*SP b64token      ; the scheme is case-insensitive
//! b64token    = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
//! ```
//!
//! [`extract_bearer`] reads the `Authorization` header and checks, in order:
//!
//! 1. every `Authorization` value is at most
//!    [`max_header_len`](BearerConfig::max_header_len) bytes, else 401
//!    `invalid_token` ([`InvalidToken::TooLarge`]), before any other parsing;
//! 2. there is at most one `Authorization` header, else 400
//!    ([`InvalidRequest::MultipleAuthorizationHeaders`]);
//! 3. the value is ASCII, else 400 ([`InvalidRequest::NonAsciiAuthorization`]);
//! 4. the scheme, everything before the first space, is `Bearer` in any case;
//!    any other scheme (`Basic`, `DPoP`, `Bearerabc`) means no credentials;
//! 5. after one or more spaces comes a token, else 400
//!    ([`InvalidRequest::EmptyToken`]), which is a b64token with nothing after
//!    it, else 400 ([`InvalidRequest::MalformedToken`]).
//!
//! Tokens in a form body or the query string are not read (RFC 6750 §2.2 and
//! §2.3 discourage them). The token is borrowed from the header, never
//! copied, and its [`Debug`](std::fmt::Debug) form hides it.
//!
//! ```
//! use http::{HeaderMap, HeaderValue, header::AUTHORIZATION};
//! use scopeguard_core::request::bearer::{BearerConfig, extract_bearer};
//! use scopeguard_core::error::{AuthError, InvalidRequest};
//!
//! let config = BearerConfig::default();
//! let mut headers = HeaderMap::new();
//! assert_eq!(extract_bearer(&headers, &config), Ok(None));
//!
//! headers.insert(AUTHORIZATION, HeaderValue::from_static("bearer  mF_9.B5f-4.1JqM"));
//! let token = extract_bearer(&headers, &config).unwrap().unwrap();
//! assert_eq!(token.as_str(), "mF_9.B5f-4.1JqM");
//!
//! headers.insert(AUTHORIZATION, HeaderValue::from_static("Bearer two words"));
//! assert_eq!(
//!     extract_bearer(&headers, &config),
//!     Err(AuthError::InvalidRequest(InvalidRequest::MalformedToken)),
//! );
//! ```

use std::fmt;

use http::HeaderMap;
use http::header::AUTHORIZATION;

use crate::error::{AuthError, InvalidRequest, InvalidToken};

/// How [`extract_bearer`] reads the `Authorization` header.
///
/// ```
/// use scopeguard_core::request::bearer::BearerConfig;
///
/// let config = BearerConfig::new().max_header_len(4 * 1024);
/// assert_eq!(config.header_limit(), 4096);
/// assert_eq!(BearerConfig::default().header_limit(), BearerConfig::DEFAULT_MAX_HEADER_LEN);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub struct BearerConfig {
    max_header_len: usize,
}

impl Default for BearerConfig {
    fn default() -> Self {
        Self {
            max_header_len: Self::DEFAULT_MAX_HEADER_LEN,
        }
    }
}

impl BearerConfig {
    /// The default limit on the length of an `Authorization` value: 8 KiB.
    pub const DEFAULT_MAX_HEADER_LEN: usize = 8 * 1024;

    /// The default configuration.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the greatest accepted length, in bytes, of an `Authorization`
    /// value (default [8 KiB](Self::DEFAULT_MAX_HEADER_LEN)). A longer value
    /// is 401 `invalid_token` ([`InvalidToken::TooLarge`]).
    pub fn max_header_len(mut self, bytes: usize) -> Self {
        self.max_header_len = bytes;
        self
    }

    /// The greatest accepted length, in bytes, of an `Authorization` value.
    pub fn header_limit(&self) -> usize {
        self.max_header_len
    }
}

/// A bearer token borrowed from the request's `Authorization` header.
///
/// It always matches the b64token syntax. `Debug` shows its length only, so
/// the token cannot end up in a log by accident.
///
/// ```
/// use http::{HeaderMap, HeaderValue, header::AUTHORIZATION};
/// use scopeguard_core::request::bearer::{BearerConfig, extract_bearer};
///
/// let mut headers = HeaderMap::new();
/// headers.insert(AUTHORIZATION, HeaderValue::from_static("Bearer s3cr3t"));
/// let token = extract_bearer(&headers, &BearerConfig::default()).unwrap().unwrap();
/// assert_eq!(format!("{token:?}"), "BearerToken(<redacted, 6 bytes>)");
/// ```
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct BearerToken<'a>(&'a str);

impl<'a> BearerToken<'a> {
    /// The token text.
    pub fn as_str(&self) -> &'a str {
        self.0
    }
}

impl fmt::Debug for BearerToken<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BearerToken(<redacted, {} bytes>)", self.0.len())
    }
}

/// Takes the bearer token from `headers` (SPEC §3.1).
///
/// Returns `Ok(None)` when there are no credentials (no `Authorization`
/// header, or another scheme), the token when there is a well-formed bearer
/// token, and the [`AuthError`] to answer with otherwise. The checks and their
/// order are listed in the [module documentation](self).
///
/// A rejection is a `TRACE` event with its label; the token is never logged.
pub fn extract_bearer<'a>(
    headers: &'a HeaderMap,
    config: &BearerConfig,
) -> Result<Option<BearerToken<'a>>, AuthError> {
    let result = bearer_credentials(headers, config);
    if let Err(error) = &result {
        tracing::trace!(reason = error.label(), "bearer credentials rejected");
    }
    result
}

fn bearer_credentials<'a>(
    headers: &'a HeaderMap,
    config: &BearerConfig,
) -> Result<Option<BearerToken<'a>>, AuthError> {
    credentials_from_values(
        headers
            .get_all(AUTHORIZATION)
            .iter()
            .map(http::HeaderValue::as_bytes),
        config,
    )
}

/// Like [`extract_bearer`], for frameworks with another `HeaderMap` type:
/// `values` are the raw bytes of every `Authorization` header of the request.
///
/// ```
/// use scopeguard_core::request::bearer::{BearerConfig, extract_bearer_from_values};
///
/// let values: [&[u8]; 1] = [b"Bearer abc"];
/// let token = extract_bearer_from_values(values, &BearerConfig::default()).unwrap().unwrap();
/// assert_eq!(token.as_str(), "abc");
/// ```
pub fn extract_bearer_from_values<'a, I>(
    values: I,
    config: &BearerConfig,
) -> Result<Option<BearerToken<'a>>, AuthError>
where
    I: IntoIterator<Item = &'a [u8]>,
{
    let result = credentials_from_values(values, config);
    if let Err(error) = &result {
        tracing::trace!(reason = error.label(), "bearer credentials rejected");
    }
    result
}

fn credentials_from_values<'a, I>(
    values: I,
    config: &BearerConfig,
) -> Result<Option<BearerToken<'a>>, AuthError>
where
    I: IntoIterator<Item = &'a [u8]>,
{
    match bearer_candidate(values, config)? {
        None => Ok(None),
        Some(candidate) => Ok(Some(candidate.check()?)),
    }
}

/// A bearer token whose syntax is not checked yet: the value of the one
/// `Authorization` header passed checks 1, 2 and 4 (3 only for other
/// schemes; [`check`](Self::check) does 3 and 5).
///
/// The authentication layers look a candidate up among the tokens their
/// validator already verified before checking it: a known token passed the
/// checks when it was first seen.
#[derive(Clone, Copy)]
pub(crate) struct BearerCandidate<'a> {
    /// The whole `Authorization` value.
    value: &'a [u8],
    /// What follows the scheme and its spaces.
    token: &'a [u8],
    /// Whether the scheme is `DPoP` (RFC 9449 §7.1) rather than `Bearer`.
    dpop: bool,
}

impl<'a> BearerCandidate<'a> {
    /// The token's bytes, unchecked.
    pub(crate) fn unchecked(&self) -> &'a [u8] {
        self.token
    }

    /// Whether the scheme is `DPoP`.
    pub(crate) fn is_dpop(&self) -> bool {
        self.dpop
    }

    /// Checks 3 and 5: the token, if it is one.
    pub(crate) fn check(self) -> Result<BearerToken<'a>, InvalidRequest> {
        if is_b64token_bytes(self.token) {
            // A b64token is ASCII, so this conversion cannot fail.
            let token = std::str::from_utf8(self.token).map_err(|_| InvalidRequest::NonAsciiAuthorization)?;
            Ok(BearerToken(token))
        } else if !self.value.is_ascii() {
            Err(InvalidRequest::NonAsciiAuthorization)
        } else if self.token.is_empty() {
            Err(InvalidRequest::EmptyToken)
        } else {
            Err(InvalidRequest::MalformedToken)
        }
    }
}

/// Checks 1, 2 and 4 of the module documentation (and 3 for other schemes).
pub(crate) fn bearer_candidate<'a, I>(
    values: I,
    config: &BearerConfig,
) -> Result<Option<BearerCandidate<'a>>, AuthError>
where
    I: IntoIterator<Item = &'a [u8]>,
{
    credential_candidate(values, config, false)
}

/// [`bearer_candidate`], recognising the `DPoP` scheme too when `dpop`
/// (SPEC §3.6): a request with both a `Bearer` and a `DPoP`
/// `Authorization` is then 400 [`InvalidRequest::ConflictingCredentials`].
pub(crate) fn credential_candidate<'a, I>(
    values: I,
    config: &BearerConfig,
    dpop: bool,
) -> Result<Option<BearerCandidate<'a>>, AuthError>
where
    I: IntoIterator<Item = &'a [u8]>,
{
    // Every value's size is checked before anything else is looked at.
    let mut first = None;
    let mut count = 0_usize;
    let (mut bearer_seen, mut dpop_seen) = (false, false);
    for value in values {
        if value.len() > config.max_header_len {
            return Err(InvalidToken::TooLarge.into());
        }
        if dpop {
            let scheme = value.split(|&byte| byte == b' ').next().unwrap_or_default();
            bearer_seen |= scheme.eq_ignore_ascii_case(b"Bearer");
            dpop_seen |= scheme.eq_ignore_ascii_case(b"DPoP");
        }
        first = first.or(Some(value));
        count += 1;
    }
    let Some(value) = first else {
        return Ok(None);
    };
    if count > 1 {
        return Err(if bearer_seen && dpop_seen {
            InvalidRequest::ConflictingCredentials.into()
        } else {
            InvalidRequest::MultipleAuthorizationHeaders.into()
        });
    }
    Ok(parse_credentials(value, dpop)?)
}

/// Parses one `Authorization` value: `Ok(None)` for another scheme
/// (`DPoP` is one unless `dpop`).
fn parse_credentials(value: &[u8], dpop: bool) -> Result<Option<BearerCandidate<'_>>, InvalidRequest> {
    let (scheme, rest) = match value.iter().position(|&byte| byte == b' ') {
        Some(space) => (&value[..space], &value[space + 1..]),
        None => (value, &[][..]),
    };
    let is_dpop = dpop && scheme.eq_ignore_ascii_case(b"DPoP");
    if !is_dpop && !scheme.eq_ignore_ascii_case(b"Bearer") {
        return if value.is_ascii() {
            Ok(None)
        } else {
            Err(InvalidRequest::NonAsciiAuthorization)
        };
    }
    let spaces = rest.iter().take_while(|&&byte| byte == b' ').count();
    Ok(Some(BearerCandidate {
        value,
        token: &rest[spaces..],
        dpop: is_dpop,
    }))
}

/// Whether `text` matches the RFC 6750 b64token syntax:
/// `1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="`.
///
/// ```
/// use scopeguard_core::request::bearer::is_b64token;
///
/// assert!(is_b64token("eyJhbGciOi.eyJzdWIi.c2lnbmF0dXJl"));
/// assert!(is_b64token("abc+/=="));
/// assert!(!is_b64token("=abc"));
/// assert!(!is_b64token("ab=c"));
/// assert!(!is_b64token(""));
/// ```
pub fn is_b64token(text: &str) -> bool {
    is_b64token_bytes(text.as_bytes())
}

fn is_b64token_bytes(text: &[u8]) -> bool {
    let padding = text.iter().rev().take_while(|&&byte| byte == b'=').count();
    let body = &text[..text.len() - padding];
    if body.is_empty() {
        return false;
    }
    // Blocks without an early exit: the compiler turns each into vector
    // compares, several times faster than a byte-by-byte table walk.
    let mut blocks = body.chunks_exact(64);
    for block in &mut blocks {
        if block
            .iter()
            .fold(0, |bad, &byte| bad | u8::from(!is_b64token_byte(byte)))
            != 0
        {
            return false;
        }
    }
    blocks.remainder().iter().all(|&byte| is_b64token_byte(byte))
}

/// Whether `byte` may appear in a b64token before its trailing `=`s.
#[inline]
#[expect(
    clippy::needless_bitwise_bool,
    reason = "branch-free, so that the block loop is vectorised"
)]
fn is_b64token_byte(byte: u8) -> bool {
    // `-` `.` `/` and the digits are the 13 bytes 0x2D..=0x39; `| 0x20`
    // folds the upper-case letters onto the lower-case ones.
    (byte.wrapping_sub(b'-') < 13)
        | ((byte | 0x20).wrapping_sub(b'a') < 26)
        | (byte == b'+')
        | (byte == b'_')
        | (byte == b'~')
}

#[cfg(test)]
mod tests {
    use http::HeaderValue;
    use proptest::prelude::*;

    use super::*;

    fn headers(values: &[&[u8]]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append(
                AUTHORIZATION,
                HeaderValue::from_bytes(value).expect("a valid header value"),
            );
        }
        headers
    }

    fn extract(values: &[&[u8]]) -> Result<Option<String>, AuthError> {
        let headers = headers(values);
        extract_bearer(&headers, &BearerConfig::default()).map(|token| token.map(|t| t.as_str().to_owned()))
    }

    fn invalid_request(reason: InvalidRequest) -> Result<Option<String>, AuthError> {
        Err(AuthError::InvalidRequest(reason))
    }

    #[test]
    fn bearer_scheme_is_case_insensitive() {
        for value in ["Bearer abc", "bearer abc", "BEARER abc", "bEaReR abc"] {
            assert_eq!(extract(&[value.as_bytes()]), Ok(Some("abc".into())), "{value}");
        }
    }

    #[test]
    fn one_or_more_spaces_separate_scheme_and_token() {
        assert_eq!(extract(&[b"Bearer abc"]), Ok(Some("abc".into())));
        assert_eq!(extract(&[b"Bearer    abc"]), Ok(Some("abc".into())));
    }

    #[test]
    fn token_matching_b64token_is_accepted() {
        for token in [
            "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln-_",
            "mF_9.B5f-4.1JqM",
            "a~b+c/d",
            "abc=",
            "abc==",
            "0",
        ] {
            let value = format!("Bearer {token}");
            assert_eq!(extract(&[value.as_bytes()]), Ok(Some(token.into())), "{value}");
        }
    }

    #[test]
    fn bearer_without_space_is_another_scheme_so_no_credentials() {
        assert_eq!(extract(&[b"Bearerabc"]), Ok(None));
        assert_eq!(extract(&[b"Bearer\tabc"]), Ok(None));
        assert_eq!(extract(&[b"Bearer,abc"]), Ok(None));
    }

    #[test]
    fn non_ascii_byte_in_the_value_is_invalid_request() {
        let expected = invalid_request(InvalidRequest::NonAsciiAuthorization);
        assert_eq!(extract(&[b"Bearer ab\xe9c"]), expected);
        assert_eq!(extract(&[b"Bearer \xc3\xa9"]), expected);
        assert_eq!(extract(&[b"Basic \xff"]), expected);
        assert_eq!(extract(&["B\u{e9}arer abc".as_bytes()]), expected);
        assert_eq!(expected.unwrap_err().status(), 400);
    }

    #[test]
    fn no_authorization_header_is_no_credentials() {
        assert_eq!(extract(&[]), Ok(None));
    }

    #[test]
    fn non_bearer_scheme_is_no_credentials() {
        for value in ["Basic dXNlcjpwYXNz", "DPoP abc", "Negotiate abc", "Token", ""] {
            assert_eq!(extract(&[value.as_bytes()]), Ok(None), "{value:?}");
        }
    }

    #[test]
    fn bearer_with_empty_token_is_invalid_request() {
        for value in ["Bearer", "bearer", "Bearer ", "Bearer     "] {
            let result = extract(&[value.as_bytes()]);
            assert_eq!(result, invalid_request(InvalidRequest::EmptyToken), "{value:?}");
            assert_eq!(result.unwrap_err().status(), 400);
        }
    }

    #[test]
    fn bearer_with_malformed_token_is_invalid_request() {
        for value in [
            "Bearer two words",
            "Bearer abc ",
            "Bearer =abc",
            "Bearer ab=c",
            "Bearer a\"b\"",
            "Bearer a,b",
            "Bearer a\\b",
            "Bearer \tabc",
            "Bearer abc, DPoP xyz",
            "Bearer a%20b",
        ] {
            let result = extract(&[value.as_bytes()]);
            assert_eq!(
                result,
                invalid_request(InvalidRequest::MalformedToken),
                "{value:?}"
            );
            assert_eq!(result.unwrap_err().status(), 400);
        }
    }

    #[test]
    fn more_than_one_authorization_header_is_invalid_request() {
        let expected = invalid_request(InvalidRequest::MultipleAuthorizationHeaders);
        assert_eq!(extract(&[b"Bearer abc", b"Bearer abc"]), expected);
        assert_eq!(extract(&[b"Basic dXNlcg==", b"Bearer abc"]), expected);
        assert_eq!(extract(&[b"Bearer abc", b"DPoP abc"]), expected);
        assert_eq!(extract(&[b"Basic a", b"Basic b", b"Basic c"]), expected);
        assert_eq!(expected.unwrap_err().status(), 400);
    }

    #[test]
    fn value_longer_than_the_limit_is_invalid_token_401() {
        let limit = BearerConfig::DEFAULT_MAX_HEADER_LEN;
        let at_limit = format!("Bearer {}", "a".repeat(limit - "Bearer ".len()));
        let over_limit = format!("{at_limit}a");
        assert_eq!(
            extract(&[at_limit.as_bytes()]).map(|t| t.map(|t| t.len())),
            Ok(Some(limit - 7))
        );
        let result = extract(&[over_limit.as_bytes()]);
        assert_eq!(result, Err(AuthError::InvalidToken(InvalidToken::TooLarge)));
        assert_eq!(result.unwrap_err().status(), 401);
    }

    #[test]
    fn length_limit_is_checked_before_any_other_parsing() {
        let too_large = |value: &str| format!("{value}{}", " x".repeat(BearerConfig::DEFAULT_MAX_HEADER_LEN));
        let expected = Err(AuthError::InvalidToken(InvalidToken::TooLarge));
        let non_ascii = [too_large("Bearer ").as_bytes(), b"\xe9"].concat();
        assert_eq!(extract(&[&non_ascii]), expected);
        assert_eq!(extract(&[too_large("Basic abc").as_bytes()]), expected);
        assert_eq!(extract(&[too_large("Bearer").as_bytes()]), expected);
        assert_eq!(
            extract(&[b"Bearer abc", too_large("Bearer abc").as_bytes()]),
            expected
        );
    }

    #[test]
    fn length_limit_is_configurable() {
        let headers = headers(&[b"Bearer abcdef"]);
        let tight = BearerConfig::new().max_header_len(12);
        assert_eq!(
            extract_bearer(&headers, &tight),
            Err(AuthError::InvalidToken(InvalidToken::TooLarge))
        );
        let exact = BearerConfig::new().max_header_len(13);
        assert_eq!(
            extract_bearer(&headers, &exact).map(|t| t.map(|t| t.as_str())),
            Ok(Some("abcdef"))
        );
    }

    #[test]
    fn token_is_borrowed_from_the_header_not_copied() {
        let headers = headers(&[b"Bearer abc"]);
        let value = headers[AUTHORIZATION].as_bytes();
        let token = extract_bearer(&headers, &BearerConfig::default())
            .unwrap()
            .unwrap();
        assert!(std::ptr::eq(token.as_str().as_ptr(), value[7..].as_ptr()));
    }

    #[test]
    fn debug_never_shows_the_token() {
        let headers = headers(&[b"Bearer topsecret"]);
        let token = extract_bearer(&headers, &BearerConfig::default())
            .unwrap()
            .unwrap();
        let debug = format!("{token:?} {:?}", Some(token));
        assert!(!debug.contains("topsecret"), "{debug}");
    }

    /// An oracle for b64token written independently of [`is_b64token`].
    fn matches_b64token(token: &str) -> bool {
        let body = token.trim_end_matches('=');
        !body.is_empty()
            && body
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-._~+/".contains(c))
    }

    #[test]
    fn b64token_check_agrees_with_the_oracle_for_every_byte_at_every_position() {
        // Tokens longer than one 64-byte block, with each byte value at each
        // position: in a full block, at a block edge and in the remainder.
        for len in [1, 63, 64, 65, 130] {
            for position in 0..len {
                for byte in 0..=u8::MAX {
                    let mut bytes = vec![b'a'; len];
                    bytes[position] = byte;
                    let Ok(text) = std::str::from_utf8(&bytes) else {
                        continue;
                    };
                    assert_eq!(
                        is_b64token(text),
                        matches_b64token(text),
                        "{len} {position} {byte}"
                    );
                }
            }
        }
    }

    fn header_value() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            proptest::collection::vec(any::<u8>(), 0..40),
            "(?i:bearer|basic|dpop)?[ \t]{0,3}[A-Za-z0-9._~+/=\", \t\\\\é-]{0,24}"
                .prop_map(String::into_bytes),
            "(?i:bearer) {1,3}[A-Za-z0-9._~+/-]{0,8}[=\"\\\\,é\t ]?[A-Za-z0-9._~+/-]{0,8}={0,2} ?"
                .prop_map(String::into_bytes),
        ]
    }

    proptest! {
        #[test]
        fn no_header_value_panics_and_accepted_tokens_match_b64token(
            values in proptest::collection::vec(header_value(), 0..3),
            limit in 0usize..64,
        ) {
            let mut headers = HeaderMap::new();
            for value in &values {
                if let Ok(value) = HeaderValue::from_bytes(value) {
                    headers.append(AUTHORIZATION, value);
                }
            }
            let config = BearerConfig::new().max_header_len(limit);
            if let Ok(Some(token)) = extract_bearer(&headers, &config) {
                prop_assert!(matches_b64token(token.as_str()), "{:?}", token.as_str());
                prop_assert_eq!(headers.get_all(AUTHORIZATION).iter().count(), 1);
                let value = headers[AUTHORIZATION].to_str().unwrap_or_default();
                prop_assert!(value.len() <= limit);
                prop_assert!(value.ends_with(token.as_str()));
            }
        }

        #[test]
        fn every_b64token_after_bearer_is_accepted_as_is(
            scheme in "(?i:bearer)",
            spaces in " {1,4}",
            token in "[A-Za-z0-9._~+/-]{1,30}={0,3}",
        ) {
            let value = format!("{scheme}{spaces}{token}");
            prop_assert_eq!(extract(&[value.as_bytes()]), Ok(Some(token)));
        }
    }
}
