//! Whether an authentication step accepts DPoP (SPEC §3.6).

use std::fmt;
use std::str::FromStr;

/// Whether DPoP-bound tokens are accepted, and bearer tokens with them.
///
/// In every mode, including [`Off`](Self::Off), a token bound to a key
/// (`cnf.jkt`) sent with the `Bearer` scheme is refused: a stolen bound
/// token never works as a bearer token.
///
/// ```
/// use scopeguard_core::dpop::DpopMode;
///
/// assert_eq!("required".parse::<DpopMode>(), Ok(DpopMode::Required));
/// assert_eq!(DpopMode::default(), DpopMode::Off);
/// assert!("sometimes".parse::<DpopMode>().is_err());
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum DpopMode {
    /// Bearer tokens only; the `DPoP` scheme is not recognised (no credentials).
    #[default]
    Off,
    /// Bearer and DPoP-bound tokens.
    Allowed,
    /// DPoP-bound tokens only: a `Bearer` request is 401.
    Required,
}

impl DpopMode {
    /// The mode's name: `off`, `allowed` or `required`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Off => "off",
            Self::Allowed => "allowed",
            Self::Required => "required",
        }
    }
}

impl fmt::Display for DpopMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A name that is not `off`, `allowed` or `required`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the DPoP mode must be off, allowed or required")]
pub struct UnknownDpopMode;

impl FromStr for DpopMode {
    type Err = UnknownDpopMode;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        match name.to_ascii_lowercase().as_str() {
            "off" => Ok(Self::Off),
            "allowed" => Ok(Self::Allowed),
            "required" => Ok(Self::Required),
            _ => Err(UnknownDpopMode),
        }
    }
}
