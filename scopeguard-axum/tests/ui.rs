//! Compile-time behaviour of `#[requires_scope]` with axum's own macros. The
//! expected messages are the `.stderr` files beside each case.

#[test]
fn debug_handler_above_requires_scope_is_a_compile_error() {
    trybuild::TestCases::new().compile_fail("tests/ui/*.rs");
}
