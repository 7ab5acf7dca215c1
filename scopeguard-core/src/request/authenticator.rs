//! The authentication step (SPEC §3.1, §4, §5), once for every framework.
//!
//! An [`Authenticator`] holds the validator, the bearer settings, the
//! denial renderer and the CORS preflight rule. [`Authenticator::begin`]
//! reads a request's head and says what to do with it:
//!
//! - [`Admission::Pass`]: let it through, after putting the [`Admitted`]
//!   value into its extensions (a CORS preflight, a request without
//!   credentials, or a token the validator already verified);
//! - [`Admission::Deny`]: answer at once (malformed credentials);
//! - [`Admission::Validate`]: run the [`PendingValidation`], then pass or
//!   deny.
//!
//! The tower [`AuthLayer`](crate::tower::AuthLayer) and the actix-web
//! authentication middleware only translate a request into
//! [`RequestHead`](super::RequestHead) and
//! [`ExtensionSink`](super::ExtensionSink), and a [`Denial`] into a
//! response.

use std::fmt;
use std::sync::Arc;

use super::authorization::{CorsPreflight, Denial};
use super::certificate_binding::{CertificateRead, bind_certificate, read_certificate};
use super::credentials::{Credentials, read_scheme_credentials};
use super::extensions::ExtensionSink;
use super::head::{RequestHead, is_cors_preflight};
use crate::AuthError;
use crate::Principal;
#[cfg(feature = "dpop")]
use crate::dpop::{DpopConfig, DpopMode, request_check::DpopRequest};
#[cfg(feature = "dpop")]
use crate::error::challenge::CredentialScheme;
use crate::error::challenge::{ChallengeConfig, ErrorBody};
use crate::error::{DenialRenderer, InvalidToken};
#[cfg(feature = "mtls")]
use crate::mtls::MtlsConfig;
use crate::request::bearer::BearerConfig;
use crate::validation::TokenValidator;

/// The authentication step: validator, bearer settings, denial renderer and
/// CORS preflight rule. Cheap to clone (the validator is shared).
///
/// ```
/// use scopeguard_core::request::{Admission, Authenticator};
/// use scopeguard_core::{AuthError, ChallengeConfig, Principal, TokenValidator};
/// use scopeguard_core::error::InvalidToken;
///
/// struct OneToken;
/// impl TokenValidator for OneToken {
///     async fn validate(&self, token: &str) -> Result<Principal, AuthError> {
///         match token {
///             "reader" => Ok(Principal::builder().sub("alice").build()),
///             _ => Err(InvalidToken::Malformed.into()),
///         }
///     }
/// }
///
/// let authenticator = Authenticator::new(OneToken)
///     .challenge(ChallengeConfig::builder().realm("inventory").build().unwrap());
///
/// let anonymous = http::Request::get("/items").body(()).unwrap();
/// assert!(matches!(authenticator.begin(&anonymous), Admission::Pass(admitted) if admitted.principal().is_none()));
///
/// let malformed = http::Request::get("/items").header("authorization", "Bearer a b").body(()).unwrap();
/// match authenticator.begin(&malformed) {
///     Admission::Deny(denial) => assert_eq!(denial.error().status(), 400),
///     _ => unreachable!(),
/// }
///
/// let bearer = http::Request::get("/items").header("authorization", "Bearer reader").body(()).unwrap();
/// let Admission::Validate(pending) = authenticator.begin(&bearer) else { unreachable!() };
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let admitted = pending.run().await.unwrap();
/// assert_eq!(admitted.principal().and_then(Principal::sub), Some("alice"));
/// # });
/// ```
#[must_use]
pub struct Authenticator<V> {
    validator: Arc<V>,
    bearer: BearerConfig,
    renderer: DenialRenderer,
    skip_cors_preflight: bool,
    #[cfg(feature = "dpop")]
    dpop: Option<Arc<DpopConfig>>,
    #[cfg(feature = "mtls")]
    mtls: Option<Arc<MtlsConfig>>,
}

impl<V: TokenValidator> Authenticator<V> {
    /// Validates tokens with `validator`.
    pub fn new(validator: V) -> Self {
        Self::from_shared(Arc::new(validator))
    }

    /// Validates tokens with a validator shared with other layers or
    /// extractors.
    pub fn from_shared(validator: Arc<V>) -> Self {
        Self {
            validator,
            bearer: BearerConfig::default(),
            renderer: DenialRenderer::default(),
            skip_cors_preflight: false,
            #[cfg(feature = "dpop")]
            dpop: None,
            #[cfg(feature = "mtls")]
            mtls: None,
        }
    }
}

