//! The caller of a tonic call, from the request's extensions.

use tonic::Status;

use super::tonic_status::denial_status;
use crate::request::{ExtensionSource, authenticated, authorize_request};
use crate::{Principal, Requirement, error::DenialRenderer};

/// The [`Principal`] the [`AuthLayer`](crate::tower::AuthLayer) left in a
/// `tonic::Request` (tonic copies the HTTP request's extensions into it).
///
/// ```
/// use scopeguard_core::grpc::RequestPrincipal;
/// use scopeguard_core::Principal;
///
/// fn caller_name<T>(request: &tonic::Request<T>) -> Result<String, tonic::Status> {
///     let principal = request.caller()?;
///     Ok(principal.sub().unwrap_or("anonymous").to_owned())
/// }
///
/// let request = tonic::Request::new(());
/// assert!(request.principal().is_none());
/// // No authentication layer ran: a configuration error, never an allow.
/// assert_eq!(caller_name(&request).unwrap_err().code(), tonic::Code::Internal);
/// ```
pub trait RequestPrincipal {
    /// The caller, when the call carried a valid token.
    fn principal(&self) -> Option<&Principal>;

    /// The caller, or the denial as a [`Status`]: `UNAUTHENTICATED` without
    /// a token, `INTERNAL` when no authentication layer ran.
    fn caller(&self) -> Result<&Principal, Status>;

    /// The caller when it meets `requirement` (no template scopes), or the
    /// denial as a [`Status`] (`PERMISSION_DENIED` for missing scopes).
    fn require(&self, requirement: &Requirement) -> Result<&Principal, Status>;
}

impl<T> RequestPrincipal for tonic::Request<T> {
    fn principal(&self) -> Option<&Principal> {
        ExtensionSource::get::<Principal>(self.extensions())
    }

    fn caller(&self) -> Result<&Principal, Status> {
        let renderer = ExtensionSource::get::<DenialRenderer>(self.extensions());
        authenticated(renderer, self.principal()).map_err(|denial| denial_status(&denial))
    }

    fn require(&self, requirement: &Requirement) -> Result<&Principal, Status> {
        let renderer = ExtensionSource::get::<DenialRenderer>(self.extensions());
        authorize_request(renderer, self.principal(), requirement, &())
            .map_err(|denial| denial_status(&denial))
    }
}
