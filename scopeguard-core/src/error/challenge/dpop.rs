//! How challenges speak of DPoP (SPEC §3.6, RFC 9449 §7.1).
//!
//! A [`ChallengeConfig`](super::ChallengeConfig) given a [`DpopChallenge`]
//! renders the denials of a request that used the `DPoP` scheme
//! ([`CredentialScheme::Dpop`]) as `DPoP algs="...", error="...", ...`; in
//! `Required` mode every challenge is a `DPoP` one; in `Allowed` mode a
//! no-credentials 401 carries both a `Bearer` and a `DPoP` challenge.

/// The authentication scheme a request used, which decides the challenge of
/// its denials.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CredentialScheme {
    /// `Bearer`, or no credentials.
    #[default]
    Bearer,
    /// `DPoP` (RFC 9449).
    Dpop,
}

/// What `DPoP` challenges say: the accepted proof algorithms, and whether
/// only DPoP is accepted.
///
/// ```
/// use scopeguard_core::error::challenge::DpopChallenge;
///
/// let dpop = DpopChallenge::new(["ES256", "EdDSA"], false).unwrap();
/// assert_eq!(dpop.algs(), "ES256 EdDSA");
/// assert!(!dpop.required());
/// assert!(DpopChallenge::new(["ES 256"], true).is_none());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DpopChallenge {
    algs: Box<str>,
    required: bool,
}

impl DpopChallenge {
    /// The challenge for these proof algorithms; `required` when only DPoP
    /// is accepted. `None` when the list is empty or a name is not a token
    /// (printable ASCII without space, `"` or `\`).
    pub fn new<'a>(algs: impl IntoIterator<Item = &'a str>, required: bool) -> Option<Self> {
        let algs: Vec<&str> = algs.into_iter().collect();
        let valid = !algs.is_empty()
            && algs
                .iter()
                .all(|alg| !alg.is_empty() && alg.bytes().all(crate::scopes::scope::is_scope_byte));
        valid.then(|| Self {
            algs: algs.join(" ").into_boxed_str(),
            required,
        })
    }

    /// The `algs` attribute: the algorithm names, space-separated.
    pub fn algs(&self) -> &str {
        &self.algs
    }

    /// Whether only DPoP is accepted (`Required` mode).
    pub fn required(&self) -> bool {
        self.required
    }
}
