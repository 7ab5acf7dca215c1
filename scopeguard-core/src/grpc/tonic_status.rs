//! Denials as `tonic::Status`, and the check behind `#[requires_scope_tonic]`.

use tonic::metadata::MetadataMap;
use tonic::{Code, Status};

use super::answer::GrpcDenial;
use super::code::GrpcCode;
use crate::request::Denial;

impl From<GrpcDenial> for Status {
    fn from(answer: GrpcDenial) -> Self {
        let code = match answer.code() {
            GrpcCode::InvalidArgument => Code::InvalidArgument,
            GrpcCode::PermissionDenied => Code::PermissionDenied,
            GrpcCode::Unavailable => Code::Unavailable,
            GrpcCode::Unauthenticated => Code::Unauthenticated,
            GrpcCode::Internal => Code::Internal,
        };
        let metadata = MetadataMap::from_headers(answer.metadata());
        Status::with_metadata(code, answer.message(), metadata)
    }
}

/// Logs `denial` and answers it as a [`Status`]: the code of SPEC §5, the
/// `error_description` as message, the challenge as `www-authenticate`
/// metadata.
///
/// ```
/// use scopeguard_core::AuthError;
/// use scopeguard_core::error::DenialRenderer;
/// use scopeguard_core::grpc::denial_status;
/// use scopeguard_core::request::Denial;
///
/// let status = denial_status(&Denial::new(AuthError::MissingCredentials, DenialRenderer::default()));
/// assert_eq!(status.code(), tonic::Code::Unauthenticated);
/// assert_eq!(status.metadata().get("www-authenticate").unwrap(), r#"Bearer realm="scopeguard""#);
/// ```
pub fn denial_status(denial: &Denial) -> Status {
    GrpcDenial::of(denial).into()
}

/// What the expansion of `#[requires_scope_tonic]` names. Not public API.
#[doc(hidden)]
pub mod __private {
    use std::future::Future;
    use std::pin::Pin;

    use tonic::Status;

    pub use crate::inventory::registry::{RegisteredRequirement, inventory};
    use crate::request::{RequestContext, admit_registered};

    /// A tonic call's extensions, with no path parameters.
    struct Call<'a>(&'a http::Extensions);

    impl RequestContext for Call<'_> {
        type Extensions = http::Extensions;
        type Params = ();

        fn extensions(&self) -> &http::Extensions {
            self.0
        }

        fn path_params(&mut self) {}
    }

    /// Checks the requirement registered under `id` for `request`.
    pub fn check_registered<T>(id: u64, request: &tonic::Request<T>) -> Result<(), Status> {
        admit_registered(id, &mut Call(request.extensions())).map_err(|denial| super::denial_status(&denial))
    }

    /// The boxed future of an `async_trait` method, or its denial.
    pub fn guarded<'a, T: Send + 'a>(
        check: Result<(), Status>,
        future: Pin<Box<dyn Future<Output = Result<T, Status>> + Send + 'a>>,
    ) -> Pin<Box<dyn Future<Output = Result<T, Status>> + Send + 'a>> {
        match check {
            Ok(()) => future,
            Err(status) => Box::pin(std::future::ready(Err(status))),
        }
    }
}
