//! An actix-web request as core's request handling sees it: its head, its
//! extensions, its path parameters.

use std::cell::{Ref, RefMut};

use actix_web::dev::{Extensions, ServiceRequest};
use actix_web::http::header::HeaderValue;
use actix_web::{HttpMessage, HttpRequest};
use scopeguard_core::request::{ExtensionSink, ExtensionSource, RequestContext, RequestHead};

use crate::path_params::MatchInfo;

/// A request's method and headers.
pub(crate) struct Head<'a>(pub(crate) &'a ServiceRequest);

impl RequestHead for Head<'_> {
    fn method_name(&self) -> &str {
        self.0.method().as_str()
    }

    fn header_values<'a>(&'a self, name: &'static str) -> impl Iterator<Item = &'a [u8]> {
        use actix_web::http::header;
        // The names read on every request as `HeaderName` constants: a
        // `&str` name is parsed (and lower-cased) on each lookup.
        let headers = self.0.headers();
        let all = match name {
            "authorization" => headers.get_all(header::AUTHORIZATION),
            "access-control-request-method" => headers.get_all(header::ACCESS_CONTROL_REQUEST_METHOD),
            _ => headers.get_all(name),
        };
        all.map(HeaderValue::as_bytes)
    }

    fn original_path(&self) -> Option<&str> {
        // actix-web's scopes never rewrite the request's URI.
        Some(self.0.uri().path())
    }

    fn peer_ip(&self) -> Option<std::net::IpAddr> {
        self.0.peer_addr().map(|address| address.ip())
    }

    /// The certificate an `on_connect` callback stored in the connection
    /// data (SPEC §3.7).
    fn peer_certificate(&self) -> Option<&[u8]> {
        self.0
            .conn_data::<scopeguard_core::request::PeerCertificate>()
            .map(scopeguard_core::request::PeerCertificate::der)
    }
}

/// A request's extensions, borrowed for reading.
pub(crate) struct ExtensionsRef<'a>(pub(crate) Ref<'a, Extensions>);

impl ExtensionSource for ExtensionsRef<'_> {
    fn get<T: Send + Sync + 'static>(&self) -> Option<&T> {
        self.0.get::<T>()
    }
}

/// A request's extensions, borrowed for writing.
pub(crate) struct ExtensionsMut<'a>(pub(crate) RefMut<'a, Extensions>);

impl ExtensionSink for ExtensionsMut<'_> {
    fn insert<T: Clone + Send + Sync + 'static>(&mut self, value: T) {
        self.0.insert(value);
    }
}

/// A request as extractors see it.
pub(crate) struct ActixRequest<'a> {
    request: &'a HttpRequest,
    extensions: ExtensionsRef<'a>,
}

impl<'a> ActixRequest<'a> {
    pub(crate) fn new(request: &'a HttpRequest) -> Self {
        Self {
            request,
            extensions: ExtensionsRef(request.extensions()),
        }
    }
}

impl<'a> RequestContext for ActixRequest<'a> {
    type Extensions = ExtensionsRef<'a>;
    type Params = MatchInfo<'a>;

    fn extensions(&self) -> &ExtensionsRef<'a> {
        &self.extensions
    }

    fn path_params(&mut self) -> MatchInfo<'a> {
        MatchInfo::new(self.request.match_info())
    }
}
