//! The authentication middleware.

mod layer;
mod service;

pub use layer::AuthLayer;
pub use service::AuthService;
