//! The one integration-test binary: drives the real `docpipe` against fake
//! providers started inside this process (see `support/`).

mod batch;
mod batch_providers;
mod bench_serve;
mod cache;
mod closed_pipes;
mod conformance;
mod contract;
mod cost;
mod docs;
mod fake_parse4ai_selftest;
mod fake_selftest;
mod faults;
mod flash;
mod gptge;
mod harness;
mod hostile;
mod local;
mod local_formats;
mod local_urls;
mod mcp;
mod mineru;
mod mistral;
mod mistral_batch;
mod mistralocr;
mod parse4ai;
mod pipeline;
mod polling;
mod provider_contract;
mod proxy;
mod reliability;
mod shell;
mod split;
mod support;
mod tls;
mod transfers;
