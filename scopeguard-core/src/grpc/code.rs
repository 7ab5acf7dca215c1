//! The gRPC status code of each denial (SPEC §5).

use crate::AuthError;

/// The gRPC status code a denial is answered with, from its SPEC §4 HTTP
/// status: 400 → `INVALID_ARGUMENT`, 401 → `UNAUTHENTICATED`, 403 →
/// `PERMISSION_DENIED`, 503 → `UNAVAILABLE`, anything else → `INTERNAL`.
///
/// ```
/// use scopeguard_core::AuthError;
/// use scopeguard_core::grpc::GrpcCode;
///
/// assert_eq!(GrpcCode::of(&AuthError::MissingCredentials), GrpcCode::Unauthenticated);
/// assert_eq!(GrpcCode::Unauthenticated.as_u16(), 16);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum GrpcCode {
    /// 3: malformed credentials (HTTP 400).
    InvalidArgument,
    /// 7: the token lacks a required scope (HTTP 403).
    PermissionDenied,
    /// 13: a server-side configuration error (HTTP 500).
    Internal,
    /// 14: the token cannot be checked now (HTTP 503).
    Unavailable,
    /// 16: no credentials, an invalid or expired token, or step-up needed
    /// (HTTP 401).
    Unauthenticated,
}

impl GrpcCode {
    /// The code of `error`'s answer.
    pub fn of(error: &AuthError) -> Self {
        match error.status() {
            400 => Self::InvalidArgument,
            401 => Self::Unauthenticated,
            403 => Self::PermissionDenied,
            503 => Self::Unavailable,
            // 500, and any status a future denial may have: never an OK.
            _ => Self::Internal,
        }
    }

    /// The number sent as `grpc-status`.
    pub const fn as_u16(self) -> u16 {
        match self {
            Self::InvalidArgument => 3,
            Self::PermissionDenied => 7,
            Self::Internal => 13,
            Self::Unavailable => 14,
            Self::Unauthenticated => 16,
        }
    }
}
