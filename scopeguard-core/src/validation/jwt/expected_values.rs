//! The values a claim must have, required unless their check is disabled
//! explicitly: the rule of the audience settings of every validator
//! builder, and of the introspection validator's issuer.

/// Configured values of a checked claim, and whether the check is on.
#[derive(Debug, Clone)]
pub(crate) struct ExpectedValues {
    values: Vec<String>,
    /// `false` once the check is explicitly disabled.
    check: bool,
}

/// What can be wrong with [`ExpectedValues`], in the order it is reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ExpectationProblem {
    /// No value is configured, and the check is on.
    NoValue,
    /// Values are configured, yet the check is disabled.
    ValueWithoutCheck,
    /// A value is the empty string.
    EmptyValue,
}

impl Default for ExpectedValues {
    /// The check on, nothing configured yet.
    fn default() -> Self {
        Self {
            values: Vec::new(),
            check: true,
        }
    }
}

impl ExpectedValues {
    /// Accepts `values` as well.
    pub(crate) fn extend(&mut self, values: impl IntoIterator<Item = String>) {
        self.values.extend(values);
    }

    /// Accepts `value` alone, forgetting the values set before.
    #[cfg(any(test, feature = "introspection"))]
    pub(crate) fn replace(&mut self, value: String) {
        self.values = vec![value];
    }

    /// Disables the check: any value passes, or none.
    pub(crate) fn disable_check(&mut self) {
        self.check = false;
    }

    /// Whether the check is on.
    #[cfg(any(test, feature = "introspection"))]
    pub(crate) fn is_checked(&self) -> bool {
        self.check
    }

    /// Every problem of these settings: a check that is on needs a value, a
    /// check that is off takes none, and no value is empty.
    pub(crate) fn problems(&self) -> impl Iterator<Item = ExpectationProblem> {
        let unmatched = match (self.check, self.values.is_empty()) {
            (true, true) => Some(ExpectationProblem::NoValue),
            (false, false) => Some(ExpectationProblem::ValueWithoutCheck),
            _ => None,
        };
        let empty = self
            .values
            .iter()
            .any(String::is_empty)
            .then_some(ExpectationProblem::EmptyValue);
        unmatched.into_iter().chain(empty)
    }

    /// The accepted values of checked settings; `None` when the check is
    /// disabled.
    pub(crate) fn into_accepted(self) -> Option<Box<[Box<str>]>> {
        self.check
            .then(|| self.values.into_iter().map(String::into_boxed_str).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(values: &ExpectedValues) -> Vec<ExpectationProblem> {
        values.problems().collect()
    }

    #[test]
    fn a_value_is_required_unless_the_check_is_disabled() {
        let mut values = ExpectedValues::default();
        assert_eq!(problems(&values), [ExpectationProblem::NoValue]);
        values.disable_check();
        assert_eq!(problems(&values), []);
        assert_eq!(values.into_accepted(), None);
    }

    #[test]
    fn a_disabled_check_takes_no_value() {
        let mut values = ExpectedValues::default();
        values.extend(["api".to_owned()]);
        values.disable_check();
        assert_eq!(problems(&values), [ExpectationProblem::ValueWithoutCheck]);
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let mut values = ExpectedValues::default();
        values.extend([String::new()]);
        values.disable_check();
        assert_eq!(
            problems(&values),
            [
                ExpectationProblem::ValueWithoutCheck,
                ExpectationProblem::EmptyValue
            ]
        );
    }

    #[test]
    fn checked_values_are_the_accepted_ones() {
        let mut values = ExpectedValues::default();
        values.extend(["a".to_owned(), "b".to_owned()]);
        assert_eq!(problems(&values), []);
        assert!(values.is_checked());
        assert_eq!(values.into_accepted(), Some(["a".into(), "b".into()].into()));
    }

    #[test]
    fn replace_keeps_one_value() {
        let mut values = ExpectedValues::default();
        values.replace("a".to_owned());
        values.replace("b".to_owned());
        assert_eq!(values.into_accepted(), Some(["b".into()].into()));
    }
}
