//! The command-line surface of `cli.md`, as clap derive structs. No logic lives here.

use std::path::PathBuf;
use std::time::Duration;

use clap::builder::{PossibleValue, PossibleValuesParser};
use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "docpipe",
    version,
    about = "Turn documents into text, markdown and structured results through cloud extraction services",
    long_about = None,
    propagate_version = true,
    after_help = crate::provider::selection_help()
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args, Clone, Default)]
#[command(next_help_heading = "Global options")]
pub struct GlobalArgs {
    /// Provider (see `docpipe providers`)
    #[arg(short, long, global = true, value_name = "NAME", value_parser = provider_names())]
    pub provider: Option<String>,
    /// Output folder (or file for a single `ocr` input); stdout when absent for `ocr`
    #[arg(short, long, global = true, value_name = "PATH")]
    pub output: Option<PathBuf>,
    /// Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)
    #[arg(short, long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// One JSON object per document per line on stdout
    #[arg(long, global = true)]
    pub json: bool,
    /// No progress or state lines; errors and warnings about security or configuration still show
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Log requests to stderr (keys redacted)
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Give up waiting after this long (90s, 5m, 1h); default 30m
    #[arg(long, global = true, value_name = "DURATION", value_parser = parse_timeout)]
    pub timeout: Option<Duration>,
    /// Neither read nor write the result cache of paid answers for this run
    #[arg(long, global = true, conflicts_with = "refresh")]
    pub no_cache: bool,
    /// Do not read the result cache: documents with no task on record here are paid for again, replacing their entries
    #[arg(long, global = true)]
    pub refresh: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Text of documents or images: to stdout unless -o
    Ocr(OcrArgs),
    /// Full parse (markdown + images + JSON) into a folder per input
    Parse(ParseArgs),
    /// Many documents: submit all, wait, download as each finishes; resumable
    Batch(BatchArgs),
    /// State and progress of submitted tasks or batches; with no ID, the recent ones
    Status(StatusArgs),
    /// Download the results of submitted tasks (waits for them to finish)
    Fetch(IdArgs),
    /// Pages per document and what they would cost at each provider (a URL counts as unknown length); sends nothing
    Estimate(EstimateArgs),
    /// The providers, what each can do, whether a key is set
    Providers,
    /// Shell completion script on stdout: bash, zsh, fish, powershell, elvish
    Completions(CompletionsArgs),
    /// Serve the providers to AI agents as an MCP server (stdio, or HTTP with --http)
    Mcp(McpArgs),
    /// The result cache of paid answers: list, size, verify, prune
    Cache(CacheArgs),
}

/// Help headings of the flags only some providers honour (each provider refuses
/// the ones it cannot honour, before any request).
const MINERU: &str = "MinerU options (mineru, mineru-flash, parse4ai)";
const MISTRAL: &str = "Mistral options (mistral)";
const MISTRALOCR: &str = "mistralocr.app options (mistralocr)";

