//! The scope-check middleware.

mod layer;
mod service;

pub use layer::RequireScope;
pub use service::RequireScopeService;
