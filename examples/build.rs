//! Generates the gRPC code of `proto/*.proto` with a protobuf compiler
//! written in Rust (`protox`): no `protoc` needed on the machine.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let protos = ["proto/conformance.proto", "proto/inventory.proto"];
    let descriptors = protox::compile(protos, ["proto"])?;
    tonic_prost_build::configure()
        .build_client(true)
        .build_server(true)
        .build_transport(false)
        .compile_fds(descriptors)?;
    for proto in protos {
        println!("cargo:rerun-if-changed={proto}");
    }
    Ok(())
}
