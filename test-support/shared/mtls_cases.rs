//! SPEC §3.7 as cases, run against an axum app and an actix app built the
//! same way, for each header format: identical expectations, so identical
//! answers.
//!
//! Both apps run DPoP in `Allowed` mode (the DPoP kit's realm and origin)
//! and mTLS with the certificate header [`HEADER`] in the format under
//! test, believed from [`PROXY`] only (one [`TrustedProxies`] list for
//! both), and require `order:item` on each path (one per mechanism).

#![allow(dead_code, unused_imports, reason = "each adapter's suite uses its own part")]

#[path = "dpop_kit.rs"]
mod dpop_kit;

use std::net::{IpAddr, Ipv4Addr};

use scopeguard_core::mtls::{CertificateHeaderFormat, MtlsConfig};
use scopeguard_core::request::TrustedProxies;
use scopeguard_core::test_util::TestCertificate;

pub(crate) use dpop_kit::{ALGS, Answer, Expect, Kit as DpopKit, ORIGIN, REALM};

/// The certificate header both apps read.
pub(crate) const HEADER: &str = "x-client-cert";
/// The trusted proxy.
pub(crate) const PROXY: IpAddr = IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1));
/// A peer that is not a proxy.
pub(crate) const CLIENT: IpAddr = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 7));
/// Every header format.
pub(crate) const FORMATS: [CertificateHeaderFormat; 3] = [
    CertificateHeaderFormat::Rfc9440,
    CertificateHeaderFormat::Xfcc,
    CertificateHeaderFormat::PemUrlEncoded,
];

const TOKEN: &str = "invalid_token";
const MISSING: &str = "the token is bound to a client certificate and none was presented";
const MISMATCH: &str = "the token is bound to another client certificate";
const UNPARSABLE: &str = "the client certificate cannot be parsed";

/// The trusted proxies of both features.
pub(crate) fn trusted_proxies() -> TrustedProxies {
    TrustedProxies::new([PROXY])
}

/// The mTLS settings of both apps for `format`.
pub(crate) fn mtls_config(format: CertificateHeaderFormat) -> MtlsConfig {
    MtlsConfig::builder()
        .certificate_header(HEADER, format)
        .trusted_proxies(trusted_proxies())
        .build()
        .expect("test fixture")
}

/// The issuer, the DPoP key and two client certificates of a run.
pub(crate) struct Kit {
    pub(crate) dpop: DpopKit,
    pub(crate) certificate: TestCertificate,
    pub(crate) other: TestCertificate,
}

impl Kit {
    pub(crate) fn new() -> Self {
        Self {
            dpop: DpopKit::new(),
            certificate: TestCertificate::generate("client.test"),
            other: TestCertificate::generate("other.test"),
        }
    }

    /// A token granting `scopes`, bound to the kit's certificate.
    pub(crate) fn bound_token(&self, scopes: &str) -> String {
        self.dpop
            .issuer
            .token()
            .scopes(scopes)
            .certificate_bound(&self.certificate)
            .sign()
    }
}

/// A request of a case: its TCP peer and headers.
#[derive(Debug)]
pub(crate) struct Request {
    pub(crate) peer: IpAddr,
    pub(crate) headers: Vec<(&'static str, String)>,
}

/// One sentence of SPEC §3.7: a request made for `path` with the header
/// format under test, and its answer.
pub(crate) struct Case {
    pub(crate) name: &'static str,
    pub(crate) request: fn(&Kit, CertificateHeaderFormat, &str) -> Request,
    pub(crate) expect: Expect,
}

fn bearer(token: &str) -> (&'static str, String) {
    ("authorization", format!("Bearer {token}"))
}

/// A value of `format` that cannot be parsed.
pub(crate) fn malformed(format: CertificateHeaderFormat) -> &'static str {
    match format {
        CertificateHeaderFormat::Rfc9440 => "not-a-byte-sequence",
        CertificateHeaderFormat::Xfcc => r#"By=spiffe://a;Cert="-----BEGIN"#,
        _ => "%zz-----BEGIN%20CERTIFICATE",
    }
}

fn from_proxy(token: &str, header: String) -> Request {
    Request {
        peer: PROXY,
        headers: vec![bearer(token), (HEADER, header)],
    }
}

