//! An RSA public key's parameters, checked the same way whatever the key
//! came from (PEM, PKCS#1 DER or JWK):
//!
//! - the modulus `n` has at least 2048 bits (RFC 7518 §3.3: "a key of size
//!   2048 bits or larger MUST be used"), else
//!   [`KeyError::RsaModulusTooSmall`];
//! - the public exponent `e` is odd, above 1, and at most 8 bytes, else
//!   [`KeyError::InvalidMaterial`].
//!
//! Why at load time: the backends disagree on short keys (aws-lc-rs never
//! verifies with a modulus under 2048 bits, the RustCrypto crates do), so
//! without the check a 1024-bit key would verify tokens with one backend and
//! silently fail every token with the other. Refused when it is loaded, it
//! fails the same way everywhere, with an error that says why.

use super::KeyError;
use super::der::element;
use super::roca::has_roca_fingerprint;

/// The smallest RSA modulus accepted, in bits (RFC 7518 §3.3).
pub(super) const MIN_RSA_BITS: usize = 2048;

const SEQUENCE: u8 = 0x30;
const INTEGER: u8 = 0x02;

/// Checks a PKCS#1 `RSAPublicKey` (RFC 8017 §A.1.1) in DER: exactly
/// `SEQUENCE { INTEGER n, INTEGER e }`, both positive, and the parameters
/// as [`check_parameters`] does. An `RSAPrivateKey`, an SPKI or anything
/// else is [`KeyError::InvalidMaterial`].
pub(super) fn check_pkcs1_der(der: &[u8]) -> Result<(), KeyError> {
    let (modulus, exponent) = pkcs1_parameters(der).ok_or(KeyError::InvalidMaterial)?;
    check_parameters(modulus, exponent)
}

/// Checks the modulus and public exponent, big-endian unsigned integers
/// (leading zero bytes allowed).
pub(super) fn check_parameters(modulus: &[u8], exponent: &[u8]) -> Result<(), KeyError> {
    let exponent = strip_leading_zeros(exponent);
    let exponent_is_valid = !exponent.is_empty()
        && exponent.len() <= 8
        && exponent.last().is_some_and(|low| low & 1 == 1)
        && exponent != [1];
    if !exponent_is_valid {
        return Err(KeyError::InvalidMaterial);
    }
    let bits = bit_length(modulus);
    if bits < MIN_RSA_BITS {
        tracing::debug!(
            bits,
            minimum = MIN_RSA_BITS,
            "RSA key refused: its modulus is too small"
        );
        return Err(KeyError::RsaModulusTooSmall { bits });
    }
    if has_roca_fingerprint(modulus) {
        tracing::debug!("RSA key refused: its modulus has the ROCA fingerprint (CVE-2017-15361)");
        return Err(KeyError::InvalidMaterial);
    }
    Ok(())
}

/// `n` and `e` of a DER `RSAPublicKey`, with nothing before, between or
/// after them.
fn pkcs1_parameters(der: &[u8]) -> Option<(&[u8], &[u8])> {
    let (SEQUENCE, sequence, []) = element(der)? else {
        return None;
    };
    let (INTEGER, modulus, rest) = element(sequence)? else {
        return None;
    };
    let (INTEGER, exponent, []) = element(rest)? else {
        return None;
    };
    (is_positive(modulus) && is_positive(exponent)).then_some((modulus, exponent))
}

