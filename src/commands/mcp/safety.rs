//! What the MCP server lets a tool call touch: files only inside the roots
//! given on the command line (symlinks resolved first, so one pointing out of a
//! root is refused), no stdin (it is the MCP channel), URLs only as inputs
//! handed to a provider; and who may call over HTTP (loopback, or a bearer
//! token).

use std::net::SocketAddr;
use std::path::{Component, Path, PathBuf};

use crate::error::{Error, Kind};

/// The folders tool calls may read from and write to, canonical (symlinks
/// resolved), the first one being where relative paths start.
#[derive(Debug, Clone)]
pub struct Roots {
    dirs: Vec<PathBuf>,
}

fn outside_hint() -> &'static str {
    "give a path inside a root, or start the server with --root DIR for that folder (docpipe mcp --root DIR, repeatable)"
}

impl Roots {
    /// The roots from `--root` (default: the current folder), each an existing folder.
    pub fn new(given: &[PathBuf]) -> Result<Roots, Error> {
        let given_none = given.is_empty();
        let given = if given.is_empty() {
            vec![PathBuf::from(".")]
        } else {
            given.to_vec()
        };
        let mut dirs = Vec::new();
        for dir in given {
            let canonical = dir.canonicalize().map_err(|e| {
                Error::usage(format!("--root {}: {e}", dir.display()))
                    .with_hint("give an existing folder")
            })?;
            if !canonical.is_dir() {
                return Err(
                    Error::usage(format!("--root {}: is not a folder", dir.display()))
                        .with_hint("give an existing folder"),
                );
            }
            dirs.push(canonical);
        }
        if given_none && dirs[0].parent().is_none() {
            // Agent hosts often start servers in `/`: a default root there
            // would open the whole disk to every tool call.
            return Err(Error::usage(format!(
                "no --root, and the current folder is {}: the tools would reach every file",
                dirs[0].display()
            ))
            .with_hint("give the folders the tools may use: docpipe mcp --root DIR (repeatable)"));
        }
        Ok(Roots { dirs })
    }

    pub fn dirs(&self) -> &[PathBuf] {
        &self.dirs
    }

    /// The first root: where relative paths start.
    pub fn first(&self) -> &Path {
        &self.dirs[0]
    }

    /// Whether a canonical path lies in a root.
    pub fn contains(&self, canonical: &Path) -> bool {
        self.dirs.iter().any(|d| canonical.starts_with(d))
    }

    fn absolute(&self, path: &Path) -> PathBuf {
        if path.is_absolute() {
            path.to_path_buf()
        } else {
            self.first().join(path)
        }
    }

    /// A tool's document argument turned into what the pipeline reads: an
    /// http(s) URL unchanged (only a provider that takes URLs will get it;
    /// docpipe does not download it), a `file:` URI or a path resolved against
    /// the first root, symlinks followed, and refused unless the file it ends at
    /// lies inside a root.
    pub fn source(&self, word: &str) -> Result<String, Error> {
        let word = word.trim();
        if crate::input::is_url(word) {
            return Ok(word.to_string());
        }
        if word.is_empty() || word == "-" {
            return Err(Error::input(
                if word.is_empty() { "(empty)" } else { word },
                "not a document: stdin is the MCP channel and cannot be read",
            )
            .with_hint("give a file path inside a root, a file: URI, or an http(s) URL"));
        }
        let lower = word.to_ascii_lowercase();
        let path = if lower.starts_with("file:") {
            file_uri_path(word)?
        } else if lower.starts_with("data:") || scheme_of(word).is_some() {
            return Err(Error::input(word, "unsupported URI scheme").with_hint(
                "give a file path inside a root, a file: URI, or an http(s) URL (docpipe mcp reads no other scheme)",
            ));
        } else {
            PathBuf::from(word)
        };
        let full = self.absolute(&path);
        let canonical = full.canonicalize().map_err(|e| {
            Error::input(word, format!("cannot open: {e}")).with_hint(format!(
                "check the path; relative paths start at {}",
                self.first().display()
            ))
        })?;
        if !self.contains(&canonical) {
            return Err(Error::new(
                Kind::Input,
                format!(
                    "{word}: outside the roots the server may read ({} resolves to {})",
                    full.display(),
                    canonical.display()
                ),
            )
            .with_hint(outside_hint()));
        }
        if !canonical.is_file() {
            return Err(Error::input(word, "not a regular file")
                .with_hint("give one document file (folders are not read by docpipe mcp)"));
        }
        Ok(canonical.to_string_lossy().into_owned())
    }

