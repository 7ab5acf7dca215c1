//! The first step of the authentication layers (SPEC §3.1, §3.4): what a
//! request's `Authorization` header comes to before anything waits.
//!
//! [`read_credentials`] takes the bearer token from the header and asks the
//! validator whether it already knows the token
//! ([`TokenValidator::cached`]): a token reused across requests is then
//! answered without a copy, an allocation for a future or another pass over
//! its bytes. Every other token is checked for the b64token syntax and left
//! for [`TokenValidator::validate`].
//!
//! ```
//! use scopeguard_core::request::{Credentials, read_credentials};
//! use scopeguard_core::error::{InvalidRequest, InvalidToken};
//! use scopeguard_core::{AuthError, BearerConfig, Principal, TokenValidator};
//!
//! struct NoTokens;
//!
//! impl TokenValidator for NoTokens {
//!     async fn validate(&self, _token: &str) -> Result<Principal, AuthError> {
//!         Err(InvalidToken::Malformed.into())
//!     }
//! }
//!
//! let config = BearerConfig::default();
//! let read = |value: &'static [u8]| read_credentials([value], &config, &NoTokens);
//! assert!(matches!(read(b"Basic dXNlcjpwYXNz"), Credentials::Absent));
//! assert!(matches!(read(b"Bearer abc"), Credentials::Unverified(token) if token.as_str() == "abc"));
//! assert!(matches!(
//!     read(b"Bearer a b"),
//!     Credentials::Rejected(AuthError::InvalidRequest(InvalidRequest::MalformedToken))
//! ));
//! ```

use crate::request::bearer::{BearerConfig, BearerToken, credential_candidate};
use crate::{AuthError, Principal, TokenValidator};

/// What the `Authorization` values of one request come to.
#[derive(Debug)]
pub enum Credentials<'a> {
    /// No credentials: no `Authorization` header, or another scheme.
    Absent,
    /// The header cannot be used: the request is answered with this error.
    Rejected(AuthError),
    /// A token the validator already verified: its principal.
    Known(Principal),
    /// A well-formed bearer token, for [`TokenValidator::validate`].
    Unverified(BearerToken<'a>),
}

/// Reads the credentials of a request whose `Authorization` values are
/// `values` (the checks of [`extract_bearer`](crate::extract_bearer)), and
/// looks the token up with [`TokenValidator::cached`] before checking its
/// syntax: a known token passed that check when it was first validated.
///
/// A rejection is a `TRACE` event with its label; the token is never logged.
pub fn read_credentials<'a, I, V>(values: I, config: &BearerConfig, validator: &V) -> Credentials<'a>
where
    I: IntoIterator<Item = &'a [u8]>,
    V: TokenValidator + ?Sized,
{
    read_scheme_credentials(values, config, validator, false).credentials
}

/// What [`read_scheme_credentials`] read.
pub(crate) struct SchemeCredentials<'a> {
    pub(crate) credentials: Credentials<'a>,
    /// Whether the scheme was `DPoP`.
    pub(crate) dpop: bool,
    /// The token's bytes as the header holds them (empty without one).
    #[cfg_attr(not(feature = "dpop"), expect(dead_code, reason = "read for DPoP only"))]
    pub(crate) raw_token: &'a [u8],
}

/// [`read_credentials`], recognising the `DPoP` scheme too when `dpop`.
pub(crate) fn read_scheme_credentials<'a, I, V>(
    values: I,
    config: &BearerConfig,
    validator: &V,
    dpop: bool,
) -> SchemeCredentials<'a>
where
    I: IntoIterator<Item = &'a [u8]>,
    V: TokenValidator + ?Sized,
{
    let read = |credentials, dpop, raw_token| SchemeCredentials {
        credentials,
        dpop,
        raw_token,
    };
    let rejected = |error: AuthError, dpop| {
        tracing::trace!(reason = error.label(), "bearer credentials rejected");
        read(Credentials::Rejected(error), dpop, &[][..])
    };
    let candidate = match credential_candidate(values, config, dpop) {
        Ok(Some(candidate)) => candidate,
        Ok(None) => return read(Credentials::Absent, false, &[][..]),
        Err(error) => return rejected(error, false),
    };
    let (scheme_dpop, raw) = (candidate.is_dpop(), candidate.unchecked());
    if let Some(principal) = validator.cached(raw) {
        return read(Credentials::Known(principal), scheme_dpop, raw);
    }
    match candidate.check() {
        Ok(token) => read(Credentials::Unverified(token), scheme_dpop, raw),
        Err(error) => rejected(error.into(), scheme_dpop),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{InvalidRequest, InvalidToken};

    /// Knows one token; validates none.
    struct Knows(&'static str);

    impl TokenValidator for Knows {
        async fn validate(&self, _token: &str) -> Result<Principal, AuthError> {
            Err(InvalidToken::InvalidSignature.into())
        }

        fn cached(&self, token: &[u8]) -> Option<Principal> {
            (token == self.0.as_bytes()).then(|| Principal::builder().sub("known").build())
        }
    }

    fn read(values: &[&'static [u8]], validator: &Knows) -> Credentials<'static> {
        read_credentials(values.iter().copied(), &BearerConfig::default(), validator)
    }

    #[test]
    fn a_known_token_is_its_principal() {
        let validator = Knows("abc.def");
        match read(&[b"bearer   abc.def"], &validator) {
            Credentials::Known(principal) => assert_eq!(principal.sub(), Some("known")),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            read(&[b"Bearer abc.deg"], &validator),
            Credentials::Unverified(token) if token.as_str() == "abc.deg"
        ));
    }

    #[test]
    fn header_checks_come_before_the_lookup() {
        let validator = Knows("abc");
        let config = BearerConfig::new().max_header_len(8);
        assert!(matches!(
            read_credentials([&b"Bearer abc"[..]], &config, &validator),
            Credentials::Rejected(AuthError::InvalidToken(InvalidToken::TooLarge))
        ));
        assert!(matches!(
            read(&[b"Bearer abc", b"Bearer abc"], &validator),
            Credentials::Rejected(AuthError::InvalidRequest(
                InvalidRequest::MultipleAuthorizationHeaders
            ))
        ));
        assert!(matches!(read(&[b"Basic abc"], &validator), Credentials::Absent));
    }

    #[test]
    fn unknown_tokens_are_checked_for_syntax() {
        let validator = Knows("abc");
        for (value, reason) in [
            (&b"Bearer a b"[..], InvalidRequest::MalformedToken),
            (b"Bearer ", InvalidRequest::EmptyToken),
            (b"Bearer \xc3\xa9", InvalidRequest::NonAsciiAuthorization),
        ] {
            match read(&[value], &validator) {
                Credentials::Rejected(AuthError::InvalidRequest(found)) => assert_eq!(found, reason),
                other => panic!("{value:?}: {other:?}"),
            }
        }
    }
}
