//! `batch`: the document pipeline (`pipeline/`) over many documents — folders
//! expanded, one run per output folder at a time, lines streamed as documents
//! finish, a summary at the end.

use anyhow::Result;

use super::Ctx;
use crate::cli::BatchArgs;
use crate::pipeline::{self, Command};

pub fn run(ctx: &Ctx, args: &BatchArgs) -> Result<i32> {
    pipeline::run(ctx, Command::Batch, &args.to_extract().into(), args.shard)
}
