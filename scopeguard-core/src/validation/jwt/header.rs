//! The compact serialization and the JOSE header (RFC 7515, RFC 8725).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::Algorithm;
use serde::de::IgnoredAny;

use super::claims_set::Text;
use crate::error::InvalidToken;

/// Which `typ` header values are accepted (RFC 9068 §4, SPEC §3.2).
///
/// Values are compared case-insensitively. Any other `typ` is rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum TypeCheck {
    /// `at+jwt` or `application/at+jwt`, `JWT` or `application/jwt`, or no
    /// `typ` at all.
    #[default]
    AccessTokenOrJwt,
    /// Only `at+jwt` or `application/at+jwt` (RFC 9068 §4).
    AccessTokenOnly,
}

impl TypeCheck {
    fn accepts(self, typ: Option<&str>) -> bool {
        let is_access_token =
            |typ: &str| typ.eq_ignore_ascii_case("at+jwt") || typ.eq_ignore_ascii_case("application/at+jwt");
        match (self, typ) {
            (_, Some(typ)) if is_access_token(typ) => true,
            (Self::AccessTokenOrJwt, None) => true,
            (Self::AccessTokenOrJwt, Some(typ)) => {
                typ.eq_ignore_ascii_case("jwt") || typ.eq_ignore_ascii_case("application/jwt")
            }
            (Self::AccessTokenOnly, _) => false,
        }
    }
}

/// The three parts of a compact JWS.
#[derive(Debug, Clone, Copy)]
pub(super) struct Compact<'t> {
    pub(super) header: &'t str,
    pub(super) payload: &'t str,
    pub(super) signature: &'t str,
    /// `header.payload`: what the signature covers.
    pub(super) signing_input: &'t str,
}

impl<'t> Compact<'t> {
    /// Splits a token: a compact JWS whose payload is not empty (a JWT
    /// always has claims).
    pub(super) fn split(token: &'t str) -> Result<Self, InvalidToken> {
        let parts = Self::split_jws(token)?;
        if parts.payload.is_empty() {
            return Err(InvalidToken::Malformed);
        }
        Ok(parts)
    }

    /// Splits a compact JWS (RFC 7515 §7.1): exactly three parts, the
    /// header not empty. The payload may be empty (RFC 7515 §5.1).
    pub(super) fn split_jws(token: &'t str) -> Result<Self, InvalidToken> {
        let dot = |from: usize| token[from..].find('.').map(|index| from + index);
        let first = dot(0).ok_or(InvalidToken::Malformed)?;
        let second = dot(first + 1).ok_or(InvalidToken::Malformed)?;
        if dot(second + 1).is_some() {
            return Err(InvalidToken::Malformed);
        }
        let (signing_input, signature) = (&token[..second], &token[second + 1..]);
        let (header, payload) = (&token[..first], &token[first + 1..second]);
        if header.is_empty() {
            return Err(InvalidToken::Malformed);
        }
        Ok(Self {
            header,
            payload,
            signature,
            signing_input,
        })
    }
}

/// Decodes one base64url part (no padding, canonical).
pub(super) fn decode_part(part: &str) -> Result<Vec<u8>, InvalidToken> {
    URL_SAFE_NO_PAD.decode(part).map_err(|_| InvalidToken::Malformed)
}

/// Whether `json` starts with an object, so no other JSON shape is read as
/// one.
pub(super) fn is_object(json: &[u8]) -> bool {
    json.iter()
        .find(|byte| !matches!(byte, b' ' | b'\t' | b'\n' | b'\r'))
        .is_some_and(|byte| *byte == b'{')
}

/// The header parameters the validator reads. `jku`, `x5u`, `jwk` and `x5c`
/// are never read: key material and URLs carried by a token are not trusted.
///
/// `alg`, `typ` and `kid` are strings (RFC 7515 §4.1): a member that is
/// present with another value, `null` included, makes the header malformed.
/// It is never read as absent, which would accept a token without `typ` in
/// the default mode, or choose a key as for a token without `kid`.
#[derive(serde::Deserialize)]
struct RawHeader<'a> {
    #[serde(borrow, default, deserialize_with = "string")]
    alg: Option<Text<'a>>,
    #[serde(borrow, default, deserialize_with = "string")]
    typ: Option<Text<'a>>,
    #[serde(default, deserialize_with = "string")]
    kid: Option<String>,
    #[serde(default, deserialize_with = "present")]
    crit: bool,
}

/// A member that is present: a string, and nothing else (`null` is not
/// absent).
fn string<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    T::deserialize(deserializer).map(Some)
}

/// `true` for any value, `null` included: only the parameter's presence
/// matters.
fn present<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
    serde::Deserialize::deserialize(deserializer).map(|IgnoredAny| true)
}

/// The checked header: an allowed algorithm and the key id.
#[derive(Debug, Clone)]
pub(super) struct Header {
    pub(super) alg: Algorithm,
    pub(super) kid: Option<String>,
}

/// Reads and checks a token's header (SPEC §3.2): an allowed `alg` (never
/// `none`, in any spelling), no `crit`, an accepted `typ`.
pub(super) fn check_header(
    encoded: &str,
    algorithms: &[Algorithm],
    type_check: TypeCheck,
) -> Result<Header, InvalidToken> {
    read_header(encoded, algorithms, Some(type_check))
}

