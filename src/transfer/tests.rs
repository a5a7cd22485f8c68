//! Unit tests of `transfer` (beside it, so the module stays readable).
use super::*;
use crate::http::HttpOptions;
use std::io::{BufRead, BufReader};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// One request as the fake saw it: the request line and its headers.
type Seen = Arc<Mutex<Vec<String>>>;

/// A CDN fake on 127.0.0.1:0: `answer(n, head, conn)` writes the answer to
/// the n-th connection (0-based) however it likes: stalling, cutting off,
/// compressing. Every request head is kept in the returned log.
fn cdn(answer: impl Fn(usize, &str, &mut TcpStream) + Send + Sync + 'static) -> (String, Seen) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen: Seen = Arc::default();
    let log = seen.clone();
    let answer = Arc::new(answer);
    let count = Arc::new(AtomicUsize::new(0));
    std::thread::spawn(move || {
        for conn in listener.incoming().flatten() {
            let (answer, log, count) = (answer.clone(), log.clone(), count.clone());
            std::thread::spawn(move || {
                let mut conn = conn;
                let mut reader = BufReader::new(conn.try_clone().unwrap());
                let mut head = String::new();
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    if line.trim().is_empty() {
                        break;
                    }
                    head.push_str(&line);
                }
                log.lock().unwrap().push(head.clone());
                let n = count.fetch_add(1, Ordering::SeqCst);
                answer(n, &head, &mut conn);
            });
        }
    });
    (url, seen)
}

fn http(stall: Duration, deadline: Option<Duration>) -> Http {
    Http::new(HttpOptions {
        stall_timeout: stall,
        retry_base: Duration::from_millis(5),
        deadline: deadline.map(|d| Instant::now() + d),
        ..HttpOptions::default()
    })
    .unwrap()
}

/// A plain download (no referer, nothing watching) with a stall timeout of `stall_s`.
fn get(url: &str, dir: &Path, stall_s: u64) -> Result<tempfile::NamedTempFile> {
    download(
        &http(Duration::from_secs(stall_s), None),
        url,
        None,
        dir,
        &Meter::none(),
    )
}

fn body() -> Vec<u8> {
    (0..200_000u32).map(|i| (i * 7 % 251) as u8).collect()
}

fn head(status: &str, extra: &str, len: usize) -> String {
    format!("HTTP/1.1 {status}\r\nContent-Length: {len}\r\nConnection: close\r\n{extra}\r\n")
}

fn header_of<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines().find_map(|l| {
        let (n, v) = l.split_once(':')?;
        n.trim().eq_ignore_ascii_case(name).then_some(v.trim())
    })
}

/// Held open, silent, for far longer than the stall timeout.
fn stall(conn: &mut TcpStream) {
    let _ = conn.flush();
    std::thread::sleep(Duration::from_secs(30));
}

fn serve_whole(conn: &mut TcpStream) {
    let data = body();
    let _ = conn.write_all(head("200 OK", "", data.len()).as_bytes());
    let _ = conn.write_all(&data);
}

#[test]
fn a_stall_before_the_headers_is_retried_after_the_stall_timeout() {
    let (url, seen) = cdn(|n, _, conn| match n {
        0 => stall(conn),
        _ => serve_whole(conn),
    });
    let started = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let file = get(&url, dir.path(), 1).unwrap();
    assert_eq!(std::fs::read(file.path()).unwrap(), body());
    assert_eq!(seen.lock().unwrap().len(), 2);
    let took = started.elapsed();
    assert!(
        took >= Duration::from_secs(1) && took < Duration::from_secs(10),
        "{took:?}"
    );
}