impl<V> Authenticator<V> {
    /// Sets the realm and resource-metadata URL of challenges.
    pub fn challenge(mut self, challenge: ChallengeConfig) -> Self {
        let dpop = self.renderer.challenge().dpop().cloned();
        self.renderer = DenialRenderer::new(challenge.with_dpop(dpop));
        self
    }

    /// Sets how DPoP proofs are checked (SPEC §3.6): the mode, the proof
    /// settings, the replay store. Without it DPoP is off; a token bound
    /// to a key sent as `Bearer` is refused in every mode.
    #[cfg(feature = "dpop")]
    #[cfg_attr(docsrs, doc(cfg(feature = "dpop")))]
    pub fn dpop(mut self, dpop: DpopConfig) -> Self {
        self.renderer = self.renderer.with_dpop(dpop.challenge());
        self.dpop = Some(Arc::new(dpop));
        self
    }

    /// The DPoP settings, when DPoP is on.
    #[cfg(feature = "dpop")]
    #[cfg_attr(docsrs, doc(cfg(feature = "dpop")))]
    pub fn dpop_config(&self) -> Option<&DpopConfig> {
        self.dpop.as_deref().filter(|dpop| dpop.mode() != DpopMode::Off)
    }

    /// Sets where client certificates come from (SPEC §3.7): the TLS
    /// connection, or a trusted proxy's header. Tokens bound to a
    /// certificate (`cnf.x5t#S256`) are checked against it; without it
    /// they are refused.
    #[cfg(feature = "mtls")]
    #[cfg_attr(docsrs, doc(cfg(feature = "mtls")))]
    pub fn mtls(mut self, mtls: MtlsConfig) -> Self {
        self.mtls = Some(Arc::new(mtls));
        self
    }

    /// The mTLS settings, when set.
    #[cfg(feature = "mtls")]
    #[cfg_attr(docsrs, doc(cfg(feature = "mtls")))]
    pub fn mtls_config(&self) -> Option<&MtlsConfig> {
        self.mtls.as_deref()
    }

    /// The mTLS settings, for reading a request's certificate.
    #[cfg_attr(
        not(feature = "mtls"),
        allow(clippy::unused_self, reason = "same signature with the feature")
    )]
    fn mtls_settings(&self) -> Option<&MtlsSettings> {
        #[cfg(feature = "mtls")]
        {
            self.mtls.as_deref()
        }
        #[cfg(not(feature = "mtls"))]
        {
            None
        }
    }

    /// Replaces the body of every error response (status and challenge stay).
    pub fn error_body(mut self, body: impl ErrorBody + Send + Sync + 'static) -> Self {
        self.renderer = self.renderer.with_error_body(body);
        self
    }

    /// Sets how the bearer token is taken from the request.
    pub fn bearer(mut self, bearer: BearerConfig) -> Self {
        self.bearer = bearer;
        self
    }

    /// When `true`, CORS preflight requests (`OPTIONS` with
    /// `Access-Control-Request-Method`) pass on untouched, never challenged,
    /// and scope middleware further in lets them pass too (extractors still
    /// require a caller). Put a CORS layer outside to answer them.
    pub fn skip_cors_preflight(mut self, skip: bool) -> Self {
        self.skip_cors_preflight = skip;
        self
    }

    /// The validator.
    pub fn validator(&self) -> &Arc<V> {
        &self.validator
    }

    /// The renderer denials are answered with.
    pub fn renderer(&self) -> &DenialRenderer {
        &self.renderer
    }
}

