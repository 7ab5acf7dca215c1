//! Template parameters from actix's `match_info`.

use actix_web::dev::{Path, Url};
use scopeguard_core::PathParams;

/// A request's matched path parameters, for template scopes.
pub(crate) struct MatchInfo<'a>(pub(crate) &'a Path<Url>);

impl PathParams for MatchInfo<'_> {
    fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name)
    }
}
