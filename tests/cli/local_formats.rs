//! `-p local` on the formats beyond Office and PDF (OpenDocument, RTF, EPUB,
//! legacy Excel, Outlook, ZIP, JSON, XML, feeds, notebooks): the real binary on
//! fixtures written by LibreOffice (`scripts/make-format-fixtures`) or built
//! here, with text and structure checked; and hostile archives refused or
//! bounded as docs/local.md says.

use std::fs;
use std::io::Write;
use std::path::Path;

use serde_json::Value;

use crate::harness::{stderr_of, stdout_of, Env};
use crate::local::{file, local, ocr};

fn has_all(md: &str, wanted: &[&str]) {
    for w in wanted {
        assert!(md.contains(w), "{w:?} missing from:\n{md}");
    }
}

/// What the LibreOffice fixtures hold, as each format keeps it.
const TABLE: &str = "| North Fork | 412 |";
const LINK: &str = "[the survey page](https://example.org/survey)";

#[test]
fn an_html_table_keeps_each_value_in_its_column_whatever_its_spans() {
    // No header cells, a cell over two rows, one over two columns: each
    // value in the column it sits in on the page, the spanning ones in each
    // they cover; the page's layout table is read as text around it.
    let env = Env::new();
    let page = file(
        &env,
        "prices.html",
        br#"<html><body><table><tr><td><h1>Prices</h1>
        <table>
          <tr><td>Item</td><td>Spring</td><td>Autumn</td></tr>
          <tr><td rowspan="2">Tea</td><td>4.10</td><td>4.30</td></tr>
          <tr><td colspan="2">sold out</td></tr>
          <tr><td>Coffee</td><td>3.20</td><td>3.50</td></tr>
        </table></td></tr></table></body></html>"#,
    );
    let md = ocr(&env, &page);
    has_all(
        &md,
        &[
            "# Prices",
            "| Item | Spring | Autumn |\n| --- | --- | --- |\n",
            "| Tea | 4.10 | 4.30 |\n| Tea | sold out | sold out |\n| Coffee | 3.20 | 3.50 |",
        ],
    );
}

#[test]
fn odt_keeps_headings_lists_tables_links_and_alt_text() {
    let env = Env::new();
    let md = ocr(&env, &env.doc("formats.odt", "report.odt"));
    has_all(
        &md,
        &[
            "# Quarterly Field Report\n",
            "## Findings\n",
            "- Alder stands recovered\n- Trout counts doubled",
            "| **Site** | **Trout** |\n| --- | --- |",
            TABLE,
            LINK,
            "Map of the survey sites",
            "## Next Steps\n",
        ],
    );
}

#[test]
fn rtf_keeps_lists_tables_links_and_its_image() {
    let env = Env::new();
    let doc = env.doc("formats.rtf", "report.rtf");
    let md = ocr(&env, &doc);
    has_all(
        &md,
        &[
            "**Quarterly Field Report**",
            "- Alder stands recovered",
            TABLE,
            LINK,
        ],
    );
    // The picture LibreOffice embedded is saved beside the markdown.
    let out = local(&env)
        .args(["parse", "-o"])
        .arg(env.out())
        .arg(&doc)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let full = fs::read_to_string(env.out().join("report/full.md")).unwrap();
    assert!(
        full.contains("](images/img-0.png)") || full.contains("](img-0.png)"),
        "{full}"
    );
    assert!(
        fs::read_dir(env.out().join("report/images"))
            .unwrap()
            .count()
            == 1
    );
}

#[test]
fn epub_keeps_its_title_tables_and_links() {
    let env = Env::new();
    let md = ocr(&env, &env.doc("formats.epub", "book.epub"));
    has_all(
        &md,
        &[
            "# Quarterly Field Report\n",
            "Trout counts doubled",
            TABLE,
            LINK,
        ],
    );
}

#[test]
fn ods_and_xls_give_their_sheet_as_a_table() {
    let env = Env::new();
    for name in ["formats.ods", "formats.xls"] {
        let md = ocr(&env, &env.doc(name, name));
        has_all(
            &md,
            &[
                "| Site | Trout | Alder |\n| --- | --- | --- |",
                "| North Fork | 412 | Recovered |",
                "| Cedar Run | 287 | Sparse |",
            ],
        );
    }
}