/// What `ocr`, `parse` and `batch` share. `images` is not a flag of every
/// command: `OcrArgs` carries it and fills it in here.
#[derive(Debug, Args, Clone, Default)]
pub struct ExtractArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Document language, in the provider's codes (e.g. en, ch, or English, ChinesePRC)
    #[arg(long, value_name = "LANG")]
    pub language: Option<String>,
    /// Force OCR of scanned pages (every provider but mistral)
    #[arg(long)]
    pub ocr: bool,
    /// Skip formula recognition
    #[arg(long, help_heading = MINERU)]
    pub no_formula: bool,
    /// Skip table recognition
    #[arg(long, help_heading = MINERU)]
    pub no_table: bool,
    /// Provider model (MinerU: pipeline, vlm, html; Mistral: mistral-ocr-latest)
    #[arg(long, value_name = "NAME")]
    pub model: Option<String>,
    /// Output format: markdown (default), text, json, or a file format a provider writes (docx, pdf, xlsx, pptx: see `docpipe providers`)
    #[arg(long, value_name = "FORMAT")]
    pub format: Option<String>,
    /// Extra result files MinerU should add: docx, html, latex (not mineru-flash)
    #[arg(long = "extra-format", value_name = "FORMAT", value_delimiter = ',', help_heading = MINERU)]
    pub extra_formats: Vec<String>,
    /// Tables as markdown or html
    #[arg(long, value_name = "FORMAT", value_parser = ["markdown", "html"], help_heading = MISTRAL)]
    pub table_format: Option<String>,
    /// Return page headers separately instead of inside the text
    #[arg(long, help_heading = MISTRAL)]
    pub extract_header: bool,
    /// Return page footers separately instead of inside the text
    #[arg(long, help_heading = MISTRAL)]
    pub extract_footer: bool,
    /// `ocr` only (OcrArgs)
    #[arg(skip)]
    pub images: bool,
    /// `ocr` only (OcrArgs)
    #[arg(skip)]
    pub no_images: bool,
    /// `batch` only (BatchArgs)
    #[arg(skip)]
    pub batch_api: Option<String>,
    /// Keep running page headers and footers in the text (local; they are typed blocks in the JSON either way)
    #[arg(long)]
    pub keep_headers: bool,
    /// rest (default) or mcp (its MCP endpoint)
    #[arg(long, value_name = "TRANSPORT", value_parser = ["rest", "mcp"], help_heading = MISTRALOCR)]
    pub transport: Option<String>,
    /// Submit and record, print the IDs, exit without waiting (the same command again, or fetch, finishes)
    #[arg(long)]
    pub no_wait: bool,
    /// Stop at the first bad input instead of reporting it and going on with the others
    #[arg(long)]
    pub fail_fast: bool,
    /// Submit again the documents that failed in an earlier run (same content, provider and options)
    #[arg(long)]
    pub retry_failed: bool,
    /// Plan only: check the inputs against the record and the provider, count pages and cost; send nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Refuse a PDF over the provider's page or size limit instead of sending it in parts
    #[arg(long)]
    pub no_split: bool,
    /// Page budget of the run: documents that would take it over N pages are not submitted (exit 8); pages extracted by `local` are not counted
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub max_pages: Option<u64>,
    /// Documents processed (uploaded, written) at once, 1-64; default 4; results download from the provider's CDN 4 times as many at once (at most 64)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(CONCURRENCY_MIN as i64..=CONCURRENCY_MAX as i64))]
    pub concurrency: Option<u32>,
    /// With -p auto, which PDF pages go to the cloud: scanned (the pages local cannot read; the others are read here), tables or formulas (those, and the pages with tables or formulas), all (a PDF with any page local cannot read goes whole), none
    #[arg(long, value_name = "WHICH", value_parser = PossibleValuesParser::new(crate::pipeline::hybrid::CHOICES))]
    pub cloud_pages: Option<String>,
}

pub use crate::units::{CONCURRENCY_MAX, CONCURRENCY_MIN};

#[derive(Debug, Args, Clone, Default)]
pub struct OcrArgs {
    #[command(flatten)]
    pub extract: ExtractArgs,
    /// Save the page images next to the text (-o DIR: DIR/<name>_images/)
    #[arg(long, help_heading = MISTRAL)]
    pub images: bool,
    /// Write no images folder: the markdown's image links become their alt text
    #[arg(long, conflicts_with = "images")]
    pub no_images: bool,
}

impl OcrArgs {
    /// The arguments the extraction reads. `--extra-format` is hidden from `ocr`
    /// (its files belong to a parse result) and refused here if given anyway.
    pub fn into_extract(self) -> Result<ExtractArgs, crate::error::Error> {
        if !self.extract.extra_formats.is_empty() {
            return Err(crate::error::Error::usage(
                "--extra-format adds files to a parse result; ocr keeps only the text",
            )
            .with_hint("use `docpipe parse --extra-format …` to get those files"));
        }
        Ok(ExtractArgs {
            images: self.images,
            no_images: self.no_images,
            ..self.extract
        })
    }
}

#[derive(Debug, Args, Clone, Default)]
pub struct ParseArgs {
    #[command(flatten)]
    pub extract: ExtractArgs,
}

impl ParseArgs {
    pub fn into_extract(self) -> ExtractArgs {
        self.extract
    }
}

