//! Requirements per gRPC method: a map from `/package.Service/Method` to
//! requirement, with a configured answer for methods it does not name.

mod layer;
mod service;

pub use layer::{MethodScopes, MethodScopesError, UnknownMethods};
pub use service::MethodScopesService;
