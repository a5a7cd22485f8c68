//! What a command asks for, as plain data: the flags of an extraction
//! ([`Request`]) and the global ones ([`Global`]). `cli.rs` makes them from
//! the command line once; the MCP server builds them for each tool call; the
//! pipeline reads them. No clap here: nothing below the command line names its
//! types.

use std::path::PathBuf;
use std::time::Duration;

/// The global flags: provider, output, config file, output shape, verbosity
/// and the run's deadline.
#[derive(Debug, Clone, Default)]
pub struct Global {
    pub provider: Option<String>,
    pub output: Option<PathBuf>,
    pub config: Option<PathBuf>,
    pub json: bool,
    pub quiet: bool,
    pub verbose: u8,
    pub timeout: Option<Duration>,
    /// `--no-cache`: the result cache is neither read nor written.
    pub no_cache: bool,
    /// `--refresh`: the cache is not read, and what is paid for replaces it.
    pub refresh: bool,
}

/// One extraction's inputs and options (`ocr`, `parse`, `batch`, `estimate`,
/// the MCP tools), as given: the pipeline resolves them against the config
/// and the provider.
#[derive(Debug, Clone, Default)]
pub struct Request {
    pub inputs: Vec<String>,
    pub from: Option<String>,
    pub name: Option<String>,
    pub pages: Option<String>,
    pub language: Option<String>,
    pub ocr: bool,
    pub no_formula: bool,
    pub no_table: bool,
    pub model: Option<String>,
    pub format: Option<String>,
    pub extra_formats: Vec<String>,
    pub table_format: Option<String>,
    pub extract_header: bool,
    pub extract_footer: bool,
    pub images: bool,
    pub no_images: bool,
    pub batch_api: Option<String>,
    pub keep_headers: bool,
    pub transport: Option<String>,
    pub no_wait: bool,
    pub fail_fast: bool,
    pub retry_failed: bool,
    pub dry_run: bool,
    pub no_split: bool,
    pub max_pages: Option<u64>,
    pub concurrency: Option<u32>,
    /// `--cloud-pages`: which pages of a PDF `auto` sends to the cloud.
    pub cloud_pages: Option<String>,
}
