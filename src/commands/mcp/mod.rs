//! `docpipe mcp`: every provider behind one MCP server (the official Rust SDK,
//! `rmcp`), over stdio or streamable HTTP. The only async code of docpipe: the
//! tools run the blocking pipeline on tokio's blocking pool (`tools.rs`);
//! what a call may touch is decided in `safety.rs`; the transports live in
//! `server.rs`.

pub mod safety;
pub mod server;
pub mod tools;

use anyhow::Result;

use crate::cli::McpArgs;
use crate::context::Ctx;

pub fn run(ctx: &Ctx, args: &McpArgs) -> Result<i32> {
    if ctx.global.output.is_some() || ctx.global.json {
        return Err(crate::error::Error::usage(
            "-o and --json do not apply to docpipe mcp: each tool call says where its results go",
        )
        .with_hint("drop them; tools take output_dir (inside a --root folder) and answer in JSON")
        .into());
    }
    let roots = safety::Roots::new(&args.roots)?;
    let bind = match &args.http {
        Some(word) => {
            let addr = safety::resolve_bind(word)?;
            safety::check_bind(&addr, args.token.as_deref())?;
            Some(addr)
        }
        None => None,
    };
    let origins = safety::Origins::new(&args.allow_origins)?;
    let server = tools::DocServer::new(ctx.global.clone(), roots.clone());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let dirs: Vec<String> = roots
        .dirs()
        .iter()
        .map(|d| d.display().to_string())
        .collect();
    match bind {
        None => {
            ctx.reporter.note(&format!(
                "mcp: serving on stdio; roots: {}",
                dirs.join(", ")
            ));
            runtime.block_on(server::stdio(server))?;
        }
        Some(addr) => {
            runtime.block_on(server::http(
                server,
                addr,
                args.token.clone(),
                origins,
                &dirs,
            ))?;
        }
    }
    // Blocking calls still running (a client gone mid-call) end with the
    // process: what they submitted is recorded already.
    runtime.shutdown_timeout(std::time::Duration::from_millis(100));
    Ok(crate::error::exit::OK)
}
