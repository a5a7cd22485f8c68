//! Self-tests of the fake parse4ai: drive it directly with reqwest and check that it
//! behaves as `shared/providers.md` ("parse4ai") and seed 001 describe, so that CLI
//! tests failing against it point at the client, not at the fake.

use crate::support::parse4ai::{FakeParse4ai, P4Config, CAMEL_FIELDS, P4_EXPIRED_KEY, P4_KEY};
use crate::support::{demo_markdown, Advance, Fake, Server, FAIL_MSG, HOSTILE_ENTRIES};
use reqwest::blocking::{Client, RequestBuilder};
use serde_json::{json, Value};
use std::io::Cursor;
use std::sync::OnceLock;
use std::time::Duration;

const TASK: &str = "/api/v1/extract/task";
const BATCH: &str = "/api/v1/extract/task/batch";
const BATCH_RESULTS: &str = "/api/v1/extract-results/batch/";

/// One client for all self-tests: building one per request is slow in debug builds.
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

fn post(fake: &FakeParse4ai, path: &str, body: &Value) -> (u16, Value) {
    send(
        http()
            .post(format!("{}{path}", fake.base_url()))
            .bearer_auth(P4_KEY)
            .json(body),
    )
}

fn get(fake: &FakeParse4ai, path: &str) -> (u16, Value) {
    send(
        http()
            .get(format!("{}{path}", fake.base_url()))
            .bearer_auth(P4_KEY),
    )
}

/// `data` of a successful camelCase answer, after checking its envelope.
fn camel_data(answer: (u16, Value), message: &str) -> Value {
    let (status, body) = answer;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["code"], json!(0), "{body}");
    assert_eq!(body["message"], message, "{body}");
    assert!(body["timestamp"]
        .as_u64()
        .is_some_and(|t| t > 1_600_000_000_000));
    assert!(
        body.get("msg").is_none() && body.get("trace_id").is_none(),
        "{body}"
    );
    body["data"].clone()
}

/// `data` of a successful snake_case answer, after checking its envelope.
fn snake_data(answer: (u16, Value)) -> Value {
    let (status, body) = answer;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["code"], json!(0), "{body}");
    assert_eq!(body["msg"], "ok", "{body}");
    assert!(body["trace_id"].as_str().is_some_and(|t| t.len() == 32));
    assert!(body.get("message").is_none(), "{body}");
    body["data"].clone()
}

fn create(fake: &FakeParse4ai, body: Value) -> String {
    let data = camel_data(post(fake, TASK, &body), "success");
    data["taskId"].as_str().expect("taskId").to_string()
}

fn task_status(fake: &FakeParse4ai, id: &str) -> Value {
    camel_data(get(fake, &format!("{TASK}/{id}")), "ok")
}

fn create_batch(fake: &FakeParse4ai, body: Value) -> String {
    let data = snake_data(post(fake, BATCH, &body));
    data["batch_id"].as_str().expect("batch_id").to_string()
}

fn batch_status(fake: &FakeParse4ai, id: &str) -> Value {
    let data = snake_data(get(fake, &format!("{BATCH_RESULTS}{id}")));
    assert_eq!(data["batch_id"], id);
    data
}

/// Polls a status until a final state (at most 10 answers), returning all of them.
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

fn download(url: &str) -> reqwest::blocking::Response {
    http().get(url).send().expect("GET from fake CDN")
}

fn zip_names(bytes: &[u8]) -> Vec<String> {
    let zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("valid zip");
    zip.file_names().map(String::from).collect()
}

fn assert_clean(fake: &FakeParse4ai) {
    assert!(fake.violations().is_empty(), "{:?}", fake.violations());
}

fn assert_violation(fake: &FakeParse4ai, needle: &str) {
    fake.expect_violations();
    let v = fake.violations();
    assert!(
        v.iter().any(|m| m.contains(needle)),
        "{needle:?} not in {v:?}"
    );
}

/// A `-10002` refusal: HTTP 400 with the endpoint's envelope; returns the message.
fn assert_invalid(answer: (u16, Value), text_key: &str) -> String {
    let (status, body) = answer;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["code"], json!(-10002), "{body}");
    let text = body[text_key].as_str().expect("error text").to_string();
    assert!(text.starts_with("invalid params: "), "{body}");
    text
}