    /// A tool's output folder: resolved against the first root, its existing
    /// part canonicalized (symlinks followed) and required to lie in a root, the
    /// rest plain names (no `..`), created later by the pipeline.
    pub fn output_dir(&self, word: &str) -> Result<PathBuf, Error> {
        let path = if word.to_ascii_lowercase().starts_with("file:") {
            file_uri_path(word)?
        } else {
            PathBuf::from(word)
        };
        self.check_dir(&path, &format!("output_dir {word}"))
    }

    /// The same check for a folder given by other means (the config's
    /// `defaults.output`, the folder a recorded task was submitted to).
    pub fn check_dir(&self, path: &Path, what: &str) -> Result<PathBuf, Error> {
        let full = self.absolute(path);
        let mut existing = full.clone();
        let mut rest = Vec::new();
        while !existing.exists() {
            let Some(name) = existing.file_name().map(|n| n.to_os_string()) else {
                break;
            };
            rest.push(name);
            if !existing.pop() {
                break;
            }
        }
        if full.components().any(|c| matches!(c, Component::ParentDir)) && !rest.is_empty() {
            return Err(
                Error::usage(format!("{what}: '..' in a folder that does not exist yet"))
                    .with_hint(outside_hint()),
            );
        }
        let canonical = existing.canonicalize().map_err(|e| {
            Error::usage(format!("{what}: {}: {e}", existing.display()))
                .with_hint("give a folder inside a root")
        })?;
        if !self.contains(&canonical) {
            return Err(Error::usage(format!(
                "{what}: outside the roots the server may write to ({} resolves to {})",
                full.display(),
                canonical.display()
            ))
            .with_hint(outside_hint()));
        }
        if rest.is_empty() && !canonical.is_dir() {
            return Err(Error::usage(format!("{what}: exists and is not a folder"))
                .with_hint("give a folder for the results"));
        }
        Ok(rest.iter().rev().fold(canonical, |p, n| p.join(n)))
    }
}

