//! Self-tests of the fake MinerU: drive it directly with reqwest and check that it
//! behaves as `shared/providers.md` describes, so that CLI tests failing against it
//! point at the client, not at the fake.

use crate::support::{
    demo_fixture_dir, demo_images, demo_markdown, demo_zip_bytes, hostile_zip_bytes,
    html_zip_bytes, Advance, Fake, FakeConfig, FakeMineru, Recorded, Server, EXPIRED_TOKEN,
    FAIL_MSG, HOSTILE_ENTRIES, TOKEN,
};
use reqwest::blocking::{Body, Client, RequestBuilder};
use serde_json::{json, Value};
use std::io::{Cursor, Read, Write};
use std::sync::OnceLock;
use std::time::Duration;

const REFERER: &str = "https://mineru.net/";

/// One client for all self-tests: building one per request is slow in debug builds and
/// would skew the wall-clock test of [`Advance::Time`].
fn http() -> Client {
    static CLIENT: OnceLock<Client> = OnceLock::new();
    CLIENT
        .get_or_init(|| {
            Client::builder()
                .timeout(Duration::from_secs(20))
                .build()
                .expect("reqwest client")
        })
        .clone()
}

/// Sends a request and returns the status and JSON body (`Null` when not JSON).
fn send(rb: RequestBuilder) -> (u16, Value) {
    let resp = rb.send().expect("request to fake");
    let status = resp.status().as_u16();
    let text = resp.text().expect("response body");
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

fn v4_post(fake: &FakeMineru, path: &str, body: &Value) -> (u16, Value) {
    send(
        http()
            .post(format!("{}{path}", fake.base_url()))
            .bearer_auth(TOKEN)
            .json(body),
    )
}

fn v4_get(fake: &FakeMineru, path: &str) -> (u16, Value) {
    send(
        http()
            .get(format!("{}{path}", fake.base_url()))
            .bearer_auth(TOKEN),
    )
}

fn flash_post(fake: &FakeMineru, path: &str, body: &Value) -> (u16, Value) {
    send(
        http()
            .post(format!("{}/api/v1/agent{path}", fake.base_url()))
            .json(body),
    )
}

fn flash_get(fake: &FakeMineru, task_id: &str) -> (u16, Value) {
    send(http().get(format!("{}/api/v1/agent/parse/{task_id}", fake.base_url())))
}

/// A PUT as a correct client sends it: raw bytes, Content-Length, nothing else.
fn put(url: &str, bytes: &[u8]) -> reqwest::blocking::Response {
    http()
        .put(url)
        .body(bytes.to_vec())
        .send()
        .expect("PUT to fake OSS")
}

fn download(url: &str) -> reqwest::blocking::Response {
    http()
        .get(url)
        .header("Referer", REFERER)
        .send()
        .expect("GET from fake CDN")
}

fn ok_data(answer: (u16, Value)) -> Value {
    let (status, body) = answer;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["code"], json!(0), "{body}");
    assert_eq!(body["msg"], "ok");
    assert!(body["trace_id"].as_str().is_some_and(|t| t.len() == 32));
    body["data"].clone()
}

/// Polls a status URL, returning every `data` seen until a final state (at most 10).
fn poll(mut status: impl FnMut() -> Value) -> Vec<Value> {
    let mut seen = Vec::new();
    for _ in 0..10 {
        let data = status();
        let state = data["state"].as_str().unwrap_or_default().to_string();
        seen.push(data);
        if state == "done" || state == "failed" {
            break;
        }
    }
    seen
}

fn states(seen: &[Value]) -> Vec<&str> {
    seen.iter()
        .map(|d| d["state"].as_str().unwrap_or("?"))
        .collect()
}

fn zip_names(bytes: &[u8]) -> Vec<String> {
    let zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("valid zip");
    zip.file_names().map(String::from).collect()
}

fn zip_entry(bytes: &[u8], name: &str) -> Vec<u8> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("valid zip");
    let mut out = Vec::new();
    zip.by_name(name)
        .unwrap_or_else(|e| panic!("{name}: {e}"))
        .read_to_end(&mut out)
        .expect("read zip entry");
    out
}

fn assert_violation(fake: &FakeMineru, needle: &str) {
    fake.expect_violations();
    let v = fake.violations();
    assert!(
        v.iter().any(|m| m.contains(needle)),
        "expected a violation containing {needle:?}, got {v:#?}"
    );
}

fn create_upload_batch(fake: &FakeMineru, files: Value) -> (String, Vec<String>) {
    let data = ok_data(v4_post(
        fake,
        "/api/v4/file-urls/batch",
        &json!({"files": files}),
    ));
    let urls = data["file_urls"]
        .as_array()
        .expect("file_urls")
        .iter()
        .map(|u| u.as_str().expect("url").to_string())
        .collect();
    (data["batch_id"].as_str().expect("batch_id").into(), urls)
}

// --- v4 -------------------------------------------------------------------------------