#[test]
fn single_task_walks_pending_running_converting_done_in_camel_case() {
    let fake = FakeParse4ai::start();
    let id = create(
        &fake,
        json!({
            "url": "https://example.com/docs/report.pdf",
            "isOcr": true,
            "enableFormula": false,
            "enableTable": true,
            "language": "en",
            "dataId": "doc_1.a-b",
            "extraFormats": ["docx", "html"],
            "pageRanges": "2,4-6",
            "modelVersion": "vlm",
        }),
    );
    assert_eq!(id.len(), 36, "uuid-shaped: {id}");
    assert_eq!(fake.tasks_created(), 1);

    let seen = poll(|| task_status(&fake, &id));
    assert_eq!(
        states(&seen),
        ["pending", "running", "running", "converting", "done"]
    );
    for d in &seen {
        assert_eq!(d["taskId"], id.as_str());
        assert_eq!(d["dataId"], "doc_1.a-b");
        assert_eq!(d["errMsg"], "");
        let snake = [
            "task_id",
            "data_id",
            "err_msg",
            "full_zip_url",
            "extract_progress",
        ];
        assert!(snake.iter().all(|k| d.get(k).is_none()), "{d}");
    }
    assert_eq!(seen[1]["extractProgress"]["extractedPages"], 1);
    assert_eq!(seen[2]["extractProgress"]["extractedPages"], 12);
    assert_eq!(seen[2]["extractProgress"]["totalPages"], 12);
    assert!(seen[1]["extractProgress"]["startTime"]
        .as_str()
        .is_some_and(|t| t.len() == 19));
    for d in &seen[..4] {
        assert!(d.get("fullZipUrl").is_none() && d.get("markdownUrl").is_none());
    }
    let done = &seen[4];
    let zip_url = done["fullZipUrl"].as_str().expect("fullZipUrl");
    let md_url = done["markdownUrl"].as_str().expect("markdownUrl");
    assert_eq!(zip_url, format!("{}/p4/{id}.zip", fake.cdn_url()));
    assert_eq!(md_url, format!("{}/p4/{id}.md", fake.cdn_url()));
    assert!(done.get("extractProgress").is_none());

    // The CDN needs no Referer and no key.
    let zip = download(zip_url);
    assert_eq!(zip.status().as_u16(), 200);
    let names = zip_names(&zip.bytes().expect("zip bytes"));
    for want in [
        "full.md".to_string(),
        "layout.json".into(),
        format!("{id}_content_list.json"),
        format!("{id}_model.json"),
    ] {
        assert!(names.contains(&want), "{want} not in {names:?}");
    }
    assert!(names.iter().any(|n| n.starts_with("images/")));
    let md = download(md_url);
    assert_eq!(md.status().as_u16(), 200);
    assert_eq!(md.text().expect("markdown"), demo_markdown());

    // A finished task stays done.
    assert_eq!(task_status(&fake, &id)["state"], "done");
    assert_clean(&fake);
    assert_eq!(fake.count("POST", TASK), 1);
    assert_eq!(fake.count("GET", &format!("{TASK}/{id}")), 6);
    assert_eq!(fake.count("GET", "/p4/"), 2);
    let cdn: Vec<_> = fake
        .requests()
        .into_iter()
        .filter(|r| r.server == Server::Cdn)
        .collect();
    assert_eq!(cdn.len(), 2);
}

#[test]
fn camel_endpoint_rejects_snake_case_keys() {
    let fake = FakeParse4ai::start();
    let url = "https://example.com/a.pdf";
    let cases = [
        ("is_ocr", json!(true)),
        ("data_id", json!("d1")),
        ("page_ranges", json!("1-2")),
        ("model_version", json!("vlm")),
        ("enable_formula", json!(true)),
        ("enable_table", json!(false)),
        ("extra_formats", json!(["docx"])),
    ];
    let n = cases.len();
    for (key, value) in cases {
        let mut body = json!({"url": url, "isOcr": false});
        body[key] = value;
        let msg = assert_invalid(post(&fake, TASK, &body), "message");
        assert_eq!(msg, format!("invalid params: unknown field {key}"));
        assert_violation(&fake, &format!("unknown field `{key}`"));
    }
    fake.expect_violations();
    let v = fake.violations();
    assert_eq!(v.len(), n, "{v:?}");
    assert!(v[0].contains("spells it `isOcr`"), "{v:?}");
    // Neither dialect: refused too.
    let msg = assert_invalid(post(&fake, TASK, &json!({"url": url, "foo": 1})), "message");
    assert_eq!(msg, "invalid params: unknown field foo");
    assert_eq!(fake.tasks_created(), 0);
}

