//! Why a test issuer cannot be built.

use jsonwebtoken::Algorithm;

/// One problem in a [`TestIssuerBuilder`](super::TestIssuerBuilder)
/// configuration.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TestIssuerProblem {
    /// The issuer is the empty string.
    #[error("the issuer is empty")]
    EmptyIssuer,
    /// The audience is the empty string.
    #[error("the audience is empty")]
    EmptyAudience,
    /// The key id is the empty string.
    #[error("the key id is empty")]
    EmptyKid,
    /// An algorithm without a public key to publish (HMAC).
    #[error("a test issuer signs with an asymmetric algorithm, not {algorithm:?}")]
    UnsupportedAlgorithm {
        /// The algorithm asked for.
        algorithm: Algorithm,
    },
    /// The system could not generate the signing key.
    #[error("the signing key could not be generated")]
    KeyGeneration,
}

/// Every problem found in a [`TestIssuerBuilder`](super::TestIssuerBuilder)
/// configuration.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid test issuer: {}", .problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
pub struct TestIssuerError {
    problems: Vec<TestIssuerProblem>,
}

impl TestIssuerError {
    pub(super) fn new(problems: Vec<TestIssuerProblem>) -> Self {
        Self { problems }
    }

    /// The problems, in the order they were found.
    pub fn problems(&self) -> &[TestIssuerProblem] {
        &self.problems
    }
}