#[test]
fn a_stall_mid_body_resumes_with_a_range_when_the_server_allows_it() {
    let data = body();
    let (url, seen) = cdn(move |n, req, conn| {
        let data = body();
        let tags = "ETag: \"v1\"\r\nAccept-Ranges: bytes\r\n";
        if n == 0 {
            let _ = conn.write_all(head("200 OK", tags, data.len()).as_bytes());
            let _ = conn.write_all(&data[..data.len() / 2]);
            stall(conn);
        } else {
            let range = header_of(req, "range").expect("a resume asks for a range");
            assert_eq!(header_of(req, "if-range"), Some("\"v1\""));
            let from: usize = range
                .trim_start_matches("bytes=")
                .trim_end_matches('-')
                .parse()
                .unwrap();
            let rest = &data[from..];
            let cr = format!(
                "{tags}Content-Range: bytes {from}-{}/{}\r\n",
                data.len() - 1,
                data.len()
            );
            let _ = conn.write_all(head("206 Partial Content", &cr, rest.len()).as_bytes());
            let _ = conn.write_all(rest);
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let (meter, told) = recording();
    let file = download(
        &http(Duration::from_secs(1), None),
        &url,
        None,
        dir.path(),
        &meter,
    )
    .unwrap();
    assert_eq!(std::fs::read(file.path()).unwrap(), data);
    // The resume begins at the part on disk, and ends at the whole.
    let told = told.lock().unwrap();
    let begins: Vec<_> = told.iter().filter_map(|t| t.begin).collect();
    assert_eq!(begins, [(0, Some(200_000)), (100_000, Some(200_000))]);
    assert_eq!(told.last().and_then(|t| t.bytes), Some(200_000));
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 2, "{seen:?}");
    assert!(
        seen[1]
            .to_ascii_lowercase()
            .contains("range: bytes=100000-"),
        "{}",
        seen[1]
    );
}

#[test]
fn a_stall_mid_chunk_of_an_unsized_body_is_downloaded_again() {
    let (url, seen) = cdn(|n, _, conn| {
        let data = body();
        if n == 0 {
            let h = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
            let _ = conn.write_all(h.as_bytes());
            // A chunk announced at full size, half of it sent.
            let _ = conn.write_all(format!("{:x}\r\n", data.len()).as_bytes());
            let _ = conn.write_all(&data[..data.len() / 2]);
            stall(conn);
        } else {
            serve_whole(conn);
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let file = get(&url, dir.path(), 1).unwrap();
    assert_eq!(std::fs::read(file.path()).unwrap(), body());
    assert_eq!(seen.lock().unwrap().len(), 2);
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[test]
fn a_result_host_that_never_answers_fails_in_bounded_time() {
    let (url, seen) = cdn(|_, _, conn| stall(conn));
    let dir = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let err = get(&url, dir.path(), 1).unwrap_err();
    let took = started.elapsed();
    // 4 requests, each given up after 1 s without progress.
    assert!(took < Duration::from_secs(10), "{took:?}");
    assert_eq!(seen.lock().unwrap().len(), 4);
    let text = format!("{err:#}");
    assert!(text.contains("failed after 4 attempt(s)"), "{text}");
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "temp file left"
    );
}

#[test]
fn the_command_deadline_bounds_a_slow_but_moving_download() {
    // One byte every 300 ms never trips the 1 s stall timeout; the 2 s
    // deadline (`--timeout`) ends it.
    let (url, _) = cdn(|_, _, conn| {
        let _ = conn.write_all(head("200 OK", "", 1000).as_bytes());
        for _ in 0..1000 {
            if conn.write_all(b"x").is_err() {
                return;
            }
            std::thread::sleep(Duration::from_millis(300));
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let http = http(Duration::from_secs(1), Some(Duration::from_secs(2)));
    let err = download(&http, &url, None, dir.path(), &Meter::none()).unwrap_err();
    let took = started.elapsed();
    assert!(took < Duration::from_secs(4), "{took:?}");
    let kind = err
        .chain()
        .find_map(|e| e.downcast_ref::<crate::error::Error>())
        .map(|e| e.kind.clone());
    assert_eq!(kind, Some(crate::error::Kind::Timeout), "{err:#}");
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(data).unwrap();
    enc.finish().unwrap()
}

#[test]
fn a_gzip_encoded_answer_is_decoded_and_checked_whole() {
    let (url, _) = cdn(|_, _, conn| {
        let packed = gzip(&body());
        let extra = "Content-Encoding: gzip\r\nETag: \"v1\"\r\nAccept-Ranges: bytes\r\n";
        let _ = conn.write_all(head("200 OK", extra, packed.len()).as_bytes());
        let _ = conn.write_all(&packed);
    });
    let dir = tempfile::tempdir().unwrap();
    let file = get(&url, dir.path(), 5).unwrap();
    assert_eq!(std::fs::read(file.path()).unwrap(), body());
}

#[test]
fn a_cut_gzip_answer_is_downloaded_again_not_kept() {
    let (url, seen) = cdn(|n, _, conn| {
        let packed = gzip(&body());
        let _ =
            conn.write_all(head("200 OK", "Content-Encoding: gzip\r\n", packed.len()).as_bytes());
        let end = if n == 0 {
            packed.len() / 2
        } else {
            packed.len()
        };
        let _ = conn.write_all(&packed[..end]);
    });
    let dir = tempfile::tempdir().unwrap();
    let file = get(&url, dir.path(), 5).unwrap();
    assert_eq!(std::fs::read(file.path()).unwrap(), body());
    assert_eq!(seen.lock().unwrap().len(), 2);
}

#[test]
fn the_referer_is_kept_on_every_redirect_hop() {
    let (url, seen) = cdn(|n, req, conn| {
        if n == 0 {
            let path = req.split_whitespace().nth(1).unwrap_or("/");
            let host = header_of(req, "host").unwrap().to_string();
            let loc = format!("Location: http://{host}{path}/next\r\n");
            let _ = conn.write_all(head("302 Found", &loc, 0).as_bytes());
        } else {
            serve_whole(conn);
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let referer = "https://mineru.net/";
    download(
        &http(Duration::from_secs(5), None),
        &format!("{url}/r.zip"),
        Some(referer),
        dir.path(),
        &Meter::none(),
    )
    .unwrap();
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 2);
    for h in seen.iter() {
        assert_eq!(header_of(h, "referer"), Some(referer), "{h}");
    }
}

fn small_zip() -> Vec<u8> {
    let mut buf = std::io::Cursor::new(Vec::new());
    let mut w = zip::ZipWriter::new(&mut buf);
    let opts = zip::write::SimpleFileOptions::default();
    w.start_file("full.md", opts).unwrap();
    w.write_all(&body()).unwrap();
    w.finish().unwrap();
    buf.into_inner()
}

/// The same bytes in each Content-Encoding a CDN may answer with.
fn encode(encoding: &str, data: &[u8]) -> Vec<u8> {
    match encoding {
        "gzip" => gzip(data),
        "deflate" => {
            let mut enc =
                flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
            enc.write_all(data).unwrap();
            enc.finish().unwrap()
        }
        "br" => {
            let mut out = Vec::new();
            {
                let mut enc = brotli::CompressorWriter::new(&mut out, 4096, 5, 22);
                enc.write_all(data).unwrap();
            }
            out
        }
        other => panic!("no encoder for {other}"),
    }
}

#[test]
fn an_encoded_zip_is_checked_and_kept_decoded_in_every_encoding() {
    for encoding in ["gzip", "deflate", "br"] {
        let (url, seen) = cdn(move |_, _, conn| {
            let packed = encode(encoding, &small_zip());
            let extra =
                format!("Content-Encoding: {encoding}\r\nContent-Type: application/zip\r\n");
            let _ = conn.write_all(head("200 OK", &extra, packed.len()).as_bytes());
            let _ = conn.write_all(&packed);
        });
        let dir = tempfile::tempdir().unwrap();
        let file = download_zip(
            &http(Duration::from_secs(5), None),
            &url,
            None,
            dir.path(),
            &Meter::none(),
        )
        .unwrap();
        assert_eq!(
            std::fs::read(file.path()).unwrap(),
            small_zip(),
            "{encoding}"
        );
        // One download: the decoded zip passed its check the first time.
        assert_eq!(seen.lock().unwrap().len(), 1, "{encoding}");
    }
}

#[test]
fn a_resume_answered_with_the_wrong_range_starts_over() {
    let (url, seen) = cdn(|n, _, conn| {
        let data = body();
        let tags = "ETag: \"v1\"\r\nAccept-Ranges: bytes\r\n";
        match n {
            0 => {
                let _ = conn.write_all(head("200 OK", tags, data.len()).as_bytes());
                let _ = conn.write_all(&data[..1000]);
            }
            1 => {
                // Not the range asked for (bytes=1000-).
                let cr = format!("{tags}Content-Range: bytes 0-9/{}\r\n", data.len());
                let _ = conn.write_all(head("206 Partial Content", &cr, 10).as_bytes());
                let _ = conn.write_all(&data[..10]);
            }
            _ => serve_whole(conn),
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let file = get(&url, dir.path(), 5).unwrap();
    assert_eq!(std::fs::read(file.path()).unwrap(), body());
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 3);
    assert!(header_of(&seen[2], "range").is_none(), "{}", seen[2]);
}

/// What a meter was told, call by call.
#[derive(Debug, Default, Clone, Copy)]
struct Told {
    begin: Option<(u64, Option<u64>)>,
    bytes: Option<u64>,
}

struct Recorder(Arc<Mutex<Vec<Told>>>);

impl Watch for Recorder {
    fn begin(&self, from: u64, total: Option<u64>) {
        self.0.lock().unwrap().push(Told {
            begin: Some((from, total)),
            bytes: None,
        });
    }
    fn bytes(&self, done: u64) {
        self.0.lock().unwrap().push(Told {
            begin: None,
            bytes: Some(done),
        });
    }
}

fn recording() -> (Meter, Arc<Mutex<Vec<Told>>>) {
    let told = Arc::new(Mutex::new(Vec::new()));
    (Meter::new(Recorder(told.clone())), told)
}

#[test]
fn a_counter_reports_at_most_every_tenth_of_a_second_and_its_last_count() {
    let (meter, told) = recording();
    let t0 = Instant::now();
    let mut c = meter.start(0, Some(1_000_000));
    // A thousand reads a millisecond apart: a second of transfer.
    for i in 1..=1000u64 {
        c.add(1000, t0 + Duration::from_millis(i));
    }
    c.finish();
    let told = told.lock().unwrap();
    let counts: Vec<u64> = told.iter().filter_map(|t| t.bytes).collect();
    assert!((9..=11).contains(&counts.len()), "{counts:?}");
    assert!(counts.windows(2).all(|w| w[0] < w[1]), "{counts:?}");
    // The total is reported when reached, and not again by `finish`.
    assert_eq!(counts.last(), Some(&1_000_000));
    assert_eq!(told[0].begin, Some((0, Some(1_000_000))));

    // Without a total, `finish` reports the last count.
    let (meter, told) = recording();
    let mut c = meter.start(0, None);
    c.add(10, Instant::now());
    c.finish();
    let counts: Vec<u64> = told
        .lock()
        .unwrap()
        .iter()
        .filter_map(|t| t.bytes)
        .collect();
    assert_eq!(counts, [10]);
}

#[test]
fn a_file_opened_inside_a_scope_is_measured_by_its_meter_and_only_there() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.bin");
    std::fs::write(&path, vec![1u8; 300_000]).unwrap();
    let (meter, told) = recording();
    let mut inside = meter.scope(|| LazyFile::new(&path));
    let mut outside = LazyFile::new(&path);
    let mut sink = Vec::new();
    inside.read_to_end(&mut sink).unwrap();
    outside.read_to_end(&mut sink).unwrap();
    assert_eq!(sink.len(), 600_000);
    let told = told.lock().unwrap();
    assert_eq!(told[0].begin, Some((0, Some(300_000))));
    assert_eq!(told.last().and_then(|t| t.bytes), Some(300_000));
    assert_eq!(told.iter().filter(|t| t.begin.is_some()).count(), 1);
}

/// This thread's I/O counters (`/proc/thread-self/io`, Linux): the bytes it
/// dirtied for writing, and those of them it deleted before they went to disk.
fn thread_io() -> Option<(u64, u64)> {
    let text = std::fs::read_to_string("/proc/thread-self/io").ok()?;
    let field = |name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(name)?.trim().parse::<u64>().ok())
    };
    Some((field("write_bytes:")?, field("cancelled_write_bytes:")?))
}

#[test]
fn a_download_read_back_and_deleted_is_never_written_to_disk() {
    let (url, _) = cdn(|_, _, conn| serve_whole(conn));
    let dir = tempfile::tempdir().unwrap();
    // Without the counters (not Linux) there is nothing to see.
    let Some((dirtied, cancelled)) = thread_io() else {
        return;
    };
    let file = get(&url, dir.path(), 5).unwrap();
    // Read back through a handle of its own and closed, as a zip is checked
    // and unpacked, then deleted.
    assert_eq!(std::fs::read(file.path()).unwrap(), body());
    drop(file);
    let (dirtied_after, cancelled_after) = thread_io().unwrap();
    let size = body().len() as u64;
    // A file system that keeps no dirty pages (tmpfs) counts no writing.
    if dirtied_after - dirtied < size {
        return;
    }
    // Still dirty when deleted: never sent to disk. On ext4 a new file cut
    // to size 0 was written out at its first close (auto_da_alloc).
    assert!(
        cancelled_after - cancelled >= size / 2,
        "{} of {size} bytes deleted before reaching the disk",
        cancelled_after - cancelled
    );
}
