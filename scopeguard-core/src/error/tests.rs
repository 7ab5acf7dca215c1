//! The stable labels of every error kind, pinned (SPEC §4).

use std::collections::HashSet;

use super::*;

const RETRY: Duration = Duration::from_secs(1);

/// Every kind of error, one value of each.
fn every_error() -> Vec<AuthError> {
    use InvalidRequest as R;
    use InvalidToken as T;
    let requests = [
        R::EmptyToken,
        R::MalformedToken,
        R::MultipleAuthorizationHeaders,
        R::NonAsciiAuthorization,
        R::ConflictingCredentials,
    ];
    let tokens = [
        T::TooLarge,
        T::Malformed,
        T::AlgorithmNotAllowed,
        T::InvalidType,
        T::CriticalHeader,
        T::UnknownKey,
        T::AmbiguousKey,
        T::InvalidSignature,
        T::Expired,
        T::NotYetValid,
        T::IssuedInFuture,
        T::MissingClaim,
        T::InvalidClaim,
        T::InvalidIssuer,
        T::InvalidAudience,
        T::InvalidScopeClaim,
        T::Inactive,
    ];
    let mut errors = vec![AuthError::MissingCredentials];
    errors.extend(requests.map(AuthError::InvalidRequest));
    errors.extend(tokens.map(AuthError::InvalidToken));
    errors.extend([
        AuthError::Unavailable(Unavailable::KeySet { retry_after: RETRY }),
        AuthError::Unavailable(Unavailable::Introspection { retry_after: RETRY }),
        AuthError::Unavailable(Unavailable::TokenExchange { retry_after: RETRY }),
        AuthError::InsufficientScope { scope: None },
        AuthError::StepUpRequired(StepUpRequired {
            max_age: Some(300),
            acr_values: Vec::new(),
        }),
        AuthError::Misconfigured(Misconfiguration::MissingAuthLayer),
        AuthError::Misconfigured(Misconfiguration::MissingAccessToken),
        AuthError::Misconfigured(Misconfiguration::MissingPathParameter("tx".into())),
        AuthError::Misconfigured(Misconfiguration::UnresolvedRequirement {
            label: "unregistered_requirement",
            detail: "no requirement is registered under id 0x0000000000000007".into(),
        }),
    ]);
    errors
}

/// The stable labels, written out. The match is exhaustive (the enums
/// are not `non_exhaustive` inside the crate), so a new variant does not
/// compile until its label is pinned here.
fn pinned_label(error: &AuthError) -> &'static str {
    use InvalidRequest as R;
    use InvalidToken as T;
    match error {
        AuthError::MissingCredentials => "missing_token",
        AuthError::InvalidRequest(R::EmptyToken) => "empty_token",
        AuthError::InvalidRequest(R::MalformedToken) => "malformed_token",
        AuthError::InvalidRequest(R::MultipleAuthorizationHeaders) => "multiple_authorization_headers",
        AuthError::InvalidRequest(R::NonAsciiAuthorization) => "non_ascii_authorization",
        AuthError::InvalidRequest(R::ConflictingCredentials) => "conflicting_credentials",
        AuthError::InvalidToken(T::TooLarge) => "token_too_large",
        AuthError::InvalidToken(T::Malformed) => "malformed_jwt",
        AuthError::InvalidToken(T::AlgorithmNotAllowed) => "algorithm_not_allowed",
        AuthError::InvalidToken(T::InvalidType) => "invalid_type",
        AuthError::InvalidToken(T::CriticalHeader) => "critical_header",
        AuthError::InvalidToken(T::UnknownKey) => "unknown_key",
        AuthError::InvalidToken(T::AmbiguousKey) => "ambiguous_key",
        AuthError::InvalidToken(T::InvalidSignature) => "invalid_signature",
        AuthError::InvalidToken(T::Expired) => "expired",
        AuthError::InvalidToken(T::NotYetValid) => "not_yet_valid",
        AuthError::InvalidToken(T::IssuedInFuture) => "issued_in_future",
        AuthError::InvalidToken(T::MissingClaim) => "missing_claim",
        AuthError::InvalidToken(T::InvalidClaim) => "invalid_claim",
        AuthError::InvalidToken(T::InvalidIssuer) => "invalid_issuer",
        AuthError::InvalidToken(T::InvalidAudience) => "invalid_audience",
        AuthError::InvalidToken(T::InvalidScopeClaim) => "invalid_scope_claim",
        AuthError::InvalidToken(T::Inactive) => "inactive",
        AuthError::InvalidToken(T::BoundTokenAsBearer) => "bound_token_as_bearer",
        AuthError::InvalidToken(T::UnboundTokenAsDpop) => "unbound_token_as_dpop",
        AuthError::InvalidToken(T::KeyBindingMismatch) => "dpop_key_binding_mismatch",
        AuthError::InvalidToken(T::DpopRequired) => "dpop_required",
        AuthError::InvalidToken(T::CertificateMissing) => "certificate_missing",
        AuthError::InvalidToken(T::CertificateMismatch) => "certificate_mismatch",
        AuthError::InvalidToken(T::CertificateUnparsable) => "certificate_unparsable",
        AuthError::Unavailable(Unavailable::KeySet { .. }) => "key_set_unavailable",
        AuthError::Unavailable(Unavailable::Introspection { .. }) => "introspection_unavailable",
        AuthError::Unavailable(Unavailable::TokenExchange { .. }) => "token_exchange_unavailable",
        AuthError::Unavailable(Unavailable::ReplayStore { .. }) => "replay_store_unavailable",
        AuthError::InvalidDpopProof(proof) => proof.label(),
        AuthError::UseDpopNonce { .. } => "use_dpop_nonce",
        AuthError::InsufficientScope { .. } => "insufficient_scope",
        AuthError::StepUpRequired(_) => "insufficient_user_authentication",
        AuthError::Misconfigured(Misconfiguration::MissingAuthLayer) => "missing_auth_layer",
        AuthError::Misconfigured(Misconfiguration::MissingAccessToken) => "missing_access_token",
        AuthError::Misconfigured(Misconfiguration::MissingPathParameter(_)) => "missing_template_parameter",
        AuthError::Misconfigured(Misconfiguration::UnresolvedRequirement { label, .. }) => label,
    }
}

#[test]
fn every_variant_has_its_pinned_label() {
    let errors = every_error();
    for error in &errors {
        assert_eq!(error.label(), pinned_label(error), "{error:?}");
    }
    let labels: HashSet<_> = errors.iter().map(AuthError::label).collect();
    assert_eq!(
        labels.len(),
        errors.len(),
        "every variant is listed once and labels are distinct"
    );
    assert_eq!(errors.len(), 32, "the list holds every variant");
}

#[test]
fn the_inner_labels_are_the_outer_ones() {
    for error in every_error() {
        let inner = match &error {
            AuthError::InvalidRequest(reason) => reason.label(),
            AuthError::InvalidToken(reason) => reason.label(),
            AuthError::Unavailable(reason) => reason.label(),
            AuthError::Misconfigured(reason) => reason.label(),
            _ => continue,
        };
        assert_eq!(inner, error.label(), "{error:?}");
    }
}