/// Reads and checks the header of any JWS: an allowed `alg` and no `crit`,
/// as for a token; `typ` is the caller's to judge.
pub(super) fn check_jws_header(encoded: &str, algorithms: &[Algorithm]) -> Result<Header, InvalidToken> {
    read_header(encoded, algorithms, None)
}

fn read_header(
    encoded: &str,
    algorithms: &[Algorithm],
    type_check: Option<TypeCheck>,
) -> Result<Header, InvalidToken> {
    let json = decode_part(encoded)?;
    if !is_object(&json) {
        return Err(InvalidToken::Malformed);
    }
    let header: RawHeader<'_> = serde_json::from_slice(&json).map_err(|_| InvalidToken::Malformed)?;
    let alg = header.alg.ok_or(InvalidToken::Malformed)?;
    let alg = alg
        .as_str()
        .parse::<Algorithm>()
        .ok()
        .filter(|alg| algorithms.contains(alg))
        .ok_or(InvalidToken::AlgorithmNotAllowed)?;
    if header.crit {
        return Err(InvalidToken::CriticalHeader);
    }
    if type_check.is_some_and(|type_check| !type_check.accepts(header.typ.as_ref().map(Text::as_str))) {
        return Err(InvalidToken::InvalidType);
    }
    Ok(Header { alg, kid: header.kid })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_compact_jws_has_exactly_three_parts() {
        assert!(Compact::split("a.b.c").is_ok());
        assert!(Compact::split("a.b.").is_ok());
        assert_eq!(Compact::split_jws("a..c").unwrap().payload, "");
        for token in ["a.b", "a.b.c.d", ".b.c", ""] {
            assert!(Compact::split_jws(token).is_err(), "{token}");
        }
        for token in ["a.b", "a.b.c.d", "abc", "", ".b.c", "a..c", "a.b.c.d.e"] {
            assert_eq!(
                Compact::split(token).unwrap_err(),
                InvalidToken::Malformed,
                "{token}"
            );
        }
        let parts = Compact::split("h.p.s").unwrap();
        assert_eq!(
            (parts.header, parts.payload, parts.signature, parts.signing_input),
            ("h", "p", "s", "h.p")
        );
    }

    #[test]
    fn typ_values_by_mode() {
        let lenient = TypeCheck::AccessTokenOrJwt;
        let strict = TypeCheck::AccessTokenOnly;
        for typ in ["at+jwt", "AT+JWT", "application/at+jwt", "Application/At+Jwt"] {
            assert!(lenient.accepts(Some(typ)) && strict.accepts(Some(typ)), "{typ}");
        }
        for typ in ["JWT", "jwt", "application/jwt"] {
            assert!(lenient.accepts(Some(typ)) && !strict.accepts(Some(typ)), "{typ}");
        }
        assert!(lenient.accepts(None) && !strict.accepts(None));
        for typ in ["", "dpop+jwt", "JOSE", "at+jwt ", "application/jose"] {
            assert!(!lenient.accepts(Some(typ)) && !strict.accepts(Some(typ)), "{typ}");
        }
    }

    #[test]
    fn alg_typ_and_kid_of_another_type_are_malformed_never_absent() {
        for member in ["alg", "typ", "kid"] {
            for value in ["null", "7", "true", "{}", r#"["RS256"]"#] {
                let mut header = serde_json::json!({"alg": "RS256", "typ": "at+jwt", "kid": "k1"});
                header[member] = serde_json::from_str(value).unwrap();
                let encoded = URL_SAFE_NO_PAD.encode(header.to_string());
                assert_eq!(
                    check_header(&encoded, &[Algorithm::RS256], TypeCheck::default()).unwrap_err(),
                    InvalidToken::Malformed,
                    "{member}: {value}"
                );
            }
        }
        let absent = URL_SAFE_NO_PAD.encode(r#"{"alg":"RS256"}"#);
        let header = check_header(&absent, &[Algorithm::RS256], TypeCheck::default()).unwrap();
        assert_eq!((header.alg, header.kid), (Algorithm::RS256, None));
    }

    #[test]
    fn a_jws_header_is_checked_as_a_token_s_but_for_typ() {
        let encode = |json: &str| URL_SAFE_NO_PAD.encode(json);
        let algorithms = [Algorithm::RS256];
        let jose = encode(r#"{"alg":"RS256","typ":"JOSE"}"#);
        assert!(check_jws_header(&jose, &algorithms).is_ok());
        assert_eq!(
            check_header(&jose, &algorithms, TypeCheck::default()).unwrap_err(),
            InvalidToken::InvalidType
        );
        assert_eq!(
            check_jws_header(&encode(r#"{"alg":"RS256","crit":["b64"]}"#), &algorithms).unwrap_err(),
            InvalidToken::CriticalHeader
        );
        assert_eq!(
            check_jws_header(&encode(r#"{"alg":"none"}"#), &algorithms).unwrap_err(),
            InvalidToken::AlgorithmNotAllowed
        );
    }

    #[test]
    fn only_objects_are_objects() {
        assert!(is_object(b" \n{}"));
        assert!(!is_object(b"[]"));
        assert!(!is_object(b""));
    }
}
