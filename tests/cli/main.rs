//! The one integration-test binary: drives the real `docpipe` against fake
//! providers started inside this process (see `support/`).

mod batch;
mod contract;
mod docs;
mod fake_parse4ai_selftest;
mod fake_selftest;
mod flash;
mod harness;
mod mineru;
mod parse4ai;
mod shell;
mod support;