#[derive(Debug, Args, Clone, Default)]
pub struct BatchArgs {
    #[command(flatten)]
    pub extract: ExtractArgs,
    /// This machine's share of the inputs, I of N (by content hash: disjoint, and the same whatever the input order)
    #[arg(long, value_name = "I/N", value_parser = parse_shard)]
    pub shard: Option<(u64, u64)>,
    /// Batch jobs at half the price: auto (from 20 documents), on, off (direct calls)
    #[arg(long, value_name = "WHEN", value_parser = ["auto", "on", "off"], help_heading = MISTRAL)]
    pub batch_api: Option<String>,
}

impl BatchArgs {
    /// The arguments the extraction reads, `--batch-api` included.
    pub fn to_extract(&self) -> ExtractArgs {
        ExtractArgs {
            batch_api: self.batch_api.clone(),
            ..self.extract.clone()
        }
    }
}

/// The documents a command reads, and which of their pages: what every
/// extracting command and `estimate` share.
#[derive(Debug, Args, Clone, Default)]
pub struct InputArgs {
    /// Local file, http(s):// URL, - for stdin, or (batch) a folder
    #[arg(value_name = "INPUT", required_unless_present = "from")]
    pub inputs: Vec<String>,
    /// Read one INPUT per line from FILE (- for stdin; blank lines and # comments skipped)
    #[arg(long, value_name = "FILE")]
    pub from: Option<String>,
    /// Name for a document read from stdin (its extension tells the type)
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// Pages to extract, 1-based: 1-5,8
    #[arg(long, value_name = "RANGES")]
    pub pages: Option<String>,
}

#[derive(Debug, Args, Clone, Default)]
pub struct EstimateArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// With -p auto, which PDF pages a run would send to the cloud (and bill): scanned, tables, formulas, all, none (as for ocr, parse and batch)
    #[arg(long, value_name = "WHICH", value_parser = PossibleValuesParser::new(crate::pipeline::hybrid::CHOICES))]
    pub cloud_pages: Option<String>,
}

impl EstimateArgs {
    pub fn into_extract(self) -> ExtractArgs {
        ExtractArgs {
            input: self.input,
            cloud_pages: self.cloud_pages,
            ..ExtractArgs::default()
        }
    }
}

#[derive(Debug, Args, Clone, Default)]
pub struct IdArgs {
    /// Task or batch IDs printed by an earlier command
    #[arg(value_name = "ID", required = true)]
    pub ids: Vec<String>,
}

#[derive(Debug, Args, Clone, Default)]
pub struct StatusArgs {
    /// Task or batch IDs printed by an earlier command; none: list recent tasks from the record
    #[arg(value_name = "ID")]
    pub ids: Vec<String>,
    /// How many recent documents to list without an ID
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub recent: usize,
}

#[derive(Debug, Args, Clone, Default)]
pub struct McpArgs {
    /// Serve streamable HTTP on ADDR (e.g. 127.0.0.1:8765 or localhost:8765, path /mcp) instead of stdio
    #[arg(long, value_name = "ADDR")]
    pub http: Option<String>,
    /// A web page origin allowed to call the HTTP server besides loopback ones (repeatable), e.g. https://app.example.org
    #[arg(long = "allow-origin", value_name = "ORIGIN")]
    pub allow_origins: Vec<String>,
    /// A folder the tools may read from and write to (repeatable); default: the current folder
    #[arg(long = "root", value_name = "DIR")]
    pub roots: Vec<PathBuf>,
    /// Bearer token HTTP clients must send; required when --http is not a loopback address
    #[arg(
        long,
        value_name = "TOKEN",
        env = "DOCPIPE_MCP_TOKEN",
        hide_env_values = true
    )]
    pub token: Option<String>,
}

#[derive(Debug, Args, Clone)]
pub struct CacheArgs {
    #[command(subcommand)]
    pub action: CacheAction,
}

#[derive(Debug, Subcommand, Clone)]
pub enum CacheAction {
    /// Every entry: key, provider, size, last use (least recently used first)
    List,
    /// How much the cache holds, its bound and where it is
    Size,
    /// Check every entry against its hash; damaged ones are removed
    Verify,
    /// Remove entries: not used for AGE, of one provider (-p), or all
    Prune(PruneArgs),
}

