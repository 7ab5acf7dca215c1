//! The settings every challenge shares: the realm and the resource-metadata URL.

use super::DpopChallenge;

/// The realm used when none is configured.
pub const DEFAULT_REALM: &str = "scopeguard";

/// What every challenge carries: the `realm`, and the RFC 9728
/// `resource_metadata` URL when one is configured.
///
/// Both are checked when the configuration is built, so rendering never
/// fails. [`render`](ChallengeConfig::render) turns an
/// [`AuthError`](crate::AuthError) into its [`ErrorResponse`](super::ErrorResponse).
///
/// ```
/// use scopeguard_core::error::challenge::ChallengeConfig;
///
/// let config = ChallengeConfig::builder()
///     .realm("inventory")
///     .resource_metadata("https://api.example.com/.well-known/oauth-protected-resource")
///     .build()
///     .unwrap();
/// assert_eq!(config.realm(), "inventory");
///
/// assert_eq!(ChallengeConfig::default().realm(), "scopeguard");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChallengeConfig {
    realm: Box<str>,
    resource_metadata: Option<Box<str>>,
    /// `Bearer realm="R"`: how every challenge starts.
    pub(super) opening: Box<str>,
    /// `, resource_metadata="URL"` or empty: how every challenge ends.
    pub(super) closing: Box<str>,
    /// How `DPoP` challenges are written, when DPoP is on (SPEC §3.6).
    pub(super) dpop: Option<DpopChallenge>,
}

impl Default for ChallengeConfig {
    /// The realm `scopeguard` and no resource-metadata URL.
    fn default() -> Self {
        Self::new(DEFAULT_REALM.into(), None)
    }
}

impl ChallengeConfig {
    /// A builder starting from the default configuration.
    pub fn builder() -> ChallengeConfigBuilder {
        ChallengeConfigBuilder::default()
    }

    /// The `realm` of every challenge.
    pub fn realm(&self) -> &str {
        &self.realm
    }

    /// The `resource_metadata` URL added to every challenge, if any.
    pub fn resource_metadata(&self) -> Option<&str> {
        self.resource_metadata.as_deref()
    }

    fn new(realm: Box<str>, resource_metadata: Option<Box<str>>) -> Self {
        let opening = format!("Bearer realm=\"{realm}\"").into_boxed_str();
        let closing = resource_metadata
            .as_deref()
            .map(|url| format!(", resource_metadata=\"{url}\""))
            .unwrap_or_default()
            .into_boxed_str();
        Self {
            realm,
            resource_metadata,
            opening,
            closing,
            dpop: None,
        }
    }

    /// This configuration, with `DPoP` challenges (SPEC §3.6). The
    /// authentication step sets it from its DPoP configuration.
    #[must_use]
    pub fn with_dpop(mut self, dpop: Option<DpopChallenge>) -> Self {
        self.dpop = dpop;
        self
    }

    /// The `DPoP` challenge settings, when DPoP is on.
    pub fn dpop(&self) -> Option<&DpopChallenge> {
        self.dpop.as_ref()
    }
}

/// Builds a [`ChallengeConfig`], reporting every problem at once.
///
/// ```
/// use scopeguard_core::error::challenge::{ChallengeConfig, ChallengeProblem};
///
/// let error = ChallengeConfig::builder()
///     .realm("say \"hi\"")
///     .resource_metadata("/relative")
///     .build()
///     .unwrap_err();
/// assert_eq!(
///     error.problems(),
///     [ChallengeProblem::InvalidRealm, ChallengeProblem::InvalidResourceMetadata],
/// );
/// ```
#[derive(Debug, Clone, Default)]
#[must_use]
pub struct ChallengeConfigBuilder {
    realm: Option<String>,
    resource_metadata: Option<String>,
}

impl ChallengeConfigBuilder {
    /// Sets the realm (default `scopeguard`): non-empty printable ASCII
    /// (spaces allowed) without `"` or `\`.
    pub fn realm(mut self, realm: impl Into<String>) -> Self {
        self.realm = Some(realm.into());
        self
    }

    /// Sets the URL of the protected-resource metadata document (RFC 9728),
    /// sent as `resource_metadata` in every 400, 401 and 403 challenge: an
    /// absolute `http` or `https` URL of printable ASCII without spaces, `"`
    /// or `\`.
    pub fn resource_metadata(mut self, url: impl Into<String>) -> Self {
        self.resource_metadata = Some(url.into());
        self
    }

