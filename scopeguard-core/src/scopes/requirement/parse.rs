//! The string form of a requirement (SPEC §2.4).
//!
//! ```text
//! requirement = item *( "," item ) [ "," ]
//! item        = option / expr
//! option      = "max_age" "=" 1*DIGIT / "acr" "=" ( word / quoted )
//! expr        = ( "all" / "any" ) "(" expr *( "," expr ) ")" / word / quoted
//! word        = 1*( scope-char except "(" ")" "," "=" )
//! quoted      = DQUOTE 1*scope-char DQUOTE
//! ```
//!
//! Whitespace between tokens is ignored.

use std::fmt;

use super::{Expr, MAX_DEPTH, Requirement, ScopeTemplate, StepUp, TemplateError};
use crate::Scope;
use crate::scopes::scope::{ScopeError, is_scope_byte, validate};

/// What is wrong with a requirement.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RequirementErrorKind {
    /// No scope at all.
    Empty,
    /// `all()` or `any()` with nothing inside.
    EmptyGroup,
    /// Nesting deeper than [`MAX_DEPTH`].
    TooDeep,
    /// The text ends where more was expected.
    UnexpectedEnd,
    /// A character that can start no token.
    UnexpectedCharacter,
    /// A token other than the one expected.
    Expected(&'static str),
    /// A `"` without its closing `"`.
    UnterminatedString,
    /// A scope that breaks the RFC 6749 grammar.
    InvalidScope(ScopeError),
    /// A malformed template scope.
    InvalidTemplate(TemplateError),
    /// A function other than `all` or `any`.
    UnknownFunction(String),
    /// An option other than `max_age` or `acr`.
    UnknownOption(String),
    /// An option given twice.
    DuplicateOption(&'static str),
    /// `max_age` is not a whole number of seconds.
    InvalidMaxAge,
    /// `acr` is empty or holds a value outside the grammar.
    InvalidAcr,
}

impl fmt::Display for RequirementErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => f.write_str("a requirement needs at least one scope"),
            Self::EmptyGroup => f.write_str("all() and any() need at least one scope"),
            Self::TooDeep => write!(f, "requirement nests deeper than {MAX_DEPTH} levels"),
            Self::UnexpectedEnd => f.write_str("unexpected end of requirement"),
            Self::UnexpectedCharacter => f.write_str("unexpected character"),
            Self::Expected(what) => write!(f, "expected {what}"),
            Self::UnterminatedString => f.write_str("unterminated string"),
            Self::InvalidScope(error) => write!(f, "invalid scope: {error}"),
            Self::InvalidTemplate(error) => write!(f, "invalid template scope: {error}"),
            Self::UnknownFunction(name) => write!(f, "unknown function `{name}`: expected `all` or `any`"),
            Self::UnknownOption(name) => write!(f, "unknown option `{name}`: expected `max_age` or `acr`"),
            Self::DuplicateOption(name) => write!(f, "option `{name}` given twice"),
            Self::InvalidMaxAge => f.write_str("max_age must be a whole number of seconds"),
            Self::InvalidAcr => {
                f.write_str("acr must list one or more values without spaces, quotes or backslashes")
            }
        }
    }
}

/// A requirement that cannot be parsed or built, with the byte offset where
/// the problem is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind} (at byte {at})")]
pub struct RequirementError {
    kind: RequirementErrorKind,
    at: usize,
}

impl RequirementError {
    pub(crate) fn new(kind: RequirementErrorKind, at: usize) -> Self {
        Self { kind, at }
    }

    /// What is wrong.
    pub fn kind(&self) -> &RequirementErrorKind {
        &self.kind
    }

    /// Byte offset in the parsed text.
    pub fn at(&self) -> usize {
        self.at
    }
}

