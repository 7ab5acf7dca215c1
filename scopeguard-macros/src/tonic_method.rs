//! `#[requires_scope_tonic]`: the check at the start of a tonic service
//! method.
//!
//! A tonic service method takes `request: tonic::Request<T>` and returns
//! `Result<tonic::Response<U>, tonic::Status>`; the check reads the
//! principal from the request's extensions and answers a denial as a
//! `tonic::Status` (`scopeguard_core::grpc::denial_status`). Two shapes are
//! protected:
//!
//! - an `async fn` (a method written without `#[tonic::async_trait]`, or the
//!   attribute expanded before it): the check is the first statement and
//!   returns the status;
//! - the `fn` that `#[tonic::async_trait]` leaves when it runs first (the
//!   usual case: it is the outer attribute, on the `impl`), returning a
//!   boxed future: the check runs when the method is called, and a denial
//!   replaces the future with one answering the status.
//!
//! The request parameter is found by its type, whose last segment is
//! `Request` (`tonic::Request<T>` or an imported `Request<T>`), and must be
//! bound to a name.

use proc_macro2::{Literal, Span, TokenStream};
use quote::{ToTokens, quote};
use syn::{FnArg, Ident, ItemFn, Pat, ReturnType, Stmt, Type, parse_quote};

use crate::arguments::Arguments;
use crate::handler::both;
use crate::requirement::{Declared, declare};

/// The shape of a method, and the name of its request.
pub(crate) struct TonicMethod {
    handler: ItemFn,
    request: Ident,
    boxed: bool,
}

/// Checks that `handler` is a tonic service method this attribute can
/// protect.
pub(crate) fn tonic_method(handler: ItemFn) -> syn::Result<TonicMethod> {
    let boxed = match (&handler.sig.asyncness, &handler.sig.output) {
        (Some(_), _) => false,
        (None, ReturnType::Type(_, output)) if is_boxed_future(output) => true,
        (None, _) => {
            return Err(syn::Error::new_spanned(
                handler.sig.fn_token,
                "`#[requires_scope_tonic]` needs an `async fn` tonic service method",
            ));
        }
    };
    let request = handler
        .sig
        .inputs
        .iter()
        .find_map(|input| match input {
            FnArg::Typed(typed) if is_request(&typed.ty) => Some(&*typed.pat),
            _ => None,
        })
        .ok_or_else(|| {
            syn::Error::new_spanned(
                &handler.sig,
                "`#[requires_scope_tonic]` needs the method's `request: tonic::Request<T>` parameter",
            )
        })?;
    let request = match request {
        Pat::Ident(binding) => binding.ident.clone(),
        other => {
            return Err(syn::Error::new_spanned(
                other,
                "`#[requires_scope_tonic]` reads the request by name: bind it as `request: tonic::Request<T>`",
            ));
        }
    };
    Ok(TonicMethod {
        handler,
        request,
        boxed,
    })
}

/// `Request<...>` or `a::path::Request<...>`.
fn is_request(ty: &Type) -> bool {
    matches!(ty, Type::Path(path) if path.path.segments.last().is_some_and(|last| last.ident == "Request"))
}

/// `Pin<Box<...>>`, as `async_trait` writes it.
fn is_boxed_future(ty: &Type) -> bool {
    matches!(ty, Type::Path(path) if path.path.segments.last().is_some_and(|last| last.ident == "Pin"))
}

impl TonicMethod {
    /// Adds the check and the registration.
    pub(crate) fn protect(self, declared: &Declared) -> TokenStream {
        let Self {
            mut handler,
            request,
            boxed,
        } = self;
        let id = Literal::u64_suffixed(declared.id);
        let private = quote!(::scopeguard_core::grpc::__private);
        let name = Literal::string(&handler.sig.ident.to_string());
        let text = &declared.text;
        let registration: Stmt = parse_quote! {
            #private::inventory::submit! {
                #private::RegisteredRequirement::new(
                    #id,
                    #text,
                    ::core::concat!(::core::module_path!(), "::", #name),
                )
            }
        };
        let check = quote!(#private::check_registered(#id, &#request));
        if boxed {
            let body = &handler.block;
            handler.block = parse_quote!({
                #registration
                #private::guarded(#check, #body)
            });
        } else {
            let guard: Stmt = parse_quote! {
                if let ::core::result::Result::Err(status) = #check {
                    return ::core::result::Result::Err(status);
                }
            };
            handler.block.stmts.splice(0..0, [registration, guard]);
        }
        handler.into_token_stream()
    }
}

