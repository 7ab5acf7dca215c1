//! HMAC keys set up once (with aws-lc-rs), so a fresh HS256/384/512 token
//! pays for its MAC only, not for deriving the key's inner and outer pads
//! again.

use aws_lc_rs::hmac;
use jsonwebtoken::Algorithm;

/// A shared secret ready to verify HS256, HS384 and HS512.
#[derive(Clone)]
pub(crate) struct PreparedHmac {
    hs256: hmac::Key,
    hs384: hmac::Key,
    hs512: hmac::Key,
}

impl PreparedHmac {
    pub(crate) fn new(secret: &[u8]) -> Self {
        Self {
            hs256: hmac::Key::new(hmac::HMAC_SHA256, secret),
            hs384: hmac::Key::new(hmac::HMAC_SHA384, secret),
            hs512: hmac::Key::new(hmac::HMAC_SHA512, secret),
        }
    }

    /// Whether `tag` is the MAC of `message` under `alg` (compared in
    /// constant time); `None` when `alg` is not an HMAC algorithm.
    pub(crate) fn verify(&self, alg: Algorithm, message: &[u8], tag: &[u8]) -> Option<bool> {
        let key = match alg {
            Algorithm::HS256 => &self.hs256,
            Algorithm::HS384 => &self.hs384,
            Algorithm::HS512 => &self.hs512,
            _ => return None,
        };
        Some(hmac::verify(key, message, tag).is_ok())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verifies_each_hmac_algorithm_with_its_own_hash() {
        let prepared = PreparedHmac::new(b"a secret of some length");
        for (alg, hash) in [
            (Algorithm::HS256, hmac::HMAC_SHA256),
            (Algorithm::HS384, hmac::HMAC_SHA384),
            (Algorithm::HS512, hmac::HMAC_SHA512),
        ] {
            let tag = hmac::sign(&hmac::Key::new(hash, b"a secret of some length"), b"message");
            assert_eq!(
                prepared.verify(alg, b"message", tag.as_ref()),
                Some(true),
                "{alg:?}"
            );
            assert_eq!(
                prepared.verify(alg, b"massage", tag.as_ref()),
                Some(false),
                "{alg:?}"
            );
            let mut short = tag.as_ref().to_vec();
            short.pop();
            assert_eq!(prepared.verify(alg, b"message", &short), Some(false), "{alg:?}");
        }
        let tag = hmac::sign(
            &hmac::Key::new(hmac::HMAC_SHA256, b"a secret of some length"),
            b"message",
        );
        assert_eq!(
            prepared.verify(Algorithm::HS384, b"message", tag.as_ref()),
            Some(false)
        );
        assert_eq!(prepared.verify(Algorithm::RS256, b"message", tag.as_ref()), None);
    }
}
