//! Checking the arguments with core and writing the requirement's canonical
//! text: the one shared validator behind both adapters' macro.
//!
//! Every scope goes through core's grammar and template checks, the whole
//! requirement through [`Requirement::new`] and its step-up options, and the
//! canonical text must parse back, with [`Requirement::parse`], to the same
//! requirement: what compiles is exactly what runs.

use proc_macro2::{Span, TokenStream};
use scopeguard_core::scopes::requirement::MAX_DEPTH;
use scopeguard_core::{Expr, Requirement, RequirementErrorKind, ScopeError};
use syn::{Ident, Lit, LitStr};

use crate::arguments::{Argument, Arguments, Node};

/// A checked requirement: its canonical text and the id the extractor names.
pub(crate) struct Declared {
    /// [`Requirement`]'s `Display` form.
    pub(crate) text: String,
    /// `requirement_id(text)`.
    pub(crate) id: u64,
}

const EXAMPLE: &str = "e.g. `#[requires_scope(\"inventory:price.write\")]`";

/// Checks `arguments`; `whole` is their tokens, for errors about no token in
/// particular.
pub(crate) fn declare(arguments: &Arguments, whole: &TokenStream) -> syn::Result<Declared> {
    let mut exprs = Vec::new();
    let mut max_age = None;
    let mut acr: Option<Vec<String>> = None;
    for argument in &arguments.items {
        match argument {
            Argument::Expr(node) => exprs.push(expr(node, 1)?),
            Argument::Option { name, value } => match name.to_string().as_str() {
                "max_age" => {
                    once(name, max_age.is_some())?;
                    max_age = Some(seconds(value)?);
                }
                "acr" => {
                    once(name, acr.is_some())?;
                    acr = Some(acr_values(value)?);
                }
                other => {
                    return Err(syn::Error::new_spanned(
                        name,
                        format!("unknown option `{other}`: expected `max_age` or `acr`"),
                    ));
                }
            },
        }
    }
    let expr = match exprs.len() {
        0 if whole.is_empty() => {
            return Err(syn::Error::new(
                Span::call_site(),
                format!("`#[requires_scope]` needs a requirement, {EXAMPLE}"),
            ));
        }
        0 => {
            return Err(syn::Error::new_spanned(
                whole,
                format!("a requirement needs at least one scope, {EXAMPLE}"),
            ));
        }
        1 => exprs.remove(0),
        _ => Expr::all(exprs),
    };
    let mut requirement =
        Requirement::new(expr).map_err(|error| syn::Error::new_spanned(whole, error.kind().to_string()))?;
    if let Some(seconds) = max_age {
        requirement = requirement.with_max_age(seconds);
    }
    if let Some(values) = acr {
        requirement = requirement
            .with_acr_values(values)
            .map_err(|error| syn::Error::new_spanned(whole, error.kind().to_string()))?;
    }
    let text = requirement.to_string();
    if Requirement::parse(&text).ok().as_ref() != Some(&requirement) {
        return Err(syn::Error::new_spanned(
            whole,
            format!("this requirement does not read back from its string form `{text}`"),
        ));
    }
    Ok(Declared {
        id: scopeguard_core::inventory::registry::requirement_id(&text),
        text,
    })
}

/// The expression of `node`, nested `depth` groups deep.
fn expr(node: &Node, depth: usize) -> syn::Result<Expr> {
    match node {
        Node::Scope(literal) => leaf(literal),
        Node::Group { name, paren, items } => {
            let group: fn(Vec<Expr>) -> Expr = if name == "all" {
                Expr::all
            } else if name == "any" {
                Expr::any
            } else {
                return Err(syn::Error::new_spanned(
                    name,
                    format!("unknown function `{name}`: expected `all` or `any`"),
                ));
            };
            if items.is_empty() {
                return Err(syn::Error::new_spanned(
                    Node::group_tokens(name, paren),
                    format!("`{name}()` needs at least one scope"),
                ));
            }
            if depth > MAX_DEPTH {
                return Err(syn::Error::new_spanned(
                    name,
                    format!("requirement nests deeper than {MAX_DEPTH} levels"),
                ));
            }
            let exprs = items
                .iter()
                .map(|item| expr(item, depth + 1))
                .collect::<syn::Result<Vec<_>>>()?;
            Ok(group(exprs))
        }
    }
}

/// A scope or template, checked by core's grammar.
fn leaf(literal: &LitStr) -> syn::Result<Expr> {
    Expr::scope(&literal.value()).map_err(|error| {
        let mut message = error.kind().to_string();
        if let RequirementErrorKind::InvalidScope(ScopeError::InvalidCharacter { byte: b' ', .. }) =
            error.kind()
        {
            message.push_str("; give each scope its own string: `\"order:item\", \"order:shipping\"`");
        }
        syn::Error::new_spanned(literal, message)
    })
}

