//! The one HTTP layer every provider and transfer goes through: a shared blocking
//! client (connection reuse across threads), timeouts, the retry policy, and the
//! request log of `-v` (which never shows keys or signed query strings).

use std::hash::{BuildHasher, Hasher};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use once_cell::sync::OnceCell;
use reqwest::blocking::{Client, RequestBuilder, Response};
use reqwest::StatusCode;

/// Whether a request may be sent again when its answer was lost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retry {
    /// Reads and other requests without side effects: retried on connection errors,
    /// timeouts, 429 and 5xx.
    Idempotent,
    /// Billed synchronous calls that answer with the result itself (Mistral
    /// `/v1/ocr`, mistralocr.app's `/api/ocr/process` and MCP `tools/call`):
    /// retried like [`Retry::Create`], only when the service did not act on
    /// them. A lost answer (502, 504, a timeout, a connection closed after the
    /// request was sent) may mean the work was done and billed, so it is not
    /// sent again in the run ([`AnswerLost`]): the document is left for a rerun,
    /// which bills at most once more, and only when the user runs it.
    Sync,
    /// Requests that create a task: retried only when the service did not act on
    /// them: the connection failed before the request (or all of its streamed
    /// body) was sent, or the answer is a
    /// refusal (429 rate limit, 500 or 503: the service's own word that it failed
    /// before creating anything, or a provider's "try again later" code, see
    /// [`Http::send_busy`]). A lost answer (502, 504, a timeout, a connection
    /// closed after sending) is not retried: the task may exist, and a retry could
    /// make a second one ([`AnswerLost`]). See `docs/reliability.md`.
    Create,
    /// Never retried.
    Never,
}

/// The answer to a task-creating or billed request was lost (a gateway's 502 or
/// 504, a timeout, a connection closed after the request was sent): the service
/// may or may not have acted on it (created the task, or done and billed the
/// work), so it is not sent again. Callers that keep a record leave the
/// document unrecorded, for a rerun to submit.
#[derive(Debug)]
pub struct AnswerLost {
    pub request: String,
    pub detail: String,
}

impl std::fmt::Display for AnswerLost {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the answer to {} was lost ({}); the service may or may not have acted on it (created the task, or done and billed the work), so it was not sent again: run the same command again to submit it",
            self.request, self.detail
        )
    }
}

impl std::error::Error for AnswerLost {}

#[derive(Debug, Clone)]
pub struct HttpOptions {
    pub connect_timeout: Duration,
    /// How long an API answer may take; transfers get more by size.
    pub timeout: Duration,
    pub attempts: u32,
    /// The first backoff ceiling; it doubles each attempt (full jitter below it).
    pub retry_base: Duration,
    /// How long a download may go without progress: waiting for the answer's
    /// headers, and between any two reads of its body.
    pub stall_timeout: Duration,
    /// The end of the whole command (`--timeout`): no request outlives it,
    /// downloads included.
    pub deadline: Option<Instant>,
    pub verbose: bool,
}

impl Default for HttpOptions {
    fn default() -> Self {
        HttpOptions {
            connect_timeout: Duration::from_secs(15),
            timeout: Duration::from_secs(120),
            attempts: 4,
            retry_base: Duration::from_millis(500),
            stall_timeout: Duration::from_secs(60),
            deadline: None,
            verbose: false,
        }
    }
}

#[derive(Clone)]
pub struct Http {
    clients: Arc<Clients>,
    opts: HttpOptions,
    /// When set, requests are spaced by this pacer (a provider's `rate_limit`).
    pacer: Option<Arc<Pacer>>,
}

/// The clients, each built on first use: building one loads the system's trust
/// store (hundreds of certificate files, about 3 ms), which a command that makes
/// no request (`-p local`) or only one kind of request should not pay for.
///
/// Each is built by one thread: the download workers start together when a
/// batch finishes, and each built its own (the trust store read and parsed,
/// a runtime thread started) before the first was stored. `once_cell`'s
/// `get_or_try_init` blocks the others meanwhile (std's is not stable yet).
#[derive(Default)]
struct Clients {
    client: OnceCell<Client>,
    /// The same settings, for requests that carry a key: redirects are followed
    /// only on the same host, so no key header reaches another host.
    keyed: OnceCell<Client>,
    /// For downloads: no whole-request timeout (a large result may take hours
    /// while it moves), but a no-progress timeout on the headers and each read.
    transfer: OnceCell<Client>,
}