    /// Validates the settings and builds the configuration.
    pub fn build(self) -> Result<ChallengeConfig, ChallengeConfigError> {
        let mut problems = Vec::new();
        let realm = self.realm.unwrap_or_else(|| DEFAULT_REALM.to_owned());
        if !is_valid_realm(&realm) {
            problems.push(ChallengeProblem::InvalidRealm);
        }
        if let Some(url) = &self.resource_metadata
            && !is_valid_url(url)
        {
            problems.push(ChallengeProblem::InvalidResourceMetadata);
        }
        if !problems.is_empty() {
            return Err(ChallengeConfigError { problems });
        }
        Ok(ChallengeConfig::new(
            realm.into_boxed_str(),
            self.resource_metadata.map(String::into_boxed_str),
        ))
    }
}

fn is_valid_realm(realm: &str) -> bool {
    !realm.is_empty()
        && realm
            .bytes()
            .all(|byte| matches!(byte, b' '..=b'~') && byte != b'"' && byte != b'\\')
}

fn is_valid_url(url: &str) -> bool {
    let Some(rest) = strip_scheme(url, "https://").or_else(|| strip_scheme(url, "http://")) else {
        return false;
    };
    !rest.is_empty() && !rest.starts_with('/') && url.bytes().all(crate::scopes::scope::is_scope_byte)
}

fn strip_scheme<'a>(url: &'a str, scheme: &str) -> Option<&'a str> {
    let (head, rest) = url.split_at_checked(scheme.len())?;
    head.eq_ignore_ascii_case(scheme).then_some(rest)
}

/// One problem in a [`ChallengeConfigBuilder`] configuration.
///
/// The messages never repeat the rejected value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ChallengeProblem {
    /// The realm is empty, or holds a `"`, a `\`, a control or non-ASCII
    /// character.
    #[error("the realm must be non-empty printable ASCII without '\"' or '\\'")]
    InvalidRealm,
    /// The resource-metadata URL is not an absolute `http(s)` URL, or holds a
    /// space, a `"`, a `\`, a control or non-ASCII character.
    #[error(
        "the resource metadata URL must be an absolute http(s) URL of printable ASCII without '\"' or '\\'"
    )]
    InvalidResourceMetadata,
}

impl ChallengeProblem {
    /// A stable label.
    pub const fn label(&self) -> &'static str {
        match self {
            Self::InvalidRealm => "invalid_realm",
            Self::InvalidResourceMetadata => "invalid_resource_metadata",
        }
    }
}

/// Every problem found in a [`ChallengeConfigBuilder`] configuration.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid challenge configuration: {}", .problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
pub struct ChallengeConfigError {
    problems: Vec<ChallengeProblem>,
}

impl ChallengeConfigError {
    /// The problems, in the order they were found.
    pub fn problems(&self) -> &[ChallengeProblem] {
        &self.problems
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn build(realm: &str, url: Option<&str>) -> Result<ChallengeConfig, ChallengeConfigError> {
        let builder = ChallengeConfig::builder().realm(realm);
        match url {
            Some(url) => builder.resource_metadata(url).build(),
            None => builder.build(),
        }
    }

    #[test]
    fn default_realm_is_scopeguard_without_resource_metadata() {
        let config = ChallengeConfig::default();
        assert_eq!(config.realm(), "scopeguard");
        assert_eq!(config.resource_metadata(), None);
        assert_eq!(ChallengeConfig::builder().build(), Ok(config));
    }

    #[test]
    fn realm_with_quote_backslash_control_or_non_ascii_is_rejected() {
        for realm in ["", "a\"b", "a\\b", "a\tb", "a\nb", "a\u{7f}", "réalm"] {
            let error = build(realm, None).unwrap_err();
            assert_eq!(error.problems(), [ChallengeProblem::InvalidRealm], "{realm:?}");
        }
        assert!(build("Inventory API (v2)", None).is_ok());
    }

    #[test]
    fn resource_metadata_must_be_a_clean_absolute_http_url() {
        for url in [
            "",
            "/.well-known/oauth-protected-resource",
            "ftp://example.com/x",
            "https://",
            "https:///path",
            "https://example.com/a b",
            "https://example.com/\"",
            "https://example.com/\\",
            "https://example.com/\r\n",
            "https://exämple.com/",
        ] {
            let error = build("api", Some(url)).unwrap_err();
            assert_eq!(
                error.problems(),
                [ChallengeProblem::InvalidResourceMetadata],
                "{url:?}"
            );
        }
        for url in [
            "https://api.example.com/.well-known/oauth-protected-resource",
            "HTTP://localhost:8080/m",
        ] {
            assert_eq!(build("api", Some(url)).unwrap().resource_metadata(), Some(url));
        }
    }

    #[test]
    fn every_problem_is_reported_at_once_without_echoing_values() {
        let error = build("se\"cret", Some("se cret")).unwrap_err();
        assert_eq!(error.problems().len(), 2);
        assert!(!error.to_string().contains("cret"), "{error}");
    }
}
