//! JWK thumbprints (RFC 7638): the SHA-256 of a public key's required
//! members, the value a DPoP-bound token's `cnf.jkt` names (RFC 9449 §6.1).
//!
//! Only the required members count, in lexicographic order, as JSON with no
//! whitespace: EC `crv`, `kty`, `x`, `y`; OKP `crv`, `kty`, `x`; RSA `e`,
//! `kty`, `n`. Any other member (`alg`, `kid`, `use`) leaves the thumbprint
//! unchanged.
//!
//! ```
//! use scopeguard_core::dpop::jwk_thumbprint;
//!
//! // RFC 7638 §3.1.
//! let jwk = serde_json::json!({
//!     "kty": "RSA",
//!     "n": "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
//!     "e": "AQAB",
//!     "alg": "RS256",
//!     "kid": "2011-04-29",
//! });
//! assert_eq!(
//!     jwk_thumbprint(jwk.as_object().unwrap()).unwrap(),
//!     "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs",
//! );
//! ```

use serde_json::{Map, Value};

use crate::digest::sha256_base64url;

/// The RFC 7638 SHA-256 thumbprint (base64url) of the public key `jwk`, or
/// `None` when its `kty` is not `EC`, `OKP` or `RSA` or a required member is
/// missing or not a string.
pub fn jwk_thumbprint(jwk: &Map<String, Value>) -> Option<String> {
    let members: &[&str] = match jwk.get("kty")?.as_str()? {
        "EC" => &["crv", "kty", "x", "y"],
        "OKP" => &["crv", "kty", "x"],
        "RSA" => &["e", "kty", "n"],
        _ => return None,
    };
    let mut canonical = String::with_capacity(256);
    canonical.push('{');
    for (index, name) in members.iter().enumerate() {
        let value = jwk.get(*name)?.as_str()?;
        if index > 0 {
            canonical.push(',');
        }
        canonical.push('"');
        canonical.push_str(name);
        canonical.push_str("\":");
        // A JSON string, escaped as serde_json escapes it.
        canonical.push_str(&Value::String(value.to_owned()).to_string());
    }
    canonical.push('}');
    Some(sha256_base64url(canonical.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object(value: &Value) -> &Map<String, Value> {
        value.as_object().unwrap()
    }

    #[test]
    fn optional_members_and_their_order_do_not_change_the_thumbprint() {
        let bare = serde_json::json!({"kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"});
        let extra = serde_json::json!({"x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo", "alg": "EdDSA", "kid": "k", "crv": "Ed25519", "kty": "OKP"});
        assert_eq!(jwk_thumbprint(object(&bare)), jwk_thumbprint(object(&extra)));
        // RFC 8037 §A.3.
        assert_eq!(
            jwk_thumbprint(object(&bare)).unwrap(),
            "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"
        );
    }

    #[test]
    fn unknown_types_and_missing_members_have_no_thumbprint() {
        for jwk in [
            serde_json::json!({"kty": "oct", "k": "c2VjcmV0"}),
            serde_json::json!({"kty": "EC", "crv": "P-256", "x": "abc"}),
            serde_json::json!({"kty": "RSA", "n": 5, "e": "AQAB"}),
            serde_json::json!({"crv": "Ed25519", "x": "abc"}),
        ] {
            assert_eq!(jwk_thumbprint(object(&jwk)), None, "{jwk}");
        }
    }
}