/// `file:///a/b%20c.pdf` (or `file:/a/b.pdf`) → `/a/b c.pdf`; only local files.
fn file_uri_path(uri: &str) -> Result<PathBuf, Error> {
    let rest = &uri["file:".len()..];
    let path = if let Some(after) = rest.strip_prefix("//") {
        // An authority: empty or localhost only.
        let (host, path) = after.split_at(after.find('/').unwrap_or(after.len()));
        if !(host.is_empty() || host.eq_ignore_ascii_case("localhost")) {
            return Err(Error::input(uri, "a file: URI on another host")
                .with_hint("give a local file (file:///path)"));
        }
        path
    } else {
        rest
    };
    let decoded = percent_decode(path)
        .ok_or_else(|| Error::input(uri, "bad percent-encoding in the file: URI"))?;
    if decoded.is_empty() {
        return Err(Error::input(uri, "a file: URI without a path"));
    }
    Ok(PathBuf::from(decoded))
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// `scheme:` of a URI (letters, digits, + - ., at least two characters so a
/// Windows drive letter is not one).
fn scheme_of(word: &str) -> Option<&str> {
    let colon = word.find(':')?;
    let scheme = &word[..colon];
    let ok = scheme.len() > 1
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    ok.then_some(scheme)
}

/// `--http ADDR`: an IP address and port, or a host name and port (the name
/// resolved here; a loopback address is preferred when it has one, so
/// `localhost:8765` is loopback).
pub fn resolve_bind(word: &str) -> Result<SocketAddr, Error> {
    if let Ok(addr) = word.parse::<SocketAddr>() {
        return Ok(addr);
    }
    let hint = "give HOST:PORT, e.g. 127.0.0.1:8765 or localhost:8765 (port 0: any free port)";
    let addrs: Vec<SocketAddr> = std::net::ToSocketAddrs::to_socket_addrs(word)
        .map_err(|e| Error::usage(format!("--http {word}: {e}")).with_hint(hint))?
        .collect();
    addrs
        .iter()
        .find(|a| a.ip().is_loopback())
        .or(addrs.first())
        .copied()
        .ok_or_else(|| {
            Error::usage(format!("--http {word}: the name has no address")).with_hint(hint)
        })
}

/// The shortest bearer token accepted, and how many different characters it
/// must hold at least: a guessable token is no guard.
const TOKEN_MIN: usize = 32;
const TOKEN_DISTINCT: usize = 12;

/// The HTTP transport's rule: loopback needs nothing; any other address needs
/// a token, which every request must then carry. A token, wherever it is used,
/// must look random: at least [`TOKEN_MIN`] characters, [`TOKEN_DISTINCT`] of
/// them different.
pub fn check_bind(addr: &SocketAddr, token: Option<&str>) -> Result<(), Error> {
    if let Some(token) = token {
        let distinct: std::collections::HashSet<char> = token.chars().collect();
        if token.chars().count() < TOKEN_MIN || distinct.len() < TOKEN_DISTINCT {
            return Err(Error::usage(format!(
                "--token (or DOCPIPE_MCP_TOKEN) is too easy to guess: it needs at least {TOKEN_MIN} characters, {TOKEN_DISTINCT} of them different"
            ))
            .with_hint("make one with `openssl rand -hex 32` (or `head -c 32 /dev/urandom | base64`)"));
        }
    }
    if !addr.ip().is_loopback() && token.is_none() {
        return Err(Error::usage(format!(
            "--http {addr}: not a loopback address, and no --token: anyone who can reach it could spend your provider quota and read your files"
        ))
        .with_hint("add --token TOKEN (or DOCPIPE_MCP_TOKEN) and send it as 'Authorization: Bearer TOKEN', or bind 127.0.0.1"));
    }
    Ok(())
}

/// Which web pages may call the HTTP server. A browser sends `Origin` with
/// every cross-site request: a page from anywhere else (DNS rebinding, a page
/// posting to localhost) is refused, as the MCP transport spec requires.
/// Requests without `Origin` (command-line and SDK clients) are not pages.
#[derive(Debug, Clone, Default)]
pub struct Origins {
    allowed: Vec<String>,
}

impl Origins {
    pub fn new(allowed: &[String]) -> Result<Origins, Error> {
        let mut list = Vec::new();
        for o in allowed {
            let norm = o.trim().trim_end_matches('/').to_ascii_lowercase();
            if !(norm.starts_with("http://") || norm.starts_with("https://"))
                || norm["https://".len().min(norm.len())..].is_empty()
            {
                return Err(Error::usage(format!(
                    "--allow-origin {o}: not an origin"
                ))
                .with_hint("give the page's scheme and host, e.g. https://app.example.org or http://localhost:3000"));
            }
            list.push(norm);
        }
        Ok(Origins { allowed: list })
    }

    /// An `Origin` header value the server serves: a loopback page or a listed
    /// one. `null` (a sandboxed frame, a file: page) is refused.
    pub fn allows(&self, origin: &[u8]) -> bool {
        let Ok(origin) = std::str::from_utf8(origin) else {
            return false;
        };
        let norm = origin.trim().trim_end_matches('/').to_ascii_lowercase();
        if self.allowed.contains(&norm) {
            return true;
        }
        let Some(rest) = norm
            .strip_prefix("http://")
            .or_else(|| norm.strip_prefix("https://"))
        else {
            return false;
        };
        // The host, without a port: `[::1]:8080`, `127.0.0.1:8080`, `localhost`.
        let host = if let Some(v6) = rest.strip_prefix('[') {
            match v6.split_once(']') {
                Some((h, _)) => h,
                None => return false,
            }
        } else {
            rest.split(':').next().unwrap_or("")
        };
        host == "localhost"
            || host
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback())
    }
}

