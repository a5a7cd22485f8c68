//! Fault injection for the fakes: at a set rate, a request is answered 500, 502,
//! 503 or 429 (with `Retry-After: 0` or `1`), its connection is closed without an
//! answer, a download is cut short of its Content-Length or arrives damaged at its
//! full length, or the answer stalls past the client's read timeout.
//!
//! Which request gets which fault is decided by a hash of the seed, the request
//! (host, method, path and body: see [`request_key`]) and how many times that
//! request was seen before, so a run's faults do not depend on thread
//! scheduling more than the order of identical requests. No request is faulted
//! more than [`MAX_IN_A_ROW`] times running: the client retries a bounded number
//! of times, and the suite tests recovery, not exhaustion (that is tested on its
//! own, e.g. a 429 that never ends exits 7).
//!
//! Requests that create a task (or are billed) are refused *before* the fake
//! acts on them, the way a real service refuses such a request without acting
//! on it (429, 500, 503, or a "try again later" code in a 200 answer when the
//! fake's dialect has one, see [`Faults::with_busy_answer`]): the fault runs
//! instead of the handler, so no task exists. With
//! [`Faults::losing_answers_after_acting`] they are also answered 502 or 504,
//! or their connection closed, *after* the fake acted (a task made, the work
//! billed): the client must not send them again in the run, and the rerun
//! sends them once more, so the suite counts billed calls per document.
//!
//! Downloads (GET on the CDN) also stall, before the headers or halfway through
//! the body, when [`Faults::with_stalls`] is set: the client's no-progress
//! timeout (`DOCPIPE_STALL_TIMEOUT`) must end the wait and fetch the rest.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;
use std::time::Duration;

use super::http::{lock, Recorded, Server};

/// No request line fails more often than this in a row.
pub const MAX_IN_A_ROW: u32 = 2;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    /// This status, with `Retry-After: n` when given.
    Status(u16, Option<u64>),
    /// The connection closed after the request, without an answer.
    Drop,
    /// Half the body of the answer, then the connection closed.
    Truncate,
    /// The whole length, but the last 64 bytes zeroed (a zip's directory): a
    /// damaged copy that passes a length check. Zips only: other results carry
    /// nothing a client could check them with, so those are served intact.
    Corrupt,
    /// The answer only after this long.
    Stall(Duration),
    /// Half the body, then nothing for this long, then the connection closed.
    StallMidBody(Duration),
    /// HTTP 200 with this body: the service's "try again later" code.
    Busy(&'static str),
    /// The fake acts (creates the task, does the billed work), then the
    /// answer is lost: this status from a gateway, or (`None`) the connection
    /// closed without an answer.
    ActThenLose(Option<u16>),
}

impl Fault {
    fn label(&self) -> &'static str {
        match self {
            Fault::Status(429, _) => "429",
            Fault::Status(500, _) => "500",
            Fault::Status(502, _) => "502",
            Fault::Status(503, _) => "503",
            Fault::Status(_, _) => "other status",
            Fault::Drop => "dropped connection",
            Fault::Truncate => "truncated download",
            Fault::Corrupt => "damaged download",
            Fault::Stall(_) => "stall",
            Fault::StallMidBody(_) => "stall mid-body",
            Fault::Busy(_) => "busy code",
            Fault::ActThenLose(Some(502)) => "acted, then 502",
            Fault::ActThenLose(Some(_)) => "acted, then 504",
            Fault::ActThenLose(None) => "acted, then dropped",
        }
    }
}

type IsCreate = Box<dyn Fn(&Recorded) -> bool + Send + Sync>;