/// Every case, on a `GET` of a route requiring `order:item`.
pub(crate) const CASES: &[Case] = &[
    Case {
        name: "a bound token with its certificate from the trusted proxy is accepted",
        request: |kit, format, _| {
            from_proxy(
                &kit.bound_token("order:item"),
                kit.certificate.header_value(format),
            )
        },
        expect: Expect::Allowed,
    },
    Case {
        name: "a bound token with another certificate is refused",
        request: |kit, format, _| from_proxy(&kit.bound_token("order:item"), kit.other.header_value(format)),
        expect: Expect::Bearer(401, TOKEN, MISMATCH),
    },
    Case {
        name: "a bound token without a certificate is refused",
        request: |kit, _, _| Request {
            peer: PROXY,
            headers: vec![bearer(&kit.bound_token("order:item"))],
        },
        expect: Expect::Bearer(401, TOKEN, MISSING),
    },
    Case {
        name: "the header from a peer that is not a trusted proxy is ignored",
        request: |kit, format, _| Request {
            peer: CLIENT,
            headers: vec![
                bearer(&kit.bound_token("order:item")),
                (HEADER, kit.certificate.header_value(format)),
            ],
        },
        expect: Expect::Bearer(401, TOKEN, MISSING),
    },
    Case {
        name: "a malformed header with a bound token is refused",
        request: |kit, format, _| from_proxy(&kit.bound_token("order:item"), malformed(format).to_owned()),
        expect: Expect::Bearer(401, TOKEN, UNPARSABLE),
    },
    Case {
        name: "a header holding bytes that are not a certificate is refused",
        request: |kit, format, _| {
            let value = match format {
                CertificateHeaderFormat::Rfc9440 => ":MAMCAQA=:".to_owned(),
                _ => kit.certificate.header_value(format).replace("MII", "AII"),
            };
            from_proxy(&kit.bound_token("order:item"), value)
        },
        expect: Expect::Bearer(401, TOKEN, UNPARSABLE),
    },
    Case {
        name: "an unbound token is unaffected by the certificate or its absence",
        request: |kit, format, _| {
            let token = kit.dpop.issuer.token().scopes("order:item").sign();
            from_proxy(&token, kit.other.header_value(format))
        },
        expect: Expect::Allowed,
    },
    Case {
        name: "an unbound token is unaffected by a malformed header",
        request: |kit, format, _| {
            let token = kit.dpop.issuer.token().scopes("order:item").sign();
            from_proxy(&token, malformed(format).to_owned())
        },
        expect: Expect::Allowed,
    },
    Case {
        name: "an x5t#S256 that is not a string matches no certificate",
        request: |kit, format, _| {
            let token = kit
                .dpop
                .issuer
                .token()
                .scopes("order:item")
                .claim("cnf", serde_json::json!({"x5t#S256": 7}))
                .sign();
            from_proxy(&token, kit.certificate.header_value(format))
        },
        expect: Expect::Bearer(401, TOKEN, MISMATCH),
    },
    Case {
        name: "a hex SHA-256 thumbprint is not the base64url one",
        request: |kit, format, _| {
            use base64::Engine as _;
            use std::fmt::Write as _;

            // The same SHA-256, written in hex instead of base64url.
            let sha256 = base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(kit.certificate.thumbprint())
                .expect("test fixture");
            let hex = sha256.iter().fold(String::new(), |mut hex, byte| {
                let _ = write!(hex, "{byte:02x}");
                hex
            });
            let token = kit
                .dpop
                .issuer
                .token()
                .scopes("order:item")
                .claim("cnf", serde_json::json!({"x5t#S256": hex}))
                .sign();
            from_proxy(&token, kit.certificate.header_value(format))
        },
        expect: Expect::Bearer(401, TOKEN, MISMATCH),
    },
    Case {
        name: "a bound token with its certificate but without the scope is 403",
        request: |kit, format, _| {
            from_proxy(
                &kit.bound_token("order:read"),
                kit.certificate.header_value(format),
            )
        },
        expect: Expect::BearerInsufficientScope,
    },
    Case {
        name: "a token bound both ways with its proof and its certificate is accepted",
        request: |kit, format, path| both_ways(kit, path, kit.certificate.header_value(format), true),
        expect: Expect::Allowed,
    },
    Case {
        name: "a token bound both ways with its proof and another certificate is refused",
        request: |kit, format, path| both_ways(kit, path, kit.other.header_value(format), true),
        expect: Expect::Dpop(401, TOKEN, MISMATCH),
    },
    Case {
        name: "a token bound both ways with its certificate but no proof is refused",
        request: |kit, format, path| both_ways(kit, path, kit.certificate.header_value(format), false),
        expect: Expect::Bearer(
            401,
            TOKEN,
            "the token is bound to a key and must be sent with the DPoP scheme",
        ),
    },
];

/// A token bound to the kit's DPoP key and certificate, sent with the
/// certificate header `certificate` and, when `proof`, with the `DPoP`
/// scheme and a valid proof (else as `Bearer`).
fn both_ways(kit: &Kit, path: &str, certificate: String, proof: bool) -> Request {
    let token = kit
        .dpop
        .issuer
        .token()
        .scopes("order:item")
        .dpop_bound(&kit.dpop.key)
        .certificate_bound(&kit.certificate)
        .sign();
    let mut headers = vec![(HEADER, certificate)];
    if proof {
        headers.push(("authorization", format!("DPoP {token}")));
        headers.push(("dpop", kit.dpop.proof("GET", path, &token).sign()));
    } else {
        headers.push(bearer(&token));
    }
    Request { peer: PROXY, headers }
}

/// XFCC with several hops: the nearest hop's element (the last) counts,
/// quoted values may hold `,` and `;`.
pub(crate) const XFCC_CASES: &[Case] = &[
    Case {
        name: "XFCC: the nearest hop's certificate is the client's",
        request: |kit, format, _| {
            let far = kit.other.header_value(format);
            let near = kit.certificate.header_value(format);
            from_proxy(&kit.bound_token("order:item"), format!("{far},{near}"))
        },
        expect: Expect::Allowed,
    },
    Case {
        name: "XFCC: a farther hop's certificate is not the client's",
        request: |kit, format, _| {
            let far = kit.certificate.header_value(format);
            let near = kit.other.header_value(format);
            from_proxy(&kit.bound_token("order:item"), format!("{far},{near}"))
        },
        expect: Expect::Bearer(401, TOKEN, MISMATCH),
    },
    Case {
        name: "XFCC: two field lines are one list, the last line's element counts",
        request: |kit, format, _| {
            let mut request = from_proxy(&kit.bound_token("order:item"), kit.other.header_value(format));
            request
                .headers
                .push((HEADER, kit.certificate.header_value(format)));
            request
        },
        expect: Expect::Allowed,
    },
    Case {
        name: "XFCC: the nearest hop without Cert means no certificate",
        request: |kit, format, _| {
            let far = kit.certificate.header_value(format);
            from_proxy(
                &kit.bound_token("order:item"),
                format!(r#"{far},By=spiffe://near;Subject="CN=x, y; z""#),
            )
        },
        expect: Expect::Bearer(401, TOKEN, MISSING),
    },
];