#[test]
fn v4_url_task_walks_pending_running_converting_done() {
    let fake = FakeMineru::start();
    let body = json!({"url": "https://example.org/papers/demo.pdf", "data_id": "doc-1",
        "model_version": "vlm", "page_ranges": "2--2", "language": "en"});
    let id = ok_data(v4_post(&fake, "/api/v4/extract/task", &body))["task_id"]
        .as_str()
        .expect("task_id")
        .to_string();
    assert_eq!(id.len(), 36, "uuid-like: {id}");

    let seen = poll(|| ok_data(v4_get(&fake, &format!("/api/v4/extract/task/{id}"))));
    assert_eq!(
        states(&seen),
        ["pending", "running", "running", "converting", "done"]
    );
    let progress: Vec<(u64, u64)> = seen[1..3]
        .iter()
        .map(|d| {
            let p = &d["extract_progress"];
            assert!(
                p["start_time"].as_str().is_some_and(|t| t.len() == 19),
                "{p}"
            );
            (
                p["extracted_pages"].as_u64().unwrap(),
                p["total_pages"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(progress, [(1, 12), (12, 12)]);
    let done = seen.last().unwrap();
    assert_eq!(done["task_id"], id.as_str());
    assert_eq!(done["data_id"], "doc-1");
    assert_eq!(done["err_msg"], "");
    assert!(seen[..4].iter().all(|d| d.get("full_zip_url").is_none()));

    let url = done["full_zip_url"].as_str().expect("full_zip_url");
    assert!(url.starts_with(&fake.cdn_url()), "{url}");
    let resp = download(url);
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "application/zip");
    let len: usize = resp.headers()["content-length"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    let bytes = resp.bytes().unwrap();
    assert_eq!(bytes.len(), len);
    let names = zip_names(&bytes);
    assert!(
        names.contains(&format!("{id}_content_list.json")),
        "{names:?}"
    );
    assert!(
        !names.iter().any(|n| n.contains("_origin.")),
        "URL tasks carry no origin"
    );

    assert_eq!(fake.tasks_created(), 1);
    assert_eq!(fake.count("GET", "/api/v4/extract/task/"), 5);
    assert!(fake.violations().is_empty(), "{:?}", fake.violations());
}

#[test]
fn v4_auth_failures_use_their_own_envelope() {
    let fake = FakeMineru::start();
    let url = format!("{}/api/v4/extract/task", fake.base_url());
    let body = json!({"url": "https://example.org/a.pdf"});
    let cases = [
        (None, "A0202", "user authenticate failed"),
        (Some("not-the-key"), "A0202", "user authenticate failed"),
        (Some(EXPIRED_TOKEN), "A0211", "token expired"),
    ];
    for (key, msg_code, msg) in cases {
        let mut rb = http().post(&url).json(&body);
        if let Some(k) = key {
            rb = rb.bearer_auth(k);
        }
        let (status, answer) = send(rb);
        assert_eq!(status, 401, "{key:?}");
        assert_eq!(answer["msgCode"], msg_code);
        assert_eq!(answer["msg"], msg);
        assert!(answer["traceId"].is_string());
        assert!(answer.get("code").is_none(), "{answer}");
    }
    // Without the scheme the key is not accepted either.
    let (status, _) = send(http().get(&url).header("Authorization", TOKEN));
    assert_eq!(status, 401);
    assert_eq!(fake.tasks_created(), 0);
    assert!(fake.violations().is_empty(), "probes are not violations");
}

#[test]
fn v4_post_without_json_content_type_is_code_500() {
    let fake = FakeMineru::start();
    let url = format!("{}/api/v4/extract/task", fake.base_url());
    let raw = r#"{"url":"https://example.org/a.pdf"}"#;
    for rb in [
        http().post(&url).bearer_auth(TOKEN).body(raw),
        http()
            .post(&url)
            .bearer_auth(TOKEN)
            .header("Content-Type", "text/plain")
            .body(raw),
        http()
            .post(&url)
            .bearer_auth(TOKEN)
            .header("Content-Type", "application/json")
            .body("{not json"),
    ] {
        let (status, answer) = send(rb);
        assert_eq!(status, 200);
        assert_eq!(answer["code"], -500, "{answer}");
        assert_eq!(answer["msg"], "invalid params or Content-Type");
    }
    assert_eq!(fake.tasks_created(), 0);
}

#[test]
fn v4_invalid_params_are_http_400_with_an_object_msg() {
    let fake = FakeMineru::start();
    let pdf = "https://example.org/a.pdf";
    let cases = [
        ("/api/v4/extract/task", json!({"is_ocr": true}), "url"),
        ("/api/v4/extract/task", json!({"url": ""}), "url"),
        (
            "/api/v4/extract/task",
            json!({"url": pdf, "model_version": "v2"}),
            "model_version",
        ),
        (
            "/api/v4/extract/task",
            json!({"url": pdf, "page_ranges": "1-"}),
            "page_ranges",
        ),
        (
            "/api/v4/extract/task",
            json!({"url": pdf, "page_ranges": "1 - 3"}),
            "page_ranges",
        ),
        (
            "/api/v4/extract/task",
            json!({"url": pdf, "extra_formats": ["pdf"]}),
            "extra_formats",
        ),
        (
            "/api/v4/extract/task",
            json!({"url": pdf, "language": ["en"]}),
            "language",
        ),
        (
            "/api/v4/extract/task",
            json!({"url": pdf, "is_ocr": "yes"}),
            "is_ocr",
        ),
        (
            "/api/v4/extract/task",
            json!({"url": pdf, "data_id": "a b"}),
            "data_id",
        ),
        (
            "/api/v4/extract/task",
            json!({"url": pdf, "callback": "http://x"}),
            "seed",
        ),
        // v4 wants `page_ranges`; flash's `page_range` would be silently dropped.
        (
            "/api/v4/extract/task",
            json!({"url": pdf, "page_range": "1"}),
            "page_range",
        ),
        (
            "/api/v4/extract/task",
            json!({"url": "https://e.org/p.html"}),
            "MinerU-HTML",
        ),
        (
            "/api/v4/extract/task",
            json!(["not", "an", "object"]),
            "object",
        ),
        ("/api/v4/extract/task/batch", json!({"files": []}), "files"),
        (
            "/api/v4/extract/task/batch",
            json!({"files": [{"name": "a.pdf"}]}),
            "name",
        ),
        (
            "/api/v4/file-urls/batch",
            json!({"files": [{"url": pdf}]}),
            "files[0]",
        ),
        (
            "/api/v4/file-urls/batch",
            json!({"files": [{"name": "a.pdf"}, {"name": "b.htm"}], "model_version": "vlm"}),
            "files[1]",
        ),
    ];
    for (path, body, what) in cases {
        let (status, answer) = v4_post(&fake, path, &body);
        assert_eq!(status, 400, "{body} → {answer}");
        assert_eq!(answer["code"], -10002, "{answer}");
        let en = answer["msg"]["en"].as_str().unwrap_or_default();
        assert!(
            en.starts_with("invalid params: ") && en.contains(what),
            "{body} → {en}"
        );
        assert_eq!(answer["msg"]["zh"], "参数错误");
    }
    // The same HTML page is fine with the HTML model, and nulls count as absent.
    let ok =
        json!({"url": "https://e.org/p.html", "model_version": "MinerU-HTML", "data_id": null});
    ok_data(v4_post(&fake, "/api/v4/extract/task", &ok));
    assert_eq!(fake.tasks_created(), 1);
    assert!(fake.violations().is_empty(), "{:?}", fake.violations());
}

#[test]
fn v4_batch_limit_is_200_files() {
    let fake = FakeMineru::start();
    let files = |n: usize| -> Value {
        (0..n)
            .map(|i| json!({"url": format!("https://example.org/{i}.pdf")}))
            .collect()
    };
    let (status, answer) = v4_post(
        &fake,
        "/api/v4/extract/task/batch",
        &json!({"files": files(201)}),
    );
    assert_eq!((status, answer["code"].clone()), (400, json!(-10002)));
    ok_data(v4_post(
        &fake,
        "/api/v4/extract/task/batch",
        &json!({"files": files(200)}),
    ));
    assert_eq!(fake.tasks_created(), 200);
}

#[test]
fn v4_unknown_task_or_batch_is_60012() {
    let fake = FakeMineru::start();
    for path in [
        "/api/v4/extract/task/00000000-0000-4000-a000-000000000000",
        "/api/v4/extract-results/batch/nope",
    ] {
        let (status, answer) = v4_get(&fake, path);
        assert_eq!(status, 200);
        assert_eq!(answer["code"], -60012, "{answer}");
        assert_eq!(answer["msg"], "task not found");
    }
    // A flash task id is not a v4 task.
    let flash = ok_data(flash_post(
        &fake,
        "/parse/url",
        &json!({"url": "https://e.org/a.pdf"}),
    ));
    let path = format!(
        "/api/v4/extract/task/{}",
        flash["task_id"].as_str().unwrap()
    );
    assert_eq!(v4_get(&fake, &path).1["code"], -60012);
}

#[test]
fn v4_url_batch_reports_by_file_name_and_outcome() {
    let fake = FakeMineru::start();
    let body = json!({
        "files": [
            {"url": "https://example.org/dir/good.pdf?sig=abc", "data_id": "g"},
            {"url": "https://example.org/FAIL-me.docx", "data_id": "f", "is_ocr": true},
            {"url": "https://example.org/hostile.pdf", "page_ranges": "1,3-4"},
        ],
        "model_version": "pipeline", "enable_table": false, "language": "ch",
        "extra_formats": ["docx", "latex"],
    });
    let batch = ok_data(v4_post(&fake, "/api/v4/extract/task/batch", &body))["batch_id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(fake.tasks_created(), 3);
    let seen = poll(|| {
        let data = ok_data(v4_get(
            &fake,
            &format!("/api/v4/extract-results/batch/{batch}"),
        ));
        assert_eq!(data["batch_id"], batch.as_str());
        // Report "failed" for the batch only once nothing is left in progress.
        let results = data["extract_result"].as_array().unwrap().clone();
        let settled = results
            .iter()
            .all(|r| r["state"] == "done" || r["state"] == "failed");
        json!({"state": if settled { "done" } else { "running" }, "results": results})
    });
    let last = &seen.last().unwrap()["results"];
    assert_eq!(last[0]["file_name"], "good.pdf");
    assert_eq!(last[0]["data_id"], "g");
    assert_eq!(last[0]["state"], "done");
    assert_eq!(last[1]["file_name"], "FAIL-me.docx");
    assert_eq!(last[1]["state"], "failed");
    assert_eq!(last[1]["err_msg"], FAIL_MSG);
    assert!(last[1].get("full_zip_url").is_none());
    assert!(last[2].get("data_id").is_none());
    assert_eq!(last[2]["state"], "done");

    let good = download(last[0]["full_zip_url"].as_str().unwrap())
        .bytes()
        .unwrap();
    assert!(zip_names(&good).contains(&"full.md".to_string()));
    let hostile = download(last[2]["full_zip_url"].as_str().unwrap())
        .bytes()
        .unwrap();
    assert_eq!(hostile.as_ref(), hostile_zip_bytes().as_slice());
    assert!(fake.violations().is_empty(), "{:?}", fake.violations());
}

#[test]
fn v4_html_input_gives_markdown_and_main_html() {
    let fake = FakeMineru::start();
    let body = json!({"url": "https://example.org/page.html", "model_version": "MinerU-HTML"});
    let id = ok_data(v4_post(&fake, "/api/v4/extract/task", &body))["task_id"]
        .as_str()
        .unwrap()
        .to_string();
    let seen = poll(|| ok_data(v4_get(&fake, &format!("/api/v4/extract/task/{id}"))));
    let zip = download(seen.last().unwrap()["full_zip_url"].as_str().unwrap())
        .bytes()
        .unwrap();
    assert_eq!(zip_names(&zip), ["full.md", "main.html"]);
    assert_eq!(zip.as_ref(), html_zip_bytes().as_slice());
}

#[test]
fn v4_slow_input_never_finishes() {
    let fake = FakeMineru::start();
    let body = json!({"url": "https://example.org/slow.pdf"});
    let id = ok_data(v4_post(&fake, "/api/v4/extract/task", &body))["task_id"]
        .as_str()
        .unwrap()
        .to_string();
    let seen = poll(|| ok_data(v4_get(&fake, &format!("/api/v4/extract/task/{id}"))));
    assert_eq!(seen.len(), 10);
    assert!(states(&seen[1..]).iter().all(|s| *s == "running"));
}

#[test]
fn v4_code_as_string_on_status_answers() {
    let fake = FakeMineru::start_with(FakeConfig {
        code_as_string: true,
        pages: 3,
        ..FakeConfig::default()
    });
    let (_, created) = v4_post(
        &fake,
        "/api/v4/extract/task",
        &json!({"url": "https://e.org/a.pdf"}),
    );
    assert_eq!(created["code"], 0, "creation answers keep the number");
    let id = created["data"]["task_id"].as_str().unwrap();
    v4_get(&fake, &format!("/api/v4/extract/task/{id}"));
    let (_, status) = v4_get(&fake, &format!("/api/v4/extract/task/{id}"));
    assert_eq!(status["code"], "0");
    assert_eq!(status["data"]["extract_progress"]["total_pages"], 3);
}

#[test]
fn v4_time_advance_follows_the_clock() {
    // Steps of 1 s: the three quick polls below must land inside the first
    // step even on a loaded machine (100 ms failed at load 11).
    let fake = FakeMineru::start_with(FakeConfig {
        advance: Advance::Time(Duration::from_secs(1)),
        ..FakeConfig::default()
    });
    let (_, created) = v4_post(
        &fake,
        "/api/v4/extract/task",
        &json!({"url": "https://e.org/a.pdf"}),
    );
    let path = format!(
        "/api/v4/extract/task/{}",
        created["data"]["task_id"].as_str().unwrap()
    );
    // Polling fast does not speed things up.
    for _ in 0..3 {
        assert_eq!(ok_data(v4_get(&fake, &path))["state"], "pending");
    }
    // Time alone moves it: polled sparsely, it ends done.
    let started = std::time::Instant::now();
    loop {
        std::thread::sleep(Duration::from_millis(50));
        let state = ok_data(v4_get(&fake, &path))["state"].clone();
        if state == "done" {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the task never finished with time alone: {state}"
        );
    }

    // Switching to per-poll at runtime: a new task moves one step per query again.
    fake.set_advance(Advance::PerPoll);
    let (_, created) = v4_post(
        &fake,
        "/api/v4/extract/task",
        &json!({"url": "https://e.org/b.pdf"}),
    );
    let path = format!(
        "/api/v4/extract/task/{}",
        created["data"]["task_id"].as_str().unwrap()
    );
    assert_eq!(ok_data(v4_get(&fake, &path))["state"], "pending");
    assert_eq!(ok_data(v4_get(&fake, &path))["state"], "running");
}

#[test]
fn v4_extract_task_on_an_upload_url_is_a_violation() {
    let fake = FakeMineru::start();
    let (_, urls) = create_upload_batch(&fake, json!([{"name": "a.pdf"}]));
    ok_data(v4_post(
        &fake,
        "/api/v4/extract/task",
        &json!({"url": urls[0]}),
    ));
    assert_violation(&fake, "uploads start by themselves");
}

// --- uploads ----------------------------------------------------------------------------

#[test]
fn upload_batch_round_trip_keeps_bytes_exact() {
    let fake = FakeMineru::start();
    let (batch, urls) = create_upload_batch(
        &fake,
        json!([{"name": "Report.DOCX", "data_id": "r1"}, {"name": "scan.pdf", "is_ocr": true}]),
    );
    assert_eq!(urls.len(), 2);
    assert!(
        urls.iter().all(|u| u.starts_with(&fake.oss_url())),
        "{urls:?}"
    );
    assert_eq!(fake.tasks_created(), 2);
    let batch_path = format!("/api/v4/extract-results/batch/{batch}");

    // Nothing moves before the bytes arrive, however often the client polls.
    for _ in 0..3 {
        let data = ok_data(v4_get(&fake, &batch_path));
        assert_eq!(
            states(data["extract_result"].as_array().unwrap()),
            ["waiting-file"; 2]
        );
    }
    let report: Vec<u8> = (0..=255u8).cycle().take(70_000).collect();
    let resp = put(&urls[0], &report);
    assert_eq!(resp.status(), 200);
    assert!(resp.headers().contains_key("etag"));
    let data = ok_data(v4_get(&fake, &batch_path));
    assert_eq!(
        states(data["extract_result"].as_array().unwrap()),
        ["pending", "waiting-file"]
    );
    assert_eq!(put(&urls[1], b"%PDF-1.4 scan").status(), 200);

    let seen = poll(|| {
        let data = ok_data(v4_get(&fake, &batch_path));
        let first = data["extract_result"][0].clone();
        assert_eq!(first["file_name"], "Report.DOCX");
        first
    });
    let done = seen.last().unwrap();
    assert_eq!(done["state"], "done");
    assert_eq!(done["data_id"], "r1");

    let zip = download(done["full_zip_url"].as_str().unwrap())
        .bytes()
        .unwrap();
    let id = done["full_zip_url"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap();
    let id = id.trim_end_matches(".zip");
    assert_eq!(zip_entry(&zip, &format!("{id}_origin.docx")), report);
    assert_eq!(fake.uploaded("Report.DOCX"), Some(report));
    assert_eq!(
        fake.uploaded("scan.pdf").as_deref(),
        Some(&b"%PDF-1.4 scan"[..])
    );

    let puts: Vec<Recorded> = fake
        .requests()
        .into_iter()
        .filter(|r| r.server == Server::Oss)
        .collect();
    assert_eq!(puts.len(), 2);
    assert!(puts
        .iter()
        .all(|r| r.method == "PUT" && !r.has_header("content-type")));
    assert_eq!(fake.reuploads(), 0);
    assert!(fake.violations().is_empty(), "{:?}", fake.violations());
}

#[test]
fn upload_put_with_content_type_or_authorization_is_403() {
    let fake = FakeMineru::start();
    let (_, urls) = create_upload_batch(&fake, json!([{"name": "a.pdf"}]));
    let attempts = [
        ("Content-Type", "application/pdf", "Content-Type"),
        ("Content-Type", "", "Content-Type"),
        ("Authorization", "Bearer test-token-123", "Authorization"),
    ];
    for (name, value, what) in attempts {
        let resp = http()
            .put(&urls[0])
            .header(name, value)
            .body(b"%PDF".to_vec())
            .send()
            .unwrap();
        assert_eq!(resp.status(), 403, "{name}: {value:?}");
        assert_eq!(resp.headers()["content-type"], "application/xml");
        let text = resp.text().unwrap();
        assert!(text.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error>"));
        assert!(
            text.contains("<Code>SignatureDoesNotMatch</Code>"),
            "{text}"
        );
        assert_violation(&fake, what);
    }
    assert_violation(&fake, "key sent to OSS");
    fake.expect_violations();
    assert_eq!(fake.violations().len(), 4);
    assert_eq!(fake.uploaded("a.pdf"), None, "refused PUTs store nothing");
}

#[test]
fn upload_put_chunked_is_refused() {
    let fake = FakeMineru::start();
    let (_, urls) = create_upload_batch(&fake, json!([{"name": "a.pdf"}]));
    let resp = http()
        .put(&urls[0])
        .body(Body::new(Cursor::new(b"%PDF chunked".to_vec())))
        .send()
        .unwrap();
    assert_eq!(resp.status(), 411);
    assert_violation(&fake, "without Content-Length (chunked: true)");
    assert_eq!(fake.uploaded("a.pdf"), None);
}

#[test]
fn upload_put_to_an_unknown_or_altered_url_is_403() {
    let fake = FakeMineru::start();
    let (_, urls) = create_upload_batch(&fake, json!([{"name": "a.pdf"}]));
    let unknown = format!("{}/upload/0123456789abcdef", fake.oss_url());
    assert_eq!(put(&unknown, b"x").status(), 403);
    assert_violation(&fake, "never issued");
    // Decoding the signature's %2B/%3D (as a careless URL rebuild does) breaks it.
    let altered = urls[0].replace("%2B", "+").replace("%3D", "=");
    assert_ne!(altered, urls[0]);
    assert_eq!(put(&altered, b"x").status(), 403);
    assert_violation(&fake, "signed URL query altered");
    assert_eq!(put(&urls[0], b"x").status(), 200, "the URL as issued works");
}

#[test]
fn upload_second_put_overwrites_and_is_counted() {
    let fake = FakeMineru::start();
    let (_, urls) = create_upload_batch(&fake, json!([{"name": "a.pdf"}]));
    assert_eq!(put(&urls[0], b"first").status(), 200);
    assert_eq!(put(&urls[0], b"second").status(), 200);
    assert_eq!(fake.uploaded("a.pdf").as_deref(), Some(&b"second"[..]));
    assert_eq!(fake.reuploads(), 1);
    assert!(fake.violations().is_empty(), "a retried PUT is legitimate");
}

// --- CDN --------------------------------------------------------------------------------

/// A finished v4 URL task; returns its `full_zip_url`.
fn finished_zip_url(fake: &FakeMineru) -> String {
    let (_, created) = v4_post(
        fake,
        "/api/v4/extract/task",
        &json!({"url": "https://e.org/a.pdf"}),
    );
    let path = format!(
        "/api/v4/extract/task/{}",
        created["data"]["task_id"].as_str().unwrap()
    );
    let seen = poll(|| ok_data(v4_get(fake, &path)));
    seen.last().unwrap()["full_zip_url"]
        .as_str()
        .expect("done")
        .to_string()
}

#[test]
fn cdn_zip_needs_the_mineru_referer() {
    let fake = FakeMineru::start();
    let url = finished_zip_url(&fake);
    let resp = http().get(&url).send().unwrap();
    assert_eq!(resp.status(), 403);
    assert_violation(&fake, "without Referer");
    assert_eq!(download(&url).status(), 200);
    fake.expect_violations();
    assert_eq!(fake.violations().len(), 1);
}

#[test]
fn cdn_flags_keys_in_headers_or_query() {
    let fake = FakeMineru::start();
    let url = finished_zip_url(&fake);
    let with_auth = http()
        .get(&url)
        .header("Referer", REFERER)
        .bearer_auth(TOKEN)
        .send()
        .unwrap();
    assert_eq!(with_auth.status(), 200, "answered, but recorded");
    assert_violation(&fake, "key sent to CDN");
    fake.expect_violations();
    let before = fake.violations().len();
    let in_query = format!("{url}?token={TOKEN}");
    assert_eq!(download(&in_query).status(), 200);
    let in_header = http()
        .get(&url)
        .header("Referer", REFERER)
        .header("X-Api-Key", TOKEN)
        .send()
        .unwrap();
    assert_eq!(in_header.status(), 200);
    assert_eq!(
        fake.violations().len(),
        before + 2,
        "{:?}",
        fake.violations()
    );
}

#[test]
fn cdn_serves_only_announced_results() {
    let fake = FakeMineru::start();
    let (_, created) = v4_post(
        &fake,
        "/api/v4/extract/task",
        &json!({"url": "https://e.org/a.pdf"}),
    );
    let id = created["data"]["task_id"].as_str().unwrap();
    // Guessing the URL before the task is done fails.
    let early = download(&format!("{}/results/{id}.zip", fake.cdn_url()));
    assert_eq!(early.status(), 404);
    assert_violation(&fake, "never announced");
}

// --- flash ------------------------------------------------------------------------------

#[test]
fn flash_url_task_serves_markdown_without_any_key() {
    let fake = FakeMineru::start();
    let body = json!({"url": "https://example.org/a.pdf", "language": "en", "page_range": "1-3"});
    let id = ok_data(flash_post(&fake, "/parse/url", &body))["task_id"]
        .as_str()
        .unwrap()
        .to_string();
    let seen = poll(|| ok_data(flash_get(&fake, &id)));
    assert_eq!(
        states(&seen),
        ["pending", "running", "running", "converting", "done"]
    );
    assert_eq!(seen[1]["extract_progress"]["extracted_pages"], 1);
    let url = seen.last().unwrap()["markdown_url"].as_str().unwrap();
    assert!(
        url.starts_with(&fake.cdn_url()) && url.ends_with(".md"),
        "{url}"
    );
    // Markdown needs no Referer.
    let resp = http().get(url).send().unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(
        resp.headers()["content-type"],
        "text/markdown; charset=utf-8"
    );
    assert_eq!(resp.text().unwrap(), demo_markdown());
    assert_eq!(fake.tasks_created(), 1);
    assert!(fake.violations().is_empty(), "{:?}", fake.violations());
}

#[test]
fn flash_with_authorization_is_a_violation_but_answered() {
    let fake = FakeMineru::start();
    let (status, answer) = send(
        http()
            .post(format!("{}/api/v1/agent/parse/url", fake.base_url()))
            .bearer_auth(TOKEN)
            .json(&json!({"url": "https://example.org/a.pdf"})),
    );
    assert_eq!((status, answer["code"].clone()), (200, json!(0)));
    assert_violation(&fake, "flash API");
}

#[test]
fn flash_file_upload_then_size_limit() {
    let fake = FakeMineru::start_with(FakeConfig {
        flash_max_bytes: 1024,
        ..FakeConfig::default()
    });
    let small = ok_data(flash_post(
        &fake,
        "/parse/file",
        &json!({"file_name": "a.pdf", "language": "ch"}),
    ));
    let big = ok_data(flash_post(
        &fake,
        "/parse/file",
        &json!({"file_name": "big.pdf"}),
    ));
    let (small_id, big_id) = (
        small["task_id"].as_str().unwrap(),
        big["task_id"].as_str().unwrap(),
    );
    assert_eq!(ok_data(flash_get(&fake, small_id))["state"], "waiting-file");
    assert_eq!(
        put(small["file_url"].as_str().unwrap(), &[1; 1024]).status(),
        200
    );
    assert_eq!(
        put(big["file_url"].as_str().unwrap(), &[1; 1025]).status(),
        200
    );
    assert_eq!(
        states(&poll(|| ok_data(flash_get(&fake, small_id)))).last(),
        Some(&"done")
    );
    let seen = poll(|| ok_data(flash_get(&fake, big_id)));
    assert_eq!(states(&seen), ["pending", "failed"]);
    assert_eq!(seen[1]["err_msg"], "file exceeds 1024B limit");
    assert_eq!(fake.uploaded("a.pdf"), Some(vec![1; 1024]));
    assert!(fake.violations().is_empty(), "{:?}", fake.violations());
}

#[test]
fn flash_errors_use_the_30000_codes() {
    let fake = FakeMineru::start_with(FakeConfig {
        rate_limit_flash: 2,
        ..FakeConfig::default()
    });
    let (status, answer) = flash_get(&fake, "nope");
    assert_eq!((status, answer["code"].clone()), (200, json!(-30003)));
    assert_eq!(answer["msg"], "task not found");
    for bad in [
        json!({}),
        json!({"url": "https://e.org/a.pdf", "page_ranges": "1"}),
    ] {
        let (status, answer) = flash_post(&fake, "/parse/url", &bad);
        assert_eq!(
            (status, answer["code"].clone()),
            (200, json!(-30001)),
            "{bad}"
        );
    }
    for _ in 0..2 {
        ok_data(flash_post(
            &fake,
            "/parse/url",
            &json!({"url": "https://e.org/a.pdf"}),
        ));
    }
    let (status, answer) = flash_post(&fake, "/parse/url", &json!({"url": "https://e.org/a.pdf"}));
    assert_eq!((status, answer["code"].clone()), (429, json!(-30004)));
    assert_eq!(answer["msg"], "too many requests");
    assert_eq!(fake.tasks_created(), 2);
    assert!(fake.violations().is_empty(), "{:?}", fake.violations());
}

// --- archives ---------------------------------------------------------------------------

#[test]
fn demo_zip_has_the_mineru_layout() {
    let origin = b"%PDF-1.7 origin bytes";
    let zip = demo_zip_bytes("abc", Some(origin), "pdf");
    let names = zip_names(&zip);
    for expected in [
        "full.md",
        "layout.json",
        "abc_content_list.json",
        "abc_model.json",
        "abc_origin.pdf",
    ] {
        assert!(
            names.contains(&expected.to_string()),
            "{expected} in {names:?}"
        );
    }
    let images = demo_images();
    assert_eq!(images.len(), 10);
    let md = String::from_utf8(zip_entry(&zip, "full.md")).unwrap();
    assert_eq!(md, demo_markdown());
    assert_eq!(
        md.as_bytes(),
        std::fs::read(demo_fixture_dir().join("demo1.md")).unwrap()
    );
    for (name, bytes) in images {
        assert!(md.contains(&format!("![](images/{name})")), "{name} linked");
        assert_eq!(zip_entry(&zip, &format!("images/{name}")), bytes);
    }
    assert_eq!(zip_entry(&zip, "abc_origin.pdf"), origin);
    let layout: Value = serde_json::from_slice(&zip_entry(&zip, "layout.json")).unwrap();
    assert!(layout["pdf_info"].as_array().is_some_and(|p| !p.is_empty()));
    assert_eq!(names.len(), 15);
    assert_eq!(
        demo_zip_bytes("abc", Some(origin), "pdf"),
        zip,
        "cached and stable"
    );
    assert!(!zip_names(&demo_zip_bytes("abc", None, "pdf"))
        .iter()
        .any(|n| n.contains("origin")));
}

#[test]
fn hostile_zip_carries_traversal_and_a_symlink() {
    let zip_bytes = hostile_zip_bytes();
    let mut zip = zip::ZipArchive::new(Cursor::new(zip_bytes)).unwrap();
    let names: Vec<String> = zip.file_names().map(String::from).collect();
    assert!(names.contains(&"full.md".to_string()));
    for hostile in HOSTILE_ENTRIES {
        assert!(
            names.contains(&hostile.to_string()),
            "{hostile} in {names:?}"
        );
    }
    for escaping in &HOSTILE_ENTRIES[..3] {
        assert!(
            zip.by_name(escaping).unwrap().enclosed_name().is_none(),
            "{escaping}"
        );
    }
    let mut link = zip.by_name("link").unwrap();
    assert!(link.is_symlink());
    let mut target = String::new();
    link.read_to_string(&mut target).unwrap();
    assert_eq!(target, "/etc/passwd");
}

// --- the harness ------------------------------------------------------------------------

#[test]
fn serves_concurrent_clients_and_records_everything() {
    let fake = FakeMineru::start();
    std::thread::scope(|s| {
        for i in 0..8 {
            let fake = &fake;
            s.spawn(move || {
                let body = json!({"url": format!("https://e.org/{i}.pdf")});
                let id = ok_data(v4_post(fake, "/api/v4/extract/task", &body))["task_id"]
                    .as_str()
                    .unwrap()
                    .to_string();
                let seen = poll(|| ok_data(v4_get(fake, &format!("/api/v4/extract/task/{id}"))));
                assert_eq!(states(&seen).last(), Some(&"done"));
                download(seen.last().unwrap()["full_zip_url"].as_str().unwrap());
            });
        }
    });
    assert_eq!(fake.tasks_created(), 8);
    assert_eq!(fake.count("POST", "/api/v4/extract/task"), 8);
    assert_eq!(fake.count("GET", "/results/"), 8);
    let log = fake.requests();
    assert_eq!(log.len(), 8 + 8 * 5 + 8);
    let post = log.iter().find(|r| r.method == "POST").unwrap();
    assert_eq!(post.server, Server::Api);
    assert_eq!(
        post.header("Authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
    assert!(post.json().is_some_and(|b| b["url"].is_string()));
    assert!(log
        .iter()
        .filter(|r| r.server == Server::Cdn)
        .all(|r| !r.has_header("authorization")));
    assert!(fake.violations().is_empty(), "{:?}", fake.violations());
}

#[test]
fn unknown_endpoints_are_violations() {
    let fake = FakeMineru::start();
    let (status, _) = v4_get(&fake, "/api/v4/extract/tasks");
    assert_eq!(status, 404);
    let (status, _) = send(http().delete(format!("{}/api/v1/agent/parse/x", fake.base_url())));
    assert_eq!(status, 404);
    fake.expect_violations();
    assert_eq!(fake.violations().len(), 2);
    assert_violation(&fake, "unknown endpoint GET /api/v4/extract/tasks");
}

#[test]
fn hosts_are_distinct_and_drop_is_prompt() {
    let fake = FakeMineru::start();
    let hosts = [fake.base_url(), fake.oss_url(), fake.cdn_url()];
    assert!(hosts[0] != hosts[1] && hosts[1] != hosts[2] && hosts[0] != hosts[2]);
    assert!(hosts
        .iter()
        .all(|h| h.starts_with("http://127.0.0.1:") && !h.ends_with('/')));
    // Answers close the connection (hyper hides that header, so look at the raw answer).
    let mut conn = std::net::TcpStream::connect(fake.base_url().trim_start_matches("http://"))
        .expect("connect to fake");
    // The fake ends the connection after one answer, so reading to EOF finishes.
    conn.write_all(
        b"GET /api/v1/agent/parse/x HTTP/1.1\r\nHost: fake\r\nConnection: close\r\n\r\n",
    )
    .unwrap();
    conn.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut raw = String::new();
    conn.read_to_string(&mut raw)
        .expect("server closes the connection");
    assert!(raw.starts_with("HTTP/1.1 200 OK\r\n"), "{raw}");
    assert!(raw.contains("\r\nConnection: close\r\n"), "{raw}");
    // Whether the port then refuses connections cannot be tested reliably: a fake of a
    // parallel test may already have been given it.
    let started = std::time::Instant::now();
    drop(fake);
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}
