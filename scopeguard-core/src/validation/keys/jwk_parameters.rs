//! Checks of a JWK's public parameters before the key joins a key set
//! (SPEC §3.3: keys with bad parameters are skipped, not fatal).
//!
//! jsonwebtoken accepts any base64url text as a key parameter, so a P-256
//! key whose `x` is one byte, or a 17-bit RSA modulus, would count as a usable
//! key: it verifies nothing, but it can make the key-less selection of
//! SPEC §3.2 ambiguous. A parameter is checked for its length by the key's
//! type and curve:
//!
//! - RSA: as every RSA key (see `rsa_public_key`): `n` of at least 2048 bits
//!   (RFC 7518 §3.3), else [`KeyError::RsaModulusTooSmall`], without the
//!   ROCA fingerprint (a modulus that can be factored, see
//!   [`roca`](super::roca)); `e` an odd number above 1 of at most 8 bytes;
//! - EC: `x` and `y` of the curve's field size (32 bytes for P-256, 48 for
//!   P-384; RFC 7518 §6.2.1);
//! - OKP Ed25519: `x` of 32 bytes (RFC 8037 §2);
//! - oct: a `k` of at least 32 bytes, the shortest secret any HMAC algorithm
//!   may use (RFC 7518 §3.2: at least the hash output, 256 bits for HS256).
//!
//! Any other problem is [`KeyError::InvalidMaterial`].

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve};

use super::KeyError;
use super::rsa_public_key;

/// The shortest HMAC secret accepted, in bytes: HS256's (RFC 7518 §3.2).
const MIN_HMAC_SECRET_BYTES: usize = 32;

/// Checks that the public parameters of a JWK have the lengths its type
/// and curve require.
pub(crate) fn check_parameters(parameters: &AlgorithmParameters) -> Result<(), KeyError> {
    let valid = match parameters {
        AlgorithmParameters::RSA(rsa) => {
            let (Some(modulus), Some(exponent)) = (decode(&rsa.n), decode(&rsa.e)) else {
                return Err(KeyError::InvalidMaterial);
            };
            return rsa_public_key::check_parameters(&modulus, &exponent);
        }
        AlgorithmParameters::EllipticCurve(ec) => {
            let size = match ec.curve {
                EllipticCurve::P256 => 32,
                EllipticCurve::P384 => 48,
                _ => return Err(KeyError::InvalidMaterial),
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
    };
    if valid {
        Ok(())
    } else {
        Err(KeyError::InvalidMaterial)
    }
}

/// A base64url parameter's bytes; trailing `=` padding is tolerated.
fn decode(text: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(text.trim_end_matches('=')).ok()
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
        assert_eq!(check_parameters(&rsa(256, &[1, 0, 1])), Ok(()));
        assert_eq!(
            check_parameters(&rsa(255, &[1, 0, 1])),
            Err(KeyError::RsaModulusTooSmall { bits: 2040 })
        );
        // 17 bits, as in `"n": "AQAB"`.
        assert_eq!(
            check_parameters(&parameters(
                serde_json::json!({"kty": "RSA", "n": "AQAB", "e": "AQAB"})
            )),
            Err(KeyError::RsaModulusTooSmall { bits: 17 })
        );
    }

    #[test]
    fn an_rsa_exponent_is_odd_above_one_and_small() {
        assert_eq!(check_parameters(&rsa(256, &[3])), Ok(()));
        assert_eq!(check_parameters(&rsa(256, &[0, 1, 0, 1])), Ok(()));
        for exponent in [&[1][..], &[2], &[], &[1; 9]] {
            assert_eq!(
                check_parameters(&rsa(256, exponent)),
                Err(KeyError::InvalidMaterial),
                "{exponent:?}"
            );
        }
    }

    #[test]
    fn ec_coordinates_have_the_curve_size() {
        assert_eq!(check_parameters(&ec("P-256", 32, 32)), Ok(()));
        assert_eq!(check_parameters(&ec("P-384", 48, 48)), Ok(()));
        for (curve, x, y) in [("P-256", 1, 1), ("P-256", 32, 31), ("P-384", 32, 32)] {
            assert_eq!(
                check_parameters(&ec(curve, x, y)),
                Err(KeyError::InvalidMaterial),
                "{curve} {x} {y}"
            );
        }
    }

    #[test]
    fn an_ed25519_key_has_32_bytes() {
        let okp = |len: usize| {
            parameters(serde_json::json!({"kty": "OKP", "crv": "Ed25519", "x": b64(&vec![3; len])}))
        };
        assert_eq!(check_parameters(&okp(32)), Ok(()));
        assert_eq!(check_parameters(&okp(3)), Err(KeyError::InvalidMaterial));
        assert_eq!(check_parameters(&okp(33)), Err(KeyError::InvalidMaterial));
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
        while modulus.len() * 8 - (modulus[0].leading_zeros() as usize) < 2048 {
            modulus = times(&modulus, 2);
        }
        *modulus.last_mut().unwrap() |= 1;
        let key =
            |modulus: &[u8]| parameters(serde_json::json!({"kty": "RSA", "n": b64(modulus), "e": "AQAB"}));
        assert_eq!(check_parameters(&key(&modulus)), Err(KeyError::InvalidMaterial));
        // n + 2 ≡ 0 (mod 3): no fingerprint, a valid modulus.
        *modulus.last_mut().unwrap() |= 3;
        assert_eq!(check_parameters(&key(&modulus)), Ok(()));
    }

    #[test]
    fn an_hmac_secret_has_at_least_32_bytes() {
        let oct = |len: usize| parameters(serde_json::json!({"kty": "oct", "k": b64(&vec![5; len])}));
        assert_eq!(check_parameters(&oct(32)), Ok(()));
        assert_eq!(check_parameters(&oct(64)), Ok(()));
        assert_eq!(check_parameters(&oct(31)), Err(KeyError::InvalidMaterial));
        assert_eq!(check_parameters(&oct(0)), Err(KeyError::InvalidMaterial));
    }

    #[test]
    fn bad_base64url_is_invalid() {
        for jwk in [
            serde_json::json!({"kty": "OKP", "crv": "Ed25519", "x": "!!"}),
            serde_json::json!({"kty": "RSA", "n": "!!", "e": "AQAB"}),
        ] {
            assert_eq!(check_parameters(&parameters(jwk)), Err(KeyError::InvalidMaterial));
        }
    }
}
