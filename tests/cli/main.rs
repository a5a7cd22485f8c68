//! The one integration-test binary: drives the real `docpipe` against fake
//! providers started inside this process (see `support/`).

mod conformance;
mod contract;
mod fake_selftest;
mod flash;
mod gptge;
mod harness;
mod mineru;
mod mistral;
mod mistralocr;
mod support;
