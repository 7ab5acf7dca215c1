//! The curve of an EC public key given as PEM or as a raw point, so that a
//! key without a JWK `crv` still says which one algorithm it verifies
//! (SPEC §3.2: without `kid`, the key is chosen by `kty`/`crv`).
//!
//! Only as much DER is read as it takes to find the SPKI's
//! `AlgorithmIdentifier { id-ecPublicKey, namedCurve }` (RFC 5480 §2.1.1).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use super::der::element;
use super::{KeyError, KeyKind};

/// The contents of the OID 1.2.840.10045.2.1, `id-ecPublicKey`.
const ID_EC_PUBLIC_KEY: &[u8] = &[0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01];
/// The contents of the OID 1.2.840.10045.3.1.7, `secp256r1` (P-256).
const P256: &[u8] = &[0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07];
/// The contents of the OID 1.3.132.0.34, `secp384r1` (P-384).
const P384: &[u8] = &[0x2B, 0x81, 0x04, 0x00, 0x22];

const SEQUENCE: u8 = 0x30;
const OBJECT_IDENTIFIER: u8 = 0x06;
const CONSTRUCTED: u8 = 0x20;
/// Deeper than any SPKI or certificate needs to be read.
const MAX_DEPTH: usize = 8;

/// The curve named by the first PEM block's `id-ecPublicKey` algorithm
/// identifier (a `PUBLIC KEY` or a `CERTIFICATE`).
///
/// A curve other than P-256 and P-384 is [`KeyError::Unsupported`]; no named
/// curve at all (explicit parameters) is [`KeyError::Unsupported`] too.
pub(super) fn curve_of_pem(pem: &[u8]) -> Result<KeyKind, KeyError> {
    let der = pem_body(pem).ok_or(KeyError::InvalidMaterial)?;
    match named_curve(&der, 0) {
        Some(P256) => Ok(KeyKind::EcP256),
        Some(P384) => Ok(KeyKind::EcP384),
        _ => Err(KeyError::Unsupported),
    }
}

/// The curve of a SEC1 public point (RFC 5480 §2.2), by its encoding and
/// length: uncompressed (`04`, 65 or 97 bytes) or compressed (`02`/`03`,
/// 33 or 49 bytes).
pub(super) fn curve_of_point(point: &[u8]) -> Result<KeyKind, KeyError> {
    match (point.first(), point.len()) {
        (Some(0x04), 65) | (Some(0x02 | 0x03), 33) => Ok(KeyKind::EcP256),
        (Some(0x04), 97) | (Some(0x02 | 0x03), 49) => Ok(KeyKind::EcP384),
        _ => Err(KeyError::InvalidMaterial),
    }
}

/// The base64 body of the first PEM block, decoded.
fn pem_body(pem: &[u8]) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(pem).ok()?;
    let mut lines = text.lines().map(str::trim);
    lines.find(|line| line.starts_with("-----BEGIN "))?;
    let mut body = String::new();
    for line in lines {
        if line.starts_with("-----END ") {
            return STANDARD.decode(body).ok();
        }
        if !line.contains(':') {
            body.extend(line.chars().filter(|c| !c.is_ascii_whitespace()));
        }
    }
    None
}

/// The contents of the curve OID following `id-ecPublicKey` in the first
/// `AlgorithmIdentifier` that names it, depth first.
fn named_curve(mut input: &[u8], depth: usize) -> Option<&[u8]> {
    if depth > MAX_DEPTH {
        return None;
    }
    while let Some((tag, contents, rest)) = element(input) {
        if tag == SEQUENCE
            && let Some((OBJECT_IDENTIFIER, ID_EC_PUBLIC_KEY, parameters)) = element(contents)
        {
            return match element(parameters) {
                Some((OBJECT_IDENTIFIER, curve, _)) => Some(curve),
                _ => None,
            };
        }
        if tag & CONSTRUCTED != 0
            && let Some(curve) = named_curve(contents, depth + 1)
        {
            return Some(curve);
        }
        input = rest;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The SPKI of a P-256 key, up to the start of its point.
    const P256_SPKI_PREFIX: &[u8] = &[
        0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01, 0x06, 0x08, 0x2A, 0x86,
        0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
    ];

    fn spki(prefix: &[u8]) -> Vec<u8> {
        let mut der = prefix.to_vec();
        der.push(0x04);
        der.extend([7; 64]);
        der
    }

    fn pem(der: &[u8]) -> Vec<u8> {
        format!(
            "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
            STANDARD.encode(der)
        )
        .into_bytes()
    }

    #[test]
    fn the_named_curve_of_an_spki_is_found() {
        assert_eq!(curve_of_pem(&pem(&spki(P256_SPKI_PREFIX))), Ok(KeyKind::EcP256));
    }

    #[test]
    fn other_named_curves_are_unsupported() {
        // secp256k1 (1.3.132.0.10): a 65-byte point too, but not P-256.
        let mut prefix = vec![0x30, 0x56, 0x30, 0x10, 0x06, 0x07];
        prefix.extend(ID_EC_PUBLIC_KEY);
        prefix.extend([0x06, 0x05, 0x2B, 0x81, 0x04, 0x00, 0x0A, 0x03, 0x42, 0x00]);
        assert_eq!(curve_of_pem(&pem(&spki(&prefix))), Err(KeyError::Unsupported));
    }

    #[test]
    fn truncated_or_garbled_der_is_never_a_curve() {
        let der = spki(P256_SPKI_PREFIX);
        for cut in 0..P256_SPKI_PREFIX.len() {
            assert_ne!(curve_of_pem(&pem(&der[..cut])), Ok(KeyKind::EcP256), "{cut}");
        }
        assert_eq!(curve_of_pem(b"not a pem"), Err(KeyError::InvalidMaterial));
        assert_eq!(
            curve_of_pem(b"-----BEGIN PUBLIC KEY-----\n!!!\n-----END PUBLIC KEY-----\n"),
            Err(KeyError::InvalidMaterial)
        );
    }

    #[test]
    fn a_point_s_curve_follows_from_its_encoding_and_length() {
        let point = |first: u8, len: usize| {
            let mut point = vec![first];
            point.resize(len, 1);
            point
        };
        assert_eq!(curve_of_point(&point(4, 65)), Ok(KeyKind::EcP256));
        assert_eq!(curve_of_point(&point(2, 33)), Ok(KeyKind::EcP256));
        assert_eq!(curve_of_point(&point(4, 97)), Ok(KeyKind::EcP384));
        assert_eq!(curve_of_point(&point(3, 49)), Ok(KeyKind::EcP384));
        for (first, len) in [(4, 33), (2, 65), (4, 133), (0, 65), (4, 0)] {
            assert_eq!(
                curve_of_point(&point(first, len)),
                Err(KeyError::InvalidMaterial),
                "{first} {len}"
            );
        }
        assert_eq!(curve_of_point(&[]), Err(KeyError::InvalidMaterial));
    }
}