#[test]
fn batch_endpoint_rejects_camel_case_keys() {
    let fake = FakeParse4ai::start();
    let file = json!({"url": "https://example.com/a.pdf", "data_id": "a"});
    let top = [
        ("enableFormula", json!(true)),
        ("enableTable", json!(true)),
        ("modelVersion", json!("vlm")),
        ("extraFormats", json!(["html"])),
        // Per-file options do not belong at the top level of a parse4ai batch.
        ("is_ocr", json!(true)),
    ];
    for (key, value) in top {
        let mut body = json!({"files": [file.clone()]});
        body[key] = value;
        let msg = assert_invalid(post(&fake, BATCH, &body), "msg");
        assert_eq!(msg, format!("invalid params: unknown field {key}"));
        assert_violation(&fake, &format!("unknown field `{key}`"));
    }
    for key in ["isOcr", "dataId", "pageRanges"] {
        let mut f = file.clone();
        f[key] = json!("x");
        let body = json!({"files": [file.clone(), f]});
        let msg = assert_invalid(post(&fake, BATCH, &body), "msg");
        assert_eq!(msg, format!("invalid params: unknown field files[1].{key}"));
        assert_violation(&fake, &format!("unknown field `files[1].{key}`"));
    }
    assert_violation(&fake, "spells it `model_version`");
    fake.expect_violations();
    assert_eq!(fake.violations().len(), 8);
    assert_eq!(fake.tasks_created(), 0);
}

#[test]
fn auth_failures_use_each_endpoint_envelope() {
    let fake = FakeParse4ai::start();
    let base = fake.base_url();
    let task_body = json!({"url": "https://example.com/a.pdf"});
    let batch_body = json!({"files": [{"url": "https://example.com/a.pdf"}]});
    let keys: [(Option<&str>, i64, &str); 4] = [
        (None, -20002, "token error"),
        (Some("wrong-key"), -20002, "token error"),
        (Some(P4_KEY.trim_end_matches('9')), -20002, "token error"),
        (Some(P4_EXPIRED_KEY), -20011, "token expired"),
    ];
    for (key, code, text) in keys {
        let auth = |rb: RequestBuilder| match key {
            Some(k) => rb.bearer_auth(k),
            None => rb,
        };
        // camelCase endpoints: message, data null, timestamp.
        for rb in [
            http().post(format!("{base}{TASK}")).json(&task_body),
            http().get(format!("{base}{TASK}/some-id")),
        ] {
            let (status, body) = send(auth(rb));
            assert_eq!(status, 200, "{body}");
            assert_eq!(body["code"], json!(code), "{body}");
            assert_eq!(body["message"], text, "{body}");
            assert_eq!(body["data"], Value::Null, "{body}");
            assert!(body["timestamp"].is_u64(), "{body}");
        }
        // snake_case endpoints: msg and trace_id.
        for rb in [
            http().post(format!("{base}{BATCH}")).json(&batch_body),
            http().get(format!("{base}{BATCH_RESULTS}some-id")),
        ] {
            let (status, body) = send(auth(rb));
            assert_eq!(status, 200, "{body}");
            assert_eq!(body["code"], json!(code), "{body}");
            assert_eq!(body["msg"], text, "{body}");
            assert!(body["trace_id"].is_string(), "{body}");
        }
    }
    // The key without the `Bearer ` prefix is a token error too.
    let (_, body) = send(
        http()
            .get(format!("{base}{TASK}/x"))
            .header("Authorization", P4_KEY),
    );
    assert_eq!(body["code"], json!(-20002));
    assert_eq!(fake.tasks_created(), 0);
    assert_clean(&fake);
}

