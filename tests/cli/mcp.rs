//! `docpipe mcp` driven by rmcp's own client, over stdio (the server as a
//! child process) and streamable HTTP, against the fake providers.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rmcp::model::{
    CallToolRequestParams, CallToolResult, ClientRequest, ProgressNotificationParam, Request,
};
use rmcp::service::{NotificationContext, PeerRequestOptions, RunningService};
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use rmcp::transport::{StreamableHttpClientTransport, TokioChildProcess};
use rmcp::{ClientHandler, RoleClient, ServiceExt};
use serde_json::{json, Value};

use crate::harness::Env;
use crate::support::{demo_markdown, Advance, FakeConfig, FakeMineru, TOKEN};

/// A client that keeps the progress notifications it is sent.
#[derive(Clone, Default)]
struct Client {
    progress: Arc<Mutex<Vec<ProgressNotificationParam>>>,
}

impl ClientHandler for Client {
    async fn on_progress(
        &self,
        params: ProgressNotificationParam,
        _context: NotificationContext<RoleClient>,
    ) {
        self.progress.lock().unwrap().push(params);
    }
}

type Session = RunningService<RoleClient, Client>;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// The server as a child process on stdio.
async fn stdio(cmd: std::process::Command) -> Session {
    let (transport, _) = TokioChildProcess::builder(tokio::process::Command::from(cmd))
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    Client::default().serve(transport).await.unwrap()
}

async fn call(client: &Session, tool: &str, args: Value) -> CallToolResult {
    let args = args.as_object().cloned().unwrap_or_default();
    client
        .call_tool(CallToolRequestParams::new(tool.to_string()).with_arguments(args))
        .await
        .unwrap_or_else(|e| panic!("{tool}: {e}"))
}

fn text_of(r: &CallToolResult) -> String {
    r.content
        .iter()
        .filter_map(|c| c.as_text().map(|t| t.text.clone()))
        .collect::<Vec<_>>()
        .join("\n")
}

fn failed(r: &CallToolResult) -> bool {
    r.is_error == Some(true)
}

fn ok(r: &CallToolResult) -> Value {
    assert!(!failed(r), "the call failed: {}", text_of(r));
    r.structured_content.clone().unwrap_or(Value::Null)
}

fn mcp(env: &Env, fake: &FakeMineru) -> std::process::Command {
    let mut cmd = env.std_cmd(fake);
    cmd.arg("mcp");
    cmd
}

/// The ID of the most recent document on record, through `status` without an ID.
async fn recent_id(client: &Session) -> String {
    let listed = ok(&call(client, "status", json!({})).await);
    let doc = &listed["documents"][0];
    doc["batch_id"]
        .as_str()
        .or(doc["task_id"].as_str())
        .unwrap_or_else(|| panic!("no ID on record: {listed}"))
        .to_string()
}