/// The client in `cell`, built by `make` the first time, by one thread.
fn lazy(
    cell: &OnceCell<Client>,
    make: impl FnOnce() -> reqwest::blocking::ClientBuilder,
) -> Result<&Client> {
    cell.get_or_try_init(|| {
        make()
            .use_preconfigured_tls(tls_config()?)
            .build()
            .context("cannot set up the HTTP client")
    })
}

/// How many times this process read the system's trusted roots.
static ROOT_READS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// The TLS settings of every client, made once a process. Left to itself,
/// reqwest makes them for each client it builds, reading and parsing the
/// whole system store each time (about 19 M instructions a client on
/// Debian 12's store; a batch builds three). The same settings as reqwest's:
/// the compiled-in webpki roots and the system's (which honour
/// `SSL_CERT_FILE` and `SSL_CERT_DIR`; certificates that do not parse are
/// skipped), TLS 1.2 and 1.3 with ring, ALPN h2 then http/1.1.
fn tls_config() -> Result<rustls::ClientConfig> {
    static TLS: OnceCell<rustls::ClientConfig> = OnceCell::new();
    TLS.get_or_try_init(|| {
        ROOT_READS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let mut roots = rustls::RootCertStore::empty();
        roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        roots.add_parsable_certificates(rustls_native_certs::load_native_certs().certs);
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ClientConfig::builder_with_provider(provider)
            .with_protocol_versions(rustls::ALL_VERSIONS)
            .context("cannot set up TLS")?
            .with_root_certificates(roots)
            .with_no_client_auth();
        config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        Ok(config)
    })
    .cloned()
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
        Ok(Http {
            clients: Arc::new(Clients::default()),
            opts,
            pacer: None,
        })
    }

    fn api(&self) -> Result<&Client> {
        lazy(&self.clients.client, || Self::builder(&self.opts))
    }

    fn keyed(&self) -> Result<&Client> {
        lazy(&self.clients.keyed, || {
            Self::builder(&self.opts).redirect(same_host_redirects())
        })
    }

    fn transfer(&self) -> Result<&Client> {
        lazy(&self.clients.transfer, || {
            Self::transfer_builder(&self.opts)
        })
    }

    /// A blocking client's `timeout` (set on the client, not on a request) is a
    /// no-progress timeout: it bounds the wait for the headers, then each read of
    /// the body on its own. Set on a request it would also bound the whole
    /// answer, which is what the command's deadline does (see `send_inner`).
    /// (reqwest's async `read_timeout` needs a Tokio reactor on the reading
    /// thread, which blocking reads do not have.) The `Referer` a caller sets is
    /// kept on every redirect hop (a CDN checks it on the last one), rather than
    /// replaced by the previous URL.
    fn transfer_builder(opts: &HttpOptions) -> reqwest::blocking::ClientBuilder {
        Client::builder()
            .timeout(opts.stall_timeout)
            .referer(false)
            .user_agent(concat!("docpipe/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(opts.connect_timeout)
            .pool_idle_timeout(Duration::from_secs(60))
    }

    fn builder(opts: &HttpOptions) -> reqwest::blocking::ClientBuilder {
        Client::builder()
            .user_agent(concat!("docpipe/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(opts.connect_timeout)
            .timeout(opts.timeout)
            .pool_idle_timeout(Duration::from_secs(60))
    }

    /// The same client (same connections), with requests limited to
    /// `per_second` for everyone holding the returned handle.
    pub fn rate_limited(&self, per_second: f64) -> Http {
        Http {
            pacer: Some(Arc::new(Pacer::new(per_second))),
            ..self.clone()
        }
    }

    /// The deadline of a transfer of `bytes`: the API read timeout plus one second
    /// per 512 KiB (about 4 Mbit/s worst case), so a slow but moving transfer of a
    /// large file finishes and a stalled small one does not hang.
    pub fn transfer_timeout(&self, bytes: u64) -> Duration {
        self.opts.timeout + Duration::from_secs(bytes / (512 * 1024))
    }

    /// The wait before retry number `attempt` (1-based): full jitter below
    /// `retry_base · 2^(attempt-1)`, capped at 20 s.
    pub fn backoff(&self, attempt: u32) -> Duration {
        backoff_from(self.opts.retry_base, attempt)
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
        self.send_inner(retry, None, Route::Api, &|_| {}, |c| Ok(build(c)))
    }

    /// [`Http::send`] for requests whose building can fail (a multipart body that
    /// opens a file, a MIME type that must parse).
    pub fn send_with(
        &self,
        retry: Retry,
        build: impl Fn(&Client) -> Result<RequestBuilder>,
    ) -> Result<Response> {
        self.send_inner(retry, None, Route::Api, &|_| {}, build)
    }

    /// [`Http::send`] for a service that says "try again later" in the body of
    /// an answer (MinerU's `-10001`, `-60007`, `-60009`): `busy` is asked about
    /// every answer, and one it recognises is retried like a 503, creations
    /// included: the service refused before acting. The classification stays
    /// with the provider's dialect; the retry with this layer.
    pub fn send_busy(
        &self,
        retry: Retry,
        busy: Busy,
        build: impl Fn(&Client) -> RequestBuilder,
    ) -> Result<Response> {
        self.send_inner(retry, Some(busy), Route::Api, &|_| {}, |c| Ok(build(c)))
    }

    /// A download (a GET without a key): retried like a read, on the transfer
    /// client (no-progress timeout instead of a whole-request one; `Referer`
    /// kept across redirects), bounded by the command's deadline. `retrying`
    /// is told why before each new attempt: a download that stalls waits a
    /// whole stall timeout, and the user should not wonder at the silence.
    pub fn send_transfer(
        &self,
        retrying: &dyn Fn(&str),
        build: impl Fn(&Client) -> RequestBuilder,
    ) -> Result<Response> {
        self.send_inner(Retry::Idempotent, None, Route::Transfer, retrying, |c| {
            Ok(build(c))
        })
    }

    /// The error for a command whose `--timeout` has passed, if it has.
    pub fn past_deadline(&self, what: &str) -> Option<anyhow::Error> {
        let deadline = self.opts.deadline?;
        (Instant::now() >= deadline).then(|| {
            anyhow::Error::new(
                crate::error::Error::timeout(format!(
                    "{what}: the command's time limit (--timeout) ran out"
                ))
                .with_hint("raise --timeout (or [defaults] timeout), or run the same command again: finished work is kept"),
            )
        })
    }

    fn send_inner(
        &self,
        retry: Retry,
        busy: Option<Busy>,
        route: Route,
        retrying: &dyn Fn(&str),
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
            let mut request = build(self.api()?)?
                .build()
                .context("cannot build the request")?;
            let method = request.method().clone();
            let shown = redact_url(request.url());
            // A DELETE is a cleanup (a file uploaded only for one request, an
            // MCP session): it runs even after the deadline, which is often
            // what ended the work it cleans up after.
            let bounded = method != reqwest::Method::DELETE;
            if let Some(err) = self
                .past_deadline(&format!("{method} {shown}"))
                .filter(|_| bounded)
            {
                return Err(err);
            }
            // No request outlives the command: when less is left than its own
            // timeout (or the client's), it gets what is left as a per-request
            // timeout, which bounds the whole answer, body included. A download
            // begun earlier checks the deadline after each read.
            if let Some(deadline) = self.opts.deadline.filter(|_| bounded) {
                let left = deadline.saturating_duration_since(Instant::now());
                let own = match route {
                    Route::Api => self.opts.timeout,
                    Route::Transfer => self.opts.stall_timeout,
                };
                if left < request.timeout().copied().unwrap_or(own) {
                    *request.timeout_mut() = Some(left);
                }
            }
            let started = Instant::now();
            if self.opts.verbose {
                crate::messages::line(&format!("docpipe: -> {method} {shown}"));
            }
            // Keys travel in headers; such a request never follows a redirect to
            // another host (reqwest strips only `Authorization` there, not e.g.
            // `x-api-key`).
            let carries_key = request
                .headers()
                .contains_key(reqwest::header::AUTHORIZATION)
                || request.headers().contains_key("x-api-key");
            let client = match route {
                Route::Transfer if !carries_key => self.transfer()?,
                _ if carries_key => self.keyed()?,
                _ => self.api()?,
            };
            let result = client.execute(request);
            let last = attempt >= attempts;
            match result {
                Ok(resp) => {
                    let status = resp.status();
                    if self.opts.verbose {
                        crate::messages::line(&format!(
                            "docpipe: <- {} {method} {shown} ({} ms)",
                            status.as_u16(),
                            started.elapsed().as_millis()
                        ));
                    }
                    if status == StatusCode::PROXY_AUTHENTICATION_REQUIRED {
                        return Err(proxy_refused(&format!("{method} {shown}")));
                    }
                    let retryable = match retry {
                        Retry::Idempotent => {
                            status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error()
                        }
                        Retry::Create | Retry::Sync => {
                            status == StatusCode::TOO_MANY_REQUESTS
                                || status == StatusCode::INTERNAL_SERVER_ERROR
                                || status == StatusCode::SERVICE_UNAVAILABLE
                        }
                        Retry::Never => false,
                    };
                    // A gateway's 502/504: the service's own answer never came.
                    let gateway =
                        status == StatusCode::BAD_GATEWAY || status == StatusCode::GATEWAY_TIMEOUT;
                    if matches!(retry, Retry::Create | Retry::Sync) && gateway {
                        let body = resp.text().unwrap_or_default();
                        let body: String = body.chars().take(200).collect();
                        return Err(anyhow::Error::new(AnswerLost {
                            request: format!("{method} {shown}"),
                            detail: format!("HTTP {} {}", status.as_u16(), body.trim()),
                        }));
                    }
                    if retryable && !last {
                        let wait = retry_after(&resp).unwrap_or_else(|| self.backoff(attempt));
                        retrying(&format!(
                            "{method} {shown} answered HTTP {}; trying again",
                            status.as_u16()
                        ));
                        drop(resp);
                        std::thread::sleep(wait);
                        continue;
                    }
                    let Some(busy) = busy.filter(|_| !retryable && retry != Retry::Never) else {
                        return Ok(resp);
                    };
                    let resp = buffered(resp)
                        .with_context(|| format!("the answer to {method} {shown} was cut off"))?;
                    let body = resp.body().as_slice();
                    if last || !busy(status.as_u16(), body) {
                        return Ok(Response::from(resp));
                    }
                    if self.opts.verbose {
                        crate::messages::line(&format!(
                            "docpipe: <- {method} {shown}: the service is busy, trying again"
                        ));
                    }
                    std::thread::sleep(self.backoff(attempt));
                }
                Err(err) => {
                    if self.opts.verbose {
                        crate::messages::line(&format!(
                            "docpipe: <- error {method} {shown}: {err}"
                        ));
                    }
                    if proxy_refusal(&err) {
                        return Err(anyhow::Error::new(err)
                            .context(proxy_refused(&format!("{method} {shown}"))));
                    }
                    if let Some(tls) = tls_refusal(&err) {
                        return Err(anyhow::Error::new(err).context(
                            crate::error::Error::new(
                                crate::error::Kind::Other,
                                format!("{method} {shown}: the server's TLS certificate is not trusted ({tls})"),
                            )
                            .with_hint("if a private CA or a TLS-inspecting proxy signs it, point SSL_CERT_FILE (a PEM bundle) or SSL_CERT_DIR at its certificate; the system store is used otherwise"),
                        ));
                    }
                    let retryable = match retry {
                        Retry::Idempotent => {
                            err.is_connect()
                                || err.is_timeout()
                                || err.is_request()
                                || body_not_sent(&err)
                        }
                        Retry::Create | Retry::Sync => err.is_connect() || body_not_sent(&err),
                        Retry::Never => false,
                    };
                    // A body that did not all leave (or could not be read
                    // here) means the service never had the whole request.
                    if matches!(retry, Retry::Create | Retry::Sync)
                        && !err.is_connect()
                        && !err.is_body()
                    {
                        let lost = anyhow::Error::new(AnswerLost {
                            request: format!("{method} {shown}"),
                            detail: format!("{err}"),
                        });
                        // A billed call that timed out is most likely still
                        // being worked on (a long document).
                        if retry == Retry::Sync && err.is_timeout() {
                            return Err(lost.context(
                                crate::error::Error::new(
                                    crate::error::Kind::Other,
                                    format!("{method} {shown} timed out"),
                                )
                                .with_hint("the service may still be working on a long document: raise [defaults] read_timeout (DOCPIPE_READ_TIMEOUT), then run the command again"),
                            ));
                        }
                        return Err(lost);
                    }
                    if let Some(past) = self
                        .past_deadline(&format!("{method} {shown}"))
                        .filter(|_| bounded)
                    {
                        return Err(past.context(format!("{err}")));
                    }
                    if !retryable || last {
                        let hint = if err.is_connect() || err.is_timeout() {
                            "check the network connection (and HTTPS_PROXY if you use one) and the provider's base URL (`docpipe providers`), then run the command again"
                        } else {
                            "run the command again; if it keeps failing, run it with -v to see the requests"
                        };
                        let what = format!("{method} {shown} failed after {attempt} attempt(s)");
                        return Err(anyhow::Error::new(err).context(
                            crate::error::Error::new(crate::error::Kind::Other, what)
                                .with_hint(hint),
                        ));
                    }
                    // The URL is shown redacted: reqwest's own text carries
                    // a signed URL's query.
                    retrying(&format!(
                        "{method} {shown}: {}; trying again",
                        if err.is_timeout() {
                            "no answer within the stall timeout"
                        } else {
                            "the connection failed"
                        }
                    ));
                    std::thread::sleep(self.backoff(attempt));
                }
            }
        }
    }
}

/// A streamed body (a file upload) that never fully left: the connection
/// failed before or while it was written, so the service cannot have acted on
/// the request. reqwest reports it as a body error (the channel feeding the
/// body closed), hiding the connection error behind it. A failure to read the
/// local file is a body error too, but carries an `io::Error`: not this.
fn body_not_sent(err: &reqwest::Error) -> bool {
    err.is_body() && !causes(err).skip(1).any(|e| e.is::<std::io::Error>())
}

/// A proxy (HTTPS_PROXY, HTTP_PROXY, ALL_PROXY) answered 407: the same on every
/// attempt, so it is not retried, and the message says it was the proxy.
fn proxy_refused(request: &str) -> anyhow::Error {
    anyhow::Error::new(
        crate::error::Error::new(
            crate::error::Kind::Other,
            format!("{request}: the proxy refused the request (HTTP 407 Proxy Authentication Required)"),
        )
        .with_hint("put the proxy's user and password in its URL, e.g. HTTPS_PROXY=http://user:password@proxy.example:3128 (percent-encode special characters), or list the host in NO_PROXY to reach it directly"),
    )
}

/// A CONNECT tunnel refused with 407. hyper-util's tunnel error is not public;
/// its message is the one mark it leaves in reqwest's source chain.
fn proxy_refusal(err: &reqwest::Error) -> bool {
    causes(err).any(|e| e.to_string().contains("proxy authorization required"))
}

/// A certificate the client refused: the same answer on every attempt, so it
/// is not retried.
fn tls_refusal(err: &reqwest::Error) -> Option<String> {
    match causes(err).find_map(|e| e.downcast_ref::<rustls::Error>())? {
        t @ rustls::Error::InvalidCertificate(_) => Some(t.to_string()),
        _ => None,
    }
}

/// `err` and its causes, looking inside `io::Error`s too: an `io::Error`'s
/// `source()` skips the error it carries (which may be another `io::Error`
/// carrying rustls' error).
fn causes(err: &reqwest::Error) -> impl Iterator<Item = &(dyn std::error::Error + 'static)> {
    let first: &(dyn std::error::Error + 'static) = err;
    std::iter::successors(Some(first), |e| {
        match e
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
        {
            Some(inner) => Some(inner as &(dyn std::error::Error + 'static)),
            None => e.source(),
        }
    })
}

/// Tells a provider's "try again later" answer from its status and body: such
/// an answer is retried like a 503 (see [`Http::send_busy`]).
pub type Busy = fn(u16, &[u8]) -> bool;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Route {
    Api,
    Transfer,
}

/// The answer with its body read (at most 16 MiB, an API answer), so it can be
/// looked at and still handed to the caller as a response.
fn buffered(resp: Response) -> Result<http::Response<Vec<u8>>> {
    use std::io::Read;
    let mut builder = http::Response::builder()
        .status(resp.status())
        .version(resp.version());
    if let Some(headers) = builder.headers_mut() {
        *headers = resp.headers().clone();
    }
    let mut body = Vec::new();
    resp.take(16 * 1024 * 1024).read_to_end(&mut body)?;
    Ok(builder.body(body)?)
}

/// Exponential backoff with full jitter: a random wait in [0, min(20 s, base·2^(n-1))].
pub fn backoff_from(base: Duration, attempt: u32) -> Duration {
    let base_ms = base.as_millis().min(20_000) as u64;
    let ceiling_ms = (base_ms << attempt.saturating_sub(1).min(10)).min(20_000);
    Duration::from_millis(random_below(ceiling_ms + 1))
}

/// Redirects are followed (up to 10) while they stay on the host (and port) of
/// the request; one to another host is not followed, and the 3xx answer is what
/// the caller sees.
fn same_host_redirects() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let origin = attempt
            .previous()
            .first()
            .map(|u| (u.host_str().map(str::to_string), u.port_or_known_default()));
        let next = (
            attempt.url().host_str().map(str::to_string),
            attempt.url().port_or_known_default(),
        );
        if attempt.previous().len() > 10 {
            attempt.error("too many redirects")
        } else if origin.is_some_and(|o| o != next) {
            attempt.stop()
        } else {
            attempt.follow()
        }
    })
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
mod tests;
