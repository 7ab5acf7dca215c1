//! The audience rule of every validator (SPEC §3.2, §3.5): `aud` must
//! contain a configured audience unless the check is disabled explicitly.
//! Configured once by the builders, checked up front, then applied to each
//! token's `aud`.

use super::expected_values::{ExpectationProblem, ExpectedValues};
use crate::error::InvalidToken;

/// One problem with the audiences configured on a validator builder:
/// [`JwtValidatorBuilder`](super::JwtValidatorBuilder) and
/// `IntrospectionValidatorBuilder` report the same ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AudienceProblem {
    /// No audience is configured, and the audience check is not disabled.
    #[error("no audience is configured (or disable the audience check explicitly)")]
    NoAudience,
    /// Audiences are configured, yet the audience check is disabled.
    #[error("audiences are configured, yet the audience check is disabled")]
    AudiencesWithoutAudienceCheck,
    /// An audience is the empty string.
    #[error("an audience is empty")]
    EmptyAudience,
}

/// The audiences a builder is told to accept, and whether the check is on.
#[derive(Debug, Clone, Default)]
pub(crate) struct AudienceSettings(ExpectedValues);

impl AudienceSettings {
    /// Accepts tokens whose `aud` contains one of `audiences` as well.
    pub(crate) fn accept(&mut self, audiences: impl IntoIterator<Item = String>) {
        self.0.extend(audiences);
    }

    /// Accepts tokens meant for any audience, or none.
    pub(crate) fn disable_check(&mut self) {
        self.0.disable_check();
    }

    /// Whether the check is on.
    #[cfg(any(test, feature = "introspection"))]
    pub(crate) fn is_checked(&self) -> bool {
        self.0.is_checked()
    }

    /// Every problem of these settings, in a stable order.
    pub(crate) fn problems(&self) -> impl Iterator<Item = AudienceProblem> {
        self.0.problems().map(|problem| match problem {
            ExpectationProblem::NoValue => AudienceProblem::NoAudience,
            ExpectationProblem::ValueWithoutCheck => AudienceProblem::AudiencesWithoutAudienceCheck,
            ExpectationProblem::EmptyValue => AudienceProblem::EmptyAudience,
        })
    }

    /// The check of settings without problems. `allow_missing` accepts a
    /// token without `aud` although audiences are configured.
    pub(crate) fn into_check(self, allow_missing: bool) -> AudienceCheck {
        AudienceCheck {
            accepted: self.0.into_accepted(),
            allow_missing,
        }
    }
}

/// How a token's `aud` is checked.
#[derive(Debug)]
pub(crate) struct AudienceCheck {
    /// The accepted audiences; `None` when the audience check is disabled.
    accepted: Option<Box<[Box<str>]>>,
    /// Whether a token without `aud` passes although audiences are
    /// configured.
    allow_missing: bool,
}

impl AudienceCheck {
    /// Whether `aud` (absent, or the token's list of audiences) passes: it
    /// must contain an accepted audience, and be present unless allowed
    /// missing.
    pub(crate) fn check(&self, aud: Option<&[String]>) -> Result<(), InvalidToken> {
        let Some(accepted) = &self.accepted else {
            return Ok(());
        };
        match aud {
            None if self.allow_missing => Ok(()),
            None => Err(InvalidToken::MissingClaim),
            Some(aud)
                if aud
                    .iter()
                    .any(|aud| accepted.iter().any(|accepted| **accepted == **aud)) =>
            {
                Ok(())
            }
            Some(_) => Err(InvalidToken::InvalidAudience),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(audiences: &[&str]) -> AudienceSettings {
        let mut settings = AudienceSettings::default();
        settings.accept(audiences.iter().map(|audience| (*audience).to_owned()));
        settings
    }

    fn aud(values: &[&str]) -> Vec<String> {
        values.iter().map(|value| (*value).to_owned()).collect()
    }

    #[test]
    fn an_audience_is_required_unless_the_check_is_disabled() {
        assert_eq!(
            settings(&[]).problems().collect::<Vec<_>>(),
            [AudienceProblem::NoAudience]
        );
        let mut disabled = settings(&[]);
        disabled.disable_check();
        assert_eq!(disabled.problems().count(), 0);
        assert!(!disabled.is_checked());
    }

    #[test]
    fn every_audience_problem_is_reported_at_once() {
        let mut settings = settings(&["api", ""]);
        settings.disable_check();
        assert_eq!(
            settings.problems().collect::<Vec<_>>(),
            [
                AudienceProblem::AudiencesWithoutAudienceCheck,
                AudienceProblem::EmptyAudience
            ]
        );
    }

    /// A check, a token's `aud`, and what the check says.
    type Case<'a> = (&'a AudienceCheck, Option<&'a [&'a str]>, Result<(), InvalidToken>);

    #[test]
    fn aud_must_contain_a_configured_audience() {
        let check = settings(&["orders", "billing"]).into_check(false);
        let lenient = settings(&["orders"]).into_check(true);
        let cases: [Case<'_>; 9] = [
            (&check, Some(&["billing"]), Ok(())),
            (&check, Some(&["other", "orders"]), Ok(())),
            (&check, Some(&["other"]), Err(InvalidToken::InvalidAudience)),
            (&check, Some(&[]), Err(InvalidToken::InvalidAudience)),
            // Compared exactly.
            (&check, Some(&["Orders"]), Err(InvalidToken::InvalidAudience)),
            (&check, None, Err(InvalidToken::MissingClaim)),
            // A missing `aud` passes only when allowed; one present must
            // still match.
            (&lenient, None, Ok(())),
            (&lenient, Some(&["orders"]), Ok(())),
            (&lenient, Some(&["other"]), Err(InvalidToken::InvalidAudience)),
        ];
        for (check, values, expected) in cases {
            let values = values.map(aud);
            assert_eq!(check.check(values.as_deref()), expected, "{values:?}");
        }
    }

    #[test]
    fn a_disabled_check_passes_any_aud() {
        let mut settings = settings(&[]);
        settings.disable_check();
        let check = settings.into_check(false);
        assert_eq!(check.check(None), Ok(()));
        assert_eq!(check.check(Some(&aud(&["anything"]))), Ok(()));
    }
}
