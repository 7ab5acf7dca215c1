//! SPEC §2.1 and §5: a requirement the macro cannot enforce is a compile
//! error pointing at the offending argument. The expected messages are the
//! `.stderr` files beside each case.

#[test]
fn bad_requirements_and_handlers_are_compile_errors_at_the_offending_token() {
    trybuild::TestCases::new().compile_fail("tests/ui/*.rs");
}
