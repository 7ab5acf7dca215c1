//! What the builder is told about the `iss` and `aud` members, checked up
//! front and turned into the rules answers are checked by.

use super::answer::AnswerRules;
use super::config_error::IntrospectionConfigProblem;

/// The issuer and audience settings of an
/// [`IntrospectionValidatorBuilder`](super::IntrospectionValidatorBuilder).
#[derive(Debug)]
pub(super) struct ClaimSettings {
    pub(super) issuer: Option<String>,
    /// `false` once the issuer check is explicitly disabled.
    pub(super) issuer_check: bool,
    pub(super) audiences: Vec<String>,
    /// `false` once the audience check is explicitly disabled.
    pub(super) audience_check: bool,
    pub(super) allow_missing_audience: bool,
}

impl Default for ClaimSettings {
    /// Both checks on, nothing configured yet.
    fn default() -> Self {
        Self {
            issuer: None,
            issuer_check: true,
            audiences: Vec::new(),
            audience_check: true,
            allow_missing_audience: false,
        }
    }
}

impl ClaimSettings {
    /// Adds every problem of these settings to `problems`: a check that is
    /// on needs its value, and a check that is off takes none.
    pub(super) fn check(&self, problems: &mut Vec<IntrospectionConfigProblem>) {
        match (self.issuer_check, self.issuer.as_deref()) {
            (true, None) => problems.push(IntrospectionConfigProblem::NoIssuer),
            (false, Some(_)) => problems.push(IntrospectionConfigProblem::IssuerWithoutIssuerCheck),
            _ => {}
        }
        if self.issuer.as_deref() == Some("") {
            problems.push(IntrospectionConfigProblem::EmptyIssuer);
        }
        match (self.audience_check, self.audiences.is_empty()) {
            (true, true) => problems.push(IntrospectionConfigProblem::NoAudience),
            (false, false) => problems.push(IntrospectionConfigProblem::AudiencesWithoutAudienceCheck),
            _ => {}
        }
        if self.audiences.iter().any(String::is_empty) {
            problems.push(IntrospectionConfigProblem::EmptyAudience);
        }
        if !self.audience_check && self.allow_missing_audience {
            problems.push(IntrospectionConfigProblem::MissingAudienceAllowedWithoutAudienceCheck);
        }
    }

    /// The rules of checked settings, with a leeway of `leeway` seconds.
    pub(super) fn into_rules(self, leeway: u64) -> AnswerRules {
        AnswerRules {
            leeway,
            issuer: self
                .issuer
                .filter(|_| self.issuer_check)
                .map(String::into_boxed_str),
            audiences: self
                .audience_check
                .then(|| self.audiences.into_iter().map(String::into_boxed_str).collect()),
            allow_missing_audience: self.allow_missing_audience,
        }
    }
}
