//! The command-line surface of `cli.md`, as clap derive structs. No logic lives here.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "docpipe",
    version,
    about = "Turn documents into text, markdown and structured results through cloud extraction services",
    long_about = None,
    propagate_version = true,
    after_help = "With no -p: default_provider from config, else the first provider with a key, else mineru-flash (no key needed)."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args, Clone, Default)]
pub struct GlobalArgs {
    /// Provider: mineru, mineru-flash, parse4ai, mistral, mistralocr, gptge
    #[arg(short, long, global = true, value_name = "NAME")]
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
    /// No progress or state lines; errors only
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Log requests to stderr (keys redacted)
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Give up waiting after this long (90s, 5m, 1h); default 30m
    #[arg(long, global = true, value_name = "DURATION", value_parser = parse_duration)]
    pub timeout: Option<Duration>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Text of documents or images: to stdout unless -o
    Ocr(ExtractArgs),
    /// Full parse (markdown + images + JSON) into a folder per input
    Parse(ExtractArgs),
    /// Many documents: submit all, wait, download as each finishes; resumable
    Batch(BatchArgs),
    /// State and progress of submitted tasks or batches; with no ID, the recent ones
    Status(StatusArgs),
    /// Download the results of submitted tasks (waits for them to finish)
    Fetch(IdArgs),
    /// The providers, what each can do, whether a key is set
    Providers,
    /// Shell completion script on stdout: bash, zsh, fish, powershell, elvish
    Completions(CompletionsArgs),
    /// Serve the providers to AI agents as an MCP server (stdio, or HTTP with --http)
    Mcp(McpArgs),
}

#[derive(Debug, Args, Clone, Default)]
pub struct ExtractArgs {
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
    /// Document language (provider's codes, e.g. en, ch)
    #[arg(long, value_name = "LANG")]
    pub language: Option<String>,
    /// Force OCR of scanned pages
    #[arg(long)]
    pub ocr: bool,
    /// Skip formula recognition
    #[arg(long)]
    pub no_formula: bool,
    /// Skip table recognition
    #[arg(long)]
    pub no_table: bool,
    /// Provider model (MinerU: pipeline, vlm, html; Mistral: mistral-ocr-latest)
    #[arg(long, value_name = "NAME")]
    pub model: Option<String>,
    /// Output format: markdown (default), text, json, or a provider format
    #[arg(long, value_name = "FORMAT")]
    pub format: Option<String>,
    /// Extra result formats the provider should add (MinerU: docx, html, latex)
    #[arg(long = "extra-format", value_name = "FORMAT", value_delimiter = ',')]
    pub extra_formats: Vec<String>,
    /// Mistral: tables as markdown or html
    #[arg(long, value_name = "FORMAT", value_parser = ["markdown", "html"])]
    pub table_format: Option<String>,
    /// Mistral: return page headers separately instead of inside the text
    #[arg(long)]
    pub extract_header: bool,
    /// Mistral: return page footers separately instead of inside the text
    #[arg(long)]
    pub extract_footer: bool,
    /// Save the images of the pages (ocr -o: DIR/<name>_images/; Mistral)
    #[arg(long)]
    pub images: bool,
    /// mistralocr: rest (default) or mcp (its MCP endpoint)
    #[arg(long, value_name = "TRANSPORT", value_parser = ["rest", "mcp"])]
    pub transport: Option<String>,
    /// Submit, print the IDs, exit without waiting
    #[arg(long)]
    pub no_wait: bool,
    /// Stop at the first bad input instead of reporting it and going on with the others
    #[arg(long)]
    pub fail_fast: bool,
    /// Submit again the documents that failed in an earlier run (same content, provider and options)
    #[arg(long)]
    pub retry_failed: bool,
    /// Documents processed (uploaded, downloaded) at once; default 4
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=64))]
    pub concurrency: Option<u32>,
}

#[derive(Debug, Args, Clone, Default)]
pub struct BatchArgs {
    #[command(flatten)]
    pub extract: ExtractArgs,
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
    /// Serve streamable HTTP on ADDR (e.g. 127.0.0.1:8765, path /mcp) instead of stdio
    #[arg(long, value_name = "ADDR")]
    pub http: Option<std::net::SocketAddr>,
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
pub struct CompletionsArgs {
    /// The shell to complete for
    #[arg(value_name = "SHELL")]
    pub shell: clap_complete::Shell,
}

/// `90s`, `5m`, `1h`, `1h30m`, `250ms`; a bare number is seconds.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let bad = || format!("invalid duration '{text}': use e.g. 90s, 5m, 1h");
    let text = text.trim();
    if text.is_empty() {
        return Err(bad());
    }
    if let Ok(secs) = text.parse::<u64>() {
        return Ok(Duration::from_secs(secs));
    }
    let mut total = Duration::ZERO;
    let mut rest = text;
    while !rest.is_empty() {
        let digits = rest.find(|c: char| !c.is_ascii_digit()).ok_or_else(bad)?;
        if digits == 0 {
            return Err(bad());
        }
        let value: u64 = rest[..digits].parse().map_err(|_| bad())?;
        rest = &rest[digits..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(rest.len());
        let unit = &rest[..unit_len];
        rest = &rest[unit_len..];
        total += match unit {
            "ms" => Duration::from_millis(value),
            "s" => Duration::from_secs(value),
            "m" => Duration::from_secs(value * 60),
            "h" => Duration::from_secs(value * 3600),
            _ => return Err(bad()),
        };
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("90s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("5m"), Ok(Duration::from_secs(300)));
        assert_eq!(parse_duration("1h"), Ok(Duration::from_secs(3600)));
        assert_eq!(parse_duration("1h30m"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_duration("42"), Ok(Duration::from_secs(42)));
        assert!(parse_duration("5x").is_err());
        assert!(parse_duration("m").is_err());
        assert!(parse_duration("").is_err());
    }

    #[test]
    fn cli_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
