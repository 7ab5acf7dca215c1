//! Checks of a JWK's public parameters before the key joins a key set
//! (SPEC §3.3: keys with bad parameters are skipped, not fatal).
//!
//! jsonwebtoken accepts any base64url text as a key parameter, so a P-256
//! key whose `x` is one byte, or a 17-bit RSA modulus, would count as a usable
//! key: it verifies nothing, but it can make the key-less selection of
//! SPEC §3.2 ambiguous. A parameter is checked for its length by the key's
//! type and curve:
//!
//! - RSA: `n` of at least 2048 bits (RFC 7518 §3.3), `e` an odd number above 1
//!   of at most 8 bytes;
//! - EC: `x` and `y` of the curve's field size (32 bytes for P-256, 48 for
//!   P-384; RFC 7518 §6.2.1);
//! - OKP Ed25519: `x` of 32 bytes (RFC 8037 §2);
//! - oct: a non-empty `k`.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve};

/// The smallest RSA modulus accepted, in bits (RFC 7518 §3.3).
const MIN_RSA_BITS: usize = 2048;

/// Whether the public parameters of a JWK have the lengths its type and
/// curve require.
pub(crate) fn parameters_are_valid(parameters: &AlgorithmParameters) -> bool {
    match parameters {
        AlgorithmParameters::RSA(rsa) => {
            let (Some(modulus), Some(exponent)) = (decode(&rsa.n), decode(&rsa.e)) else {
                return false;
            };
            let exponent = strip_leading_zeros(&exponent);
            bit_length(&modulus) >= MIN_RSA_BITS
                && !exponent.is_empty()
                && exponent.len() <= 8
                && exponent.last().is_some_and(|low| low & 1 == 1)
                && exponent != [1]
        }
        AlgorithmParameters::EllipticCurve(ec) => {
            let size = match ec.curve {
                EllipticCurve::P256 => 32,
                EllipticCurve::P384 => 48,
                _ => return false,
            };
            decode(&ec.x).is_some_and(|x| x.len() == size) && decode(&ec.y).is_some_and(|y| y.len() == size)
        }
        AlgorithmParameters::OctetKeyPair(okp) => {
            okp.curve == EllipticCurve::Ed25519 && decode(&okp.x).is_some_and(|x| x.len() == 32)
        }
        AlgorithmParameters::OctetKey(oct) => decode(&oct.value).is_some_and(|k| !k.is_empty()),
        _ => false,
    }
}

/// A base64url parameter's bytes; trailing `=` padding is tolerated.
fn decode(text: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(text.trim_end_matches('=')).ok()
}

fn strip_leading_zeros(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|&byte| byte != 0).unwrap_or(bytes.len());
    &bytes[start..]
}

/// The number of significant bits of a big-endian unsigned integer.
fn bit_length(bytes: &[u8]) -> usize {
    let significant = strip_leading_zeros(bytes);
    significant
        .first()
        .map_or(0, |&high| significant.len() * 8 - high.leading_zeros() as usize)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jsonwebtoken::jwk::Jwk;

    fn parameters(json: serde_json::Value) -> AlgorithmParameters {
        serde_json::from_value::<Jwk>(json).expect("a JWK").algorithm
    }

    fn b64(bytes: &[u8]) -> String {
        URL_SAFE_NO_PAD.encode(bytes)
    }

    fn rsa(modulus_bytes: usize, exponent: &[u8]) -> AlgorithmParameters {
        let mut modulus = vec![0xc5; modulus_bytes];
        modulus[modulus_bytes - 1] = 0x01;
        parameters(serde_json::json!({"kty": "RSA", "n": b64(&modulus), "e": b64(exponent)}))
    }

    fn ec(curve: &str, x: usize, y: usize) -> AlgorithmParameters {
        parameters(
            serde_json::json!({"kty": "EC", "crv": curve, "x": b64(&vec![7; x]), "y": b64(&vec![9; y])}),
        )
    }

    #[test]
    fn an_rsa_modulus_needs_2048_bits() {
        assert!(parameters_are_valid(&rsa(256, &[1, 0, 1])));
        assert!(!parameters_are_valid(&rsa(255, &[1, 0, 1])));
        // 17 bits, as in `"n": "AQAB"`.
        assert!(!parameters_are_valid(&parameters(
            serde_json::json!({"kty": "RSA", "n": "AQAB", "e": "AQAB"})
        )));
    }

    #[test]
    fn an_rsa_exponent_is_odd_above_one_and_small() {
        assert!(parameters_are_valid(&rsa(256, &[3])));
        assert!(parameters_are_valid(&rsa(256, &[0, 1, 0, 1])));
        assert!(!parameters_are_valid(&rsa(256, &[1])));
        assert!(!parameters_are_valid(&rsa(256, &[2])));
        assert!(!parameters_are_valid(&rsa(256, &[])));
        assert!(!parameters_are_valid(&rsa(256, &[1; 9])));
    }

    #[test]
    fn ec_coordinates_have_the_curve_size() {
        assert!(parameters_are_valid(&ec("P-256", 32, 32)));
        assert!(parameters_are_valid(&ec("P-384", 48, 48)));
        assert!(!parameters_are_valid(&ec("P-256", 1, 1)));
        assert!(!parameters_are_valid(&ec("P-256", 32, 31)));
        assert!(!parameters_are_valid(&ec("P-384", 32, 32)));
    }

    #[test]
    fn an_ed25519_key_has_32_bytes() {
        let okp = |len: usize| {
            parameters(serde_json::json!({"kty": "OKP", "crv": "Ed25519", "x": b64(&vec![3; len])}))
        };
        assert!(parameters_are_valid(&okp(32)));
        assert!(!parameters_are_valid(&okp(3)));
        assert!(!parameters_are_valid(&okp(33)));
    }

    #[test]
    fn bad_base64url_is_invalid() {
        assert!(!parameters_are_valid(&parameters(
            serde_json::json!({"kty": "OKP", "crv": "Ed25519", "x": "!!"})
        )));
    }
}
