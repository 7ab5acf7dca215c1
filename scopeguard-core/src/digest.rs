//! SHA-256 and base64url, with the enabled crypto backend.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// SHA-256 of `bytes`.
#[cfg(feature = "aws-lc-rs")]
pub(crate) fn sha256(bytes: &[u8]) -> [u8; 32] {
    use aws_lc_rs::digest::{SHA256, digest};

    let mut hash = [0; 32];
    hash.copy_from_slice(digest(&SHA256, bytes).as_ref());
    hash
}

/// SHA-256 of `bytes`.
#[cfg(not(feature = "aws-lc-rs"))]
pub(crate) fn sha256(bytes: &[u8]) -> [u8; 32] {
    use sha2::Digest as _;

    sha2::Sha256::digest(bytes).into()
}

/// base64url without padding of SHA-256 of `bytes`: a JWK thumbprint's and
/// an `ath`'s form.
pub(crate) fn sha256_base64url(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(sha256(bytes))
}

/// Whether `a` and `b` are equal, in a time that depends on their lengths only.
pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0, |diff, (x, y)| diff | (x ^ y)) == 0
}
