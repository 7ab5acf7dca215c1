//! DPoP in the authentication step (SPEC §3.6): what is read of a request
//! before its token is validated, and the checks after.

use std::sync::Arc;

use super::DpopConfig;
use super::htu::request_uri;
use super::proof::{CheckedProof, ProofTarget, check_proof};
use super::replay::{Recorded, ReplayStoreError};
use crate::error::{DpopProofError, InvalidToken, Unavailable};
use crate::request::RequestHead;
use crate::validation::principal::unix_now;
use crate::{AuthError, Principal};

/// The longest `DPoP` header read, in bytes: a proof with a 4096-bit RSA
/// key is under 3 KiB.
const MAX_PROOF_LEN: usize = 8 * 1024;

/// A request that used the `DPoP` scheme, read before anything waits.
pub(crate) struct DpopRequest {
    config: Arc<DpopConfig>,
    proof: Result<String, DpopProofError>,
    method: String,
    htu: Option<String>,
}

impl DpopRequest {
    /// Reads the one `DPoP` header, the method and the request URI.
    pub(crate) fn read(config: &Arc<DpopConfig>, head: &(impl RequestHead + ?Sized)) -> Self {
        let mut values = head.header_values("dpop");
        let proof = match (values.next(), values.next()) {
            (None, _) => Err(DpopProofError::Missing),
            (Some(_), Some(_)) => Err(DpopProofError::Multiple),
            (Some(value), None) if value.contains(&b',') => Err(DpopProofError::Multiple),
            (Some(value), None) if value.len() > MAX_PROOF_LEN => Err(DpopProofError::Malformed),
            (Some(value), None) => std::str::from_utf8(value)
                .map(|proof| proof.trim().to_owned())
                .map_err(|_| DpopProofError::Malformed),
        };
        let htu = request_uri(head, &config.public_origin, &config.trusted_proxies);
        if htu.is_none() {
            tracing::error!(
                reason = "request_uri_unknown",
                "the DPoP request URI cannot be told: the adapter gives no original path, \
                 or it is not a URI; the proof is refused"
            );
        }
        Self {
            config: Arc::clone(config),
            proof,
            method: head.method_name().to_owned(),
            htu,
        }
    }

    /// Checks 1 to 12 of the proof for `token`.
    pub(crate) fn check(&self, token: &str) -> Result<CheckedProof, AuthError> {
        let proof = self
            .proof
            .as_deref()
            .map_err(|error| AuthError::InvalidDpopProof(*error))?;
        let target = ProofTarget {
            method: &self.method,
            htu: self.htu.as_deref(),
            token,
            now: unix_now(),
        };
        check_proof(&self.config, proof, &target)
    }

    /// The binding of `principal` to the proof's key, then the replay
    /// check. Answers the next nonce when the proof's is stale.
    pub(crate) async fn bind_and_record(
        &self,
        proof: CheckedProof,
        principal: &Principal,
    ) -> Result<Option<String>, AuthError> {
        match principal.jkt() {
            None => return Err(InvalidToken::UnboundTokenAsDpop.into()),
            Some(jkt) if jkt != proof.key.thumbprint() => return Err(InvalidToken::KeyBindingMismatch.into()),
            Some(_) => {}
        }
        // The key's thumbprint and the `jti` (at most 256 characters): a
        // `jti` is unique per key (RFC 9449 §11.1), and no hash is needed.
        let key = format!("dpop-jti:{}:{}", proof.key.thumbprint(), proof.jti);
        let expires_at = proof
            .iat
            .saturating_add(self.config.iat_window)
            .saturating_add(self.config.leeway)
            .saturating_add(1);
        match self.config.replay.insert_if_absent(&key, expires_at).await {
            Ok(Recorded::New) => {}
            Ok(Recorded::Seen) => return Err(DpopProofError::Replayed.into()),
            Err(error) => {
                log_store_error(&error);
                return Err(Unavailable::ReplayStore {
                    retry_after: error.retry_after(),
                }
                .into());
            }
        }
        let now = unix_now();
        Ok(self.config.nonces.as_ref().and_then(|nonces| {
            proof
                .nonce
                .as_deref()
                .is_some_and(|nonce| nonces.is_stale(nonce, now))
                .then(|| nonces.nonce_at(now))
        }))
    }
}

fn log_store_error(error: &ReplayStoreError) {
    tracing::error!(
        reason = error.label(),
        %error,
        "the DPoP replay store cannot record a proof: the request is refused (503)"
    );
}