#[derive(Debug, Args, Clone)]
pub struct PruneArgs {
    /// Entries not used for this long (30d, 12h)
    #[arg(long, value_name = "AGE", value_parser = crate::units::parse_age)]
    pub older_than: Option<Duration>,
    /// Every entry
    #[arg(long, conflicts_with = "older_than")]
    pub all: bool,
}

#[derive(Debug, Args, Clone)]
pub struct CompletionsArgs {
    /// The shell to complete for
    #[arg(value_name = "SHELL")]
    pub shell: clap_complete::Shell,
}

/// The values `-p` takes, from the provider registry: help, `-p` errors and every
/// shell's completion list them (with each provider's summary where the shell
/// shows descriptions).
pub fn provider_names() -> PossibleValuesParser {
    PossibleValuesParser::new(
        crate::provider::REGISTRY
            .iter()
            .map(|e| PossibleValue::new(e.info.name).help(e.info.summary))
            .chain([PossibleValue::new(crate::provider::AUTO).help(crate::provider::AUTO_SUMMARY)]),
    )
}

/// Global flags a command does not read: hidden from its help and completions.
/// (Global flags are accepted anywhere on the line, so they still parse.)
const NOT_READ: &[(&str, &[&str])] = &[
    ("status", &["output", "timeout", "no_cache", "refresh"]),
    ("providers", &["output", "timeout", "no_cache", "refresh"]),
    ("cache", &["output", "timeout", "no_cache", "refresh"]),
    (
        "completions",
        &[
            "provider", "output", "config", "json", "quiet", "verbose", "timeout", "no_cache",
            "refresh",
        ],
    ),
];

/// The command-line definition as help, completions and the man page show it:
/// the derive's, with each command listing only the flags it reads.
pub fn command() -> clap::Command {
    let cmd = Cli::command();
    let globals: Vec<clap::Arg> = cmd
        .get_arguments()
        .filter(|a| a.is_global_set())
        .cloned()
        .collect();
    let mut cmd = cmd;
    for (sub, ids) in NOT_READ {
        cmd = cmd.mut_subcommand(*sub, |mut sub| {
            // A subcommand's own copy of a global flag is kept as it is when
            // clap copies the globals in: a hidden copy hides the flag there.
            for arg in globals
                .iter()
                .filter(|a| ids.contains(&a.get_id().as_str()))
            {
                sub = sub.arg(arg.clone().hide(true));
            }
            sub
        });
    }
    cmd.mut_subcommand("ocr", |sub| sub.mut_arg("extra_formats", |a| a.hide(true)))
}

/// Parses the process's arguments with [`command`] (exits on `--help` or an error).
pub fn parse() -> Cli {
    let matches = command().get_matches();
    Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit())
}

pub use crate::units::{parse_duration, parse_shard, parse_timeout};

impl From<GlobalArgs> for crate::request::Global {
    fn from(a: GlobalArgs) -> Self {
        crate::request::Global {
            provider: a.provider,
            output: a.output,
            config: a.config,
            json: a.json,
            quiet: a.quiet,
            verbose: a.verbose,
            timeout: a.timeout,
            no_cache: a.no_cache,
            refresh: a.refresh,
        }
    }
}

impl From<ExtractArgs> for crate::request::Request {
    fn from(a: ExtractArgs) -> Self {
        crate::request::Request {
            inputs: a.input.inputs,
            from: a.input.from,
            name: a.input.name,
            pages: a.input.pages,
            language: a.language,
            ocr: a.ocr,
            no_formula: a.no_formula,
            no_table: a.no_table,
            model: a.model,
            format: a.format,
            extra_formats: a.extra_formats,
            table_format: a.table_format,
            extract_header: a.extract_header,
            extract_footer: a.extract_footer,
            images: a.images,
            no_images: a.no_images,
            batch_api: a.batch_api,
            keep_headers: a.keep_headers,
            transport: a.transport,
            no_wait: a.no_wait,
            fail_fast: a.fail_fast,
            retry_failed: a.retry_failed,
            dry_run: a.dry_run,
            no_split: a.no_split,
            max_pages: a.max_pages,
            concurrency: a.concurrency,
            cloud_pages: a.cloud_pages,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cli_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
