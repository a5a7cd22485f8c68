//! The one integration-test binary: drives the real `docpipe` against fake
//! providers started inside this process (see `support/`).

mod contract;
mod docs;
mod fake_selftest;
mod flash;
mod harness;
mod mineru;
mod shell;
mod support;
