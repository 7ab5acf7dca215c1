#![allow(dead_code)]

use scopeguard_macros::requires_scope_tonic;

// Stand-ins for tonic's types: the errors come before any expansion.
struct Request<T>(T);
struct Response<T>(T);
struct Status;

struct Service;

impl Service {
    #[requires_scope_tonic("transaction-{tx}")]
    async fn template_scope(&self, request: Request<()>) -> Result<Response<()>, Status> {
        Ok(Response(request.0))
    }

    #[requires_scope_tonic("two words")]
    async fn invalid_scope(&self, request: Request<()>) -> Result<Response<()>, Status> {
        Ok(Response(request.0))
    }

    #[requires_scope_tonic("order:item")]
    async fn no_request(&self, id: u32) -> Result<Response<u32>, Status> {
        Ok(Response(id))
    }

    #[requires_scope_tonic("order:item")]
    async fn request_not_by_name(&self, Request(id): Request<u32>) -> Result<Response<u32>, Status> {
        Ok(Response(id))
    }

    #[requires_scope_tonic("order:item")]
    fn blocking(&self, request: Request<()>) -> Result<Response<()>, Status> {
        Ok(Response(request.0))
    }
}

fn main() {}
