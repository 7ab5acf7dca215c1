//! Checking a requirement's string form at compile time.
//!
//! [`check`] is a `const fn` that accepts exactly the texts
//! [`Requirement::parse`](super::Requirement::parse) accepts, so macros can
//! turn a bad requirement into a compile error:
//!
//! ```
//! use scopeguard_core::scopes::requirement::compile_time::check;
//!
//! const _: () = assert!(check(r#"any("inventory:sales", "report:read")"#).is_ok());
//! assert_eq!(check("any()"), Err("all() and any() need at least one scope"));
//! ```
//!
//! ```compile_fail
//! const _: () = scopeguard_core::scopes::requirement::compile_time::assert_valid("two words");
//! ```

use super::MAX_DEPTH;
use crate::scopes::grammar::{eq, is_scope_byte};

/// Panics (a compile error in a `const`) when `text` is not a valid
/// requirement, with the reason as the message.
pub const fn assert_valid(text: &str) {
    if let Err(reason) = check(text) {
        panic!("{}", reason);
    }
}

/// Checks a requirement's string form without building it.
pub const fn check(text: &str) -> Result<(), &'static str> {
    let bytes = text.as_bytes();
    let mut at = 0;
    let mut exprs = 0;
    let mut deepest = 0;
    let mut max_age = false;
    let mut acr = false;
    loop {
        let token = next(bytes, at);
        match token.kind {
            Kind::End => break,
            Kind::Error(reason) => return Err(reason),
            Kind::Word if next(bytes, token.end).kind.is_equals() => {
                let equals = next(bytes, token.end);
                let value = next(bytes, equals.end);
                if eq(bytes, token.start, token.end, b"max_age") {
                    if max_age {
                        return Err("option `max_age` given twice");
                    }
                    max_age = true;
                    if !matches!(value.kind, Kind::Word) || !is_seconds(bytes, value.start, value.end) {
                        return Err("max_age must be a whole number of seconds");
                    }
                } else if eq(bytes, token.start, token.end, b"acr") {
                    if acr {
                        return Err("option `acr` given twice");
                    }
                    acr = true;
                    if !matches!(value.kind, Kind::Word | Kind::Quoted)
                        || !is_acr(bytes, value.start, value.text_end())
                    {
                        return Err("acr must list one or more values without spaces, quotes or backslashes");
                    }
                } else {
                    return Err("unknown option: expected `max_age` or `acr`");
                }
                at = value.end;
            }
            _ => {
                let depth = match expr(bytes, at, 1) {
                    Ok((end, depth)) => {
                        at = end;
                        depth
                    }
                    Err(reason) => return Err(reason),
                };
                if depth > deepest {
                    deepest = depth;
                }
                exprs += 1;
            }
        }
        let separator = next(bytes, at);
        match separator.kind {
            Kind::End => break,
            Kind::Comma => at = separator.end,
            Kind::Error(reason) => return Err(reason),
            _ => return Err("expected `,`"),
        }
    }
    if exprs == 0 {
        return Err("a requirement needs at least one scope");
    }
    if exprs > 1 {
        deepest += 1;
    }
    if deepest > MAX_DEPTH {
        return Err("requirement nests too deep");
    }
    Ok(())
}