/// An error at the second `name` when `given` already.
fn once(name: &Ident, given: bool) -> syn::Result<()> {
    if given {
        return Err(syn::Error::new_spanned(
            name,
            format!("option `{name}` given twice"),
        ));
    }
    Ok(())
}

/// `max_age`'s value: a whole number of seconds.
fn seconds(value: &syn::Expr) -> syn::Result<u64> {
    let seconds = match value {
        syn::Expr::Lit(syn::ExprLit {
            lit: Lit::Int(int), ..
        }) if int.suffix().is_empty() => int.base10_parse().ok(),
        _ => None,
    };
    seconds.ok_or_else(|| {
        syn::Error::new_spanned(
            value,
            "max_age must be a whole number of seconds, e.g. `max_age = 300`",
        )
    })
}

/// `acr`'s value: a string of space-separated values, each without spaces,
/// quotes or backslashes.
fn acr_values(value: &syn::Expr) -> syn::Result<Vec<String>> {
    let values: Vec<String> = match value {
        syn::Expr::Lit(syn::ExprLit {
            lit: Lit::Str(text), ..
        }) => text.value().split_whitespace().map(str::to_owned).collect(),
        _ => Vec::new(),
    };
    if values.is_empty()
        || values
            .iter()
            .any(|value| scopeguard_core::scopes::scope::validate(value).is_err())
    {
        return Err(syn::Error::new_spanned(
            value,
            "acr must be a string of one or more values without quotes or backslashes, e.g. `acr = \"phr\"`",
        ));
    }
    Ok(values)
}

#[cfg(test)]
mod tests {
    use quote::quote;
    use scopeguard_core::inventory::registry::requirement_id;

    use super::*;

    fn declared(arguments: &TokenStream) -> syn::Result<Declared> {
        declare(&syn::parse2(arguments.clone())?, arguments)
    }

    fn text(arguments: &TokenStream) -> String {
        declared(arguments).expect("a valid requirement").text
    }

    #[test]
    fn several_arguments_mean_all_of_them() {
        let several = declared(&quote!("admin:read", "audit:read")).expect("valid");
        let all = declared(&quote!(all("admin:read", "audit:read"))).expect("valid");
        assert_eq!(several.text, "all(admin:read, audit:read)");
        assert_eq!((several.text, several.id), (all.text, all.id));
    }

    #[test]
    fn the_canonical_text_is_what_the_runtime_parser_reads() {
        for (arguments, expected) in [
            (quote!("inventory:price.write"), "inventory:price.write"),
            (quote!(any(all("a", "b"), "c"),), "any(all(a, b), c)"),
            (quote!("transaction-{tx}"), "transaction-{tx}"),
            (quote!("odd,scope"), r#""odd,scope""#),
            (
                quote!("payment.write", acr = "phr  mfa", max_age = 300),
                r#"payment.write, max_age = 300, acr = "phr mfa""#,
            ),
        ] {
            let text = text(&arguments);
            assert_eq!(text, expected);
            assert_eq!(
                Requirement::parse(&text).map(|parsed| parsed.to_string()),
                Ok(text)
            );
        }
    }

    #[test]
    fn the_id_is_the_hash_of_the_canonical_text() {
        let declared = declared(&quote!(any("inventory:sales", "report:read"))).expect("valid");
        assert_eq!(declared.id, requirement_id("any(inventory:sales, report:read)"));
    }

    #[test]
    fn nesting_deeper_than_the_limit_is_refused() {
        let mut nested = quote!("a");
        for _ in 0..MAX_DEPTH {
            nested = quote!(all(#nested));
        }
        assert!(declared(&nested).is_ok());
        let error = declared(&quote!(all(#nested))).err().expect("too deep");
        assert_eq!(
            error.to_string(),
            format!("requirement nests deeper than {MAX_DEPTH} levels")
        );
    }

    #[test]
    fn errors_name_what_is_wrong() {
        for (arguments, message) in [
            (quote!("a b"), "invalid scope: a scope must not contain a space"),
            (
                quote!("a\\b"),
                "invalid scope: a scope must not contain a backslash",
            ),
            (quote!(first("a")), "unknown function `first`"),
            (
                quote!("a", acr = ""),
                "acr must be a string of one or more values",
            ),
            (
                quote!("a", max_age = -1),
                "max_age must be a whole number of seconds",
            ),
            (
                quote!("a", max_age = 300u8),
                "max_age must be a whole number of seconds",
            ),
            (quote!("a", acr = "x", acr = "y"), "option `acr` given twice"),
        ] {
            let error = declared(&arguments).err().expect("an error").to_string();
            assert!(error.starts_with(message), "{error}");
        }
    }
}
