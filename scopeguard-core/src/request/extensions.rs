//! Where the authentication step leaves its answer for the scope checks
//! further in: the request's extensions, whatever the framework.
//!
//! The authentication step inserts one of: the admitted
//! [`Principal`](crate::Principal) (carrying its layer's
//! [`DenialRenderer`](crate::error::DenialRenderer)), the renderer alone
//! (no credentials), or the renderer with [`CorsPreflight`](crate::request::CorsPreflight).
//! Core implements both traits for [`http::Extensions`]; an adapter whose
//! framework has its own extensions type implements them on a wrapper.

use crate::Principal;
use crate::error::DenialRenderer;

/// Extensions a request handler reads.
pub trait ExtensionSource {
    /// The value of type `T`, if the request has one.
    fn get<T: Send + Sync + 'static>(&self) -> Option<&T>;
}

/// Extensions the authentication step writes.
pub trait ExtensionSink {
    /// Inserts `value`, replacing any value of the same type.
    fn insert<T: Clone + Send + Sync + 'static>(&mut self, value: T);
}

impl ExtensionSource for http::Extensions {
    fn get<T: Send + Sync + 'static>(&self) -> Option<&T> {
        http::Extensions::get(self)
    }
}

impl ExtensionSink for http::Extensions {
    fn insert<T: Clone + Send + Sync + 'static>(&mut self, value: T) {
        http::Extensions::insert(self, value);
    }
}

/// What the authentication step left in `extensions`, as the checks of
/// [`authorize_request`](super::authorize_request) and
/// [`authenticated`](super::authenticated) read it: the renderer on its own
/// and the principal.
//
// The admitted principal carries its layer's renderer, which then wins over
// any renderer on its own (`layer_renderer`): the second map lookup is made
// only when there is no principal or it carries none, with the same result.
pub(super) fn admitted_state<E: ExtensionSource + ?Sized>(
    extensions: &E,
) -> (Option<&DenialRenderer>, Option<&Principal>) {
    let principal = extensions.get::<Principal>();
    let renderer = match principal.and_then(Principal::denial_renderer) {
        Some(_) => None,
        None => extensions.get::<DenialRenderer>(),
    };
    (renderer, principal)
}
