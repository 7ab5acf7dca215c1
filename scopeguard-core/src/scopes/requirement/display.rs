//! Writing a requirement back in its string form.

use std::fmt;

use super::parse::is_word_byte;
use super::{Expr, Requirement};

/// Writes a scope or template bare when it reads back as one word, quoted
/// otherwise.
fn write_leaf(f: &mut fmt::Formatter<'_>, text: &str) -> fmt::Result {
    if text.bytes().all(is_word_byte) {
        f.write_str(text)
    } else {
        write!(f, "\"{text}\"")
    }
}

fn write_group(f: &mut fmt::Formatter<'_>, name: &str, exprs: &[Expr]) -> fmt::Result {
    write!(f, "{name}(")?;
    for (index, expr) in exprs.iter().enumerate() {
        if index > 0 {
            f.write_str(", ")?;
        }
        fmt::Display::fmt(expr, f)?;
    }
    f.write_str(")")
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Scope(scope) => write_leaf(f, scope.as_str()),
            Self::Template(template) => write_leaf(f, template.as_str()),
            Self::All(exprs) => write_group(f, "all", exprs),
            Self::Any(exprs) => write_group(f, "any", exprs),
        }
    }
}

impl fmt::Display for Requirement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.expr(), f)?;
        if let Some(seconds) = self.step_up().max_age() {
            write!(f, ", max_age = {seconds}")?;
        }
        let acr = self.step_up().acr_values();
        if !acr.is_empty() {
            write!(f, ", acr = \"{}\"", acr.join(" "))?;
        }
        Ok(())
    }
}
