//! SPEC §3.6 as cases, run against an axum app and an actix app built the
//! same way, through every mechanism: identical expectations, so identical
//! answers.
//!
//! Both apps run DPoP in `Allowed` mode with realm `dpop`, the public
//! origin [`ORIGIN`] and the default proof settings, and require
//! `order:item` on each path of [`Kit::paths`] (one per mechanism). Every
//! case mints its own token and proof with the test kit, sends them, and
//! names the exact answer.

#![allow(dead_code, unused_imports, reason = "each adapter's suite uses its own part")]

#[path = "dpop_kit.rs"]
mod dpop_kit;

use scopeguard_core::test_util::{DpopKey, DpopProofBuilder};
use serde_json::json;

pub(crate) use dpop_kit::{ALGS, Answer, Case, Expect, Kit, ORIGIN, REALM};

const PROOF: &str = "invalid_dpop_proof";
const TOKEN: &str = "invalid_token";

fn dpop(token: &str, proof: String) -> Vec<(&'static str, String)> {
    vec![("authorization", format!("DPoP {token}")), ("dpop", proof)]
}

/// A request with a bound token and a proof the kit changed with `change`.
fn with_proof(
    kit: &Kit,
    path: &str,
    change: impl FnOnce(DpopProofBuilder) -> DpopProofBuilder,
) -> Vec<(&'static str, String)> {
    let token = kit.bound_token();
    let proof = change(kit.proof("GET", path, &token)).sign();
    dpop(&token, proof)
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("test fixture")
        .as_secs()
}

