//! Bearer credentials (SPEC §3.1, RFC 6750 §2.1): `extract_bearer` and
//! `extract_bearer_from_values` on arbitrary `Authorization` values.
//!
//! The first byte picks the header limit and how the rest is split into
//! one or more header values (on `\n`). Properties, written out from the
//! SPEC independently of the implementation:
//! - a value over the limit is 401 `invalid_token` before anything else;
//! - several values are 400; a non-ASCII value is 400;
//! - a scheme other than `Bearer` (any case) is no credentials;
//! - an accepted token is a b64token, is the tail of the value after the
//!   scheme and its spaces, and is never copied;
//! - the `HeaderMap` entry point agrees with the raw-values one.
#![no_main]

use http::header::AUTHORIZATION;
use http::{HeaderMap, HeaderValue};
use libfuzzer_sys::fuzz_target;
use scopeguard_core::request::bearer::is_b64token;
use scopeguard_core::error::{InvalidRequest, InvalidToken};
use scopeguard_core::{AuthError, BearerConfig, extract_bearer, extract_bearer_from_values};

/// What SPEC §3.1 says for these values, in its order of checks.
fn expected(values: &[&[u8]], limit: usize) -> Result<Option<String>, AuthError> {
    if values.iter().any(|value| value.len() > limit) {
        return Err(InvalidToken::TooLarge.into());
    }
    let [value] = values else {
        return if values.is_empty() {
            Ok(None)
        } else {
            Err(InvalidRequest::MultipleAuthorizationHeaders.into())
        };
    };
    if !value.is_ascii() {
        return Err(InvalidRequest::NonAsciiAuthorization.into());
    }
    let text = std::str::from_utf8(value).expect("ASCII is UTF-8");
    let (scheme, rest) = match text.find(' ') {
        Some(space) => (&text[..space], &text[space + 1..]),
        None => (text, ""),
    };
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Ok(None);
    }
    let token = rest.trim_start_matches(' ');
    if token.is_empty() {
        return Err(InvalidRequest::EmptyToken.into());
    }
    let body = token.trim_end_matches('=');
    let b64 = !body.is_empty()
        && body
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || b"-._~+/".contains(&byte));
    if b64 {
        Ok(Some(token.to_owned()))
    } else {
        Err(InvalidRequest::MalformedToken.into())
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&control, rest)) = data.split_first() else {
        return;
    };
    let limit = match control & 0x3 {
        0 => BearerConfig::DEFAULT_MAX_HEADER_LEN,
        1 => 16,
        2 => 64,
        _ => 0,
    };
    let config = BearerConfig::new().max_header_len(limit);
    let values: Vec<&[u8]> = if control & 0x4 == 0 {
        vec![rest]
    } else if rest.is_empty() {
        Vec::new()
    } else {
        rest.split(|&byte| byte == b'\n').collect()
    };

    let result = extract_bearer_from_values(values.iter().copied(), &config);
    let want = expected(&values, limit);
    let got = result.clone().map(|token| token.map(|token| token.as_str().to_owned()));
    assert_eq!(got, want, "values {values:?}, limit {limit}");

    if let Ok(Some(token)) = &result {
        let token = token.as_str();
        assert!(is_b64token(token));
        // Borrowed from the value, its very end.
        let value = values[0];
        let end = value.as_ptr_range().end;
        assert_eq!(token.as_bytes().as_ptr_range().end, end);
    }
    if let Err(error) = &result {
        assert!(matches!(error.status(), 400 | 401), "{error:?}");
    }

    // The HeaderMap entry point, for values http accepts.
    let mut headers = HeaderMap::new();
    for value in &values {
        let Ok(value) = HeaderValue::from_bytes(value) else {
            return;
        };
        headers.append(AUTHORIZATION, value);
    }
    let from_map = extract_bearer(&headers, &config).map(|token| token.map(|token| token.as_str().to_owned()));
    assert_eq!(from_map, got, "the HeaderMap entry point agrees");
});