#[test]
fn odp_gives_a_section_per_slide_with_lists_tables_and_notes() {
    let env = Env::new();
    let doc = env.doc("formats.odp", "deck.odp");
    let out = local(&env)
        .args(["ocr", "--format", "json"])
        .arg(&doc)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let answer: Value = serde_json::from_str(&stdout_of(&out)).unwrap();
    assert_eq!(answer["type"], "odp");
    let pages = answer["pages"].as_array().unwrap();
    assert!(pages.len() > 1, "{pages:?}");
    let second = pages[1]["markdown"].as_str().unwrap();
    has_all(
        second,
        &[
            "## Second slide title",
            "- With foo\n- Bar",
            "> Some notes on the second slide.",
        ],
    );
    assert!(pages[0]["markdown"]
        .as_str()
        .unwrap()
        .contains("| R1 | True |"));
}

/// An Outlook message as Outlook stores one: the property streams the reader
/// uses, in an OLE compound file (no .msg producer runs on Linux).
fn write_msg(path: &Path) {
    let utf16 = |s: &str| -> Vec<u8> { s.encode_utf16().flat_map(u16::to_le_bytes).collect() };
    let mut f = cfb::create(path).unwrap();
    let mut props = vec![0u8; 32];
    props.extend_from_slice(&0x0039_0040u32.to_le_bytes());
    props.extend_from_slice(&6u32.to_le_bytes());
    let ft: u64 = (1_709_649_000 + 11_644_473_600) * 10_000_000;
    props.extend_from_slice(&ft.to_le_bytes());
    f.create_stream("/__properties_version1.0")
        .unwrap()
        .write_all(&props)
        .unwrap();
    for (tag, value) in [
        ("0037001F", "Engine notes"),
        ("0C1A001F", "Ada Lovelace"),
        ("5D01001F", "ada@example.org"),
        ("0E04001F", "Charles Babbage"),
        ("0E03001F", "Mary Somerville"),
    ] {
        f.create_stream(format!("/__substg1.0_{tag}"))
            .unwrap()
            .write_all(&utf16(value))
            .unwrap();
    }
    // No plain body: the HTML one is turned into markdown, its script dropped.
    f.create_stream("/__substg1.0_10130102")
        .unwrap()
        .write_all(b"<html><body><h2>Plan</h2><ul><li>Build the mill</li></ul><script>alert(1)</script></body></html>")
        .unwrap();
    f.create_storage("/__attach_version1.0_#00000000").unwrap();
    f.create_stream("/__attach_version1.0_#00000000/__substg1.0_3707001F")
        .unwrap()
        .write_all(&utf16("plan.pdf"))
        .unwrap();
}

#[test]
fn msg_gives_subject_people_date_body_and_attachment_names() {
    let env = Env::new();
    let path = env.work.path().join("note.msg");
    write_msg(&path);
    let md = ocr(&env, &path);
    has_all(
        &md,
        &[
            "# Engine notes\n",
            "**From:** Ada Lovelace <ada@example.org>",
            "**To:** Charles Babbage",
            "**Cc:** Mary Somerville",
            "**Date:** 2024-03-05 14:30 UTC",
            "## Plan",
            "Build the mill",
            "## Attachments\n\n- plan.pdf",
        ],
    );
    assert!(!md.contains("alert"), "{md}");
}