#[derive(Clone, Copy)]
enum Kind {
    Open,
    Close,
    Comma,
    Equals,
    Word,
    Quoted,
    End,
    Error(&'static str),
}

impl Kind {
    const fn is_equals(self) -> bool {
        matches!(self, Self::Equals)
    }
}

#[derive(Clone, Copy)]
struct Token {
    kind: Kind,
    /// Start of the token's text (inside the quotes for a quoted string).
    start: usize,
    /// End of the token's text.
    end: usize,
}

impl Token {
    const fn text_end(self) -> usize {
        match self.kind {
            Kind::Quoted => self.end - 1,
            _ => self.end,
        }
    }
}

const fn is_word_byte(byte: u8) -> bool {
    is_scope_byte(byte) && !matches!(byte, b'(' | b')' | b',' | b'=')
}

const fn next(bytes: &[u8], mut at: usize) -> Token {
    while at < bytes.len() && matches!(bytes[at], b' ' | b'\t' | b'\n' | b'\r') {
        at += 1;
    }
    if at >= bytes.len() {
        return Token {
            kind: Kind::End,
            start: at,
            end: at,
        };
    }
    let single = match bytes[at] {
        b'(' => Some(Kind::Open),
        b')' => Some(Kind::Close),
        b',' => Some(Kind::Comma),
        b'=' => Some(Kind::Equals),
        _ => None,
    };
    if let Some(kind) = single {
        return Token {
            kind,
            start: at,
            end: at + 1,
        };
    }
    if bytes[at] == b'"' {
        let mut end = at + 1;
        while end < bytes.len() && bytes[end] != b'"' {
            end += 1;
        }
        if end >= bytes.len() {
            return Token {
                kind: Kind::Error("unterminated string"),
                start: at,
                end,
            };
        }
        // `end` includes the closing quote; `text_end` excludes it.
        return Token {
            kind: Kind::Quoted,
            start: at + 1,
            end: end + 1,
        };
    }
    if !is_word_byte(bytes[at]) {
        return Token {
            kind: Kind::Error("unexpected character"),
            start: at,
            end: at,
        };
    }
    let mut end = at;
    while end < bytes.len() && is_word_byte(bytes[end]) {
        end += 1;
    }
    Token {
        kind: Kind::Word,
        start: at,
        end,
    }
}

/// Parses an expression at `at`; returns where it ends and its depth (0 for
/// a scope).
const fn expr(bytes: &[u8], at: usize, depth: usize) -> Result<(usize, usize), &'static str> {
    let token = next(bytes, at);
    match token.kind {
        Kind::Quoted => match leaf(bytes, token.start, token.text_end()) {
            Ok(()) => Ok((token.end, 0)),
            Err(reason) => Err(reason),
        },
        Kind::Word => {
            let open = next(bytes, token.end);
            if !matches!(open.kind, Kind::Open) {
                return match leaf(bytes, token.start, token.end) {
                    Ok(()) => Ok((token.end, 0)),
                    Err(reason) => Err(reason),
                };
            }
            if !eq(bytes, token.start, token.end, b"all") && !eq(bytes, token.start, token.end, b"any") {
                return Err("unknown function: expected `all` or `any`");
            }
            if depth > MAX_DEPTH {
                return Err("requirement nests too deep");
            }
            if matches!(next(bytes, open.end).kind, Kind::Close) {
                return Err("all() and any() need at least one scope");
            }
            let mut at = open.end;
            let mut deepest = 0;
            loop {
                match expr(bytes, at, depth + 1) {
                    Ok((end, child)) => {
                        at = end;
                        if child > deepest {
                            deepest = child;
                        }
                    }
                    Err(reason) => return Err(reason),
                }
                let separator = next(bytes, at);
                match separator.kind {
                    Kind::Comma => at = separator.end,
                    Kind::Close => return Ok((separator.end, deepest + 1)),
                    Kind::End => return Err("unexpected end of requirement"),
                    Kind::Error(reason) => return Err(reason),
                    _ => return Err("expected `,` or `)`"),
                }
            }
        }
        Kind::End => Err("unexpected end of requirement"),
        Kind::Error(reason) => Err(reason),
        _ => Err("expected a scope, `all(` or `any(`"),
    }
}

/// Checks a scope or template scope.
const fn leaf(bytes: &[u8], start: usize, end: usize) -> Result<(), &'static str> {
    if start == end {
        return Err("a scope must not be empty");
    }
    let mut index = start;
    let mut template = false;
    while index < end {
        if !is_scope_byte(bytes[index]) {
            return Err("a scope must be printable ASCII without space, '\"' or '\\'");
        }
        if bytes[index] == b'{' || bytes[index] == b'}' {
            template = true;
        }
        index += 1;
    }
    if template {
        template_shape(bytes, start, end)
    } else {
        Ok(())
    }
}

/// Checks the placeholders of a template: `{identifier}`, at least one.
const fn template_shape(bytes: &[u8], start: usize, end: usize) -> Result<(), &'static str> {
    let mut index = start;
    let mut parameters = 0;
    while index < end {
        match bytes[index] {
            b'{' => {
                let mut close = index + 1;
                while close < end && bytes[close] != b'}' {
                    close += 1;
                }
                if close >= end {
                    return Err("invalid template scope: unclosed '{'");
                }
                if !is_identifier(bytes, index + 1, close) {
                    return Err("invalid template scope: a parameter name must be an identifier");
                }
                parameters += 1;
                index = close + 1;
            }
            b'}' => return Err("invalid template scope: unmatched '}'"),
            _ => index += 1,
        }
    }
    if parameters == 0 {
        return Err("invalid template scope: no {name} placeholder");
    }
    Ok(())
}

const fn is_identifier(bytes: &[u8], start: usize, end: usize) -> bool {
    if start == end || !(bytes[start].is_ascii_alphabetic() || bytes[start] == b'_') {
        return false;
    }
    let mut index = start + 1;
    while index < end {
        if !(bytes[index].is_ascii_alphanumeric() || bytes[index] == b'_') {
            return false;
        }
        index += 1;
    }
    true
}

/// Whether the digits fit a `u64` number of seconds.
const fn is_seconds(bytes: &[u8], start: usize, end: usize) -> bool {
    let mut value: u64 = 0;
    let mut index = start;
    while index < end {
        if !bytes[index].is_ascii_digit() {
            return false;
        }
        value = match value.checked_mul(10) {
            Some(value) => match value.checked_add((bytes[index] - b'0') as u64) {
                Some(value) => value,
                None => return false,
            },
            None => return false,
        };
        index += 1;
    }
    start < end
}

/// Whether an `acr` value lists at least one valid value, space-separated.
const fn is_acr(bytes: &[u8], start: usize, end: usize) -> bool {
    let mut index = start;
    let mut values = 0;
    let mut in_value = false;
    while index < end {
        let byte = bytes[index];
        if byte == b' ' || byte == b'\t' {
            in_value = false;
        } else if is_scope_byte(byte) {
            if !in_value {
                values += 1;
                in_value = true;
            }
        } else {
            return false;
        }
        index += 1;
    }
    values > 0
}
