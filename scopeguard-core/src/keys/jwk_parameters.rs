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
//!   (RFC 7518 §3.3), else [`KeyError::RsaModulusTooSmall`]; `e` an odd
//!   number above 1 of at most 8 bytes;
//! - EC: `x` and `y` of the curve's field size (32 bytes for P-256, 48 for
//!   P-384; RFC 7518 §6.2.1);
//! - OKP Ed25519: `x` of 32 bytes (RFC 8037 §2);
//! - oct: a non-empty `k`.
//!
//! Any other problem is [`KeyError::InvalidMaterial`].

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve};

use super::KeyError;
use super::rsa_public_key;

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
        AlgorithmParameters::OctetKey(oct) => decode(&oct.value).is_some_and(|k| !k.is_empty()),
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