/// Every case, on a `GET` of a route requiring `order:item`.
pub(crate) const CASES: &[Case] = &[
    Case {
        name: "a bound token with a valid proof is accepted",
        request: |kit, path| with_proof(kit, path, |proof| proof),
        expect: Expect::Allowed,
    },
    Case {
        name: "an EdDSA proof with its own bound token is accepted",
        request: |kit, path| {
            let token = kit
                .issuer
                .token()
                .scopes("order:item")
                .dpop_bound(&kit.other_key)
                .sign();
            dpop(
                &token,
                kit.other_key
                    .proof("GET", &format!("{ORIGIN}{path}"), &token)
                    .sign(),
            )
        },
        expect: Expect::Allowed,
    },
    Case {
        name: "a PS256 proof from a 2048-bit RSA key is accepted",
        request: |kit, path| {
            let rsa = DpopKey::generate(jsonwebtoken::Algorithm::PS256).expect("an RSA key");
            let token = kit.issuer.token().scopes("order:item").dpop_bound(&rsa).sign();
            dpop(
                &token,
                rsa.proof("GET", &format!("{ORIGIN}{path}"), &token).sign(),
            )
        },
        expect: Expect::Allowed,
    },
    Case {
        name: "a bound token sent as Bearer is refused",
        request: |kit, _| vec![("authorization", format!("Bearer {}", kit.bound_token()))],
        expect: Expect::Bearer(
            401,
            TOKEN,
            "the token is bound to a key and must be sent with the DPoP scheme",
        ),
    },
    Case {
        name: "an unbound token sent with the DPoP scheme is refused",
        request: |kit, path| {
            let token = kit.issuer.token().scopes("order:item").sign();
            dpop(&token, kit.proof("GET", path, &token).sign())
        },
        expect: Expect::Dpop(401, TOKEN, "the token is not bound to a key"),
    },
    Case {
        name: "a token bound to another key is refused",
        request: |kit, path| {
            let token = kit
                .issuer
                .token()
                .scopes("order:item")
                .dpop_bound(&kit.other_key)
                .sign();
            dpop(&token, kit.proof("GET", path, &token).sign())
        },
        expect: Expect::Dpop(401, TOKEN, "the token is bound to another key"),
    },
    Case {
        name: "extra cnf members are ignored",
        request: |kit, path| {
            // `x5t#S256` is a binding too (SPEC §3.7): `kid` and `jku` are not.
            let cnf = json!({"jkt": kit.key.thumbprint(), "kid": "ignored-here", "jku": "https://keys.test"});
            let token = kit.issuer.token().scopes("order:item").claim("cnf", cnf).sign();
            dpop(&token, kit.proof("GET", path, &token).sign())
        },
        expect: Expect::Allowed,
    },
    Case {
        name: "a token bound to a key and a certificate needs the certificate too",
        request: |kit, path| {
            let cnf = json!({"jkt": kit.key.thumbprint(), "x5t#S256": "bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2"});
            let token = kit.issuer.token().scopes("order:item").claim("cnf", cnf).sign();
            dpop(&token, kit.proof("GET", path, &token).sign())
        },
        expect: Expect::Dpop(
            401,
            TOKEN,
            "the token is bound to a client certificate and none was presented",
        ),
    },
    Case {
        name: "a DPoP request without a proof is refused",
        request: |kit, _| vec![("authorization", format!("DPoP {}", kit.bound_token()))],
        expect: Expect::Dpop(401, PROOF, "the request has no DPoP proof"),
    },
    Case {
        name: "two DPoP headers are refused",
        request: |kit, path| {
            let token = kit.bound_token();
            let mut headers = dpop(&token, kit.proof("GET", path, &token).sign());
            headers.push(("dpop", kit.proof("GET", path, &token).sign()));
            headers
        },
        expect: Expect::Dpop(401, PROOF, "the request has more than one DPoP proof"),
    },
    Case {
        name: "comma-joined proofs are refused",
        request: |kit, path| {
            let token = kit.bound_token();
            let (first, second) = (
                kit.proof("GET", path, &token).sign(),
                kit.proof("GET", path, &token).sign(),
            );
            dpop(&token, format!("{first}, {second}"))
        },
        expect: Expect::Dpop(401, PROOF, "the request has more than one DPoP proof"),
    },
    Case {
        name: "Bearer and DPoP Authorization headers together are a bad request",
        request: |kit, path| {
            let token = kit.bound_token();
            let mut headers = dpop(&token, kit.proof("GET", path, &token).sign());
            headers.push(("authorization", format!("Bearer {token}")));
            headers
        },
        expect: Expect::Bearer(
            400,
            "invalid_request",
            "the request carries more than one kind of credentials",
        ),
    },
    Case {
        name: "a proof that is not a compact JWS is refused",
        request: |kit, _| dpop(&kit.bound_token(), "eyJhbGciOiJFUzI1NiJ9.e30".to_owned()),
        expect: Expect::Dpop(401, PROOF, "the DPoP proof is not a compact JWS"),
    },
    Case {
        name: "a proof whose typ is not dpop+jwt is refused",
        request: |kit, path| with_proof(kit, path, |proof| proof.typ("jwt")),
        expect: Expect::Dpop(401, PROOF, "the DPoP proof's typ is not dpop+jwt"),
    },
    Case {
        name: "typ is compared case-insensitively",
        request: |kit, path| with_proof(kit, path, |proof| proof.typ("DPoP+JWT")),
        expect: Expect::Allowed,
    },
    Case {
        name: "an HMAC proof is refused",
        request: |kit, path| with_proof(kit, path, |proof| proof.hmac(b"a shared secret of some length")),
        expect: Expect::Dpop(401, PROOF, "the DPoP proof's algorithm is not allowed"),
    },
    Case {
        name: "an unsigned (alg none) proof is refused",
        request: |kit, path| with_proof(kit, path, DpopProofBuilder::unsigned),
        expect: Expect::Dpop(401, PROOF, "the DPoP proof's algorithm is not allowed"),
    },
    Case {
        name: "an alg outside the allowlist is refused",
        request: |kit, path| with_proof(kit, path, |proof| proof.alg("RS512")),
        expect: Expect::Dpop(401, PROOF, "the DPoP proof's algorithm is not allowed"),
    },
    Case {
        name: "a jwk of a type that does not fit alg is refused",
        request: |kit, path| with_proof(kit, path, |proof| proof.alg("ES384")),
        expect: Expect::Dpop(401, PROOF, "the DPoP proof's jwk is not an acceptable public key"),
    },
    Case {
        name: "a jwk with private members is refused",
        request: |kit, path| {
            let mut jwk = kit.key.public_jwk().clone();
            jwk.insert("d".into(), json!("jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI"));
            with_proof(kit, path, |proof| proof.jwk(serde_json::Value::Object(jwk)))
        },
        expect: Expect::Dpop(401, PROOF, "the DPoP proof's jwk is not an acceptable public key"),
    },
    Case {
        name: "a proof without a jwk is refused",
        request: |kit, path| with_proof(kit, path, |proof| proof.without_header_member("jwk")),
        expect: Expect::Dpop(401, PROOF, "the DPoP proof's jwk is not an acceptable public key"),
    },
    Case {
        name: "a proof signed by another key than its jwk is refused",
        request: |kit, path| {
            let impostor = DpopKey::es256();
            with_proof(kit, path, |proof| proof.signed_by(&impostor))
        },
        expect: Expect::Dpop(401, PROOF, "the DPoP proof's signature is invalid"),
    },
    Case {
        name: "a proof without jti is refused",
        request: |kit, path| with_proof(kit, path, |proof| proof.without_claim("jti")),
        expect: Expect::Dpop(401, PROOF, "the DPoP proof's jti is missing or invalid"),
    },
    Case {
        name: "a jti over 256 characters is refused",
        request: |kit, path| with_proof(kit, path, |proof| proof.jti(&"j".repeat(257))),
        expect: Expect::Dpop(401, PROOF, "the DPoP proof's jti is missing or invalid"),
    },
    Case {
        name: "a jti of 256 characters is accepted",
        request: |kit, path| {
            // Unique per path: the same key signs every case's proofs.
            let jti = format!("{path}{}", "x".repeat(256 - path.len()));
            with_proof(kit, path, |proof| proof.jti(&jti))
        },
        expect: Expect::Allowed,
    },
    Case {
        name: "htm must be the request method",
        request: |kit, path| with_proof(kit, path, |proof| proof.htm("POST")),
        expect: Expect::Dpop(
            401,
            PROOF,
            "the DPoP proof's htm does not match the request method",
        ),
    },
    Case {
        name: "htm is case-sensitive",
        request: |kit, path| with_proof(kit, path, |proof| proof.htm("get")),
        expect: Expect::Dpop(
            401,
            PROOF,
            "the DPoP proof's htm does not match the request method",
        ),
    },
    Case {
        name: "htu of another path is refused",
        request: |kit, _| with_proof(kit, "/elsewhere", |proof| proof),
        expect: Expect::Dpop(401, PROOF, "the DPoP proof's htu does not match the request URI"),
    },
    Case {
        name: "htu with upper-case scheme and host and the default port matches",
        request: |kit, path| {
            with_proof(kit, path, |proof| {
                proof.htu(&format!("HTTPS://API.TEST:443{path}"))
            })
        },
        expect: Expect::Allowed,
    },
    Case {
        name: "htu with query and fragment matches",
        request: |kit, path| {
            with_proof(kit, path, |proof| {
                proof.htu(&format!("{ORIGIN}{path}?page=2#top"))
            })
        },
        expect: Expect::Allowed,
    },
    Case {
        name: "htu with percent-encoded unreserved characters matches",
        request: |kit, path| {
            let encoded = path.replace('i', "%69").replace('e', "%65");
            with_proof(kit, path, |proof| proof.htu(&format!("{ORIGIN}{encoded}")))
        },
        expect: Expect::Allowed,
    },
    Case {
        name: "htu path case is significant",
        request: |kit, path| {
            with_proof(kit, path, |proof| {
                proof.htu(&format!("{ORIGIN}{}", path.to_uppercase()))
            })
        },
        expect: Expect::Dpop(401, PROOF, "the DPoP proof's htu does not match the request URI"),
    },
    Case {
        name: "htu host with a trailing dot does not match",
        request: |kit, path| with_proof(kit, path, |proof| proof.htu(&format!("https://api.test.{path}"))),
        expect: Expect::Dpop(401, PROOF, "the DPoP proof's htu does not match the request URI"),
    },
    Case {
        name: "htu of another scheme does not match",
        request: |kit, path| with_proof(kit, path, |proof| proof.htu(&format!("http://api.test{path}"))),
        expect: Expect::Dpop(401, PROOF, "the DPoP proof's htu does not match the request URI"),
    },
    Case {
        name: "htu with another port does not match",
        request: |kit, path| {
            with_proof(kit, path, |proof| {
                proof.htu(&format!("https://api.test:8443{path}"))
            })
        },
        expect: Expect::Dpop(401, PROOF, "the DPoP proof's htu does not match the request URI"),
    },
    Case {
        name: "iat just inside the window is accepted",
        request: |kit, path| with_proof(kit, path, |proof| proof.iat_offset(-63)),
        expect: Expect::Allowed,
    },
    Case {
        name: "iat beyond the window is refused",
        request: |kit, path| with_proof(kit, path, |proof| proof.iat_offset(-67)),
        expect: Expect::Dpop(401, PROOF, "the DPoP proof's iat is outside the accepted window"),
    },
    Case {
        name: "iat just ahead within the leeway is accepted",
        request: |kit, path| with_proof(kit, path, |proof| proof.iat_offset(4)),
        expect: Expect::Allowed,
    },
    Case {
        name: "iat ahead beyond the leeway is refused",
        request: |kit, path| with_proof(kit, path, |proof| proof.iat_offset(7)),
        expect: Expect::Dpop(401, PROOF, "the DPoP proof's iat is outside the accepted window"),
    },
    Case {
        name: "a proof without iat is refused",
        request: |kit, path| with_proof(kit, path, |proof| proof.without_claim("iat")),
        expect: Expect::Dpop(401, PROOF, "the DPoP proof's iat is outside the accepted window"),
    },
    Case {
        name: "nbf in the future is refused",
        request: |kit, path| with_proof(kit, path, |proof| proof.nbf(now() + 60)),
        expect: Expect::Dpop(401, PROOF, "the DPoP proof is not valid at this time"),
    },
    Case {
        name: "exp in the past is refused",
        request: |kit, path| with_proof(kit, path, |proof| proof.exp(now() - 60)),
        expect: Expect::Dpop(401, PROOF, "the DPoP proof is not valid at this time"),
    },
    Case {
        name: "ath of another token is refused",
        request: |kit, path| {
            let other = kit
                .issuer
                .token()
                .scopes("order:item")
                .dpop_bound(&kit.key)
                .sub("mallory")
                .sign();
            let ath = scopeguard_core::dpop::access_token_hash(&other);
            with_proof(kit, path, |proof| proof.ath(&ath))
        },
        expect: Expect::Dpop(401, PROOF, "the DPoP proof's ath does not match the access token"),
    },
    Case {
        name: "a proof without ath is refused",
        request: |kit, path| with_proof(kit, path, |proof| proof.without_claim("ath")),
        expect: Expect::Dpop(401, PROOF, "the DPoP proof's ath does not match the access token"),
    },
    Case {
        name: "a DPoP request lacking the scope gets a DPoP insufficient_scope challenge",
        request: |kit, path| {
            let token = kit.issuer.token().scopes("inventory").dpop_bound(&kit.key).sign();
            dpop(&token, kit.proof("GET", path, &token).sign())
        },
        expect: Expect::DpopInsufficientScope,
    },
];
