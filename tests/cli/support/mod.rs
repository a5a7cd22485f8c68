//! Test support: fake provider servers running inside the test process.
//!
//! Each fake listens on `127.0.0.1:0` with one port per real-world host (API, signed
//! upload store, CDN), records every request, and lists the protocol mistakes the client
//! made in `violations()`, which tests assert to be empty.
#![allow(dead_code)] // Each test file uses a different part of this module.

pub mod fake;
pub mod faults;
pub mod gptge;
pub mod http;
pub mod ids;
pub mod mineru;
pub mod mistral;
pub mod mistralocr;
pub mod moto;
pub mod multipart;
pub mod parse4ai;
pub mod pdfgen;
pub mod zipfix;

pub use fake::Fake;
pub use http::{Recorded, Server};
pub use mineru::{Advance, FakeConfig, FakeMineru, FAIL_MSG};
pub use zipfix::{
    demo_fixture_dir, demo_images, demo_markdown, demo_zip_bytes, hostile_zip_bytes,
    html_zip_bytes, HOSTILE_ENTRIES,
};

/// The MinerU v4 key the fakes accept.
pub const TOKEN: &str = "test-token-123";
/// A key the fakes reject as expired (`A0211`), to test the hint about renewing keys.
pub const EXPIRED_TOKEN: &str = "expired-token-456";
