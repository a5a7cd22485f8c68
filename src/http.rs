//! The one HTTP layer every provider and transfer goes through: a shared blocking
//! client (connection reuse across threads), timeouts, the retry policy, and the
//! request log of `-v` (which never shows keys or signed query strings).

use std::hash::{BuildHasher, Hasher};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use reqwest::blocking::{Client, RequestBuilder, Response};
use reqwest::StatusCode;

/// Whether a request may be sent again when its answer was lost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retry {
    /// Reads and other requests without side effects: retried on connection errors,
    /// timeouts, 429 and 5xx.
    Idempotent,
    /// Requests that create a task: retried only when the request cannot have been
    /// acted on (connection refused before sending, or 429 rate limit refusal), so a
    /// retry never creates a second task.
    Create,
    /// Never retried.
    Never,
}

#[derive(Debug, Clone)]
pub struct HttpOptions {
    pub connect_timeout: Duration,
    pub timeout: Duration,
    pub attempts: u32,
    pub verbose: bool,
}

impl Default for HttpOptions {
    fn default() -> Self {
        HttpOptions {
            connect_timeout: Duration::from_secs(15),
            timeout: Duration::from_secs(120),
            attempts: 4,
            verbose: false,
        }
    }
}

#[derive(Clone)]
pub struct Http {
    client: Client,
    opts: HttpOptions,
    /// When set, requests are spaced by this pacer (a provider's `rate_limit`).
    pacer: Option<Arc<Pacer>>,
}

/// Spaces requests evenly to at most `per_second`, across every thread that
/// shares it: the next free slot is reserved under a lock, the wait happens
/// outside it.
pub struct Pacer {
    interval: Duration,
    next: Mutex<Instant>,
}

impl Pacer {
    pub fn new(per_second: f64) -> Pacer {
        Pacer {
            interval: Duration::from_secs_f64(1.0 / per_second.max(0.001)),
            next: Mutex::new(Instant::now()),
        }
    }

    fn wait_turn(&self) {
        let wait = {
            let mut next = self.next.lock().unwrap_or_else(|e| e.into_inner());
            let now = Instant::now();
            let slot = (*next).max(now);
            *next = slot + self.interval;
            slot - now
        };
        std::thread::sleep(wait);
    }
}

impl Http {
    pub fn new(opts: HttpOptions) -> Result<Http> {
        let client = Self::builder(&opts)
            .build()
            .context("cannot set up the HTTP client")?;
        Ok(Http {
            client,
            opts,
            pacer: None,
        })
    }

