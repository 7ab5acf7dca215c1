//! Requirements: expressions over required scopes (SPEC §2.4).
//!
//! A requirement is a scope, `all(...)` of requirements, `any(...)` of
//! requirements, nested freely, with template scopes (`transaction-{tx}`)
//! filled from path parameters and optional step-up options (RFC 9470).
//!
//! ```
//! use scopeguard_core::{Requirement, StepUp};
//!
//! let sales = Requirement::parse("any(inventory:sales, report:read)").unwrap();
//! assert_eq!(sales.to_string(), "any(inventory:sales, report:read)");
//!
//! let payment = Requirement::parse(r#"payment.write, max_age = 300, acr = "phr""#).unwrap();
//! assert_eq!(payment.step_up().max_age(), Some(300));
//! assert_eq!(payment.step_up().acr_values(), ["phr"]);
//!
//! // Several top-level expressions mean all of them.
//! assert_eq!(
//!     Requirement::parse("admin:read, audit:read").unwrap(),
//!     Requirement::parse("all(admin:read, audit:read)").unwrap(),
//! );
//! ```

pub mod compile_time;
mod display;
mod named;
mod parse;
mod template;

pub use named::NamedRequirement;
pub use parse::{RequirementError, RequirementErrorKind};
pub use template::{FillError, PathParams, ScopeTemplate, TemplateError};

use crate::Scope;

/// Deepest nesting of `all`/`any` accepted, so hostile input cannot exhaust
/// the stack.
pub const MAX_DEPTH: usize = 32;

/// An expression over required scopes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Expr {
    /// A scope, matched under the [`ScopePolicy`](crate::ScopePolicy).
    Scope(Scope),
    /// A template scope, filled from path parameters and matched exactly.
    Template(ScopeTemplate),
    /// Every sub-expression must hold.
    All(Vec<Expr>),
    /// At least one sub-expression must hold.
    Any(Vec<Expr>),
}

impl Expr {
    /// A scope or, when `text` holds `{`, a template scope.
    ///
    /// ```
    /// use scopeguard_core::Expr;
    ///
    /// assert!(matches!(Expr::scope("order:item"), Ok(Expr::Scope(_))));
    /// assert!(matches!(Expr::scope("transaction-{tx}"), Ok(Expr::Template(_))));
    /// assert!(Expr::scope("two words").is_err());
    /// ```
    pub fn scope(text: &str) -> Result<Self, RequirementError> {
        parse::leaf(text, 0)
    }

    /// All of `exprs`.
    pub fn all(exprs: impl IntoIterator<Item = Expr>) -> Self {
        Self::All(exprs.into_iter().collect())
    }

    /// Any of `exprs`.
    pub fn any(exprs: impl IntoIterator<Item = Expr>) -> Self {
        Self::Any(exprs.into_iter().collect())
    }

    fn depth(&self) -> usize {
        match self {
            Self::Scope(_) | Self::Template(_) => 0,
            Self::All(exprs) | Self::Any(exprs) => 1 + exprs.iter().map(Self::depth).max().unwrap_or(0),
        }
    }

    fn has_empty_group(&self) -> bool {
        match self {
            Self::Scope(_) | Self::Template(_) => false,
            Self::All(exprs) | Self::Any(exprs) => {
                exprs.is_empty() || exprs.iter().any(Self::has_empty_group)
            }
        }
    }
}

/// Step-up authentication options (RFC 9470), checked after the scopes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct StepUp {
    max_age: Option<u64>,
    acr_values: Vec<String>,
}

impl StepUp {
    /// The greatest age, in seconds, of the user's authentication (`auth_time`).
    pub fn max_age(&self) -> Option<u64> {
        self.max_age
    }

    /// The acceptable authentication context classes (`acr`); empty when any
    /// is acceptable.
    pub fn acr_values(&self) -> &[String] {
        &self.acr_values
    }

    /// Whether no step-up option is set.
    pub fn is_empty(&self) -> bool {
        self.max_age.is_none() && self.acr_values.is_empty()
    }
}

/// A requirement: an [`Expr`] plus [`StepUp`] options.
///
/// Build one with [`Requirement::parse`] (the syntax of SPEC §2.4, shared with
/// the `#[requires_scope]` macro) or with [`Requirement::new`] from an
/// [`Expr`]. [`Display`](std::fmt::Display) writes the same syntax back, and
/// parsing it gives an equal requirement.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Requirement {
    expr: Expr,
    step_up: StepUp,
    has_templates: bool,
}