/// Parses one scope or template, reporting errors at `at`.
pub(crate) fn leaf(text: &str, at: usize) -> Result<Expr, RequirementError> {
    if text.contains(['{', '}']) {
        ScopeTemplate::new(text)
            .map(Expr::Template)
            .map_err(|error| RequirementError::new(RequirementErrorKind::InvalidTemplate(error), at))
    } else {
        validate(text)
            .map_err(|error| RequirementError::new(RequirementErrorKind::InvalidScope(error), at))?;
        Ok(Expr::Scope(Scope::new(text.to_owned()).expect("validated")))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token<'a> {
    Open,
    Close,
    Comma,
    Equals,
    Word(&'a str),
    Quoted(&'a str),
}

/// Whether `byte` can be part of a bare word.
pub(super) fn is_word_byte(byte: u8) -> bool {
    is_scope_byte(byte) && !matches!(byte, b'(' | b')' | b',' | b'=')
}

struct Parser<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Parser<'a> {
    fn skip_whitespace(&mut self) {
        while self
            .text
            .as_bytes()
            .get(self.at)
            .is_some_and(|byte| matches!(byte, b' ' | b'\t' | b'\n' | b'\r'))
        {
            self.at += 1;
        }
    }

    /// The next token and its offset, without consuming it.
    fn peek(&mut self) -> Result<Option<(Token<'a>, usize, usize)>, RequirementError> {
        self.skip_whitespace();
        let bytes = self.text.as_bytes();
        let start = self.at;
        let Some(&byte) = bytes.get(start) else {
            return Ok(None);
        };
        let (token, end) = match byte {
            b'(' => (Token::Open, start + 1),
            b')' => (Token::Close, start + 1),
            b',' => (Token::Comma, start + 1),
            b'=' => (Token::Equals, start + 1),
            b'"' => {
                let close = self.text[start + 1..]
                    .find('"')
                    .map(|offset| start + 1 + offset)
                    .ok_or_else(|| RequirementError::new(RequirementErrorKind::UnterminatedString, start))?;
                (Token::Quoted(&self.text[start + 1..close]), close + 1)
            }
            byte if is_word_byte(byte) => {
                let end = bytes[start..]
                    .iter()
                    .position(|&byte| !is_word_byte(byte))
                    .map_or(bytes.len(), |offset| start + offset);
                (Token::Word(&self.text[start..end]), end)
            }
            _ => {
                return Err(RequirementError::new(
                    RequirementErrorKind::UnexpectedCharacter,
                    start,
                ));
            }
        };
        Ok(Some((token, start, end)))
    }

    fn next(&mut self) -> Result<Option<(Token<'a>, usize)>, RequirementError> {
        let token = self.peek()?;
        Ok(token.map(|(token, start, end)| {
            self.at = end;
            (token, start)
        }))
    }

    fn expect(&mut self, expected: Token<'static>, name: &'static str) -> Result<(), RequirementError> {
        match self.next()? {
            Some((token, _)) if token == expected => Ok(()),
            Some((_, at)) => Err(RequirementError::new(RequirementErrorKind::Expected(name), at)),
            None => Err(RequirementError::new(
                RequirementErrorKind::UnexpectedEnd,
                self.text.len(),
            )),
        }
    }

    fn expr(&mut self, depth: usize) -> Result<Expr, RequirementError> {
        let Some((token, at)) = self.next()? else {
            return Err(RequirementError::new(
                RequirementErrorKind::UnexpectedEnd,
                self.text.len(),
            ));
        };
        match token {
            Token::Quoted(text) => leaf(text, at + 1),
            Token::Word(word) => {
                if !matches!(self.peek()?, Some((Token::Open, _, _))) {
                    return leaf(word, at);
                }
                let group: fn(Vec<Expr>) -> Expr = match word {
                    "all" => Expr::All,
                    "any" => Expr::Any,
                    _ => {
                        return Err(RequirementError::new(
                            RequirementErrorKind::UnknownFunction(word.to_owned()),
                            at,
                        ));
                    }
                };
                if depth > MAX_DEPTH {
                    return Err(RequirementError::new(RequirementErrorKind::TooDeep, at));
                }
                self.expect(Token::Open, "`(`")?;
                if let Some((Token::Close, close, _)) = self.peek()? {
                    return Err(RequirementError::new(RequirementErrorKind::EmptyGroup, close));
                }
                let mut exprs = vec![self.expr(depth + 1)?];
                loop {
                    match self.next()? {
                        Some((Token::Comma, _)) => exprs.push(self.expr(depth + 1)?),
                        Some((Token::Close, _)) => return Ok(group(exprs)),
                        Some((_, at)) => {
                            return Err(RequirementError::new(
                                RequirementErrorKind::Expected("`,` or `)`"),
                                at,
                            ));
                        }
                        None => {
                            return Err(RequirementError::new(
                                RequirementErrorKind::UnexpectedEnd,
                                self.text.len(),
                            ));
                        }
                    }
                }
            }
            _ => Err(RequirementError::new(
                RequirementErrorKind::Expected("a scope, `all(` or `any(`"),
                at,
            )),
        }
    }

    fn option(&mut self, name: &str, at: usize, step_up: &mut StepUp) -> Result<(), RequirementError> {
        self.expect(Token::Equals, "`=`")?;
        let value = self.next()?;
        match name {
            "max_age" => {
                if step_up.max_age.is_some() {
                    return Err(RequirementError::new(
                        RequirementErrorKind::DuplicateOption("max_age"),
                        at,
                    ));
                }
                let seconds = match value {
                    Some((Token::Word(digits), _)) if digits.bytes().all(|byte| byte.is_ascii_digit()) => {
                        digits.parse().ok()
                    }
                    _ => None,
                };
                step_up.max_age = Some(
                    seconds.ok_or_else(|| RequirementError::new(RequirementErrorKind::InvalidMaxAge, at))?,
                );
            }
            "acr" => {
                if !step_up.acr_values.is_empty() {
                    return Err(RequirementError::new(
                        RequirementErrorKind::DuplicateOption("acr"),
                        at,
                    ));
                }
                let values: Vec<String> = match value {
                    Some((Token::Word(text) | Token::Quoted(text), _)) => text
                        .split([' ', '\t'])
                        .filter(|value| !value.is_empty())
                        .map(str::to_owned)
                        .collect(),
                    _ => Vec::new(),
                };
                if values.is_empty() || values.iter().any(|value| validate(value).is_err()) {
                    return Err(RequirementError::new(RequirementErrorKind::InvalidAcr, at));
                }
                step_up.acr_values = values;
            }
            _ => {
                return Err(RequirementError::new(
                    RequirementErrorKind::UnknownOption(name.to_owned()),
                    at,
                ));
            }
        }
        Ok(())
    }

    fn requirement(&mut self) -> Result<Requirement, RequirementError> {
        let mut exprs = Vec::new();
        let mut step_up = StepUp::default();
        loop {
            match self.peek()? {
                None => break,
                Some((Token::Word(name), at, end)) => {
                    let saved = self.at;
                    self.at = end;
                    if let Some((Token::Equals, _, _)) = self.peek()? {
                        self.option(name, at, &mut step_up)?;
                    } else {
                        self.at = saved;
                        exprs.push(self.expr(1)?);
                    }
                }
                Some(_) => exprs.push(self.expr(1)?),
            }
            match self.next()? {
                None => break,
                Some((Token::Comma, _)) => {}
                Some((_, at)) => {
                    return Err(RequirementError::new(RequirementErrorKind::Expected("`,`"), at));
                }
            }
        }
        let expr = match exprs.len() {
            0 => return Err(RequirementError::new(RequirementErrorKind::Empty, 0)),
            1 => exprs.pop().expect("one expression"),
            _ => Expr::All(exprs),
        };
        if expr.depth() > MAX_DEPTH {
            return Err(RequirementError::new(RequirementErrorKind::TooDeep, 0));
        }
        Ok(Requirement::from_valid(expr, step_up))
    }
}

/// Parses the whole string form.
pub(super) fn requirement(text: &str) -> Result<Requirement, RequirementError> {
    Parser { text, at: 0 }.requirement()
}