    fn builder(opts: &HttpOptions) -> reqwest::blocking::ClientBuilder {
        Client::builder()
            .user_agent(concat!("docpipe/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(opts.connect_timeout)
            .timeout(opts.timeout)
            .pool_idle_timeout(Duration::from_secs(60))
    }

    /// The same client settings, but redirects are answered rather than followed:
    /// for keys sent in headers that reqwest does not strip on a cross-host redirect
    /// (it strips only `Authorization`), such as `x-api-key`.
    pub fn without_redirects(&self) -> Result<Http> {
        let client = Self::builder(&self.opts)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .context("cannot set up the HTTP client")?;
        Ok(Http {
            client,
            opts: self.opts.clone(),
            pacer: self.pacer.clone(),
        })
    }

    /// The same client (same connections), with requests limited to
    /// `per_second` for everyone holding the returned handle.
    pub fn rate_limited(&self, per_second: f64) -> Http {
        Http {
            pacer: Some(Arc::new(Pacer::new(per_second))),
            ..self.clone()
        }
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    /// A client for long transfers: no overall deadline, only the connect timeout and
    /// a stall (read) timeout, so a slow but moving download of a large file finishes.
    pub fn transfer_timeout(&self, bytes: u64) -> Duration {
        // 120 s plus one second per 512 KiB: about 4 Mbit/s worst case.
        self.opts.timeout + Duration::from_secs(bytes / (512 * 1024))
    }

    /// Sends the request built by `build` (called again for each attempt), retrying
    /// as `retry` allows. Answers of any status are returned; only exhausted
    /// transport failures and retryable statuses past the last attempt are errors
    /// (the last answer is returned in that case, for the caller to classify).
    pub fn send(
        &self,
        retry: Retry,
        build: impl Fn(&Client) -> RequestBuilder,
    ) -> Result<Response> {
        self.send_with(retry, |c| Ok(build(c)))
    }

    /// [`Http::send`] for requests whose building can fail (a multipart body that
    /// opens a file, a MIME type that must parse).
    pub fn send_with(
        &self,
        retry: Retry,
        build: impl Fn(&Client) -> Result<RequestBuilder>,
    ) -> Result<Response> {
        let attempts = if retry == Retry::Never {
            1
        } else {
            self.opts.attempts.max(1)
        };
        let mut attempt = 0;
        loop {
            attempt += 1;
            if let Some(pacer) = &self.pacer {
                pacer.wait_turn();
            }
            let request = build(&self.client)?
                .build()
                .context("cannot build the request")?;
            let method = request.method().clone();
            let shown = redact_url(request.url());
            let started = Instant::now();
            if self.opts.verbose {
                eprintln!("docpipe: -> {method} {shown}");
            }
            let result = self.client.execute(request);
            let last = attempt >= attempts;
            match result {
                Ok(resp) => {
                    let status = resp.status();
                    if self.opts.verbose {
                        eprintln!(
                            "docpipe: <- {} {method} {shown} ({} ms)",
                            status.as_u16(),
                            started.elapsed().as_millis()
                        );
                    }
                    let retryable = match retry {
                        Retry::Idempotent => {
                            status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error()
                        }
                        Retry::Create => status == StatusCode::TOO_MANY_REQUESTS,
                        Retry::Never => false,
                    };
                    if !retryable || last {
                        return Ok(resp);
                    }
                    let wait = retry_after(&resp).unwrap_or_else(|| backoff(attempt));
                    drop(resp);
                    std::thread::sleep(wait);
                }
                Err(err) => {
                    if self.opts.verbose {
                        eprintln!("docpipe: <- error {method} {shown}: {err}");
                    }
                    let retryable = match retry {
                        Retry::Idempotent => {
                            err.is_connect() || err.is_timeout() || err.is_request()
                        }
                        Retry::Create => err.is_connect(),
                        Retry::Never => false,
                    };
                    if !retryable || last {
                        return Err(anyhow::Error::new(err).context(format!(
                            "{method} {shown} failed after {attempt} attempt(s)"
                        )));
                    }
                    std::thread::sleep(backoff(attempt));
                }
            }
        }
    }
}

/// Exponential backoff with full jitter: a random wait in [0, min(cap, base·2^n)].
pub fn backoff(attempt: u32) -> Duration {
    let ceiling_ms = (500u64 << attempt.min(6)).min(20_000);
    Duration::from_millis(random_below(ceiling_ms + 1))
}

fn retry_after(resp: &Response) -> Option<Duration> {
    let value = resp.headers().get(reqwest::header::RETRY_AFTER)?;
    let secs: u64 = value.to_str().ok()?.trim().parse().ok()?;
    Some(Duration::from_secs(secs.min(120)))
}

/// A random number below `n` from the std hasher's per-process random keys: jitter
/// needs no cryptographic quality and no extra crate.
pub fn random_below(n: u64) -> u64 {
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0),
    );
    h.finish() % n.max(1)
}

/// The URL as logged and shown in errors: no query string (signed URLs carry
/// credentials there) and no user info.
pub fn redact_url(url: &reqwest::Url) -> String {
    let mut shown = url.clone();
    let _ = shown.set_username("");
    let _ = shown.set_password(None);
    if shown.query().is_some() {
        shown.set_query(Some("…"));
    }
    shown.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pacer_spaces_requests_across_threads() {
        let pacer = Arc::new(Pacer::new(50.0));
        let started = Instant::now();
        std::thread::scope(|s| {
            for _ in 0..3 {
                let pacer = pacer.clone();
                s.spawn(move || {
                    for _ in 0..3 {
                        pacer.wait_turn();
                    }
                });
            }
        });
        // Nine turns at 50 per second: the last starts 8 intervals after the first.
        assert!(
            started.elapsed() >= Duration::from_millis(160),
            "{:?}",
            started.elapsed()
        );
    }

    #[test]
    fn backoff_stays_under_cap() {
        for attempt in 0..20 {
            assert!(backoff(attempt) <= Duration::from_secs(20));
        }
    }

    #[test]
    fn redaction_hides_query_and_userinfo() {
        let url = reqwest::Url::parse("https://u:p@oss.example/x?Signature=abc").unwrap();
        let shown = redact_url(&url);
        assert!(!shown.contains("abc") && !shown.contains("u:p"), "{shown}");
    }
}
