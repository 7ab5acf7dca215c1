//! Checks of a JWK's public parameters before the key joins a key set
//! (SPEC §3.3: keys with bad parameters are skipped, not fatal).
//!
//! jsonwebtoken accepts any base64url text as a key parameter, so a P-256
//! key whose `x` is one byte, or a 17-bit RSA modulus, would count as a usable
//! key: it verifies nothing, but it can make the key-less selection of
//! SPEC §3.2 ambiguous. A parameter is checked for its length by the key's
//! type and curve:
//!
//! - RSA: `n` of at least 2048 bits (RFC 7518 §3.3) without the ROCA
//!   fingerprint (a modulus that can be factored, see [`roca`](super::roca)),
//!   `e` an odd number above 1 of at most 8 bytes;
//! - EC: `x` and `y` of the curve's field size (32 bytes for P-256, 48 for
//!   P-384; RFC 7518 §6.2.1);
//! - OKP Ed25519: `x` of 32 bytes (RFC 8037 §2);
//! - oct: a `k` of at least 32 bytes, the shortest secret any HMAC algorithm
//!   may use (RFC 7518 §3.2: at least the hash output, 256 bits for HS256).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve};

use super::roca::has_roca_fingerprint;

/// The smallest RSA modulus accepted, in bits (RFC 7518 §3.3).
const MIN_RSA_BITS: usize = 2048;

/// The shortest HMAC secret accepted, in bytes: HS256's (RFC 7518 §3.2).
const MIN_HMAC_SECRET_BYTES: usize = 32;

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
                && !has_roca_fingerprint(&modulus)
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
        AlgorithmParameters::OctetKey(oct) => {
            decode(&oct.value).is_some_and(|k| k.len() >= MIN_HMAC_SECRET_BYTES)
        }
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

    /// `bytes · factor`, big-endian.
    fn times(bytes: &[u8], factor: u32) -> Vec<u8> {
        let mut carry = 0_u32;
        let mut product: Vec<u8> = bytes
            .iter()
            .rev()
            .map(|&byte| {
                let value = u32::from(byte) * factor + carry;
                carry = value >> 8;
                value.to_le_bytes()[0]
            })
            .collect();
        while carry > 0 {
            product.push(carry.to_le_bytes()[0]);
            carry >>= 8;
        }
        product.reverse();
        product
    }

    #[test]
    fn an_rsa_modulus_with_the_roca_fingerprint_is_invalid() {
        // n = 1 + 2^s · (3 · 5 · … · 167) ≡ 1 = 65537^0 modulo every prime
        // of the fingerprint, with 2^s making n 2048 bits long.
        let primes = (3..=167).filter(|n: &u32| (2..*n).all(|d| !n.is_multiple_of(d)));
        let mut modulus = primes.fold(vec![1], |product, prime| times(&product, prime));
        while bit_length(&modulus) < 2048 {
            modulus = times(&modulus, 2);
        }
        *modulus.last_mut().unwrap() |= 1;
        let key =
            |modulus: &[u8]| parameters(serde_json::json!({"kty": "RSA", "n": b64(modulus), "e": "AQAB"}));
        assert!(!parameters_are_valid(&key(&modulus)));
        // n + 2 ≡ 0 (mod 3): no fingerprint, a valid modulus.
        *modulus.last_mut().unwrap() |= 3;
        assert!(parameters_are_valid(&key(&modulus)));
    }

    #[test]
    fn an_hmac_secret_has_at_least_32_bytes() {
        let oct = |len: usize| parameters(serde_json::json!({"kty": "oct", "k": b64(&vec![5; len])}));
        assert!(parameters_are_valid(&oct(32)));
        assert!(parameters_are_valid(&oct(64)));
        assert!(!parameters_are_valid(&oct(31)));
        assert!(!parameters_are_valid(&oct(0)));
    }

    #[test]
    fn bad_base64url_is_invalid() {
        assert!(!parameters_are_valid(&parameters(
            serde_json::json!({"kty": "OKP", "crv": "Ed25519", "x": "!!"})
        )));
    }
}
