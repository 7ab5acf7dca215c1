//! Starting a demo: bind the listen address, start the development issuer
//! (or trust the configured provider), build the validator through the
//! network path, and print what the user can do.

use std::net::{SocketAddr, TcpListener};
use std::time::Duration;

use scopeguard_core::validation::jwt::{Algorithm, JwtValidator};
use scopeguard_core::validation::keys::JwksSource;

use super::config::{DemoConfig, TokenSource};
use super::error::DemoError;
use super::issuer::{DISCOVERY_PATH, DevIssuer};
use super::shipping::{SHIPPING_SCOPE, Shipping};
use super::walkthrough;

/// The algorithms the demo accepts: RS256/384/512, PS256/384/512,
/// ES256/384 and `EdDSA` (what the development issuer signs with).
pub const ALGORITHMS: [Algorithm; 9] = [
    Algorithm::RS256,
    Algorithm::RS384,
    Algorithm::RS512,
    Algorithm::PS256,
    Algorithm::PS384,
    Algorithm::PS512,
    Algorithm::ES256,
    Algorithm::ES384,
    Algorithm::EdDSA,
];

/// How long fetching the metadata or the key set may take.
const FETCH_TIMEOUT: Duration = Duration::from_secs(5);

/// A demo ready to serve: its bound listener and the validator of its
/// tokens, and the development issuer when there is one.
#[derive(Debug)]
pub struct Demo {
    /// The bound listen socket (blocking mode).
    pub listener: TcpListener,
    /// The address it is bound to.
    pub addr: SocketAddr,
    /// The validator of the API's tokens.
    pub validator: JwtValidator,
    /// The development issuer, when the demo runs one; it serves its keys
    /// for as long as it is kept.
    pub issuer: Option<DevIssuer>,
    /// The shipping API and its client, with the development issuer (whose
    /// token endpoint exchanges tokens for it).
    pub shipping: Option<Shipping>,
}

impl Demo {
    /// Binds `config.addr`, starts the development issuer unless a provider
    /// is configured, and builds the validator with keys fetched over HTTP:
    /// by discovery from the issuer, or from the configured JWKS URL.
    ///
    /// Must run inside the tokio runtime that serves the requests.
    pub async fn start(config: &DemoConfig) -> Result<Self, DemoError> {
        let listener = TcpListener::bind(config.addr).map_err(|source| DemoError::Bind {
            addr: config.addr,
            source,
        })?;
        let addr = listener.local_addr().map_err(DemoError::Serve)?;
        let (issuer, audience, jwks_url, dev) = match &config.tokens {
            TokenSource::Embedded => {
                let audience = format!("http://{addr}");
                let dev = DevIssuer::start(&audience).await?;
                (dev.url().to_owned(), audience, None, Some(dev))
            }
            TokenSource::Provider {
                issuer,
                audience,
                jwks_url,
            } => (issuer.clone(), audience.clone(), jwks_url.clone(), None),
        };
        let keys = match jwks_url {
            Some(url) => JwksSource::builder(url),
            None => JwksSource::discover(issuer.as_str()),
        };
        let keys = keys.timeout(FETCH_TIMEOUT).build().await?;
        let validator = JwtValidator::builder()
            .issuer(issuer.as_str(), keys)
            .audience(audience.as_str())
            .algorithms(ALGORITHMS)
            .build()?;
        tracing::info!(%issuer, %audience, "validating tokens");
        let shipping = match &dev {
            Some(dev) => Some(Shipping::start(dev.url()).await?),
            None => None,
        };
        Ok(Self {
            listener,
            addr,
            validator,
            issuer: dev,
            shipping,
        })
    }

    /// The API's root URL, `http://ADDR`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Prints on stdout what `title` (the demo's name) serves: with the
    /// development issuer, the walkthrough with fresh tokens; then the
    /// line `listening on http://ADDR`, last.
    #[allow(clippy::print_stdout)] // the walkthrough is the demo's output
    pub fn announce(&self, title: &str) {
        let base = self.base_url();
        println!("{title}: the inventory API at {base}");
        match &self.issuer {
            Some(dev) => {
                println!(
                    "Development issuer: {} (metadata at {}{DISCOVERY_PATH}); audience {base}",
                    dev.url(),
                    dev.url()
                );
                if let Some(shipping) = &self.shipping {
                    println!(
                        "Shipping API: {url} (audience {url}); GET {base}/orders/{{id}}/shipping/tracking calls it \
                         with the caller's token exchanged at the development issuer for {SHIPPING_SCOPE} only; \
                         its answer's `shipping.received` is what the shipping API received (sub, aud, scope)",
                        url = shipping.api.url()
                    );
                }
                println!("{}", walkthrough::render(&base, dev.issuer()));
            }
            None => println!("Tokens: from the configured provider (no tokens printed)"),
        }
        println!("listening on {base}");
    }
}