/// Whether the contents of a DER `INTEGER` are a positive number: not
/// empty, and the sign bit of the first byte clear.
fn is_positive(integer: &[u8]) -> bool {
    integer.first().is_some_and(|first| first & 0x80 == 0) && integer.iter().any(|&byte| byte != 0)
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

    /// A modulus of `bits` significant bits, its top bit set.
    fn modulus(bits: usize) -> Vec<u8> {
        let mut modulus = vec![0xC5; bits.div_ceil(8)];
        modulus[0] = 0xFF >> ((8 - bits % 8) % 8);
        modulus
    }

    /// A DER element (lengths up to 65535 bytes).
    fn tlv(tag: u8, contents: &[u8]) -> Vec<u8> {
        let mut out = vec![tag];
        match u8::try_from(contents.len()) {
            Ok(short) if short < 0x80 => out.push(short),
            _ => {
                let length = u16::try_from(contents.len()).expect("a short test element");
                out.push(0x82);
                out.extend(length.to_be_bytes());
            }
        }
        out.extend(contents);
        out
    }

    /// A DER `INTEGER` of the unsigned `value`, with the sign byte DER
    /// requires when its top bit is set.
    fn integer(value: &[u8]) -> Vec<u8> {
        if value.first().is_some_and(|first| first & 0x80 != 0) {
            tlv(INTEGER, &[&[0][..], value].concat())
        } else {
            tlv(INTEGER, value)
        }
    }

    fn public_key(modulus: &[u8], exponent: &[u8]) -> Vec<u8> {
        tlv(SEQUENCE, &[integer(modulus), integer(exponent)].concat())
    }

    #[test]
    fn the_modulus_needs_2048_bits() {
        assert_eq!(check_parameters(&modulus(2048), &[1, 0, 1]), Ok(()));
        assert_eq!(check_parameters(&modulus(4096), &[1, 0, 1]), Ok(()));
        assert_eq!(
            check_parameters(&modulus(2047), &[1, 0, 1]),
            Err(KeyError::RsaModulusTooSmall { bits: 2047 })
        );
        // Leading zero bytes do not count.
        let padded = [&[0, 0][..], &modulus(1024)].concat();
        assert_eq!(
            check_parameters(&padded, &[1, 0, 1]),
            Err(KeyError::RsaModulusTooSmall { bits: 1024 })
        );
        assert_eq!(
            check_parameters(&[], &[3]),
            Err(KeyError::RsaModulusTooSmall { bits: 0 })
        );
    }

    #[test]
    fn the_exponent_is_odd_above_one_and_small() {
        let n = modulus(2048);
        assert_eq!(check_parameters(&n, &[3]), Ok(()));
        assert_eq!(check_parameters(&n, &[0, 1, 0, 1]), Ok(()));
        for exponent in [&[1][..], &[2], &[], &[0, 0], &[1; 9]] {
            assert_eq!(
                check_parameters(&n, exponent),
                Err(KeyError::InvalidMaterial),
                "{exponent:?}"
            );
        }
    }

    #[test]
    fn a_pkcs1_public_key_is_read_from_der() {
        assert_eq!(check_pkcs1_der(&public_key(&modulus(2048), &[1, 0, 1])), Ok(()));
        assert_eq!(
            check_pkcs1_der(&public_key(&modulus(1024), &[1, 0, 1])),
            Err(KeyError::RsaModulusTooSmall { bits: 1024 })
        );
    }

    #[test]
    fn anything_but_exactly_two_positive_integers_is_invalid() {
        let n = modulus(2048);
        let e = [1, 0, 1];
        let good = public_key(&n, &e);
        let cases = [
            ("empty", Vec::new()),
            ("trailing bytes", [&good[..], &[0]].concat()),
            (
                "a private key (version, n, e, ...)",
                tlv(SEQUENCE, &[integer(&[0]), integer(&n), integer(&e)].concat()),
            ),
            (
                "a negative modulus",
                tlv(SEQUENCE, &[tlv(INTEGER, &n), integer(&e)].concat()),
            ),
            ("one integer", tlv(SEQUENCE, &integer(&n))),
            ("not a sequence", tlv(0x31, &[integer(&n), integer(&e)].concat())),
            (
                "an octet string",
                tlv(SEQUENCE, &[tlv(0x04, &n), integer(&e)].concat()),
            ),
        ];
        for (what, input) in cases {
            assert_eq!(check_pkcs1_der(&input), Err(KeyError::InvalidMaterial), "{what}");
        }
        for cut in 0..good.len() {
            assert_eq!(
                check_pkcs1_der(&good[..cut]),
                Err(KeyError::InvalidMaterial),
                "{cut}"
            );
        }
    }
}
