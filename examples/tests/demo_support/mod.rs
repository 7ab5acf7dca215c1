//! Support for `tests/demo.rs`: the demos as child processes, their printed
//! walkthrough read back, and the test's own table of what they must answer.

pub(crate) mod printed;
pub(crate) mod running;
pub(crate) mod table;