/// Whether an `Authorization` header value carries the token, compared in
/// constant time so the comparison does not leak how much of it matched.
pub fn bearer_ok(header: Option<&[u8]>, token: &str) -> bool {
    let Some(value) = header else {
        return false;
    };
    let Some(given) = value
        .strip_prefix(b"Bearer ")
        .or_else(|| value.strip_prefix(b"bearer "))
    else {
        return false;
    };
    let want = token.as_bytes();
    if given.len() != want.len() {
        return false;
    }
    given
        .iter()
        .zip(want)
        .fold(0u8, |acc, (a, b)| acc | (a ^ b))
        == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roots() -> (tempfile::TempDir, tempfile::TempDir, Roots) {
        let inside = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(inside.path().join("a.pdf"), b"%PDF-1.4").unwrap();
        std::fs::write(outside.path().join("secret.pdf"), b"%PDF-1.4").unwrap();
        let r = Roots::new(&[inside.path().to_path_buf()]).unwrap();
        (inside, outside, r)
    }

    #[test]
    fn sources_inside_a_root_resolve_and_others_are_refused() {
        let (inside, outside, r) = roots();
        let a = r.source("a.pdf").unwrap();
        assert!(a.ends_with("a.pdf") && Path::new(&a).is_absolute());
        let uri = format!("file://{}", inside.path().join("a.pdf").display());
        assert_eq!(r.source(&uri).unwrap(), a);
        let err = r
            .source(&outside.path().join("secret.pdf").to_string_lossy())
            .unwrap_err();
        assert!(err.message.contains("outside the roots"), "{}", err.message);
        assert!(r.source("../x.pdf").is_err());
        assert!(r.source("-").is_err());
        assert!(r.source("data:application/pdf;base64,AAAA").is_err());
        assert!(r.source("ftp://example.com/a.pdf").is_err());
        assert_eq!(
            r.source("https://example.com/a.pdf").unwrap(),
            "https://example.com/a.pdf"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_out_of_a_root_is_refused() {
        let (inside, outside, r) = roots();
        std::os::unix::fs::symlink(
            outside.path().join("secret.pdf"),
            inside.path().join("link.pdf"),
        )
        .unwrap();
        let err = r.source("link.pdf").unwrap_err();
        assert!(err.message.contains("resolves to"), "{}", err.message);
        std::os::unix::fs::symlink(outside.path(), inside.path().join("out")).unwrap();
        let err = r.output_dir("out/results").unwrap_err();
        assert!(err.message.contains("outside the roots"), "{}", err.message);
    }

    #[test]
    fn output_dirs_may_not_exist_yet_but_must_stay_inside() {
        let (inside, outside, r) = roots();
        let dir = r.output_dir("new/deeper").unwrap();
        assert!(dir.starts_with(inside.path().canonicalize().unwrap()));
        assert!(r.output_dir("new/../../escape").is_err());
        assert!(r
            .output_dir(&outside.path().join("x").to_string_lossy())
            .is_err());
        assert!(r.output_dir("a.pdf").is_err(), "a file is not a folder");
    }

    #[test]
    fn origins_are_loopback_pages_or_listed_ones() {
        let o = Origins::new(&["https://App.example.org/".to_string()]).unwrap();
        for ok in [
            "http://localhost:3000",
            "http://127.0.0.1",
            "https://127.8.9.10:8443",
            "http://[::1]:8080",
            "https://app.example.org",
        ] {
            assert!(o.allows(ok.as_bytes()), "{ok}");
        }
        for bad in [
            "http://evil.example",
            "null",
            "http://localhost.evil.example",
            "http://127.0.0.1.evil.example",
            "file://",
            "https://app.example.org.evil.example",
        ] {
            assert!(!o.allows(bad.as_bytes()), "{bad}");
        }
        assert!(Origins::new(&["app.example.org".to_string()]).is_err());
    }

    #[test]
    fn host_names_resolve_and_prefer_loopback() {
        assert!(resolve_bind("localhost:0").unwrap().ip().is_loopback());
        assert_eq!(
            resolve_bind("127.0.0.1:8765").unwrap(),
            "127.0.0.1:8765".parse().unwrap()
        );
        assert!(resolve_bind("no port").is_err());
    }

    #[test]
    fn binding_beyond_loopback_needs_a_token_and_the_bearer_must_match() {
        let lo: SocketAddr = "127.0.0.1:0".parse().unwrap();
        let any: SocketAddr = "0.0.0.0:8765".parse().unwrap();
        assert!(check_bind(&lo, None).is_ok());
        assert!(check_bind(&any, None).is_err());
        let strong = "9f8e7d6c5b4a39281706f5e4d3c2b1a0-s3cret";
        assert!(check_bind(&any, Some(strong)).is_ok());
        assert!(check_bind(&lo, Some(strong)).is_ok());
        assert!(check_bind(&any, Some(" ")).is_err());
        // Guessable: too short, or too few different characters.
        assert!(check_bind(&any, Some("s3cret")).is_err());
        assert!(check_bind(&lo, Some("s3cret")).is_err(), "on loopback too");
        assert!(check_bind(&any, Some(&"ab".repeat(20))).is_err());
        assert!(bearer_ok(Some(b"Bearer s3cret"), "s3cret"));
        assert!(!bearer_ok(Some(b"Bearer s3cre"), "s3cret"));
        assert!(!bearer_ok(Some(b"Bearer s3creT"), "s3cret"));
        assert!(!bearer_ok(Some(b"s3cret"), "s3cret"));
        assert!(!bearer_ok(None, "s3cret"));
    }
}