/// Waits until the fake has seen no status request for 900 ms (the quiet
/// window the cancel tests ask for); fails with `what` if polling goes on 10 s.
async fn wait_until_polling_stops(fake: &FakeMineru, what: &str) {
    let start = Instant::now();
    let mut last = (fake.count("GET", "/api/v4/"), Instant::now());
    while last.1.elapsed() < Duration::from_millis(900) {
        assert!(start.elapsed() < Duration::from_secs(10), "{what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
        let now = fake.count("GET", "/api/v4/");
        if now != last.0 {
            last = (now, Instant::now());
        }
    }
}

async fn wait_for_progress(client: &Session) {
    let start = Instant::now();
    while client.service().progress.lock().unwrap().is_empty() {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "no progress notification"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[test]
fn tools_are_listed_with_schemas_an_agent_can_call_without_docs() {
    let fake = FakeMineru::start();
    let env = Env::new();
    runtime().block_on(async {
        let client = stdio(mcp(&env, &fake)).await;
        let tools = client.list_all_tools().await.unwrap();
        let mut names: Vec<&str> = tools.iter().map(|t| t.name.as_ref()).collect();
        names.sort();
        assert_eq!(
            names,
            [
                "convert_to_markdown",
                "extract",
                "fetch",
                "providers",
                "status",
                "submit"
            ]
        );
        let schema = |name: &str| {
            let t = tools.iter().find(|t| t.name == name).unwrap();
            assert!(
                t.description.as_deref().is_some_and(|d| d.len() > 40),
                "{name} is described"
            );
            Value::Object((*t.input_schema).clone())
        };
        // markitdown-mcp's name and argument.
        assert_eq!(schema("convert_to_markdown")["required"], json!(["uri"]));
        let extract = schema("extract");
        assert_eq!(extract["required"], json!(["source"]));
        assert_eq!(extract["additionalProperties"], json!(false));
        let providers = extract["properties"]["provider"]["enum"]
            .as_array()
            .unwrap();
        for name in ["mineru", "mineru-flash", "mistral", "gptge"] {
            assert!(providers.contains(&json!(name)), "{providers:?}");
        }
        for field in ["pages", "format", "output_dir", "max_chars"] {
            assert!(
                extract["properties"][field]["description"].is_string(),
                "{field}"
            );
        }
        assert_eq!(schema("submit")["required"], json!(["sources"]));
        assert_eq!(schema("fetch")["required"], json!(["id"]));
        assert!(schema("status")["required"].is_null(), "status needs no ID");
        // Unknown arguments (a key, say) are refused, not ignored.
        let refused = client
            .call_tool(
                CallToolRequestParams::new("extract").with_arguments(
                    json!({"source": "a.pdf", "api_key": "sk-123"})
                        .as_object()
                        .unwrap()
                        .clone(),
                ),
            )
            .await;
        match refused {
            Err(e) => assert!(e.to_string().contains("api_key"), "{e}"),
            Ok(r) => assert!(failed(&r), "an unknown argument was accepted"),
        }
        // providers() is `docpipe providers --json`.
        let listed = ok(&call(&client, "providers", json!({})).await);
        let mineru = listed["providers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == "mineru")
            .unwrap()
            .clone();
        assert_eq!(mineru["key"]["set"], json!(false));
        assert_eq!(mineru["base_url"], json!(fake.base_url()));
        client.cancel().await.unwrap();
    });
}

#[test]
fn a_born_digital_document_is_converted_on_this_machine_with_no_request() {
    let fake = FakeMineru::start();
    let env = Env::new();
    env.doc("demo1.pdf", "paper.pdf");
    runtime().block_on(async {
        let client = stdio(mcp(&env, &fake)).await;
        // No key anywhere: `auto` sends a PDF with a text layer to `local`.
        let r = call(&client, "convert_to_markdown", json!({"uri": "paper.pdf"})).await;
        assert!(!failed(&r), "{}", text_of(&r));
        assert!(
            text_of(&r).contains("The response of flow duration curves to afforestation"),
            "{}",
            &text_of(&r)[..200.min(text_of(&r).len())]
        );
        assert!(
            fake.requests().is_empty(),
            "a request for a local conversion"
        );
        client.cancel().await.unwrap();
    });
}

#[test]
fn a_hybrid_document_sends_only_its_scan_and_comes_back_whole() {
    use crate::support::pdfgen::{pages_pdf, Page};
    let fake = FakeMineru::start();
    let env = Env::new();
    let body = "The quarterly figures show steady growth across every region we serve.";
    let typed = |title: &'static str| {
        let mut lines = vec![(14, 760, title)];
        lines.extend((0..12).map(|i| (11, 730 - 16 * i, body)));
        Page::Text(lines)
    };
    let pdf = pages_pdf(&[typed("Opening pages"), Page::Image, typed("Closing pages")]);
    std::fs::write(env.work.path().join("mixed.pdf"), pdf).unwrap();
    runtime().block_on(async {
        let client = stdio(mcp(&env, &fake)).await;
        // No key: `auto`, page by page; the scan alone goes to mineru-flash.
        let args = json!({"source": "mixed.pdf", "max_chars": 100_000});
        let r = call(&client, "extract", args).await;
        assert!(!failed(&r), "{}", text_of(&r));
        assert_eq!(fake.count("POST", "/api/v1/agent/parse/file"), 1);
        let cut = fake
            .uploaded("mixed.cloud-pages.pdf")
            .expect("the scan sent");
        assert_eq!(
            lopdf::Document::load_mem(&cut).unwrap().get_pages().len(),
            1
        );
        let text = text_of(&r);
        let demo_first = demo_markdown().lines().next().unwrap().to_string();
        let at = |s: &str| {
            text.find(s)
                .unwrap_or_else(|| panic!("{s:?} not in the answer"))
        };
        assert!(at("Opening pages") < at(&demo_first[..20]));
        assert!(at(&demo_first[..20]) < at("Closing pages"));
        client.cancel().await.unwrap();
    });
}

/// A large upload and its result's download reach an MCP client as progress
/// messages with their bytes: at the start, at the end, at most once a second
/// in between.
#[test]
fn a_large_upload_is_reported_to_the_client_in_bytes() {
    use crate::support::faults::Faults;
    // 12 MiB at 2 MiB/s: the client reads the file well ahead of the server
    // (socket buffers, a few MB) and still has seconds of it to report.
    let faults = Arc::new(Faults::new(0, 0, |_| false).throttling(2 * 1024 * 1024));
    let fake = FakeMineru::start_with(FakeConfig {
        faults: Some(faults),
        ..FakeConfig::default()
    });
    let env = Env::new();
    let path = env.doc("demo1.pdf", "big.pdf");
    let mut bytes = std::fs::read(&path).unwrap();
    bytes.extend(
        format!("%{}\n", "x".repeat(1022))
            .repeat(12 * 1024)
            .as_bytes(),
    );
    std::fs::write(&path, bytes).unwrap();
    runtime().block_on(async {
        let client = stdio(keyed(&env, &fake)).await;
        let started = Instant::now();
        let r = call(
            &client,
            "extract",
            json!({"source": "big.pdf", "provider": "mineru", "output_dir": "out"}),
        )
        .await;
        let took = started.elapsed();
        ok(&r);
        // rmcp hands each notification to the handler in a task of its own,
        // so they may be pushed out of order: the server's progress count
        // (rising, as MCP requires) is their order.
        let mut sent = client.service().progress.lock().unwrap().clone();
        sent.sort_by(|a, b| a.progress.total_cmp(&b.progress));
        let messages: Vec<String> = sent.iter().filter_map(|p| p.message.clone()).collect();
        let uploads: Vec<&String> = messages
            .iter()
            .filter(|m| m.contains("big.pdf: uploading "))
            .collect();
        assert!(uploads.len() >= 3, "{messages:#?}");
        assert!(
            uploads.len() as u64 <= took.as_secs() + 3,
            "{} in {took:?}: {messages:#?}",
            uploads.len()
        );
        let total = uploads[0]
            .rsplit_once(" of ")
            .map(|(_, t)| t.to_string())
            .unwrap();
        assert!(total.starts_with("12."), "{messages:#?}");
        assert!(
            uploads[0].ends_with(&format!("uploading 0.0 KB of {total}")),
            "{messages:#?}"
        );
        assert!(
            uploads
                .last()
                .unwrap()
                .ends_with(&format!("uploading {total} of {total}")),
            "{messages:#?}"
        );
        assert!(
            messages.iter().any(|m| m.contains("big.pdf: downloading ")),
            "{messages:#?}"
        );
        client.cancel().await.unwrap();
    });
}

#[test]
fn convert_to_markdown_uses_the_default_routing_and_caps_long_results() {
    let fake = FakeMineru::start();
    let env = Env::new();
    // A scan (no text layer): with no key anywhere, the default routing
    // (`auto`) sends it to mineru-flash.
    env.doc("small_ocr.pdf", "demo1.pdf");
    runtime().block_on(async {
        let client = stdio(mcp(&env, &fake)).await;
        let whole = demo_markdown();
        assert!(
            whole.chars().count() > 40_000,
            "the fixture is over the cap"
        );
        let r = call(&client, "convert_to_markdown", json!({"uri": "demo1.pdf"})).await;
        assert!(!failed(&r), "{}", text_of(&r));
        assert_eq!(fake.count("POST", "/api/v1/agent/parse/file"), 1);
        assert_eq!(fake.count("POST", "/api/v4/"), 0);
        // Capped at 40,000 characters, the whole result saved in the root.
        let inline = r.content[0].as_text().unwrap().text.clone();
        assert_eq!(inline.chars().count(), 40_000);
        assert!(whole.starts_with(&inline), "the first characters inline");
        let note = r.content[1].as_text().unwrap().text.clone();
        let saved: Vec<_> = std::fs::read_dir(env.work.path().join("docpipe-mcp"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        assert_eq!(saved.len(), 1, "{saved:?}");
        assert!(note.contains(&saved[0].display().to_string()), "{note}");
        assert!(
            note.contains(&format!("{} characters", whole.chars().count())),
            "{note}"
        );
        assert_eq!(std::fs::read_to_string(&saved[0]).unwrap(), whole);

        // Under the cap: all of it inline, nothing more written.
        let r = call(
            &client,
            "extract",
            json!({"source": "demo1.pdf", "max_chars": 100_000}),
        )
        .await;
        assert!(!failed(&r), "{}", text_of(&r));
        assert_eq!(r.content.len(), 1, "no note: {}", text_of(&r));
        assert!(text_of(&r) == whole, "the whole markdown inline");
        // The second call was answered from the record: nothing paid twice.
        assert_eq!(fake.count("POST", "/api/v1/agent/parse/file"), 1);
        let r = call(
            &client,
            "extract",
            json!({"source": "demo1.pdf", "max_chars": 100}),
        )
        .await;
        assert_eq!(r.content[0].as_text().unwrap().text.chars().count(), 100);

        // A URL goes to the provider as a URL: docpipe itself never connects to it.
        let site = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        site.set_nonblocking(true).unwrap();
        let url = format!("http://{}/docs/brief.pdf", site.local_addr().unwrap());
        let r = call(&client, "convert_to_markdown", json!({ "uri": url })).await;
        assert!(!failed(&r), "{}", text_of(&r));
        let create = fake
            .requests()
            .into_iter()
            .find(|r| r.path == "/api/v1/agent/parse/url")
            .expect("the URL was handed to the provider");
        assert_eq!(create.json().unwrap()["url"], json!(url));
        assert!(
            site.accept().is_err(),
            "docpipe connected to the document's URL"
        );
        client.cancel().await.unwrap();
    });
}

#[test]
fn paths_outside_the_roots_are_refused_before_any_request() {
    let fake = FakeMineru::start();
    let env = Env::new();
    env.doc("demo1.pdf", "outside.pdf");
    let root = env.work.path().join("root");
    std::fs::create_dir(&root).unwrap();
    std::fs::copy(env.work.path().join("outside.pdf"), root.join("in.pdf")).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(env.work.path().join("outside.pdf"), root.join("link.pdf")).unwrap();
    let mut cmd = mcp(&env, &fake);
    cmd.arg("--root").arg(&root);
    runtime().block_on(async {
        let client = stdio(cmd).await;
        let outside = env.work.path().join("outside.pdf");
        let mut refused = vec![
            json!({"source": outside.display().to_string()}),
            json!({"source": "../outside.pdf"}),
            json!({"source": "in.pdf", "output_dir": "../out"}),
            json!({"source": "in.pdf", "output_dir": env.work.path().join("out").display().to_string()}),
            json!({"source": "-"}),
        ];
        if cfg!(unix) {
            refused.push(json!({"source": "link.pdf"}));
        }
        for args in refused {
            let r = call(&client, "extract", args.clone()).await;
            assert!(failed(&r), "{args} was accepted");
            let text = text_of(&r);
            assert!(text.starts_with("docpipe: error: "), "{text}");
            assert!(text.contains("docpipe: hint: "), "{args}: {text}");
        }
        let r = call(
            &client,
            "extract",
            json!({"source": outside.display().to_string()}),
        )
        .await;
        assert!(
            text_of(&r).contains("outside the roots"),
            "{}",
            text_of(&r)
        );
        let r = call(&client, "submit", json!({"sources": ["in.pdf", "../outside.pdf"]})).await;
        assert!(failed(&r), "one bad source refuses the submission");
        assert!(fake.requests().is_empty(), "no request was made");
        assert!(!env.work.path().join("out").exists());
        client.cancel().await.unwrap();
    });
}

#[test]
fn a_bad_key_gives_the_clis_auth_message_and_hint_and_never_the_key() {
    let fake = FakeMineru::start();
    let env = Env::new();
    env.doc("demo1.pdf", "demo1.pdf");
    let mut cmd = mcp(&env, &fake);
    cmd.env("MINERU_API_KEY", "wrong-key-789");
    runtime().block_on(async {
        let client = stdio(cmd).await;
        let r = call(
            &client,
            "extract",
            json!({"source": "demo1.pdf", "provider": "mineru"}),
        )
        .await;
        assert!(failed(&r));
        let text = text_of(&r);
        assert!(text.contains("rejected the API key"), "{text}");
        assert!(
            text.contains("docpipe: hint: check MINERU_API_KEY"),
            "{text}"
        );
        assert!(!text.contains("wrong-key-789"), "the key leaked: {text}");
        let listed = call(&client, "providers", json!({})).await;
        assert!(!format!("{listed:?}").contains("wrong-key-789"));
        client.cancel().await.unwrap();
    });
    // No key at all for a provider that needs one: the same message as the CLI.
    runtime().block_on(async {
        let client = stdio(mcp(&env, &fake)).await;
        let r = call(
            &client,
            "extract",
            json!({"source": "demo1.pdf", "provider": "mineru"}),
        )
        .await;
        assert!(failed(&r));
        let text = text_of(&r);
        assert!(text.contains("no API key for mineru"), "{text}");
        assert!(text.contains("docpipe: hint: "), "{text}");
        client.cancel().await.unwrap();
    });
}

/// A MinerU whose tasks move one step per `step`, and a document: for calls
/// to be cancelled or cut off mid-wait.
fn slow_mineru(step: Duration) -> (FakeMineru, Env) {
    let fake = FakeMineru::start_with(FakeConfig {
        advance: Advance::Time(step),
        ..FakeConfig::default()
    });
    let env = Env::new();
    env.doc("demo1.pdf", "demo1.pdf");
    (fake, env)
}

fn keyed(env: &Env, fake: &FakeMineru) -> std::process::Command {
    let mut cmd = mcp(env, fake);
    cmd.env("MINERU_API_KEY", TOKEN);
    cmd
}

/// Starts an `extract` of demo1.pdf through MinerU without waiting for its answer.
async fn start_extract(client: &Session) -> rmcp::service::RequestHandle<RoleClient> {
    let args = json!({"source": "demo1.pdf", "provider": "mineru"});
    client
        .send_cancellable_request(
            ClientRequest::CallToolRequest(Request::new(
                CallToolRequestParams::new("extract")
                    .with_arguments(args.as_object().unwrap().clone()),
            )),
            PeerRequestOptions::no_options(),
        )
        .await
        .unwrap()
}

#[test]
fn a_cancelled_call_leaves_its_task_recorded_and_fetchable() {
    let (fake, env) = slow_mineru(Duration::from_millis(300));
    runtime().block_on(async {
        let client = stdio(keyed(&env, &fake)).await;
        let handle = start_extract(&client).await;
        wait_for_progress(&client).await;
        let message = client.service().progress.lock().unwrap()[0].message.clone();
        assert!(
            message.as_deref().is_some_and(|m| m.contains("demo1.pdf")),
            "{message:?}"
        );
        handle
            .cancel(Some("the user pressed Ctrl-C".into()))
            .await
            .unwrap();
        assert_eq!(fake.tasks_created(), 1);
        // The pipeline stopped asking: no status request once it has settled.
        wait_until_polling_stops(&fake, "still polling after the cancel").await;
        let listed = ok(&call(&client, "status", json!({})).await);
        assert_ne!(listed["documents"][0]["state"], "done", "{listed}");

        // The same server goes on serving; the task is on record and fetchable.
        let id = recent_id(&client).await;
        // A fetch reports progress while it waits and stops when cancelled too.
        client.service().progress.lock().unwrap().clear();
        let args = json!({"id": id});
        let handle = client
            .send_cancellable_request(
                ClientRequest::CallToolRequest(Request::new(
                    CallToolRequestParams::new("fetch")
                        .with_arguments(args.as_object().unwrap().clone()),
                )),
                PeerRequestOptions::no_options(),
            )
            .await
            .unwrap();
        wait_for_progress(&client).await;
        handle.cancel(Some("again".into())).await.unwrap();
        wait_until_polling_stops(&fake, "fetch still polling after the cancel").await;
        fake.set_advance(Advance::PerPoll);
        let fetched = ok(&call(&client, "fetch", json!({"id": id, "max_chars": 100_000})).await);
        let doc = &fetched["documents"][0];
        assert_eq!(doc["state"], "done", "{}", doc["error"]);
        assert!(
            doc["markdown"] == json!(demo_markdown()),
            "the whole markdown inline"
        );
        assert_eq!(doc["truncated"], json!(false));
        assert_eq!(fake.tasks_created(), 1, "nothing was submitted twice");
        client.cancel().await.unwrap();
    });
}

#[test]
fn a_client_killed_mid_call_leaves_the_task_fetchable_by_the_next_server() {
    let (fake, env) = slow_mineru(Duration::from_millis(300));
    runtime().block_on(async {
        let client = stdio(keyed(&env, &fake)).await;
        let _pending = start_extract(&client).await;
        wait_for_progress(&client).await;
        // The client goes away: the server's stdin closes and it exits.
        client.cancel().await.unwrap();
    });
    assert_eq!(fake.tasks_created(), 1);
    fake.set_advance(Advance::PerPoll);
    runtime().block_on(async {
        let client = stdio(keyed(&env, &fake)).await;
        let id = recent_id(&client).await;
        let status = ok(&call(&client, "status", json!({"id": id})).await);
        assert_eq!(
            status["documents"][0]["input"],
            json!(env
                .work
                .path()
                .join("demo1.pdf")
                .canonicalize()
                .unwrap()
                .display()
                .to_string())
        );
        let fetched = ok(&call(&client, "fetch", json!({"id": id})).await);
        assert_eq!(fetched["documents"][0]["state"], "done", "{fetched}");
        assert_eq!(fake.tasks_created(), 1, "nothing was submitted twice");
        client.cancel().await.unwrap();
    });
}

/// A `docpipe mcp --http` child, killed when dropped.
struct HttpServer {
    child: Child,
    url: String,
}

impl Drop for HttpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn http_server(mut cmd: std::process::Command) -> HttpServer {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let url = loop {
        let line = lines
            .next()
            .expect("the server said where it listens")
            .unwrap();
        if let Some(rest) = line.split("listening on ").nth(1) {
            break rest.split([' ', ';']).next().unwrap().to_string();
        }
    };
    // Keep draining stderr so the server never blocks on it.
    std::thread::spawn(move || for _ in lines {});
    HttpServer { child, url }
}

#[test]
fn started_in_the_filesystem_root_without_root_folders_or_with_o_it_refuses() {
    let fake = FakeMineru::start();
    let env = Env::new();
    // Started in / with no --root (as agent hosts often do): refused.
    let in_slash = env.cmd(&fake).arg("mcp").current_dir("/").output().unwrap();
    assert_eq!(in_slash.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&in_slash.stderr).contains("--root DIR"));
    // -o would suggest a default that tool calls do not use.
    let with_o = env.cmd(&fake).args(["-o", "out", "mcp"]).output().unwrap();
    assert_eq!(with_o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&with_o.stderr).contains("output_dir"));
}

/// An MCP `initialize` request body.
const INITIALIZE: &str = r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#;

#[test]
fn http_refuses_foreign_origins_and_guessable_tokens_and_takes_host_names() {
    let fake = FakeMineru::start();
    let env = Env::new();
    // A token a person could guess is refused before anything listens.
    for weak in [
        "x",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "0123456789",
    ] {
        let out = env
            .cmd(&fake)
            .args(["mcp", "--http", "127.0.0.1:0", "--token", weak])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{weak}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("too easy to guess") && err.contains("openssl rand"),
            "{err}"
        );
    }
    // A host name that resolves to loopback is accepted (and is loopback:
    // no token needed).
    let mut cmd = mcp(&env, &fake);
    cmd.args([
        "--http",
        "localhost:0",
        "--allow-origin",
        "https://app.example.org",
    ]);
    let server = http_server(cmd);
    assert!(
        server.url.contains("127.0.0.1") || server.url.contains("[::1]"),
        "{}",
        server.url
    );
    let post = |origin: Option<&str>| {
        let mut rq = reqwest::blocking::Client::new()
            .post(&server.url)
            .header("content-type", "application/json")
            .header("accept", "application/json, text/event-stream")
            .body(INITIALIZE);
        if let Some(o) = origin {
            rq = rq.header("origin", o);
        }
        rq.send().unwrap()
    };
    // A page from elsewhere (DNS rebinding, a page posting to localhost): 403.
    for foreign in [
        "http://evil.example",
        "null",
        "https://app.example.org.evil.example",
    ] {
        assert_eq!(post(Some(foreign)).status().as_u16(), 403, "{foreign}");
    }
    // No Origin (not a browser), a loopback page and a listed one are served.
    for ok in [
        None,
        Some("http://localhost:3000"),
        Some("http://127.0.0.1:8080"),
        Some("https://app.example.org/"),
    ] {
        assert_eq!(post(ok).status().as_u16(), 200, "{ok:?}");
    }
    // Ending a session with DELETE answers 200, as clients expect.
    let res = post(None);
    let session = res
        .headers()
        .get("mcp-session-id")
        .expect("a session ID")
        .to_str()
        .unwrap()
        .to_string();
    let ended = reqwest::blocking::Client::new()
        .delete(&server.url)
        .header("mcp-session-id", &session)
        .send()
        .unwrap();
    assert_eq!(ended.status().as_u16(), 200);
    // A badly written --allow-origin is a usage error.
    let out = env
        .cmd(&fake)
        .args([
            "mcp",
            "--http",
            "127.0.0.1:0",
            "--allow-origin",
            "app.example.org",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn http_needs_a_token_beyond_loopback_and_checks_the_bearer() {
    let fake = FakeMineru::start();
    let env = Env::new();
    let refused = env
        .cmd(&fake)
        .args(["mcp", "--http", "0.0.0.0:0"])
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("not a loopback address"), "{stderr}");
    assert!(stderr.contains("--token"), "{stderr}");

    let mut cmd = mcp(&env, &fake);
    cmd.args([
        "--http",
        "127.0.0.1:0",
        "--token",
        "s3cret-token-9f8e7d6c5b4a39281706f5e4d3c2b1a0",
    ]);
    let server = http_server(cmd);
    let body = r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#;
    for auth in [
        None,
        Some("Bearer wrong-token"),
        Some("s3cret-token-9f8e7d6c5b4a39281706f5e4d3c2b1a0"),
    ] {
        let mut rq = reqwest::blocking::Client::new()
            .post(&server.url)
            .header("content-type", "application/json")
            .header("accept", "application/json, text/event-stream")
            .body(body);
        if let Some(a) = auth {
            rq = rq.header("authorization", a);
        }
        let res = rq.send().unwrap();
        assert_eq!(res.status().as_u16(), 401, "{auth:?}");
        assert_eq!(
            res.headers()
                .get("www-authenticate")
                .map(|v| v.to_str().unwrap()),
            Some("Bearer")
        );
    }
    let post = |url: &str, host: Option<&str>| {
        let mut rq = reqwest::blocking::Client::new()
            .post(url)
            .header("content-type", "application/json")
            .header("accept", "application/json, text/event-stream")
            .header(
                "authorization",
                "Bearer s3cret-token-9f8e7d6c5b4a39281706f5e4d3c2b1a0",
            )
            .body(body);
        if let Some(h) = host {
            rq = rq.header("host", h);
        }
        rq.send().unwrap().status().as_u16()
    };
    assert_eq!(post(&server.url, None), 200, "the right bearer passes");
    assert_eq!(post(&server.url.replace("/mcp", "/other"), None), 404);
    // Loopback: rmcp's Host check against DNS rebinding stays on.
    let refused = post(&server.url, Some("evil.example"));
    assert!((400..500).contains(&refused), "{refused}");
    // The token from the environment (kept out of the process list) works the same.
    let mut cmd = mcp(&env, &fake);
    cmd.env(
        "DOCPIPE_MCP_TOKEN",
        "env-token-0a1b2c3d4e5f60718293a4b5c6d7e8f9",
    )
    .args(["--http", "127.0.0.1:0"]);
    let from_env = http_server(cmd);
    let status = |auth: &str| {
        reqwest::blocking::Client::new()
            .post(&from_env.url)
            .header("content-type", "application/json")
            .header("accept", "application/json, text/event-stream")
            .header("authorization", auth)
            .body(body)
            .send()
            .unwrap()
            .status()
            .as_u16()
    };
    assert_eq!(
        status("Bearer s3cret-token-9f8e7d6c5b4a39281706f5e4d3c2b1a0"),
        401
    );
    assert_eq!(
        status("Bearer env-token-0a1b2c3d4e5f60718293a4b5c6d7e8f9"),
        200
    );
    drop(from_env);

    runtime().block_on(async {
        let transport = StreamableHttpClientTransport::from_config(
            StreamableHttpClientTransportConfig::with_uri(server.url.clone())
                .auth_header("wrong-token"),
        );
        assert!(Client::default().serve(transport).await.is_err());
        let transport = StreamableHttpClientTransport::from_config(
            StreamableHttpClientTransportConfig::with_uri(server.url.clone())
                .auth_header("s3cret-token-9f8e7d6c5b4a39281706f5e4d3c2b1a0"),
        );
        let client = Client::default().serve(transport).await.unwrap();
        assert_eq!(client.list_all_tools().await.unwrap().len(), 6);
        client.cancel().await.unwrap();
    });
}

#[test]
fn a_mineru_task_through_submit_status_and_fetch_over_http() {
    let fake = FakeMineru::start();
    let env = Env::new();
    env.doc("demo1.pdf", "demo1.pdf");
    let mut cmd = mcp(&env, &fake);
    cmd.env("MINERU_API_KEY", TOKEN)
        .args(["--http", "127.0.0.1:0"]);
    let server = http_server(cmd);
    runtime().block_on(async {
        let transport = StreamableHttpClientTransport::from_uri(server.url.clone());
        let client = Client::default().serve(transport).await.unwrap();
        let submitted = ok(&call(
            &client,
            "submit",
            json!({"sources": ["demo1.pdf"], "provider": "mineru", "options": {"output_dir": "out"}}),
        )
        .await);
        let doc = &submitted["documents"][0];
        let id = doc["batch_id"]
            .as_str()
            .or(doc["task_id"].as_str())
            .unwrap_or_else(|| panic!("no ID: {submitted}"))
            .to_string();
        assert_eq!(fake.tasks_created(), 1);
        assert!(
            !env.work.path().join("out/demo1").exists(),
            "submit does not wait"
        );
        let again = ok(&call(
            &client,
            "submit",
            json!({"sources": ["demo1.pdf"], "provider": "mineru", "options": {"output_dir": "out"}}),
        )
        .await);
        let doc = &again["documents"][0];
        assert_eq!(
            doc["batch_id"].as_str().or(doc["task_id"].as_str()),
            Some(id.as_str())
        );
        assert_eq!(fake.tasks_created(), 1, "the same submission is not paid twice");

        let status = ok(&call(&client, "status", json!({"id": id})).await);
        let state = status["documents"][0]["state"].as_str().unwrap().to_string();
        assert!(
            ["pending", "running", "converting", "done", "uploading", "waiting-file"]
                .contains(&state.as_str()),
            "{status}"
        );

        let fetched = ok(&call(&client, "fetch", json!({"id": id})).await);
        let doc = &fetched["documents"][0];
        assert_eq!(doc["state"], "done", "{}", doc["error"]);
        // Over the cap: 40,000 characters inline, the path of the whole.
        assert_eq!(doc["truncated"], json!(true));
        let inline = doc["markdown"].as_str().unwrap();
        assert_eq!(inline.chars().count(), 40_000);
        let path = doc["markdown_path"].as_str().unwrap();
        let out = env.work.path().canonicalize().unwrap().join("out");
        assert_eq!(Path::new(path), out.join("demo1/full.md"));
        let whole = std::fs::read_to_string(path).unwrap();
        assert!(whole.starts_with(inline));
        assert!(whole.trim_end() == demo_markdown().trim_end(), "the unpacked result");
        assert_eq!(doc["output"], json!(out.join("demo1").display().to_string()));
        assert_eq!(fake.tasks_created(), 1);
        assert!(fake.violations().is_empty(), "{:?}", fake.violations());

        // An ID nobody recorded: the CLI's message and hint.
        let r = call(&client, "fetch", json!({"id": "no-such-task"})).await;
        assert!(failed(&r));
        let text = text_of(&r);
        assert!(
            text.contains("docpipe: error: no record of task or batch no-such-task"),
            "{text}"
        );
        assert!(text.contains("docpipe: hint: "), "{text}");
        client.cancel().await.unwrap();
    });
}

#[test]
fn on_stdio_stdout_carries_only_mcp_messages_and_eof_ends_the_server() {
    use std::io::Write;
    let fake = FakeMineru::start();
    let env = Env::new();
    env.doc("demo1.pdf", "demo1.pdf");
    let mut child = mcp(&env, &fake)
        .env("MINERU_API_KEY", TOKEN)
        .arg("-v")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    for line in [
        r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}"#,
        r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#,
        r#"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"extract","arguments":{"source":"demo1.pdf","provider":"mineru","output_dir":"out"},"_meta":{"progressToken":"p1"}}}"#,
    ] {
        writeln!(stdin, "{line}").unwrap();
    }
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut progress = 0;
    let answer = loop {
        let line = lines.next().expect("the server answered the call").unwrap();
        let msg: Value = serde_json::from_str(&line)
            .unwrap_or_else(|e| panic!("not an MCP message on stdout: {line}: {e}"));
        assert_eq!(msg["jsonrpc"], "2.0", "{line}");
        if msg["method"] == "notifications/progress" {
            assert_eq!(msg["params"]["progressToken"], "p1");
            progress += 1;
        }
        if msg["id"] == 2 {
            break msg;
        }
    };
    assert_ne!(
        answer["result"]["isError"],
        json!(true),
        "{}",
        answer["result"]["content"][0]
    );
    assert!(progress > 0, "progress notifications were sent");
    drop(stdin);
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "stdin closed: the server ends");
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    // -v logs the requests on stderr, keys redacted.
    assert!(stderr.contains("/api/v4/"), "{stderr}");
    assert!(!stderr.contains(TOKEN), "the key reached the log");
}

#[test]
fn an_http_client_gone_mid_call_stops_the_wait_and_the_task_stays_fetchable() {
    // Slow enough that the task is still running when rmcp, closing the
    // session, cancels the calls still in flight (after its 5 s drain).
    let (fake, env) = slow_mineru(Duration::from_secs(3));
    let mut cmd = keyed(&env, &fake);
    cmd.args(["--http", "127.0.0.1:0"]);
    let server = http_server(cmd);
    runtime().block_on(async {
        let transport = StreamableHttpClientTransport::from_uri(server.url.clone());
        let client = Client::default().serve(transport).await.unwrap();
        let _pending = start_extract(&client).await;
        wait_for_progress(&client).await;
        client.cancel().await.unwrap();
    });
    assert_eq!(fake.tasks_created(), 1);
    // Polling stops: the count stays put for 1.5 s, within 12 s.
    let start = Instant::now();
    let mut last = (fake.count("GET", "/api/v4/"), Instant::now());
    while last.1.elapsed() < Duration::from_millis(1500) {
        assert!(
            start.elapsed() < Duration::from_secs(12),
            "still polling for a client that left"
        );
        std::thread::sleep(Duration::from_millis(100));
        let now = fake.count("GET", "/api/v4/");
        if now != last.0 {
            last = (now, Instant::now());
        }
    }
    fake.set_advance(Advance::PerPoll);
    runtime().block_on(async {
        let transport = StreamableHttpClientTransport::from_uri(server.url.clone());
        let client = Client::default().serve(transport).await.unwrap();
        let id = recent_id(&client).await;
        let fetched = ok(&call(&client, "fetch", json!({"id": id})).await);
        assert_eq!(fetched["documents"][0]["state"], "done", "{fetched}");
        assert_eq!(fake.tasks_created(), 1, "nothing was submitted twice");
        client.cancel().await.unwrap();
    });
}

/// The result cache through the MCP tools (#22): what one call paid for, the
/// next calls write with no request, and say so (`cached`, as in `--json`);
/// `fetch` looks in the cache before asking the provider.
#[test]
fn tools_write_from_the_result_cache_and_say_cached() {
    let fake = FakeMineru::start();
    let env = Env::new();
    env.doc("demo1.pdf", "demo1.pdf");
    let mut cmd = keyed(&env, &fake);
    cmd.env_remove("DOCPIPE_CACHE");
    runtime().block_on(async {
        let client = stdio(cmd).await;
        let submit = |dir: &'static str| {
            json!({"sources": ["demo1.pdf"], "provider": "mineru", "options": {"output_dir": dir}})
        };
        let submitted = ok(&call(&client, "submit", submit("out")).await);
        let id = recent_id(&client).await;
        assert_eq!(submitted["documents"][0]["cached"], false, "{submitted}");
        let fetched = ok(&call(&client, "fetch", json!({"id": id})).await);
        assert_eq!(fetched["documents"][0]["state"], "done", "{fetched}");
        assert_eq!(fetched["documents"][0]["cached"], false, "{fetched}");
        assert_eq!(fake.tasks_created(), 1);

        // Another folder: written from the cache at once, nothing sent.
        let asked = fake.requests().len();
        let again = ok(&call(&client, "submit", submit("again")).await);
        let doc = &again["documents"][0];
        assert_eq!(doc["cached"], true, "{again}");
        assert_eq!(doc["state"], "done", "{again}");
        assert!(env.work.path().join("again/demo1/full.md").is_file());
        // fetch of the paid task into a third folder: from the cache, without
        // asking the provider for its status or its result.
        let third = ok(&call(&client, "fetch", json!({"id": id, "output_dir": "third", "max_chars": 100_000})).await);
        let doc = &third["documents"][0];
        assert_eq!(doc["state"], "done", "{third}");
        assert_eq!(doc["cached"], true, "{third}");
        assert!(doc["markdown"] == json!(demo_markdown()));
        assert_eq!(fake.requests().len(), asked, "the provider was asked");

        // extract says it in words.
        let r = call(&client, "extract", json!({"source": "demo1.pdf", "provider": "mineru"})).await;
        assert!(!failed(&r), "{}", text_of(&r));
        assert!(text_of(&r).contains("cached: true"), "{}", text_of(&r));
        assert_eq!(fake.tasks_created(), 1);
        assert_eq!(fake.requests().len(), asked);
        client.cancel().await.unwrap();
    });
}
