//! `completions SHELL`: the completion script on stdout, for the shell's start-up
//! files or a completions folder.

use std::io::Write;

use anyhow::Result;
use clap_complete::Shell;

use crate::generate;

pub fn run(shell: Shell) -> Result<i32> {
    let mut out = std::io::stdout().lock();
    out.write_all(&generate::completion(shell))?;
    out.flush()?;
    Ok(crate::error::exit::OK)
}
