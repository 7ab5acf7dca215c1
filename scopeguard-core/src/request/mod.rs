//! Request handling, once for every framework (SPEC §3.1, §4, §5).
//!
//! This module is for adapter authors: the tower layers, the axum and
//! actix-web adapters (and any other framework's) are translations around
//! it. Users of an adapter do not need it.
//!
//! - [`Authenticator`]: the authentication step. [`Authenticator::begin`]
//!   reads a request's [`RequestHead`] and answers pass, deny or validate;
//!   what passes goes into the request's extensions ([`ExtensionSink`]).
//! - [`ScopeCheck`]: the scope check of middleware, with the CORS
//!   preflight rule.
//! - [`admit`], [`admit_caller`], [`admit_optional`], [`admit_registered`],
//!   [`route_matches`]: the one call of each extractor, the macro and route
//!   guards, over a [`RequestContext`].
//! - Below them: [`read_credentials`] (the `Authorization` header and the
//!   verified-token cache), [`authorize_request`] and [`authenticated`]
//!   (the checks over what the authentication step left), [`Denial`] (an
//!   answer to render), [`layer_renderer`] and [`CorsPreflight`].
//!
//! Every decision (is this token valid, does it meet this requirement, what
//! does the answer say) is made here or below; an adapter converts its
//! request into these traits and a [`Denial`] into
//! its response type, and nothing else.

mod admission;
mod authenticator;
mod authorization;
pub mod bearer;
mod certificate_binding;
mod credentials;
mod extensions;
mod extractor_types;
mod head;
mod peer_certificate;
mod scope_check;
mod trusted_proxies;

pub use admission::{RequestContext, admit, admit_caller, admit_optional, admit_registered, route_matches};
pub use authenticator::{Admission, Admitted, Authenticator, PendingValidation};
pub use authorization::{CorsPreflight, Denial, authenticated, authorize_request, layer_renderer};
pub use credentials::{Credentials, read_credentials};
pub use extensions::{ExtensionSink, ExtensionSource};
pub use head::{RequestHead, is_cors_preflight};
pub use peer_certificate::PeerCertificate;
pub use scope_check::ScopeCheck;
pub use trusted_proxies::TrustedProxies;