/// The error of a requirement with a template scope: a gRPC call has no
/// path parameter to fill it with.
pub(crate) fn no_templates(declared: &Declared, arguments: &TokenStream) -> syn::Result<()> {
    let has_templates = scopeguard_core::Requirement::parse(&declared.text)
        .is_ok_and(|requirement| requirement.has_templates());
    if has_templates {
        return Err(syn::Error::new_spanned(
            arguments,
            "a tonic method has no path parameters: `#[requires_scope_tonic]` takes no template scope",
        ));
    }
    Ok(())
}

/// The expansion of `#[requires_scope_tonic(arguments)] item`; on error,
/// the errors and the item unchanged.
pub(crate) fn expand_tonic(arguments: &TokenStream, item: &TokenStream) -> TokenStream {
    let declared = syn::parse2::<Arguments>(arguments.clone())
        .and_then(|parsed| declare(&parsed, arguments))
        .and_then(|declared| no_templates(&declared, arguments).map(|()| declared));
    let method = syn::parse2::<ItemFn>(item.clone())
        .map_err(|_| {
            syn::Error::new(
                Span::call_site(),
                "`#[requires_scope_tonic]` goes on an `async fn` tonic service method",
            )
        })
        .and_then(tonic_method);
    match both(declared, method) {
        Ok((declared, method)) => method.protect(&declared),
        Err(errors) => {
            let errors = errors.to_compile_error();
            quote!(#errors #item)
        }
    }
}

#[cfg(test)]
mod tests {
    use quote::quote;
    use syn::ImplItemFn;

    use super::*;

    fn expanded(item: &TokenStream) -> ImplItemFn {
        syn::parse2(expand_tonic(&quote!("order:item"), item)).expect("a method")
    }

    #[test]
    fn an_async_method_checks_its_request_first_and_keeps_its_signature() {
        let method = quote! {
            async fn items(&self, call: tonic::Request<Empty>) -> Result<tonic::Response<Items>, tonic::Status> {
                Ok(tonic::Response::new(Items::default()))
            }
        };
        let original: ImplItemFn = syn::parse2(method.clone()).expect("a method");
        let expanded = expanded(&method);
        assert_eq!(expanded.sig, original.sig);
        let guard = expanded.block.stmts[1].to_token_stream().to_string();
        assert!(guard.contains("check_registered"), "{guard}");
        assert!(guard.contains("& call"), "{guard}");
        assert!(
            guard.contains("return :: core :: result :: Result :: Err (status)"),
            "{guard}"
        );
        assert_eq!(expanded.block.stmts[2..], original.block.stmts[..]);
    }

    #[test]
    fn an_async_trait_method_has_its_boxed_future_guarded() {
        let method = quote! {
            fn items<'life0, 'async_trait>(&'life0 self, request: Request<Empty>)
                -> ::core::pin::Pin<Box<dyn ::core::future::Future<Output = Result<Response<Items>, Status>> + ::core::marker::Send + 'async_trait>>
            {
                Box::pin(async move { Ok(Response::new(Items::default())) })
            }
        };
        let original: ImplItemFn = syn::parse2(method.clone()).expect("a method");
        let expanded = expanded(&method);
        assert_eq!(expanded.sig, original.sig);
        let body = expanded.block.stmts[1].to_token_stream().to_string();
        assert!(
            body.starts_with(":: scopeguard_core :: grpc :: __private :: guarded ("),
            "{body}"
        );
        assert!(body.contains("check_registered"), "{body}");
        assert!(body.contains("Box :: pin (async move"), "{body}");
    }
}