impl<V: TokenValidator> Authenticator<V> {
    /// What to do with `request`: [`Admission`]. Reads the
    /// `Authorization` header (SPEC §3.1) and asks the validator whether it
    /// already verified the token ([`TokenValidator::cached`]), so a reused
    /// token passes without waiting.
    pub fn begin(&self, request: &(impl RequestHead + ?Sized)) -> Admission<V> {
        if self.skip_cors_preflight && is_cors_preflight(request) {
            return Admission::Pass(Admitted::new(Admittance::Preflight(self.renderer.clone())));
        }
        #[cfg(feature = "dpop")]
        let dpop = self.dpop.as_ref().filter(|dpop| dpop.mode() != DpopMode::Off);
        #[cfg(not(feature = "dpop"))]
        let dpop: Option<&()> = None;
        let values = request.header_values("authorization");
        let read = read_scheme_credentials(values, &self.bearer, &*self.validator, dpop.is_some());
        if read.dpop {
            #[cfg(feature = "dpop")]
            if let Some(dpop) = dpop {
                return self.begin_dpop(
                    read.credentials,
                    read.raw_token,
                    DpopRequest::read(dpop, request),
                    read_certificate(self.mtls_settings(), request),
                );
            }
        }
        let required = {
            #[cfg(feature = "dpop")]
            {
                dpop.is_some_and(|dpop| dpop.mode() == DpopMode::Required)
            }
            #[cfg(not(feature = "dpop"))]
            {
                false
            }
        };
        let deny = |error: AuthError| Admission::Deny(Denial::new(error, self.renderer.clone()));
        match read.credentials {
            Credentials::Absent => {
                Admission::Pass(Admitted::new(Admittance::Anonymous(self.renderer.clone())))
            }
            Credentials::Rejected(error) => deny(error),
            Credentials::Known(_) | Credentials::Unverified(_) if required => {
                deny(InvalidToken::DpopRequired.into())
            }
            Credentials::Known(principal) if principal.jkt().is_some() => {
                deny(InvalidToken::BoundTokenAsBearer.into())
            }
            Credentials::Known(principal) => {
                if principal.x5t_s256().is_some()
                    && let Err(error) =
                        bind_certificate(&read_certificate(self.mtls_settings(), request), &principal)
                {
                    return deny(error);
                }
                Admission::Pass(self.admit(principal))
            }
            Credentials::Unverified(token) => Admission::Validate(PendingValidation {
                validator: Arc::clone(&self.validator),
                token: token.as_str().to_owned(),
                known: None,
                renderer: self.renderer.clone(),
                #[cfg(feature = "dpop")]
                dpop: None,
                certificate: read_certificate(self.mtls_settings(), request),
            }),
        }
    }

    /// A request with the `DPoP` scheme: always validated, since its proof
    /// is checked on every request, even for a token the validator knows.
    #[cfg(feature = "dpop")]
    fn begin_dpop(
        &self,
        credentials: Credentials<'_>,
        raw_token: &[u8],
        dpop: DpopRequest,
        certificate: CertificateRead,
    ) -> Admission<V> {
        let renderer = self.renderer.clone().for_scheme(CredentialScheme::Dpop);
        let pending = |token: &[u8], known, certificate| {
            Admission::Validate(PendingValidation {
                validator: Arc::clone(&self.validator),
                // A token the validator knows passed the b64token check when
                // it was first seen, and an unverified one just did: ASCII.
                token: std::str::from_utf8(token).unwrap_or_default().to_owned(),
                known,
                renderer: renderer.clone(),
                dpop: Some(dpop),
                certificate,
            })
        };
        match credentials {
            Credentials::Rejected(error) => Admission::Deny(Denial::new(error, renderer)),
            Credentials::Known(principal) => pending(raw_token, Some(principal), certificate),
            Credentials::Unverified(token) => pending(token.as_str().as_bytes(), None, certificate),
            Credentials::Absent => {
                Admission::Pass(Admitted::new(Admittance::Anonymous(self.renderer.clone())))
            }
        }
    }

    fn admit(&self, principal: Principal) -> Admitted {
        Admitted::new(Admittance::Principal(
            principal.with_denial_renderer(self.renderer.clone()),
        ))
    }
}

/// The mTLS settings a request's certificate is read with.
#[cfg(feature = "mtls")]
type MtlsSettings = MtlsConfig;
/// Without the `mtls` feature there are none.
#[cfg(not(feature = "mtls"))]
type MtlsSettings = ();

impl<V> Clone for Authenticator<V> {
    fn clone(&self) -> Self {
        Self {
            validator: Arc::clone(&self.validator),
            bearer: self.bearer.clone(),
            renderer: self.renderer.clone(),
            skip_cors_preflight: self.skip_cors_preflight,
            #[cfg(feature = "dpop")]
            dpop: self.dpop.clone(),
            #[cfg(feature = "mtls")]
            mtls: self.mtls.clone(),
        }
    }
}

impl<V> fmt::Debug for Authenticator<V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Authenticator")
            .field("validator", &std::any::type_name::<V>())
            .field("bearer", &self.bearer)
            .field("renderer", &self.renderer)
            .field("skip_cors_preflight", &self.skip_cors_preflight)
            .finish_non_exhaustive()
    }
}

/// What [`Authenticator::begin`] decided for a request.
#[derive(Debug)]
#[must_use]
pub enum Admission<V> {
    /// Let the request through, after putting this into its extensions.
    Pass(Admitted),
    /// Answer the request at once with this denial.
    Deny(Denial),
    /// Validate the token first: [`PendingValidation::run`].
    Validate(PendingValidation<V>),
}

