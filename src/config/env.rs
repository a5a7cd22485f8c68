//! The environment: where variables come from ([`Env`]), and the table of every
//! variable docpipe reads besides the providers' own.

/// Where environment variables come from: the process, or a map in tests.
pub type Env = dyn Fn(&str) -> Option<String> + Sync;

pub fn process_env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// Every environment variable docpipe reads besides each provider's key and
/// base URL (those come from the registry). The code reads them by these names;
/// the man page's ENVIRONMENT section and docs/configuration.md list this table,
/// and a test checks that no other such variable is read anywhere in `src/`.
pub mod var {
    pub const CONFIG: &str = "DOCPIPE_CONFIG";
    pub const TIMEOUT: &str = "DOCPIPE_TIMEOUT";
    pub const POLL_INTERVAL: &str = "DOCPIPE_POLL_INTERVAL";
    pub const POLL_MAX: &str = "DOCPIPE_POLL_MAX";
    pub const CONNECT_TIMEOUT: &str = "DOCPIPE_CONNECT_TIMEOUT";
    pub const READ_TIMEOUT: &str = "DOCPIPE_READ_TIMEOUT";
    pub const RETRY_BASE: &str = "DOCPIPE_RETRY_BASE";
    pub const STALL_TIMEOUT: &str = "DOCPIPE_STALL_TIMEOUT";
    pub const MCP_TOKEN: &str = "DOCPIPE_MCP_TOKEN";
    pub const DATA_DIR: &str = "DOCPIPE_DATA_DIR";
    pub const CACHE: &str = "DOCPIPE_CACHE";
    pub const PROGRESS: &str = "DOCPIPE_PROGRESS";
    pub const NO_COLOR: &str = "NO_COLOR";
}

pub const ENVIRONMENT: &[(&str, &str)] = &[
    (var::CONFIG, "config file, when --config is not given"),
    (var::TIMEOUT, "default --timeout (90s, 5m, 1h; not 0)"),
    (
        var::POLL_INTERVAL,
        "first wait between status polls (default 1.5s)",
    ),
    (
        var::POLL_MAX,
        "longest wait between status polls (default 30s)",
    ),
    (
        var::CONNECT_TIMEOUT,
        "how long to wait for a connection (default 15s)",
    ),
    (
        var::READ_TIMEOUT,
        "how long an API answer may take (default 120s)",
    ),
    (
        var::RETRY_BASE,
        "first retry backoff ceiling, doubling per attempt (default 500ms)",
    ),
    (
        var::MCP_TOKEN,
        "docpipe mcp --http: the bearer token clients must send (as --token)",
    ),
    (
        var::STALL_TIMEOUT,
        "how long a transfer may go without progress before it is retried (default 60s)",
    ),
    (
        var::DATA_DIR,
        "where the task record is kept (default <data dir>/docpipe)",
    ),
    (
        var::CACHE,
        "off turns the result cache off; a folder, or s3://, gs://, az://BUCKET/PREFIX, puts it there (default <data dir>/docpipe/cache)",
    ),
    (
        var::PROGRESS,
        "bar, plain or none: overrides the terminal check for progress",
    ),
    (
        var::NO_COLOR,
        "when set and not empty, progress uses no color",
    ),
];

/// The environment variable naming a provider's base URL:
/// `DOCPIPE_<NAME>_BASE_URL`, upper-cased, `-` as `_`.
pub fn base_url_var(provider: &str) -> String {
    format!(
        "DOCPIPE_{}_BASE_URL",
        provider.to_ascii_uppercase().replace('-', "_")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    /// Every environment variable name written in `src/` is in [`ENVIRONMENT`] or
    /// is a provider's key or base URL variable: the man page cannot miss one.
    #[test]
    fn every_environment_variable_the_code_reads_is_in_the_table() {
        let mut known: Vec<String> = ENVIRONMENT.iter().map(|(n, _)| n.to_string()).collect();
        for entry in crate::provider::REGISTRY {
            known.extend(entry.info.key_env.iter().map(|k| k.to_string()));
            known.push(base_url_var(entry.info.name));
            known.extend(entry.info.env.iter().map(|(n, _)| n.to_string()));
        }
        let mut unknown = Vec::new();
        let mut stack = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("src")];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap();
                // Test modules name variables of their own (fakes, fixtures).
                let code = text.split("#[cfg(test)]").next().unwrap_or("");
                for literal in code.split('"').skip(1).step_by(2) {
                    let looks_like_var = literal.len() > 3
                        && literal
                            .chars()
                            .all(|c| c.is_ascii_uppercase() || c == '_' || c.is_ascii_digit())
                        && literal.contains('_')
                        && (literal.starts_with("DOCPIPE_")
                            || ["_KEY", "_TOKEN", "_PASSWORD", "_URL", "NO_COLOR"]
                                .iter()
                                .any(|s| literal.ends_with(s)));
                    if looks_like_var && !known.iter().any(|k| k == literal) {
                        unknown.push(format!("{}: {literal}", path.display()));
                    }
                }
            }
        }
        assert!(
            unknown.is_empty(),
            "variables missing from config::ENVIRONMENT: {unknown:?}"
        );
    }
}
