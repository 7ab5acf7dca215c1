//! The ROCA fingerprint of an RSA modulus (CVE-2017-15361).
//!
//! The RSA keys of Infineon’s `RSALib` (smart cards, TPMs, security tokens
//! made until 2017) have primes of the form `k·M + (65537^a mod M)`, so
//! their modulus can be factored: Nemec et al., "The Return of Coppersmith's
//! Attack", ACM CCS 2017. Such a modulus is, modulo each small prime `p`
//! below, a power of 65537; a random modulus is so for all of them with a
//! negligible probability (the authors' detector uses the same primes). A
//! key with the fingerprint verifies signatures anyone may have forged, so
//! it is refused like a key that is too short.

/// The primes the fingerprint is read from, as in the authors' detector.
const PRIMES: [u32; 38] = [
    3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97, 101, 103,
    107, 109, 113, 127, 131, 137, 139, 149, 151, 157, 163, 167,
];

/// The generator of the primes' structure.
const GENERATOR: u32 = 65537;

/// Whether the big-endian modulus `n` has the ROCA fingerprint.
pub(super) fn has_roca_fingerprint(modulus: &[u8]) -> bool {
    PRIMES
        .iter()
        .all(|&prime| is_power_of_generator(residue(modulus, prime), prime))
}

/// `modulus mod prime`, one byte at a time (`prime` < 2^24, so no overflow).
fn residue(modulus: &[u8], prime: u32) -> u32 {
    modulus
        .iter()
        .fold(0, |rest, &byte| ((rest << 8) | u32::from(byte)) % prime)
}

/// Whether `value` is in the subgroup 65537 generates modulo `prime`.
fn is_power_of_generator(value: u32, prime: u32) -> bool {
    let generator = GENERATOR % prime;
    let mut power = 1;
    loop {
        if power == value {
            return true;
        }
        power = power * generator % prime;
        if power == 1 {
            return false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The big-endian bytes of `value`.
    fn bytes(value: u128) -> Vec<u8> {
        value.to_be_bytes().to_vec()
    }

    #[test]
    fn residues_are_those_of_the_whole_number() {
        let value: u128 = 0x0123_4567_89ab_cdef_fedc_ba98_7654_3210;
        for prime in PRIMES {
            assert_eq!(
                u128::from(residue(&bytes(value), prime)),
                value % u128::from(prime)
            );
        }
        assert_eq!(residue(&[], 7), 0);
    }

    #[test]
    fn the_subgroup_of_65537_is_recognised() {
        // 65537 ≡ 2 (mod 5): 2 generates every non-zero residue.
        assert!((1..5).all(|value| is_power_of_generator(value, 5)));
        assert!(!is_power_of_generator(0, 5));
        // 65537 ≡ 10 ≡ -1 (mod 11): powers 1 and 10.
        let powers: Vec<u32> = (0..11)
            .filter(|&value| is_power_of_generator(value, 11))
            .collect();
        assert_eq!(powers, [1, 10]);
        // 65537 ≡ 4 (mod 13): powers 1, 4, 3, 12, 9, 10.
        let powers: Vec<u32> = (0..13)
            .filter(|&value| is_power_of_generator(value, 13))
            .collect();
        assert_eq!(powers, [1, 3, 4, 9, 10, 12]);
    }

    #[test]
    fn a_power_of_65537_has_the_fingerprint_and_its_neighbour_has_not() {
        // 65537^5 is a power of the generator modulo every prime.
        let power = u128::from(GENERATOR).pow(5);
        assert!(has_roca_fingerprint(&bytes(power)));
        // Modulo 11, power + 1 ≡ (-1)^5 + 1 = 0, never a power.
        assert!(!has_roca_fingerprint(&bytes(power + 1)));
    }
}