#[test]
fn json_xml_feeds_and_notebooks_are_read() {
    let env = Env::new();
    let json = file(
        &env,
        "data.json",
        b"{\"name\": \"docpipe\", \"tags\": [1, 2]}\n",
    );
    let md = ocr(&env, &json);
    assert_eq!(
        md,
        "```json\n{\"name\": \"docpipe\", \"tags\": [1, 2]}\n```\n"
    );
    let xml = file(
        &env,
        "data.xml",
        b"<?xml version=\"1.0\"?><config><port>80</port></config>",
    );
    assert_eq!(
        ocr(&env, &xml),
        "```xml\n<?xml version=\"1.0\"?><config><port>80</port></config>\n```\n"
    );
    let rss = file(
        &env,
        "news.xml",
        br#"<?xml version="1.0"?><rss version="2.0"><channel><title>Valley News</title>
        <description>Field notes</description>
        <item><title>Trout are back</title><link>https://example.org/trout</link>
        <pubDate>Tue, 05 Mar 2024 14:30:00 GMT</pubDate>
        <description><![CDATA[<p>Counts <b>doubled</b>.</p><script>alert(1)</script>]]></description></item>
        </channel></rss>"#,
    );
    let md = ocr(&env, &rss);
    has_all(
        &md,
        &[
            "# Valley News\n\nField notes",
            "## [Trout are back](https://example.org/trout)",
            "*Tue, 05 Mar 2024 14:30:00 GMT*",
            "Counts **doubled**.",
        ],
    );
    assert!(!md.contains("alert"), "{md}");
    let atom = file(
        &env,
        "blog.atom",
        br#"<feed xmlns="http://www.w3.org/2005/Atom"><title>Blog</title>
        <entry><title>Post one</title><link rel="alternate" href="https://example.org/1"/>
        <updated>2024-03-05T14:30:00Z</updated><content type="html">&lt;ul&gt;&lt;li&gt;a point&lt;/li&gt;&lt;/ul&gt;</content></entry></feed>"#,
    );
    let md = ocr(&env, &atom);
    has_all(
        &md,
        &[
            "# Blog\n",
            "## [Post one](https://example.org/1)",
            "*2024-03-05T14:30:00Z*",
        ],
    );
    assert!(md.contains("a point"), "{md}");
    let nb = serde_json::json!({
        "nbformat": 4, "nbformat_minor": 5,
        "metadata": {"language_info": {"name": "python"}},
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": ["# Analysis\n", "\n", "See ![chart](attachment:c.png)"],
             "attachments": {"c.png": {"image/png": "iVBORw0KGgo="}}},
            {"cell_type": "code", "metadata": {}, "execution_count": 1, "source": "print(1 + 1)",
             "outputs": [{"output_type": "stream", "name": "stdout", "text": ["2\n"]},
                         {"output_type": "error", "ename": "ValueError", "evalue": "bad", "traceback": []}]}
        ]
    });
    let nb = file(&env, "a.ipynb", nb.to_string().as_bytes());
    let out = local(&env)
        .args(["parse", "-o"])
        .arg(env.out())
        .arg(&nb)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let md = fs::read_to_string(env.out().join("a/full.md")).unwrap();
    has_all(
        &md,
        &[
            "# Analysis",
            "![chart](images/img-0.png)",
            "```python\nprint(1 + 1)\n```",
            "```\n2\n```",
            "ValueError: bad",
        ],
    );
    assert!(env.out().join("a/images/img-0.png").is_file());
}

#[test]
fn invalid_json_and_xml_exit_4_with_a_next_step() {
    let env = Env::new();
    for (name, bytes, what) in [
        ("bad.json", &b"{\"a\": "[..], "not valid JSON"),
        ("bad.xml", &b"<a><b></a>"[..], "not well-formed XML"),
        ("bad.ipynb", &b"{\"x\": 1}"[..], "not a Jupyter notebook"),
    ] {
        let path = file(&env, name, bytes);
        let out = local(&env).arg("ocr").arg(&path).output().unwrap();
        assert_eq!(out.status.code(), Some(4), "{name}");
        let err = stderr_of(&out);
        assert!(err.contains(what) && err.contains("hint:"), "{err}");
    }
}

