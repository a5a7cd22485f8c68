//! One module per command; this one holds what they share.

pub mod batch;
pub mod cache;
pub mod completions;
pub mod extract;
pub mod mcp;
pub mod providers;
pub mod tasks;

use anyhow::Result;

use crate::cli::{Cli, Command};
pub use crate::context::{combined_exit_code, Ctx};

pub fn dispatch(cli: Cli) -> Result<i32> {
    // Completions need no settings: a broken config file must not break the
    // shell's start-up.
    if let Command::Completions(args) = &cli.command {
        return completions::run(args.shell);
    }
    let ctx = Ctx::new(cli.global.into())?;
    match cli.command {
        Command::Ocr(args) => extract::ocr(&ctx, &args.into_extract()?.into()),
        Command::Parse(args) => extract::parse(&ctx, &args.into_extract().into()),
        Command::Batch(args) => batch::run(&ctx, &args),
        Command::Status(args) if args.ids.is_empty() => tasks::recent(&ctx, args.recent),
        Command::Status(args) => tasks::status(&ctx, &args.ids),
        Command::Fetch(args) => tasks::fetch(&ctx, &args.ids),
        Command::Estimate(args) => {
            crate::pipeline::estimate::estimate(&ctx, &args.into_extract().into())
        }
        Command::Providers => providers::run(&ctx),
        Command::Completions(args) => completions::run(args.shell),
        Command::Mcp(args) => mcp::run(&ctx, &args),
        Command::Cache(args) => cache::run(&ctx, &args.action),
    }
}
