"""Writes the public JWK sets of the committed keys (one set per algorithm).

Run once after generating the keys (see ../README.md); the outputs are committed.
"""
import base64, json
from cryptography.hazmat.primitives import serialization

def b64(b): return base64.urlsafe_b64encode(b).rstrip(b"=").decode()
def n2b(n): return n.to_bytes((n.bit_length() + 7) // 8, "big")
def load(p): return serialization.load_pem_public_key(open(p, "rb").read())

rsa = load("rsa_public.pem").public_numbers()
ec = load("ec_p256_public.pem").public_numbers()
ed = load("ed25519_public.pem").public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
secret = open("hmac_secret.txt", "rb").read()
sets = {
    "HS256": {"kty": "oct", "kid": "hs", "alg": "HS256", "use": "sig", "k": b64(secret)},
    "RS256": {"kty": "RSA", "kid": "rs", "alg": "RS256", "use": "sig", "n": b64(n2b(rsa.n)), "e": b64(n2b(rsa.e))},
    "ES256": {"kty": "EC", "kid": "es", "alg": "ES256", "use": "sig", "crv": "P-256",
              "x": b64(ec.x.to_bytes(32, "big")), "y": b64(ec.y.to_bytes(32, "big"))},
    "EdDSA": {"kty": "OKP", "kid": "ed", "alg": "EdDSA", "use": "sig", "crv": "Ed25519", "x": b64(ed)},
}
for alg, jwk in sets.items():
    with open(f"jwks_{alg}.json", "w") as f:
        json.dump({"keys": [jwk]}, f)
        f.write("\n")