impl Requirement {
    /// Parses the string form, e.g. `any(inventory:sales, report:read)`.
    ///
    /// Scopes may be written bare or in double quotes; a scope containing
    /// `(`, `)`, `,` or `=` must be quoted. Top-level items separated by
    /// commas are all required. Options `max_age = N` and `acr = "a b"` may
    /// follow at the top level.
    pub fn parse(text: &str) -> Result<Self, RequirementError> {
        parse::requirement(text)
    }

    /// A requirement from an expression, with no step-up options.
    ///
    /// Fails on an empty `all()`/`any()` or nesting deeper than [`MAX_DEPTH`].
    ///
    /// ```
    /// use scopeguard_core::{Expr, Requirement};
    ///
    /// let expr = Expr::any([Expr::scope("a").unwrap(), Expr::scope("b").unwrap()]);
    /// assert_eq!(Requirement::new(expr).unwrap().to_string(), "any(a, b)");
    /// assert!(Requirement::new(Expr::all([])).is_err());
    /// ```
    pub fn new(expr: Expr) -> Result<Self, RequirementError> {
        if expr.has_empty_group() {
            return Err(RequirementError::new(RequirementErrorKind::EmptyGroup, 0));
        }
        if expr.depth() > MAX_DEPTH {
            return Err(RequirementError::new(RequirementErrorKind::TooDeep, 0));
        }
        Ok(Self::from_valid(expr, StepUp::default()))
    }

    pub(crate) fn from_valid(expr: Expr, step_up: StepUp) -> Self {
        let mut requirement = Self {
            expr,
            step_up,
            has_templates: false,
        };
        let has_templates = requirement.templates().next().is_some();
        requirement.has_templates = has_templates;
        requirement
    }

    /// Requires the user's authentication to be at most `seconds` old.
    #[must_use]
    pub fn with_max_age(mut self, seconds: u64) -> Self {
        self.step_up.max_age = Some(seconds);
        self
    }

    /// Requires one of the authentication context classes `values`.
    pub fn with_acr_values<I>(mut self, values: I) -> Result<Self, RequirementError>
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        let values: Vec<String> = values.into_iter().map(Into::into).collect();
        if values.is_empty()
            || values
                .iter()
                .any(|value| crate::scopes::scope::validate(value).is_err())
        {
            return Err(RequirementError::new(RequirementErrorKind::InvalidAcr, 0));
        }
        self.step_up.acr_values = values;
        Ok(self)
    }

    /// The scope expression.
    pub fn expr(&self) -> &Expr {
        &self.expr
    }

    /// The step-up options.
    pub fn step_up(&self) -> &StepUp {
        &self.step_up
    }

    /// Every scope and template of the expression, depth first.
    pub fn leaves(&self) -> impl Iterator<Item = &Expr> + '_ {
        let mut pending = vec![&self.expr];
        std::iter::from_fn(move || {
            while let Some(expr) = pending.pop() {
                match expr {
                    Expr::All(exprs) | Expr::Any(exprs) => pending.extend(exprs.iter().rev()),
                    leaf => return Some(leaf),
                }
            }
            None
        })
    }

    /// Every literal scope of the expression (templates excluded).
    pub fn scopes(&self) -> impl Iterator<Item = &Scope> + '_ {
        self.leaves().filter_map(|leaf| match leaf {
            Expr::Scope(scope) => Some(scope),
            _ => None,
        })
    }

    /// Every template scope of the expression.
    pub fn templates(&self) -> impl Iterator<Item = &ScopeTemplate> + '_ {
        self.leaves().filter_map(|leaf| match leaf {
            Expr::Template(template) => Some(template),
            _ => None,
        })
    }

    /// Whether the expression holds a template scope.
    pub fn has_templates(&self) -> bool {
        self.has_templates
    }
}

impl std::str::FromStr for Requirement {
    type Err = RequirementError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

impl TryFrom<&str> for Requirement {
    type Error = RequirementError;

    fn try_from(text: &str) -> Result<Self, Self::Error> {
        Self::parse(text)
    }
}

impl TryFrom<String> for Requirement {
    type Error = RequirementError;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        Self::parse(&text)
    }
}

impl From<Scope> for Requirement {
    fn from(scope: Scope) -> Self {
        Self::from_valid(Expr::Scope(scope), StepUp::default())
    }
}
