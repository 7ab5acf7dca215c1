//! Serving TLS with client certificates (SPEC §3.7) for the `mtls-axum` and
//! `mtls-actix` examples: the rustls server settings, and the client's
//! certificate handed to the authentication step.
//!
//! Clients authenticate with self-signed certificates (RFC 8705 §2.2): the
//! handshake proves the client holds the certificate's key, and the token's
//! `cnf.x5t#S256` says which certificate it must be. No certificate
//! authority is involved, so [`AnyClientCertificate`] accepts any
//! certificate whose key signs the handshake, and a client may connect
//! without one (its certificate-bound tokens are then refused with 401).

use std::fmt;
use std::sync::Arc;

use rustls::client::danger::HandshakeSignatureValid;
use rustls::crypto::{CryptoProvider, verify_tls12_signature, verify_tls13_signature};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, UnixTime};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::{DigitallySignedStruct, DistinguishedName, ServerConfig, SignatureScheme};
use scopeguard_core::request::PeerCertificate;

/// `SCOPEGUARD_TLS_CERT`: the server's certificate chain, PEM.
pub const TLS_CERT: &str = "SCOPEGUARD_TLS_CERT";
/// `SCOPEGUARD_TLS_KEY`: the server's private key, PEM (PKCS#8).
pub const TLS_KEY: &str = "SCOPEGUARD_TLS_KEY";

/// Accepts any client certificate whose key signs the handshake, and
/// clients without one.
pub struct AnyClientCertificate {
    provider: Arc<CryptoProvider>,
}

impl AnyClientCertificate {
    /// With the algorithms of `provider`.
    pub fn new(provider: Arc<CryptoProvider>) -> Self {
        Self { provider }
    }
}

impl fmt::Debug for AnyClientCertificate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AnyClientCertificate").finish_non_exhaustive()
    }
}

impl ClientCertVerifier for AnyClientCertificate {
    fn client_auth_mandatory(&self) -> bool {
        false
    }

    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        &[]
    }

    fn verify_client_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _now: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        Ok(ClientCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// The rustls settings of a server with certificate `chain` and `key`,
/// asking clients for a certificate (HTTP/1.1 only).
pub fn server_config(
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
) -> Result<ServerConfig, rustls::Error> {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut config = ServerConfig::builder_with_provider(Arc::clone(&provider))
        .with_safe_default_protocol_versions()?
        .with_client_cert_verifier(Arc::new(AnyClientCertificate::new(provider)))
        .with_single_cert(chain, key)?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

/// The server certificate and key named by [`TLS_CERT`] and [`TLS_KEY`],
/// or, when neither is set, a fresh self-signed one for `localhost`.
pub fn server_identity() -> Result<(Vec<CertificateDer<'static>>, PrivateKeyDer<'static>), String> {
    use rustls::pki_types::pem::PemObject as _;

    let var = |name: &str| std::env::var(name).ok().filter(|value| !value.is_empty());
    match (var(TLS_CERT), var(TLS_KEY)) {
        (Some(cert), Some(key)) => {
            let chain = CertificateDer::pem_file_iter(&cert)
                .and_then(Iterator::collect::<Result<Vec<_>, _>>)
                .map_err(|error| format!("{TLS_CERT}: {error}"))?;
            let key = PrivateKeyDer::from_pem_file(&key).map_err(|error| format!("{TLS_KEY}: {error}"))?;
            Ok((chain, key))
        }
        (None, None) => {
            let certificate = scopeguard_core::test_util::TestCertificate::generate("localhost");
            tracing::warn!(
                "no {TLS_CERT} / {TLS_KEY}: serving a fresh self-signed certificate for localhost"
            );
            let key = PrivateKeyDer::try_from(certificate.private_key_der().to_vec())
                .map_err(|error| format!("the generated key: {error}"))?;
            Ok((vec![CertificateDer::from(certificate.der().to_vec())], key))
        }
        _ => Err(format!("{TLS_CERT} and {TLS_KEY} go together")),
    }
}

/// The client's certificate on `connection` (the end-entity one), if it
/// sent one.
pub fn peer_certificate(connection: &rustls::ServerConnection) -> Option<PeerCertificate> {
    connection
        .peer_certificates()
        .and_then(<[CertificateDer<'_>]>::first)
        .map(|der| PeerCertificate::new(der.as_ref()))
}