#[test]
fn post_without_json_content_type_is_code_500() {
    let fake = FakeParse4ai::start();
    let base = fake.base_url();
    let raw = r#"{"url":"https://example.com/a.pdf"}"#;
    let (status, body) = send(
        http()
            .post(format!("{base}{TASK}"))
            .bearer_auth(P4_KEY)
            .header("Content-Type", "text/plain")
            .body(raw),
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["code"], json!(-500), "{body}");
    assert!(
        body["message"].is_string() && body["timestamp"].is_u64(),
        "{body}"
    );
    let (status, body) = send(
        http()
            .post(format!("{base}{BATCH}"))
            .bearer_auth(P4_KEY)
            .body(r#"{"files":[{"url":"https://example.com/a.pdf"}]}"#),
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["code"], json!(-500), "{body}");
    assert!(
        body["msg"].is_string() && body["trace_id"].is_string(),
        "{body}"
    );
    fake.expect_violations();
    assert_eq!(fake.violations().len(), 2, "{:?}", fake.violations());
    assert_violation(&fake, "Content-Type");
    // A JSON charset parameter is fine.
    let (status, body) = send(
        http()
            .post(format!("{base}{TASK}"))
            .bearer_auth(P4_KEY)
            .header("Content-Type", "application/json; charset=utf-8")
            .body(raw),
    );
    assert_eq!((status, &body["code"]), (200, &json!(0)), "{body}");
    assert_eq!(fake.tasks_created(), 1);
}

#[test]
fn invalid_values_are_400_in_the_endpoint_dialect() {
    let fake = FakeParse4ai::start();
    let url = "https://example.com/a.pdf";
    let cases = [
        (json!({"isOcr": true}), "`url` is required"),
        (json!({"url": ""}), "`url`"),
        (
            json!({"url": url, "isOcr": "yes"}),
            "`isOcr` must be a boolean",
        ),
        (json!({"url": url, "pageRanges": "1-"}), "`pageRanges`"),
        (json!({"url": url, "pageRanges": "a"}), "`pageRanges`"),
        (
            json!({"url": url, "modelVersion": "MinerU-HTML"}),
            "`modelVersion`",
        ),
        (json!({"url": url, "modelVersion": "v2"}), "`modelVersion`"),
        (
            json!({"url": url, "extraFormats": ["pdf"]}),
            "`extraFormats`",
        ),
        (
            json!({"url": url, "extraFormats": "docx"}),
            "`extraFormats`",
        ),
        (json!({"url": url, "dataId": "a/b"}), "`dataId`"),
        (json!({"url": url, "dataId": "x".repeat(129)}), "`dataId`"),
        (
            json!({"url": url, "callback": "http://h/cb"}),
            "`seed` is required",
        ),
        (
            json!({"url": url, "callback": "http://h/cb", "seed": "a-b"}),
            "`seed`",
        ),
    ];
    for (body, needle) in cases {
        let msg = assert_invalid(post(&fake, TASK, &body), "message");
        assert!(msg.contains(needle), "{msg:?} lacks {needle:?} for {body}");
        let leaked = CAMEL_FIELDS
            .iter()
            .find(|(c, s)| c != s && msg.contains(&format!("`{s}`")));
        assert!(leaked.is_none(), "snake name in a camelCase answer: {msg}");
    }
    // The boundaries are accepted.
    create(
        &fake,
        json!({"url": url, "dataId": "x".repeat(128), "pageRanges": "2--2",
               "callback": "http://h/cb", "seed": "abc_123", "modelVersion": "pipeline",
               "extraFormats": ["docx", "html", "latex"], "language": null}),
    );

    let batch_cases = [
        (json!({}), "`files` is required"),
        (json!({"files": []}), "`files` must hold 1 to 200"),
        (
            json!({"files": [{"is_ocr": true}]}),
            "files[0]: `url` is required",
        ),
        (
            json!({"files": [{"url": url, "page_ranges": "x"}]}),
            "`page_ranges`",
        ),
        (
            json!({"files": [{"url": url, "data_id": "a b"}]}),
            "`data_id`",
        ),
        (
            json!({"files": [{"url": url}], "model_version": "MinerU-HTML"}),
            "`model_version`",
        ),
        (
            json!({"files": [{"url": url}], "extra_formats": ["md"]}),
            "`extra_formats`",
        ),
        (
            json!({"files": [{"url": url}], "callback": "http://h/cb"}),
            "`seed`",
        ),
        (
            json!({"files": ["https://example.com/a.pdf"]}),
            "files[0] must be an object",
        ),
    ];
    for (body, needle) in batch_cases {
        let msg = assert_invalid(post(&fake, BATCH, &body), "msg");
        assert!(msg.contains(needle), "{msg:?} lacks {needle:?} for {body}");
    }
    // Value errors are answers, not client mistakes.
    assert_clean(&fake);
    assert_eq!(fake.tasks_created(), 1);
}

#[test]
fn batch_reports_by_file_name_and_advances_all_files_per_query() {
    let fake = FakeParse4ai::start();
    let batch_id = create_batch(
        &fake,
        json!({
            "files": [
                {"url": "https://example.com/good.pdf", "data_id": "g", "is_ocr": true,
                 "page_ranges": "1-3"},
                {"url": "https://example.com/will-fail.pdf", "data_id": "f"},
                {"url": "https://example.com/hostile.docx?sig=1"},
            ],
            "enable_formula": true,
            "enable_table": false,
            "language": "ch",
            "model_version": "vlm",
            "extra_formats": ["latex"],
        }),
    );
    assert_eq!(fake.tasks_created(), 3);
    let mut answers = Vec::new();
    for _ in 0..6 {
        answers.push(batch_status(&fake, &batch_id));
    }
    let column = |i: usize| -> Vec<String> {
        answers
            .iter()
            .map(|a| {
                a["extract_result"][i]["state"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect()
    };
    let walk = [
        "pending",
        "running",
        "running",
        "converting",
        "done",
        "done",
    ];
    assert_eq!(column(0), walk);
    assert_eq!(
        column(1),
        ["pending", "running", "running", "failed", "failed", "failed"]
    );
    assert_eq!(column(2), walk);

    let first = &answers[0]["extract_result"];
    assert_eq!(first.as_array().unwrap().len(), 3);
    assert_eq!(first[0]["file_name"], "good.pdf");
    assert_eq!(first[0]["data_id"], "g");
    assert_eq!(first[1]["file_name"], "will-fail.pdf");
    assert_eq!(first[1]["data_id"], "f");
    assert_eq!(first[2]["file_name"], "hostile.docx");
    assert!(first[2].get("data_id").is_none());
    let running = &answers[1]["extract_result"][0];
    assert_eq!(running["extract_progress"]["extracted_pages"], 1);
    assert_eq!(running["extract_progress"]["total_pages"], 12);
    assert!(running["extract_progress"]["start_time"].is_string());
    assert!(running.get("extractProgress").is_none() && running.get("task_id").is_none());

    let last = &answers[5]["extract_result"];
    assert_eq!(last[1]["err_msg"], FAIL_MSG);
    assert!(last[1].get("full_zip_url").is_none());
    for entry in [&last[0], &last[2]] {
        assert_eq!(entry["err_msg"], "");
        let url = entry["full_zip_url"].as_str().expect("full_zip_url");
        assert!(url.starts_with(&format!("{}/p4/", fake.cdn_url())), "{url}");
        assert!(url.ends_with(".zip"), "{url}");
        assert!(entry.get("fullZipUrl").is_none() && entry.get("markdown_url").is_none());
    }
    let good = download(last[0]["full_zip_url"].as_str().unwrap());
    assert!(zip_names(&good.bytes().unwrap()).contains(&"full.md".to_string()));
    let hostile = download(last[2]["full_zip_url"].as_str().unwrap());
    let names = zip_names(&hostile.bytes().unwrap());
    for entry in HOSTILE_ENTRIES {
        assert!(names.iter().any(|n| n == entry), "{entry} not in {names:?}");
    }
    assert_clean(&fake);
}

#[test]
fn single_task_fail_hostile_and_slow_inputs() {
    let fake = FakeParse4ai::start();
    let fail = create(&fake, json!({"url": "https://example.com/FAIL.pdf"}));
    let seen = poll(|| task_status(&fake, &fail));
    assert_eq!(states(&seen), ["pending", "running", "running", "failed"]);
    let last = seen.last().unwrap();
    assert_eq!(last["errMsg"], FAIL_MSG);
    assert!(last.get("fullZipUrl").is_none() && last.get("markdownUrl").is_none());

    let hostile = create(&fake, json!({"url": "https://example.com/hostile.pdf"}));
    let seen = poll(|| task_status(&fake, &hostile));
    let done = seen.last().unwrap();
    assert_eq!(done["state"], "done");
    let bytes = download(done["fullZipUrl"].as_str().unwrap())
        .bytes()
        .unwrap();
    let names = zip_names(&bytes);
    for entry in HOSTILE_ENTRIES {
        assert!(names.iter().any(|n| n == entry), "{entry} not in {names:?}");
    }

    let slow = create(&fake, json!({"url": "https://example.com/slow.pdf"}));
    let seen = poll(|| task_status(&fake, &slow));
    assert_eq!(seen.len(), 10);
    assert!(states(&seen[1..]).iter().all(|s| *s == "running"));
    // A result never announced as done does not exist.
    let r = download(&format!("{}/p4/{slow}.zip", fake.cdn_url()));
    assert_eq!(r.status().as_u16(), 404);
    assert_violation(&fake, "never announced as done");
    fake.expect_violations();
    assert_eq!(fake.violations().len(), 1);
}

#[test]
fn unknown_task_or_batch_is_60012() {
    let fake = FakeParse4ai::start();
    let (status, body) = get(
        &fake,
        &format!("{TASK}/00000000-0000-4000-a000-000000000000"),
    );
    assert_eq!(status, 200);
    assert_eq!(body["code"], json!(-60012), "{body}");
    assert_eq!(body["message"], "task not found");
    assert!(body["timestamp"].is_u64());
    let (status, body) = get(&fake, &format!("{BATCH_RESULTS}nope"));
    assert_eq!(status, 200);
    assert_eq!(body["code"], json!(-60012), "{body}");
    assert_eq!(body["msg"], "task not found");
    assert!(body["trace_id"].is_string());
    // A batch id is not a task id, nor the other way round.
    let batch = create_batch(&fake, json!({"files": [{"url": "https://e.com/a.pdf"}]}));
    assert_eq!(
        get(&fake, &format!("{TASK}/{batch}")).1["code"],
        json!(-60012)
    );
    let task = create(&fake, json!({"url": "https://e.com/b.pdf"}));
    let path = format!("{BATCH_RESULTS}{task}");
    assert_eq!(get(&fake, &path).1["code"], json!(-60012));
    assert_clean(&fake);
}

#[test]
fn batch_limit_is_200_files_and_configurable() {
    let fake = FakeParse4ai::start();
    let files = |n: usize| -> Vec<Value> {
        (0..n)
            .map(|i| json!({"url": format!("https://example.com/{i}.pdf")}))
            .collect()
    };
    let msg = assert_invalid(post(&fake, BATCH, &json!({"files": files(201)})), "msg");
    assert!(msg.contains("1 to 200"), "{msg}");
    assert_eq!(fake.tasks_created(), 0);
    create_batch(&fake, json!({"files": files(200)}));
    assert_eq!(fake.tasks_created(), 200);
    assert_clean(&fake);

    let small = FakeParse4ai::start_with(P4Config {
        max_batch_files: 2,
        ..P4Config::default()
    });
    assert_invalid(post(&small, BATCH, &json!({"files": files(3)})), "msg");
    create_batch(&small, json!({"files": files(2)}));
    assert_eq!(small.tasks_created(), 2);
}

#[test]
fn cdn_flags_keys_and_authorization() {
    let fake = FakeParse4ai::start();
    let id = create(&fake, json!({"url": "https://example.com/a.pdf"}));
    let done = poll(|| task_status(&fake, &id));
    let zip_url = done.last().unwrap()["fullZipUrl"]
        .as_str()
        .unwrap()
        .to_string();
    let md_url = done.last().unwrap()["markdownUrl"]
        .as_str()
        .unwrap()
        .to_string();
    download(&zip_url);
    assert_clean(&fake);

    // Still served (the test is the violation), but recorded.
    let r = http().get(&zip_url).bearer_auth(P4_KEY).send().unwrap();
    assert_eq!(r.status().as_u16(), 200);
    fake.expect_violations();
    assert_eq!(fake.violations().len(), 1);
    http()
        .get(&md_url)
        .header("Authorization", "Basic Zm9vOmJhcg==")
        .send()
        .unwrap();
    fake.expect_violations();
    assert_eq!(fake.violations().len(), 2);
    http().get(format!("{md_url}?key={P4_KEY}")).send().unwrap();
    fake.expect_violations();
    assert_eq!(fake.violations().len(), 3);
    http()
        .get(&md_url)
        .header("X-Api-Key", P4_EXPIRED_KEY)
        .send()
        .unwrap();
    fake.expect_violations();
    assert_eq!(fake.violations().len(), 4);
    assert_violation(&fake, "sent to the CDN");

    let r = http().post(&zip_url).send().unwrap();
    assert_eq!(r.status().as_u16(), 405);
    assert_violation(&fake, "serves only GET");
    let r = download(&format!("{}/results/{id}.zip", fake.cdn_url()));
    assert_eq!(r.status().as_u16(), 404);
    assert_violation(&fake, "/results/");
}

#[test]
fn key_inside_a_task_url_is_a_violation() {
    let fake = FakeParse4ai::start();
    create(
        &fake,
        json!({"url": format!("https://example.com/a.pdf?token={P4_KEY}")}),
    );
    assert_violation(&fake, "API key inside a task URL");
}

#[test]
fn unknown_endpoints_are_404_and_violations() {
    let fake = FakeParse4ai::start();
    let base = fake.base_url();
    let empty = json!({});
    let probes = [
        http()
            .post(format!("{base}/api/v1/file-urls/batch"))
            .json(&empty),
        http()
            .post(format!("{base}/api/v4/extract/task"))
            .json(&empty),
        http().get(format!("{base}/api/v1/extract/task")),
        http().put(format!("{base}{TASK}/abc")),
        http().get(format!("{base}/api/v1/extract-results/abc")),
        http().get(format!("{base}/")),
    ];
    let n = probes.len();
    for rb in probes {
        let (status, body) = send(rb.bearer_auth(P4_KEY));
        assert_eq!(status, 404, "{body}");
        assert_eq!(body["status"], 404, "{body}");
    }
    fake.expect_violations();
    assert_eq!(fake.violations().len(), n, "{:?}", fake.violations());
    assert_violation(&fake, "unknown endpoint POST /api/v1/file-urls/batch");
    assert_eq!(fake.tasks_created(), 0);
}

#[test]
fn time_advance_follows_the_clock() {
    let fake = FakeParse4ai::start_with(P4Config {
        advance: Advance::Time(Duration::from_millis(300)),
        pages: 3,
        ..P4Config::default()
    });
    let id = create(&fake, json!({"url": "https://example.com/a.pdf"}));
    // Polling fast does not move it.
    for _ in 0..3 {
        assert_eq!(task_status(&fake, &id)["state"], "pending");
    }
    // Time alone moves it: polled sparsely, it ends done.
    let started = std::time::Instant::now();
    loop {
        std::thread::sleep(Duration::from_millis(100));
        let d = task_status(&fake, &id);
        if d["state"] == "done" {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the task never finished with time alone: {d}"
        );
    }

    // Advance::Time(0) finishes at once, batches included.
    fake.set_advance(Advance::Time(Duration::ZERO));
    let batch = create_batch(&fake, json!({"files": [{"url": "https://e.com/b.pdf"}]}));
    let data = batch_status(&fake, &batch);
    assert_eq!(data["extract_result"][0]["state"], "done");
    assert_clean(&fake);
}

#[test]
fn serves_parallel_pollers() {
    let fake = FakeParse4ai::start();
    let ids: Vec<String> = (0..8)
        .map(|i| {
            create(
                &fake,
                json!({"url": format!("https://example.com/{i}.pdf")}),
            )
        })
        .collect();
    std::thread::scope(|s| {
        for id in &ids {
            let fake = &fake;
            s.spawn(move || {
                let seen = poll(|| task_status(fake, id));
                let url = seen.last().unwrap()["fullZipUrl"]
                    .as_str()
                    .unwrap()
                    .to_string();
                assert_eq!(download(&url).status().as_u16(), 200);
            });
        }
    });
    assert_eq!(fake.tasks_created(), 8);
    assert_eq!(fake.count("GET", "/p4/"), 8);
    assert_eq!(fake.count("GET", TASK), 40);
    assert_clean(&fake);
}
