//! Checked headers remembered by their encoded text.
//!
//! The tokens of one issuer and key share one header (`alg`, `typ`, `kid`),
//! so a fresh token's header is usually one seen before: its base64 and
//! JSON are read once. Only the headers of tokens whose signature verified
//! are remembered, so forged tokens cannot crowd them out, and a header is
//! looked up by its exact text under the validator's own, fixed settings.

use std::sync::Arc;

use jsonwebtoken::Algorithm;
use quick_cache::sync::Cache;

use super::header::{Header, TypeCheck, check_header};
use crate::error::InvalidToken;

/// How many headers are remembered.
const REMEMBERED_HEADERS: usize = 64;

/// A longer encoded header is never remembered.
const MAX_REMEMBERED_LEN: usize = 512;

/// Checked headers of verified tokens, by encoded text.
pub(super) struct HeaderMemo {
    entries: Cache<Box<str>, Arc<Header>>,
}

impl HeaderMemo {
    pub(super) fn new() -> Self {
        Self {
            entries: Cache::new(REMEMBERED_HEADERS),
        }
    }

    /// The checked header of `encoded`, and whether it was remembered
    /// (else it is checked now, with [`check_header`]).
    pub(super) fn check(
        &self,
        encoded: &str,
        algorithms: &[Algorithm],
        type_check: TypeCheck,
    ) -> Result<(Arc<Header>, bool), InvalidToken> {
        match self.entries.get(encoded) {
            Some(header) => Ok((header, true)),
            None => check_header(encoded, algorithms, type_check).map(|header| (Arc::new(header), false)),
        }
    }

    /// Remembers the header of a token whose signature verified.
    pub(super) fn remember(&self, encoded: &str, header: &Arc<Header>) {
        if encoded.len() <= MAX_REMEMBERED_LEN {
            self.entries.insert(encoded.into(), Arc::clone(header));
        }
    }

    /// How many headers are remembered.
    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.entries.len()
    }
}

#[cfg(test)]
mod tests {
    use base64::Engine as _;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    use super::*;

    fn encoded(json: &str) -> String {
        URL_SAFE_NO_PAD.encode(json)
    }

    #[test]
    fn a_remembered_header_answers_as_the_check_would() {
        let memo = HeaderMemo::new();
        let header = encoded(r#"{"alg":"RS256","kid":"k1"}"#);
        let (checked, remembered) = memo
            .check(&header, &[Algorithm::RS256], TypeCheck::default())
            .unwrap();
        assert!(!remembered);
        assert_eq!(
            (checked.alg, checked.kid.as_deref()),
            (Algorithm::RS256, Some("k1"))
        );
        assert_eq!(
            memo.len(),
            0,
            "nothing is remembered before the signature verifies"
        );
        memo.remember(&header, &checked);
        let (again, remembered) = memo
            .check(&header, &[Algorithm::RS256], TypeCheck::default())
            .unwrap();
        assert!(remembered && Arc::ptr_eq(&checked, &again));
    }

    #[test]
    fn rejected_and_oversized_headers_are_never_remembered() {
        let memo = HeaderMemo::new();
        let none = encoded(r#"{"alg":"none"}"#);
        assert_eq!(
            memo.check(&none, &[Algorithm::RS256], TypeCheck::default())
                .unwrap_err(),
            InvalidToken::AlgorithmNotAllowed
        );
        let long = encoded(&format!(r#"{{"alg":"RS256","kid":"{}"}}"#, "k".repeat(600)));
        let (checked, _) = memo
            .check(&long, &[Algorithm::RS256], TypeCheck::default())
            .unwrap();
        memo.remember(&long, &checked);
        assert_eq!(memo.len(), 0);
    }

    #[test]
    fn a_remembered_header_never_answers_for_one_whose_kid_is_null() {
        let memo = HeaderMemo::new();
        let verified = encoded(r#"{"alg":"RS256","typ":"at+jwt"}"#);
        let (checked, _) = memo
            .check(&verified, &[Algorithm::RS256], TypeCheck::default())
            .unwrap();
        memo.remember(&verified, &checked);
        for header in [
            r#"{"alg":"RS256","typ":"at+jwt","kid":null}"#,
            r#"{"alg":"RS256","typ":null}"#,
        ] {
            assert_eq!(
                memo.check(&encoded(header), &[Algorithm::RS256], TypeCheck::default())
                    .unwrap_err(),
                InvalidToken::Malformed,
                "{header}"
            );
        }
    }

    #[test]
    fn the_memo_is_bounded() {
        let memo = HeaderMemo::new();
        for n in 0..1000 {
            let header = encoded(&format!(r#"{{"alg":"RS256","kid":"k{n}"}}"#));
            let (checked, _) = memo
                .check(&header, &[Algorithm::RS256], TypeCheck::default())
                .unwrap();
            memo.remember(&header, &checked);
        }
        assert!(memo.len() <= REMEMBERED_HEADERS, "{}", memo.len());
    }
}
