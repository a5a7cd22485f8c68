//! The MinerU family: MinerU's v4 API (`v4.rs`), its no-key flash API
//! (`flash.rs`) and parse4ai, a clone of the v4 API (`parse4ai.rs`), on what
//! they share (`dialect.rs`: status and batch answers, error-code tables,
//! the keyed calls). Each file imports only downward: the providers use the
//! dialect, flash uses v4's Referer, the dialect uses none of them.

pub mod dialect;
pub mod flash;
pub mod parse4ai;
pub mod v4;

pub use v4::{build, INFO};
