//! `ocr` and `parse`: the document pipeline (`pipeline/`) over the inputs given,
//! results printed or written in input order.

use anyhow::Result;

use super::Ctx;
use crate::pipeline::{self, Command};
use crate::request::Request;

pub fn ocr(ctx: &Ctx, args: &Request) -> Result<i32> {
    pipeline::run(ctx, Command::Ocr, args, None)
}

pub fn parse(ctx: &Ctx, args: &Request) -> Result<i32> {
    pipeline::run(ctx, Command::Parse, args, None)
}