pub struct Faults {
    seed: u64,
    per_mille: u64,
    stall: Option<Duration>,
    /// The first this many creations get a lost answer (a 502 or a dropped
    /// connection, alternately), still before the fake acts.
    lose_creations: usize,
    /// Every creation answered only after this long (the fake acts after it).
    slow_creations: Option<Duration>,
    /// A "try again later" answer (HTTP 200) the dialect uses, for creations.
    busy: Option<&'static str>,
    /// Every download sends half its body, then nothing for this long.
    stall_downloads: Option<Duration>,
    /// Bytes a second at which request bodies are read and download bodies
    /// (GET on the CDN) sent: a slow link, for tests of byte progress.
    throttle: Option<u64>,
    /// Every successful download (GET on the CDN) is sent compressed with this
    /// Content-Encoding, as object stores do for objects stored with it.
    encoding: Option<&'static str>,
    /// The first this many creations are refused before the fake acts: 500,
    /// then the busy answer (when set), in turn.
    refuse_creations: usize,
    /// Creations are also answered 502/504 or dropped after the fake acted.
    lose_after_acting: bool,
    /// Connections serve more than one request (see `http::serve_one`).
    keep_alive: bool,
    /// At most this many requests in a row pass without a fault: a floor
    /// under the random rate (see [`Faults::at_least_one_in`]).
    max_clean: Option<u32>,
    is_create: IsCreate,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    seen: HashMap<String, u64>,
    in_a_row: HashMap<String, u32>,
    injected: BTreeMap<&'static str, usize>,
    /// The part of `injected` that hit task-creating requests.
    on_creations: BTreeMap<&'static str, usize>,
    requests: usize,
    /// Task-creating requests let through to the fake.
    creations: usize,
    /// Task-creating requests (faulted or not) that came on a reused connection.
    creations_on_reused: usize,
    /// Creations refused by [`Faults::refusing_creations`] so far.
    refused: usize,
    /// Creations acted on whose answer was then lost, by path.
    acted_then_lost: BTreeMap<String, usize>,
    /// Requests let through since the last random fault.
    clean: u32,
}

impl std::fmt::Debug for Faults {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Faults({}‰, seed {})", self.per_mille, self.seed)
    }
}

impl Faults {
    /// Faults on `percent` % of requests; `is_create` tells task-creating requests.
    pub fn new(
        seed: u64,
        percent: u64,
        is_create: impl Fn(&Recorded) -> bool + Send + Sync + 'static,
    ) -> Faults {
        Faults {
            seed,
            per_mille: percent * 10,
            stall: None,
            lose_creations: 0,
            slow_creations: None,
            busy: None,
            refuse_creations: 0,
            encoding: None,
            throttle: None,
            stall_downloads: None,
            lose_after_acting: false,
            keep_alive: false,
            max_clean: None,
            is_create: Box::new(is_create),
            state: Mutex::new(State::default()),
        }
    }

    /// Also refuse creations with this HTTP 200 body: the dialect's "try again
    /// later" code (MinerU's `-10001`, `-60007`, `-60009`).
    pub fn with_busy_answer(mut self, body: &'static str) -> Faults {
        self.busy = Some(body);
        self
    }

    /// Every download sends half its body, then stays silent for `wait`: a
    /// window in which a download is in progress, for tests of what a stop
    /// leaves behind.
    pub fn stalling_downloads(mut self, wait: Duration) -> Faults {
        self.stall_downloads = Some(wait);
        self
    }

    /// Sends every successful download compressed (`gzip`, `deflate` or `br`)
    /// with that Content-Encoding, whatever the request asked (RFC 9110 allows it).
    pub fn compressing_downloads(mut self, encoding: &'static str) -> Faults {
        self.encoding = Some(encoding);
        self
    }

    /// Reads request bodies and sends download bodies at `bytes_per_sec`.
    pub fn throttling(mut self, bytes_per_sec: u64) -> Faults {
        self.throttle = Some(bytes_per_sec.max(1));
        self
    }

    /// The rate of [`Faults::throttling`], if set.
    pub fn throttle(&self) -> Option<u64> {
        self.throttle
    }

