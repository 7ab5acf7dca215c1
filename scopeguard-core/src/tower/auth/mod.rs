//! The authentication middleware.

mod head;
mod layer;
mod service;

pub use head::ExtensionReaders;
pub use layer::AuthLayer;
pub use service::AuthService;
