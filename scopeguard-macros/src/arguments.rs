//! The attribute's arguments as written, each with its span (SPEC §2.4).
//!
//! ```text
//! arguments = argument *( "," argument ) [ "," ]
//! argument  = node / option
//! option    = ident "=" expression          ; max_age = 300, acr = "phr"
//! node      = string-literal / ident "(" [ node *( "," node ) [ "," ] ] ")"
//! ```
//!
//! Which functions and options exist, and what a scope may hold, is checked
//! afterwards by [`crate::requirement`], so every error can point at its token.

use proc_macro2::{Delimiter, Group, TokenStream, TokenTree};
use quote::ToTokens;
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{Ident, LitStr, Token, parenthesized, token};

/// A scope expression.
pub(crate) enum Node {
    /// `"scope"` or `"template-{param}"`.
    Scope(LitStr),
    /// `all(...)`, `any(...)`, or a function the requirement syntax lacks.
    Group {
        name: Ident,
        paren: token::Paren,
        items: Punctuated<Node, Token![,]>,
    },
}

impl Node {
    /// The tokens of a group, from its name to its closing parenthesis, to
    /// point an error at.
    pub(crate) fn group_tokens(name: &Ident, paren: &token::Paren) -> TokenStream {
        let mut group = Group::new(Delimiter::Parenthesis, TokenStream::new());
        group.set_span(paren.span.join());
        let mut tokens = name.to_token_stream();
        tokens.extend([TokenTree::Group(group)]);
        tokens
    }
}

impl Parse for Node {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        if input.peek(LitStr) {
            return Ok(Self::Scope(input.parse()?));
        }
        if input.peek(Ident) && input.peek2(token::Paren) {
            let name = input.parse()?;
            let content;
            let paren = parenthesized!(content in input);
            let items = Punctuated::parse_terminated(&content)?;
            return Ok(Self::Group { name, paren, items });
        }
        if input.peek(Ident) && input.peek2(Token![=]) {
            let name: Ident = input.parse()?;
            return Err(syn::Error::new_spanned(
                &name,
                format!("the option `{name}` goes at the top level, after the scopes"),
            ));
        }
        if input.is_empty() {
            return Err(input.error("expected a scope as a string literal, `all(...)` or `any(...)`"));
        }
        let token: TokenTree = input.parse()?;
        Err(syn::Error::new_spanned(
            token,
            "expected a scope as a string literal (`\"order:item\"`), `all(...)` or `any(...)`",
        ))
    }
}

/// A top-level argument.
pub(crate) enum Argument {
    /// A scope expression.
    Expr(Node),
    /// `name = value`.
    Option { name: Ident, value: syn::Expr },
}

impl Parse for Argument {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        if input.peek(Ident) && input.peek2(Token![=]) && !input.peek2(Token![==]) {
            let name = input.parse()?;
            input.parse::<Token![=]>()?;
            let value = input.parse()?;
            return Ok(Self::Option { name, value });
        }
        input.parse().map(Self::Expr)
    }
}

/// Everything between the attribute's parentheses.
pub(crate) struct Arguments {
    pub(crate) items: Punctuated<Argument, Token![,]>,
}

impl Parse for Arguments {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        Ok(Self {
            items: Punctuated::parse_terminated(input)?,
        })
    }
}
