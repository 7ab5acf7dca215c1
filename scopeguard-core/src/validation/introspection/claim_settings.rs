//! What the builder is told about the `iss` and `aud` members, checked up
//! front and turned into the rules answers are checked by.

use super::answer::AnswerRules;
use super::config_error::IntrospectionConfigProblem;
use crate::validation::jwt::audience::AudienceSettings;
use crate::validation::jwt::expected_values::{ExpectationProblem, ExpectedValues};

/// The issuer and audience settings of an
/// [`IntrospectionValidatorBuilder`](super::IntrospectionValidatorBuilder):
/// both checks on, nothing configured, by default.
#[derive(Debug, Default)]
pub(super) struct ClaimSettings {
    /// One issuer at most.
    pub(super) issuer: ExpectedValues,
    pub(super) audience: AudienceSettings,
    pub(super) allow_missing_audience: bool,
}

impl ClaimSettings {
    /// Adds every problem of these settings to `problems`: a check that is
    /// on needs its value, and a check that is off takes none.
    pub(super) fn check(&self, problems: &mut Vec<IntrospectionConfigProblem>) {
        problems.extend(self.issuer.problems().map(|problem| match problem {
            ExpectationProblem::NoValue => IntrospectionConfigProblem::NoIssuer,
            ExpectationProblem::ValueWithoutCheck => IntrospectionConfigProblem::IssuerWithoutIssuerCheck,
            ExpectationProblem::EmptyValue => IntrospectionConfigProblem::EmptyIssuer,
        }));
        problems.extend(self.audience.problems().map(IntrospectionConfigProblem::Audience));
        if !self.audience.is_checked() && self.allow_missing_audience {
            problems.push(IntrospectionConfigProblem::MissingAudienceAllowedWithoutAudienceCheck);
        }
    }

    /// The rules of checked settings, with a leeway of `leeway` seconds.
    pub(super) fn into_rules(self, leeway: u64) -> AnswerRules {
        AnswerRules {
            leeway,
            issuer: self
                .issuer
                .into_accepted()
                .and_then(|issuers| issuers.into_vec().into_iter().next()),
            audience: self.audience.into_check(self.allow_missing_audience),
        }
    }
}
