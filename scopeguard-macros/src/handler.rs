//! Rewriting the handler: the scope check becomes its first extractor.
//!
//! The handler keeps its name, visibility, attributes, generics, parameters
//! and return type; it gains one parameter in front of the others (after
//! `self`, for a method), whose type is the adapter's extractor for the
//! requirement's id, and one statement registering the requirement's text
//! under that id. Nothing is emitted beside the function, so the attribute
//! works on methods in `impl` blocks as well as on free functions.

use proc_macro2::{Literal, Span, TokenStream};
use quote::{ToTokens, quote};
use syn::{FnArg, Ident, ItemFn, Stmt, parse_quote};

use crate::arguments::Arguments;
use crate::requirement::{Declared, declare};

/// The adapter a handler belongs to: the crate its expansion names, by
/// absolute path, for the extractor and the registration.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Adapter {
    /// `scopeguard_axum`: an extractor implementing `FromRequestParts`.
    Axum,
    /// `scopeguard_actix`: an extractor implementing `FromRequest`, whose
    /// ready future actix polls before the handler's other extractors.
    Actix,
}

impl Adapter {
    fn krate(self) -> Ident {
        let name = match self {
            Self::Axum => "scopeguard_axum",
            Self::Actix => "scopeguard_actix",
        };
        Ident::new(name, Span::call_site())
    }

    /// The parameter that checks the requirement `id`.
    fn check(self, id: &Literal) -> FnArg {
        let krate = self.krate();
        parse_quote!(_: ::#krate::__private::HandlerRequirement<#id>)
    }

    /// The statement that registers `text` under `id` for `handler`.
    fn registration(self, id: &Literal, text: &str, handler: &Ident) -> Stmt {
        let krate = self.krate();
        let handler = Literal::string(&handler.to_string());
        parse_quote! {
            ::#krate::__private::inventory::submit! {
                ::#krate::__private::RegisteredRequirement::new(
                    #id,
                    #text,
                    ::core::concat!(::core::module_path!(), "::", #handler),
                )
            }
        }
    }

    /// Adds the check and the registration to `handler`.
    fn protect(self, mut handler: ItemFn, declared: &Declared) -> TokenStream {
        let id = Literal::u64_suffixed(declared.id);
        let after_self = usize::from(matches!(handler.sig.inputs.first(), Some(FnArg::Receiver(_))));
        handler.sig.inputs.insert(after_self, self.check(&id));
        let registration = self.registration(&id, &declared.text, &handler.sig.ident);
        handler.block.stmts.insert(0, registration);
        handler.into_token_stream()
    }
}

/// The expansion of `#[requires_scope(arguments)] item` for `adapter`.
///
/// On error: the errors, each at its token, and the item unchanged, so its
/// callers report nothing more.
pub(crate) fn expand(adapter: Adapter, arguments: &TokenStream, item: &TokenStream) -> TokenStream {
    let declared = syn::parse2::<Arguments>(arguments.clone()).and_then(|parsed| declare(&parsed, arguments));
    let handler = syn::parse2::<ItemFn>(item.clone())
        .map_err(|_| {
            syn::Error::new(
                Span::call_site(),
                "`#[requires_scope]` goes on an `async fn` handler",
            )
        })
        .and_then(|handler| match handler.sig.asyncness {
            Some(_) => Ok(handler),
            None => Err(syn::Error::new_spanned(
                handler.sig.fn_token,
                "`#[requires_scope]` needs an `async fn`: its check runs as the handler's first extractor",
            )),
        });
    match both(declared, handler) {
        Ok((declared, handler)) => adapter.protect(handler, &declared),
        Err(errors) => {
            let errors = errors.to_compile_error();
            quote!(#errors #item)
        }
    }
}

/// Both values, or every error of the two.
pub(crate) fn both<A, B>(a: syn::Result<A>, b: syn::Result<B>) -> syn::Result<(A, B)> {
    match (a, b) {
        (Ok(a), Ok(b)) => Ok((a, b)),
        (Err(mut errors), Err(error)) => {
            errors.combine(error);
            Err(errors)
        }
        (Err(errors), Ok(_)) | (Ok(_), Err(errors)) => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use quote::quote;
    use syn::ImplItemFn;

    use super::*;

    fn expand_on(adapter: Adapter, item: &TokenStream) -> ImplItemFn {
        syn::parse2(expand(adapter, &quote!("order:item"), item)).expect("a function")
    }

    fn injected(adapter: &str) -> FnArg {
        let krate = Ident::new(adapter, Span::call_site());
        let id = Literal::u64_suffixed(scopeguard_core::inventory::registry::requirement_id("order:item"));
        parse_quote!(_: ::#krate::__private::HandlerRequirement<#id>)
    }

    #[test]
    fn the_check_becomes_the_first_parameter_and_the_rest_stays() {
        let handler = quote! {
            /// Lists the items.
            #[get("/orders/{id}/items")]
            pub(crate) async fn items<T: Send>(Path(id): Path<u32>, Json(body): Json<T>) -> String where T: Sync {
                format!("{id}")
            }
        };
        let expanded = expand_on(Adapter::Axum, &handler);
        let original: ImplItemFn = syn::parse2(handler).expect("a function");
        assert_eq!(expanded.attrs, original.attrs);
        assert_eq!(expanded.vis, original.vis);
        assert_eq!(expanded.sig.ident, original.sig.ident);
        assert_eq!(expanded.sig.generics, original.sig.generics);
        assert_eq!(expanded.sig.output, original.sig.output);
        let inputs: Vec<_> = expanded.sig.inputs.iter().cloned().collect();
        let mut expected = vec![injected("scopeguard_axum")];
        expected.extend(original.sig.inputs.iter().cloned());
        assert_eq!(inputs, expected);
        assert_eq!(expanded.block.stmts[1..], original.block.stmts[..]);
    }

    #[test]
    fn a_method_keeps_self_first() {
        let expanded = expand_on(
            Adapter::Actix,
            &quote!(
                async fn items(&self, id: Path<u32>) -> String {
                    String::new()
                }
            ),
        );
        assert!(matches!(expanded.sig.inputs[0], FnArg::Receiver(_)));
        assert_eq!(expanded.sig.inputs[1], injected("scopeguard_actix"));
    }

    #[test]
    fn the_requirement_is_registered_in_the_body() {
        let expanded = expand_on(
            Adapter::Axum,
            &quote!(
                async fn items() {}
            ),
        );
        let registration = expanded.block.stmts[0].to_token_stream().to_string();
        assert!(
            registration.starts_with(":: scopeguard_axum :: __private :: inventory :: submit !"),
            "{registration}"
        );
        assert!(registration.contains("\"order:item\""), "{registration}");
        assert!(registration.contains("\"items\""), "{registration}");
    }

    #[test]
    fn on_error_the_item_is_left_as_written() {
        let item = quote!(
            fn items() {}
        );
        let expanded = expand(Adapter::Axum, &quote!("order:item"), &item).to_string();
        assert!(expanded.starts_with(":: core :: compile_error !"), "{expanded}");
        assert!(expanded.ends_with(&item.to_string()), "{expanded}");
    }
}
