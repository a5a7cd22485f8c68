//! docpipe: documents to text, markdown and structured results through cloud
//! extraction services. `main.rs` only parses arguments and calls [`run`].

pub mod cache;
pub mod cli;
pub mod commands;
pub mod config;
pub mod context;
pub mod deliver;
pub mod error;
pub mod generate;
pub mod http;
pub mod input;
pub mod interrupt;
pub mod journal;
pub mod local;
pub mod messages;
pub mod options;
pub mod output;
pub mod pages;
pub mod pdf;
pub mod pipeline;
pub mod poll;
pub mod price;
pub mod progress;
pub mod provider;
pub mod record;
pub mod request;
pub mod span;
pub mod split;
pub mod stitch;
pub mod task;
pub mod transfer;
pub mod units;
pub mod unpack;

/// Runs a parsed command line and returns the process exit code.
pub fn run(cli: cli::Cli) -> i32 {
    interrupt::install();
    let code = match commands::dispatch(cli) {
        Ok(code) => code,
        Err(err) if error::is_broken_pipe(&err) => error::exit::OK,
        Err(err) => {
            messages::error(&err);
            error::exit_code_of(&err)
        }
    };
    // What is still queued for stderr is written before the process ends
    // (bounded: a stderr nobody reads cannot hold the exit).
    messages::finish();
    code
}