fn write_zip(path: &Path, entries: &[(&str, &[u8])], method: zip::CompressionMethod) {
    let mut w = zip::ZipWriter::new(fs::File::create(path).unwrap());
    let opts = zip::write::SimpleFileOptions::default().compression_method(method);
    for (name, bytes) in entries {
        w.start_file(*name, opts).unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap();
}

#[test]
fn a_zip_converts_each_member_under_its_path() {
    let env = Env::new();
    let odt = fs::read(crate::harness::fixture_path("formats.odt")).unwrap();
    let rtf = fs::read(crate::harness::fixture_path("formats.rtf")).unwrap();
    let path = env.work.path().join("bundle.zip");
    write_zip(
        &path,
        &[
            ("docs/report.odt", &odt),
            ("docs/report.rtf", &rtf),
            ("notes.txt", b"plain words"),
            ("tool.exe", b"MZ"),
        ],
        zip::CompressionMethod::Deflated,
    );
    let out = local(&env)
        .args(["parse", "-o"])
        .arg(env.out())
        .arg(&path)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let md = fs::read_to_string(env.out().join("bundle/full.md")).unwrap();
    has_all(
        &md,
        &[
            "## docs/report.odt\n\n## Quarterly Field Report",
            "### Findings",
            "## docs/report.rtf",
            "## notes.txt\n\nplain words",
            "## tool.exe\n\n*Not converted: not a type local reads.*",
        ],
    );
    // Members' images keep distinct names.
    assert!(md.contains("](images/m1-img-0.png)"), "{md}");
    assert!(env.out().join("bundle/images/m1-img-0.png").is_file());
}

#[test]
fn a_zip_with_a_parent_path_member_is_refused_whole() {
    let env = Env::new();
    let path = env.work.path().join("evil.zip");
    write_zip(
        &path,
        &[("ok.txt", b"fine"), ("../../escape.txt", b"gotcha")],
        zip::CompressionMethod::Stored,
    );
    let out = local(&env).arg("ocr").arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(4), "{}", stderr_of(&out));
    let err = stderr_of(&out);
    assert!(err.contains("unsafe entry '../../escape.txt'"), "{err}");
    assert!(stdout_of(&out).is_empty());
    assert!(!env
        .work
        .path()
        .parent()
        .unwrap()
        .join("escape.txt")
        .exists());
}

#[test]
fn a_zip_bomb_is_refused_by_the_unpacking_cap() {
    let env = Env::new();
    let path = env.work.path().join("bomb.zip");
    // 64 MiB of zeros deflate to about 64 KB; the cap is set to 16 MB.
    let zeros = vec![0u8; 64 << 20];
    write_zip(
        &path,
        &[("zeros.txt", &zeros)],
        zip::CompressionMethod::Deflated,
    );
    assert!(fs::metadata(&path).unwrap().len() < 1 << 20);
    let config = env.config("[defaults]\nmax_unpacked_mb = 16\n");
    let out = local(&env)
        .arg("-c")
        .arg(&config)
        .arg("ocr")
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4), "{}", stderr_of(&out));
    let err = stderr_of(&out);
    assert!(
        err.contains("zip bomb") && err.contains("max_unpacked_mb"),
        "{err}"
    );
}

#[test]
fn a_10000_member_zip_is_converted_within_the_entry_cap_and_refused_over_it() {
    let env = Env::new();
    let path = env.work.path().join("many.zip");
    let names: Vec<String> = (0..10_000).map(|i| format!("m/{i:05}.txt")).collect();
    let entries: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b"w"[..])).collect();
    write_zip(&path, &entries, zip::CompressionMethod::Stored);
    let started = std::time::Instant::now();
    let md = ocr(&env, &path);
    assert_eq!(
        md.matches("\n## m/").count() + usize::from(md.starts_with("## m/")),
        10_000
    );
    assert!(md.contains("## m/09999.txt\n\nw"));
    assert!(started.elapsed() < std::time::Duration::from_secs(50));
    let config = env.config("[defaults]\nmax_zip_entries = 5000\n");
    let out = local(&env)
        .arg("-c")
        .arg(&config)
        .arg("ocr")
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4), "{}", stderr_of(&out));
    assert!(stderr_of(&out).contains("10000 entries, over the limit of 5000"));
}

#[test]
fn providers_lists_the_new_formats_and_auto_sends_them_to_local() {
    let env = Env::new();
    let out = env.bare().args(["providers", "--json"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let text = stdout_of(&out);
    let local_line: Value = text
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .flat_map(|v| match v {
            Value::Array(a) => a,
            v => vec![v],
        })
        .find(|v| v["name"] == "local")
        .unwrap_or_else(|| panic!("{text}"));
    let exts = local_line.to_string();
    for ext in [
        "xls", "ods", "odt", "odp", "rtf", "epub", "msg", "zip", "json", "xml", "rss", "atom",
        "ipynb",
    ] {
        assert!(
            exts.contains(&format!("\"{ext}\"")),
            "{ext} missing: {exts}"
        );
    }
    // No key anywhere: `auto`, and an ODT holds its text, so local reads it
    // (a cloud provider would need the network, which this test has not).
    let out = env
        .bare()
        .args(["ocr"])
        .arg(env.doc("formats.odt", "auto.odt"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(stdout_of(&out).contains("# Quarterly Field Report"));
}
