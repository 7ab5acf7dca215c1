//! The kit of the DPoP case table (`dpop_cases.rs`): the issuer and keys
//! of a run, a request's answer, and the expected answers.

#![allow(dead_code, reason = "each adapter's suite uses its own part")]

use scopeguard_core::test_util::{DpopKey, DpopProofBuilder, TestIssuer};

/// The public origin both apps are configured with.
pub(crate) const ORIGIN: &str = "https://api.test";
/// The realm of both apps.
pub(crate) const REALM: &str = "dpop";
/// The `algs` of every `DPoP` challenge: the default proof algorithms.
pub(crate) const ALGS: &str = "ES256 ES384 EdDSA RS256 PS256";

/// The issuer and keys of a run.
pub(crate) struct Kit {
    pub(crate) issuer: TestIssuer,
    pub(crate) key: DpopKey,
    pub(crate) other_key: DpopKey,
}

impl Kit {
    pub(crate) fn new() -> Self {
        Self {
            issuer: TestIssuer::new(),
            key: DpopKey::es256(),
            other_key: DpopKey::ed25519(),
        }
    }

    /// A token granting `order:item`, bound to the kit's key.
    pub(crate) fn bound_token(&self) -> String {
        self.issuer
            .token()
            .scopes("order:item")
            .dpop_bound(&self.key)
            .sign()
    }

    /// A proof for `method` `path` and `token`, with the kit's key.
    pub(crate) fn proof(&self, method: &str, path: &str, token: &str) -> DpopProofBuilder {
        self.key.proof(method, &format!("{ORIGIN}{path}"), token)
    }
}

/// What came back: status, every `WWW-Authenticate` value, `DPoP-Nonce`,
/// `Retry-After` and body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) challenges: Vec<String>,
    pub(crate) nonce: Option<String>,
    pub(crate) retry_after: Option<String>,
    pub(crate) body: String,
}

/// The expected answer of a case.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Expect {
    /// 200 from the handler.
    Allowed,
    /// A denial with a `DPoP` challenge: status, error code, description.
    Dpop(u16, &'static str, &'static str),
    /// A denial with a `Bearer` challenge: status, error code, description.
    Bearer(u16, &'static str, &'static str),
    /// 403 for a missing `order:item`, in a `DPoP` challenge.
    DpopInsufficientScope,
    /// 403 for a missing `order:item`, in a `Bearer` challenge.
    BearerInsufficientScope,
}

impl Expect {
    /// Checks `answer`, naming `case` on failure.
    pub(crate) fn check(self, case: &str, answer: &Answer) {
        let (status, challenge, code, description) = match self {
            Self::Allowed => {
                assert_eq!(answer.status, 200, "{case}: {answer:?}");
                assert!(answer.challenges.is_empty(), "{case}: {answer:?}");
                return;
            }
            Self::DpopInsufficientScope | Self::BearerInsufficientScope => {
                let challenge = if matches!(self, Self::DpopInsufficientScope) {
                    insufficient_scope_challenge()
                } else {
                    format!(
                        r#"Bearer realm="{REALM}", error="insufficient_scope", error_description="insufficient scope", scope="order:item""#
                    )
                };
                assert_eq!(answer.status, 403, "{case}: {answer:?}");
                assert_eq!(answer.challenges, [challenge], "{case}");
                assert_eq!(
                    answer.body,
                    r#"{"error":"insufficient_scope","error_description":"insufficient scope","scope":"order:item"}"#,
                    "{case}"
                );
                return;
            }
            Self::Dpop(status, code, description) => (
                status,
                format!(r#"DPoP algs="{ALGS}", error="{code}", error_description="{description}""#),
                code,
                description,
            ),
            Self::Bearer(status, code, description) => (
                status,
                format!(r#"Bearer realm="{REALM}", error="{code}", error_description="{description}""#),
                code,
                description,
            ),
        };
        assert_eq!(answer.status, status, "{case}: {answer:?}");
        assert_eq!(answer.challenges, [challenge], "{case}");
        assert_eq!(
            answer.body,
            format!(r#"{{"error":"{code}","error_description":"{description}"}}"#),
            "{case}"
        );
    }
}

/// One sentence of SPEC §3.6: a request made for `path`, and its answer.
pub(crate) struct Case {
    pub(crate) name: &'static str,
    pub(crate) request: fn(&Kit, &str) -> Vec<(&'static str, String)>,
    pub(crate) expect: Expect,
}

/// The 403 of a DPoP request lacking `order:item`: a `DPoP` challenge
/// with `scope`.
pub(crate) fn insufficient_scope_challenge() -> String {
    format!(
        r#"DPoP algs="{ALGS}", error="insufficient_scope", error_description="insufficient scope", scope="order:item""#
    )
}