/// A request the authentication step lets through: what the scope checks
/// further in find in its extensions.
#[derive(Debug, Clone)]
#[must_use]
pub struct Admitted {
    admittance: Admittance,
    /// The next DPoP nonce, for the success's `DPoP-Nonce` header.
    dpop_nonce: Option<String>,
}

#[derive(Debug, Clone)]
enum Admittance {
    /// A CORS preflight let through untouched.
    Preflight(DenialRenderer),
    /// No credentials.
    Anonymous(DenialRenderer),
    /// A verified token's principal, carrying its layer's renderer.
    Principal(Principal),
}

impl Admitted {
    fn new(admittance: Admittance) -> Self {
        Self {
            admittance,
            dpop_nonce: None,
        }
    }

    /// The next DPoP server nonce, when the request's proof carried one
    /// from an earlier time step (SPEC §3.6): an adapter sends it in the
    /// success's `DPoP-Nonce` header
    /// ([`DPOP_NONCE`](crate::error::challenge::DPOP_NONCE)).
    pub fn dpop_nonce(&self) -> Option<&str> {
        self.dpop_nonce.as_deref()
    }

    /// The caller, when the request carried a verified token.
    pub fn principal(&self) -> Option<&Principal> {
        match &self.admittance {
            Admittance::Principal(principal) => Some(principal),
            Admittance::Preflight(_) | Admittance::Anonymous(_) => None,
        }
    }

    /// Puts what the scope checks further in read into the request's
    /// extensions: the principal (which carries the renderer), or the
    /// renderer alone, with the [`CorsPreflight`] mark for a preflight.
    pub fn insert_into(self, extensions: &mut (impl ExtensionSink + ?Sized)) {
        match self.admittance {
            Admittance::Principal(principal) => extensions.insert(principal),
            Admittance::Anonymous(renderer) => extensions.insert(renderer),
            Admittance::Preflight(renderer) => {
                extensions.insert(renderer);
                extensions.insert(CorsPreflight);
            }
        }
    }
}

/// A well-formed token waiting for [`TokenValidator::validate`], or for
/// its DPoP proof to be checked.
pub struct PendingValidation<V> {
    validator: Arc<V>,
    token: String,
    /// The principal of a token the validator knew already.
    known: Option<Principal>,
    renderer: DenialRenderer,
    #[cfg(feature = "dpop")]
    dpop: Option<DpopRequest>,
    /// The client certificate read of the request (SPEC §3.7).
    certificate: CertificateRead,
}

impl<V: TokenValidator> PendingValidation<V> {
    /// Validates the token: the principal to let through, or the denial
    /// (401 invalid token, 503 when it cannot be checked now).
    ///
    /// With the `DPoP` scheme: the proof's checks, then the token (unless
    /// the validator knew it), then the certificate binding, then the key
    /// binding and the replay check. A
    /// token bound to a key with the `Bearer` scheme is 401.
    pub async fn run(self) -> Result<Admitted, Denial> {
        let Self {
            validator,
            token,
            known,
            renderer,
            #[cfg(feature = "dpop")]
            dpop,
            certificate,
        } = self;
        let deny = |error: AuthError| Denial::new(error, renderer.clone());
        #[cfg(feature = "dpop")]
        let proof = match &dpop {
            Some(dpop) => Some(dpop.check(&token).map_err(deny)?),
            None => None,
        };
        let principal = match known {
            Some(principal) => principal,
            None => validator.validate_uncached(&token).await.map_err(deny)?,
        };
        // Both bindings of a token bound both ways must hold (SPEC §3.7).
        bind_certificate(&certificate, &principal).map_err(deny)?;
        let mut dpop_nonce = None;
        #[cfg(feature = "dpop")]
        if let (Some(dpop), Some(proof)) = (&dpop, proof) {
            dpop_nonce = dpop.bind_and_record(proof, &principal).await.map_err(deny)?;
            return Ok(Admitted {
                admittance: Admittance::Principal(principal.with_denial_renderer(renderer)),
                dpop_nonce,
            });
        }
        if principal.jkt().is_some() {
            return Err(deny(InvalidToken::BoundTokenAsBearer.into()));
        }
        Ok(Admitted {
            admittance: Admittance::Principal(principal.with_denial_renderer(renderer)),
            dpop_nonce: dpop_nonce.take(),
        })
    }
}

impl<V> fmt::Debug for PendingValidation<V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PendingValidation")
            .field("validator", &std::any::type_name::<V>())
            .field("token", &"<redacted>")
            .finish_non_exhaustive()
    }
}