    /// The Content-Encoding of successful downloads, if any.
    pub fn download_encoding(&self) -> Option<&'static str> {
        self.encoding
    }

    /// Refuses the first `n` creations (500, then the busy answer when set, in
    /// turn), before the fake acts: the client must send them again in the
    /// same run.
    pub fn refusing_creations(mut self, n: usize) -> Faults {
        self.refuse_creations = n;
        self
    }

    /// Also stall answers (not of creations) by `wait`; downloads stall before
    /// their headers or halfway through their body.
    pub fn with_stalls(mut self, wait: Duration) -> Faults {
        self.stall = Some(wait);
        self
    }

    /// Loses the answers of the first `n` creations (see the module comment: the
    /// client must not retry them, and a rerun must create each task once).
    pub fn losing_creations(mut self, n: usize) -> Faults {
        self.lose_creations = n;
        self
    }

    /// Also lose answers to creations after the fake acted on them (502, 504 or
    /// a closed connection), among the random faults.
    pub fn losing_answers_after_acting(mut self) -> Faults {
        self.lose_after_acting = true;
        self
    }

    /// Keeps connections alive between requests (closed only by a fault that
    /// closes them, or after 30 s idle).
    pub fn keeping_alive(mut self) -> Faults {
        self.keep_alive = true;
        self
    }

    /// Faults at least one request in every `n` that the random faults may
    /// hit (no more than `n - 1` pass in a row), on top of the random rate: a
    /// suite whose request count moves with the client's polling still meets
    /// at least `requests / n` faults, by construction.
    pub fn at_least_one_in(mut self, n: u32) -> Faults {
        self.max_clean = Some(n.saturating_sub(1));
        self
    }

    pub fn keeps_alive(&self) -> bool {
        self.keep_alive
    }

    /// Creations the fake acted on whose answer was then lost, by path.
    pub fn acted_then_lost(&self) -> BTreeMap<String, usize> {
        lock(&self.state).acted_then_lost.clone()
    }

    /// Answers every creation only after `wait`: a window in which the request
    /// is in flight, for tests of what a stop does then.
    pub fn slowing_creations(mut self, wait: Duration) -> Faults {
        self.slow_creations = Some(wait);
        self
    }

    /// The fault for this request, if any; counted.
    pub fn decide(&self, rq: &Recorded) -> Option<Fault> {
        let key = request_key(rq);
        let mut st = lock(&self.state);
        st.requests += 1;
        let n = {
            let seen = st.seen.entry(key.clone()).or_insert(0);
            *seen += 1;
            *seen
        };
        let roll = mix(self.seed ^ fnv(&key) ^ n.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let running = st.in_a_row.get(&key).copied().unwrap_or(0);
        let creates = (self.is_create)(rq);
        if creates && rq.reused {
            st.creations_on_reused += 1;
        }
        let lost: usize = ["502", "dropped connection"]
            .iter()
            .map(|k| st.injected.get(k).copied().unwrap_or(0))
            .sum();
        if let Some(wait) = self
            .stall_downloads
            .filter(|_| rq.server == Server::Cdn && rq.method == "GET")
        {
            let fault = Fault::StallMidBody(wait);
            *st.injected.entry(fault.label()).or_insert(0) += 1;
            return Some(fault);
        }
        if let Some(wait) = self.slow_creations.filter(|_| creates) {
            st.creations += 1;
            return Some(Fault::Stall(wait));
        }
        if creates && st.refused < self.refuse_creations {
            let fault = match self.busy {
                Some(body) if st.refused % 2 == 1 => Fault::Busy(body),
                _ => Fault::Status(500, None),
            };
            st.refused += 1;
            // Counted as running faults, so random ones cannot exhaust the
            // client's attempts on top of these.
            st.in_a_row.insert(key, running + 1);
            *st.injected.entry(fault.label()).or_insert(0) += 1;
            *st.on_creations.entry(fault.label()).or_insert(0) += 1;
            return Some(fault);
        }
        if creates && lost < self.lose_creations {
            let fault = [Fault::Status(502, None), Fault::Drop][lost % 2].clone();
            *st.injected.entry(fault.label()).or_insert(0) += 1;
            return Some(fault);
        }
        let forced = self.max_clean.is_some_and(|m| st.clean >= m);
        if (roll % 1000 >= self.per_mille && !forced) || running >= MAX_IN_A_ROW {
            st.clean += 1;
            st.in_a_row.insert(key, 0);
            st.creations += usize::from(creates);
            return None;
        }
        let pick = roll >> 20;
        let ra = Some(pick % 2);
        let fault = if creates {
            let mut kinds = vec![
                Fault::Status(429, ra),
                Fault::Status(500, None),
                Fault::Status(503, None),
            ];
            kinds.extend(self.busy.map(Fault::Busy));
            if self.lose_after_acting {
                kinds.extend([
                    Fault::ActThenLose(Some(502)),
                    Fault::ActThenLose(Some(504)),
                    Fault::ActThenLose(None),
                ]);
            }
            kinds[((pick / 2) % kinds.len() as u64) as usize].clone()
        } else {
            let mut kinds = vec![
                Fault::Status(500, None),
                Fault::Status(502, None),
                Fault::Status(503, None),
                Fault::Status(429, ra),
                Fault::Drop,
            ];
            if rq.server == Server::Cdn && rq.method == "GET" {
                kinds.push(Fault::Truncate);
                if rq.path_only().ends_with(".zip") {
                    kinds.push(Fault::Corrupt);
                }
                if let Some(wait) = self.stall {
                    kinds.push(Fault::Stall(wait));
                    kinds.push(Fault::StallMidBody(wait));
                }
            } else if let Some(wait) = self.stall {
                kinds.push(Fault::Stall(wait));
            }
            kinds[((pick / 2) % kinds.len() as u64) as usize].clone()
        };
        st.clean = 0;
        st.in_a_row.insert(key, running + 1);
        *st.injected.entry(fault.label()).or_insert(0) += 1;
        if creates {
            *st.on_creations.entry(fault.label()).or_insert(0) += 1;
        }
        if let Fault::ActThenLose(_) = fault {
            st.creations += 1;
            *st.acted_then_lost
                .entry(rq.path_only().to_string())
                .or_insert(0) += 1;
        }
        Some(fault)
    }

    /// The faults that hit task-creating requests, by kind.
    pub fn on_creations(&self) -> BTreeMap<&'static str, usize> {
        lock(&self.state).on_creations.clone()
    }

    /// Faults injected so far, by kind.
    pub fn injected(&self) -> BTreeMap<&'static str, usize> {
        lock(&self.state).injected.clone()
    }

    pub fn total_injected(&self) -> usize {
        lock(&self.state).injected.values().sum()
    }

    /// Task-creating requests that reached the fake (not refused by a fault).
    pub fn creations(&self) -> usize {
        lock(&self.state).creations
    }

    /// Requests seen (faulted or not).
    pub fn requests(&self) -> usize {
        lock(&self.state).requests
    }

    /// Task-creating requests that came on a connection the client had used
    /// before (see [`Faults::keeping_alive`]).
    pub fn creations_on_reused_connections(&self) -> usize {
        lock(&self.state).creations_on_reused
    }
}

/// What makes two requests "the same request" (a retry): host, method, path and
/// body, with a multipart boundary (new on every attempt) taken out. Keying on
/// the body keeps one document's retries apart from another's on a shared
/// endpoint, so the cap on faults in a row holds per document.
fn request_key(rq: &Recorded) -> String {
    let mut body = rq.body.clone();
    let boundary = rq
        .header("content-type")
        .and_then(|ct| ct.split("boundary=").nth(1))
        .map(|b| b.trim_matches('"').as_bytes().to_vec())
        .filter(|b| !b.is_empty());
    if let Some(b) = boundary {
        let mut out = Vec::with_capacity(body.len());
        let mut i = 0;
        while i < body.len() {
            if body[i..].starts_with(&b) {
                i += b.len();
            } else {
                out.push(body[i]);
                i += 1;
            }
        }
        body = out;
    }
    format!(
        "{:?} {} {} {:016x}",
        rq.server,
        rq.method,
        rq.path,
        fnv_bytes(&body)
    )
}

/// splitmix64's finaliser: a well-spread 64-bit hash of a 64-bit value.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn fnv(s: &str) -> u64 {
    fnv_bytes(s.as_bytes())
}

fn fnv_bytes(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    })
}
