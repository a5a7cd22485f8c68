//! OCR of scanned PDF pages by the `tesseract` program (Debian's
//! `tesseract-ocr`), an optional dependency found on PATH at run time.
//!
//! A scanned page is one or more images drawn by the page's content stream; each
//! is handed to tesseract in a format it reads without a PDF renderer: JPEG and
//! JPEG 2000 as stored, CCITT fax data wrapped in a TIFF header, and 8-bit gray
//! or RGB (and 1-bit) pixels as PNM. Images are read in drawing order; the
//! pixels decoded here are turned the way the page shows them
//! (`ocr_orient`), the files tesseract decodes itself go as stored.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use anyhow::{bail, Context, Result};
use lopdf::Document;

pub use super::ocr_images::page_is_blank;
use super::ocr_images::{page_images, stacked_pgm, Gray, Picture};

use crate::error::{Error, Kind};

/// Codes users type (ISO 639-1, MinerU's, region tags) and tesseract's
/// traineddata names for them: tesseract itself knows only its own names and
/// fails on `-l en` ("Failed loading language 'en'").
const LANGUAGES: &[(&str, &str)] = &[
    ("af", "afr"),
    ("ar", "ara"),
    ("arabic", "ara"),
    ("be", "bel"),
    ("bg", "bul"),
    ("bn", "ben"),
    ("ca", "cat"),
    ("ch", "chi_sim"),
    ("chinese_cht", "chi_tra"),
    ("cs", "ces"),
    ("cy", "cym"),
    ("da", "dan"),
    ("de", "deu"),
    ("el", "ell"),
    ("en", "eng"),
    ("es", "spa"),
    ("et", "est"),
    ("eu", "eus"),
    ("fa", "fas"),
    ("fi", "fin"),
    ("fr", "fra"),
    ("ga", "gle"),
    ("gl", "glg"),
    ("gu", "guj"),
    ("he", "heb"),
    ("hi", "hin"),
    ("hr", "hrv"),
    ("hu", "hun"),
    ("hy", "hye"),
    ("id", "ind"),
    ("is", "isl"),
    ("it", "ita"),
    ("ja", "jpn"),
    ("japan", "jpn"),
    ("ka", "kat"),
    ("kk", "kaz"),
    ("km", "khm"),
    ("kn", "kan"),
    ("ko", "kor"),
    ("korean", "kor"),
    ("lt", "lit"),
    ("lv", "lav"),
    ("mk", "mkd"),
    ("ml", "mal"),
    ("mr", "mar"),
    ("ms", "msa"),
    ("mt", "mlt"),
    ("my", "mya"),
    ("ne", "nep"),
    ("nl", "nld"),
    ("no", "nor"),
    ("nb", "nor"),
    ("pa", "pan"),
    ("pl", "pol"),
    ("pt", "por"),
    ("ro", "ron"),
    ("ru", "rus"),
    ("sk", "slk"),
    ("sl", "slv"),
    ("sq", "sqi"),
    ("sr", "srp"),
    ("sv", "swe"),
    ("sw", "swa"),
    ("ta", "tam"),
    ("te", "tel"),
    ("th", "tha"),
    ("tl", "tgl"),
    ("tr", "tur"),
    ("uk", "ukr"),
    ("ur", "urd"),
    ("uz", "uzb"),
    ("vi", "vie"),
    ("zh", "chi_sim"),
    ("zh-cn", "chi_sim"),
    ("zh-hans", "chi_sim"),
    ("zh-tw", "chi_tra"),
    ("zh-hant", "chi_tra"),
    ("zh-hk", "chi_tra"),
];

/// `--language` as tesseract's `-l`: each code (joined by `+` or `,`) mapped to
/// tesseract's name, a name tesseract already knows (`deu`, `chi_sim`,
/// `script/Latin`) kept as written, duplicates dropped, joined by `+`.
pub fn tesseract_languages(text: &str) -> String {
    let mut names: Vec<String> = Vec::new();
    for word in text
        .split(['+', ','])
        .map(str::trim)
        .filter(|w| !w.is_empty())
    {
        let lower = word.to_ascii_lowercase().replace('_', "-");
        let name = LANGUAGES
            .iter()
            .find(|(code, _)| *code == lower || code.replace('_', "-") == lower)
            .map_or_else(|| word.to_string(), |(_, name)| name.to_string());
        if !names.contains(&name) {
            names.push(name);
        }
    }
    names.join("+")
}

/// The Debian package holding tesseract's data for `name` (`chi_sim` →
/// `tesseract-ocr-chi-sim`, `script/Latin` → `tesseract-ocr-script-latn`).
pub fn debian_package(name: &str) -> String {
    let code = match name.strip_prefix("script/") {
        Some(script) => format!("script-{}", script_code(script)),
        None => name.to_ascii_lowercase().replace('_', "-"),
    };
    format!("tesseract-ocr-{code}")
}

/// Debian names script packs by their ISO 15924 code.
fn script_code(script: &str) -> String {
    match script {
        "Latin" => "latn".to_string(),
        "Cyrillic" => "cyrl".to_string(),
        "Arabic" => "arab".to_string(),
        "Devanagari" => "deva".to_string(),
        "Greek" => "grek".to_string(),
        "Hebrew" => "hebr".to_string(),
        "HanS" => "hans".to_string(),
        "HanT" => "hant".to_string(),
        "Japanese" => "jpan".to_string(),
        "Hangul" => "hang".to_string(),
        other => other.to_ascii_lowercase(),
    }
}

/// The languages `tesseract --list-langs` names, asked once a process.
fn installed_languages(tesseract: &Path) -> Result<&'static [String], String> {
    static INSTALLED: OnceLock<Result<Vec<String>, String>> = OnceLock::new();
    INSTALLED
        .get_or_init(|| printed(tesseract, "--list-langs").map(|text| listed_languages(&text)))
        .as_ref()
        .map(Vec::as_slice)
        .map_err(Clone::clone)
}

/// What `tesseract --version` prints, asked once a process (`ocr_jp2`
/// reads leptonica's version from it).
fn version(tesseract: &Path) -> Option<String> {
    static VERSION: OnceLock<Option<String>> = OnceLock::new();
    VERSION
        .get_or_init(|| printed(tesseract, "--version").ok())
        .clone()
}

/// What `tesseract ARG` prints, stdout then stderr (older versions print
/// `--list-langs` and `--version` on stderr); callers keep the answer in a
/// `OnceLock`, so each question is asked once a process.
fn printed(tesseract: &Path, arg: &str) -> Result<String, String> {
    let out = command(tesseract)
        .arg(arg)
        .output()
        .map_err(|e| format!("cannot run {}: {e}", tesseract.display()))?;
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&out.stderr));
    Ok(text)
}

/// A `tesseract` command on one thread (`OMP_THREAD_LIMIT=1`, unless the
/// user set it): pages are read side by side instead
/// ([`OCR_WORKERS`](super::pdf)), and tesseract's OpenMP threads wait by
/// spinning, which on a busy machine made a 3-page scan take 22 s of wall
/// and 18 s of CPU where one thread took 7.6 s and 4.5 s (tesseract 5.3,
/// two cores, load 3–4).
fn command(tesseract: &Path) -> Command {
    let mut cmd = Command::new(tesseract);
    if std::env::var_os("OMP_THREAD_LIMIT").is_none() {
        cmd.env("OMP_THREAD_LIMIT", "1");
    }
    cmd
}

/// The names in `tesseract --list-langs` output (after its heading line).
fn listed_languages(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("List of available languages"))
        .map(str::to_string)
        .collect()
}

/// Refuses, before tesseract runs, a `-l` (as [`tesseract_languages`] gives
/// it) naming data that is not installed: tesseract would fail on every page
/// with a message that does not say which package to install. `input` names
/// the document.
pub fn check_languages(tesseract: &Path, languages: &str, input: &str) -> Result<(), Error> {
    let installed = match installed_languages(tesseract) {
        Ok(list) => list,
        // Tesseract itself will say what is wrong.
        Err(_) => return Ok(()),
    };
    missing_languages(languages, installed, input)
}

fn missing_languages(languages: &str, installed: &[String], input: &str) -> Result<(), Error> {
    let missing: Vec<&str> = languages
        .split('+')
        .filter(|name| !name.is_empty() && !installed.iter().any(|i| i == name))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let packages: Vec<String> = missing.iter().map(|m| debian_package(m)).collect();
    Err(Error::new(
        Kind::Usage,
        format!(
            "{input}: --language asks tesseract for {}, whose language data is not installed (installed: {})",
            missing.join(", "),
            if installed.is_empty() {
                "none".to_string()
            } else {
                installed.join(", ")
            }
        ),
    )
    .with_hint(format!(
        "install {} (Debian/Ubuntu: apt-get install {}), or give --language one of the installed languages",
        packages.join(" "),
        packages.join(" ")
    )))
}

/// Mean word confidence (0-100) under which OCR text is likely garbage: the
/// wrong language or script, or a page upside down. Clean scans read at 90+;
/// an upside-down page of English reads at ~45.
pub const LOW_CONFIDENCE: f64 = 60.0;

/// What tesseract read, and how sure it was.
#[derive(Debug, Default, Clone)]
pub struct Reading {
    pub text: String,
    /// Sum of word confidences weighted by word length, and that length.
    weighted: f64,
    chars: f64,
}

impl Reading {
    /// Mean word confidence (0-100), weighted by word length; `None` without words.
    pub fn confidence(&self) -> Option<f64> {
        (self.chars > 0.0).then(|| self.weighted / self.chars)
    }

    fn add(&mut self, other: Reading) {
        self.weighted += other.weighted;
        self.chars += other.chars;
        if other.text.is_empty() {
            return;
        }
        if !self.text.is_empty() {
            self.text.push_str("\n\n");
        }
        self.text.push_str(&other.text);
    }
}

/// Word confidences from tesseract's TSV: (sum of confidence × length, length).
fn tsv_confidence(tsv: &str) -> (f64, f64) {
    let mut weighted = 0.0;
    let mut chars = 0.0;
    for line in tsv.lines().skip(1) {
        let fields: Vec<&str> = line.split('\t').collect();
        // level 5 = a word; conf -1 = not a word.
        if fields.len() < 12 || fields[0] != "5" {
            continue;
        }
        let Ok(conf) = fields[10].parse::<f64>() else {
            continue;
        };
        let len = fields[11].trim().chars().count() as f64;
        if conf < 0.0 || len == 0.0 {
            continue;
        }
        weighted += conf * len;
        chars += len;
    }
    (weighted, chars)
}

/// The tesseract program for a unit test of the OCR path: `None`, with a
/// note, where it is not installed, and a failure where
/// `DOCPIPE_REQUIRE_TESSERACT` (set by CI) says it must be.
#[cfg(test)]
pub fn tesseract_for_test() -> Option<PathBuf> {
    let found = find_tesseract();
    if found.is_none() {
        assert!(
            std::env::var_os("DOCPIPE_REQUIRE_TESSERACT").is_none(),
            "DOCPIPE_REQUIRE_TESSERACT is set but tesseract is not installed"
        );
        eprintln!("note: tesseract not installed: the OCR path is not exercised here");
    }
    found
}

/// The `tesseract` program on PATH, if any.
pub fn find_tesseract() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join("tesseract"))
        .find(|p| is_executable(p))
}

/// What `providers` says about OCR of scans with `-p local`.
pub fn status_line() -> String {
    match find_tesseract() {
        Some(path) => format!("local OCR of scans: tesseract ({})", path.display()),
        None => {
            "local OCR of scans: tesseract not installed (scanned pages are refused by -p local)"
                .to_string()
        }
    }
}

fn is_executable(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        path.metadata()
            .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    }
    #[cfg(not(unix))]
    {
        path.is_file()
    }
}

/// The text tesseract reads on 1-based `page`: pictures decoded here (CCITT,
/// raw pixels) are stacked into one page image, so tesseract runs once a page
/// even when a scanner cut the page into bands; JPEGs go as they are.
pub fn pdf_page(
    doc: &Document,
    page: u32,
    tesseract: &Path,
    language: Option<&str>,
) -> Result<Reading> {
    let pages = doc.get_pages();
    let id = *pages
        .get(&page)
        .with_context(|| format!("the PDF has no page {page}"))?;
    let mut pictures = page_images(doc, id)?;
    pictures.retain(|p| match p {
        Picture::File { ext: "jp2", bytes } => {
            super::ocr_jp2::tesseract_opens(bytes, || version(tesseract))
        }
        _ => true,
    });
    if pictures.is_empty() {
        bail!("the page holds no image in a format tesseract reads (JPEG, JPEG 2000, CCITT, 8-bit or 1-bit pixels)");
    }
    let dir = scratch_dir()?;
    let mut files: Vec<PathBuf> = Vec::new();
    let mut stack: Vec<Gray> = Vec::new();
    let flush = |stack: &mut Vec<Gray>, files: &mut Vec<PathBuf>| -> Result<()> {
        if stack.is_empty() {
            return Ok(());
        }
        let file = dir.path().join(format!("img-{}.pgm", files.len()));
        write_image(&file, &stacked_pgm(stack))?;
        files.push(file);
        stack.clear();
        Ok(())
    };
    for picture in pictures {
        match picture {
            Picture::Gray(g) => stack.push(g),
            Picture::File { ext, bytes } => {
                flush(&mut stack, &mut files)?;
                let file = dir.path().join(format!("img-{}.{ext}", files.len()));
                write_image(&file, &bytes)?;
                files.push(file);
            }
        }
    }
    flush(&mut stack, &mut files)?;
    let mut reading = Reading::default();
    for file in files {
        reading.add(run(&file, tesseract, language, dir.path())?);
    }
    reading.text = paragraphs(&reading.text);
    Ok(reading)
}

/// The text tesseract reads in an image file (PNG, JPEG, TIFF, BMP, GIF, WebP).
pub fn image(path: &Path, tesseract: &Path, language: Option<&str>) -> Result<Reading> {
    let dir = scratch_dir()?;
    let mut reading = run(path, tesseract, language, dir.path())?;
    reading.text = paragraphs(&reading.text);
    Ok(reading)
}

/// The text tesseract reads in an image held in memory (`name` gives its
/// format by extension), written beside tesseract's output in one
/// temporary folder.
pub fn image_bytes(
    bytes: &[u8],
    name: &str,
    tesseract: &Path,
    language: Option<&str>,
) -> Result<Reading> {
    let dir = scratch_dir()?;
    let file = dir.path().join(name);
    write_image(&file, bytes)?;
    let mut reading = run(&file, tesseract, language, dir.path())?;
    reading.text = paragraphs(&reading.text);
    Ok(reading)
}

/// A temporary folder for the images tesseract reads and the text it writes.
fn scratch_dir() -> Result<tempfile::TempDir> {
    tempfile::tempdir().with_context(|| {
        format!(
            "cannot create a temporary folder for OCR in {} (set TMPDIR to a writable folder with free space)",
            std::env::temp_dir().display()
        )
    })
}

/// An image written into [`scratch_dir`] for tesseract.
fn write_image(file: &Path, bytes: &[u8]) -> Result<()> {
    std::fs::write(file, bytes).with_context(|| {
        format!(
            "cannot write {} for OCR (set TMPDIR to a writable folder with free space)",
            file.display()
        )
    })
}

/// One tesseract run writing its text and its word confidences (TSV) into `dir`.
fn run(file: &Path, tesseract: &Path, language: Option<&str>, dir: &Path) -> Result<Reading> {
    let base = dir.join("ocr-out");
    let mut cmd = command(tesseract);
    cmd.arg(file).arg(&base);
    if let Some(lang) = language {
        cmd.args(["-l", lang]);
    }
    cmd.args(["txt", "tsv"]);
    let out = cmd
        .output()
        .with_context(|| format!("cannot run {}", tesseract.display()))?;
    if !out.status.success() {
        bail!(
            "tesseract failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    let text = std::fs::read(base.with_extension("txt")).context("tesseract wrote no text")?;
    // Without the TSV the text is still good; only the confidence is unknown.
    let tsv = std::fs::read(base.with_extension("tsv")).unwrap_or_default();
    let (weighted, chars) = tsv_confidence(&String::from_utf8_lossy(&tsv));
    Ok(Reading {
        text: String::from_utf8_lossy(&text).trim().to_string(),
        weighted,
        chars,
    })
}

/// Lines that belong together joined into paragraphs, blank lines kept.
fn paragraphs(text: &str) -> String {
    let mut out = String::new();
    for block in text.split("\n\n") {
        let joined = block
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        if joined.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push_str("\n\n");
        }
        out.push_str(&joined);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_codes_become_tesseract_names_and_tesseract_names_pass_through() {
        assert_eq!(tesseract_languages("en"), "eng");
        assert_eq!(tesseract_languages("DE"), "deu");
        assert_eq!(tesseract_languages("ch"), "chi_sim");
        assert_eq!(tesseract_languages("zh-CN"), "chi_sim");
        assert_eq!(tesseract_languages("zh_tw"), "chi_tra");
        assert_eq!(tesseract_languages("chinese_cht"), "chi_tra");
        assert_eq!(tesseract_languages("ja,ko"), "jpn+kor");
        assert_eq!(tesseract_languages("en+fr, es"), "eng+fra+spa");
        assert_eq!(tesseract_languages("pt+it+ru+ar+hi"), "por+ita+rus+ara+hin");
        assert_eq!(tesseract_languages("deu+eng"), "deu+eng");
        assert_eq!(tesseract_languages("chi_sim"), "chi_sim");
        assert_eq!(tesseract_languages("script/Latin"), "script/Latin");
        assert_eq!(tesseract_languages("en+eng"), "eng", "duplicates dropped");
    }

    #[test]
    fn a_missing_pack_names_its_debian_package() {
        assert_eq!(debian_package("deu"), "tesseract-ocr-deu");
        assert_eq!(debian_package("chi_sim"), "tesseract-ocr-chi-sim");
        assert_eq!(debian_package("script/Latin"), "tesseract-ocr-script-latn");
        let installed = listed_languages(
            "List of available languages in \"/usr/share/tesseract-ocr/5/tessdata/\" (2):\neng\nosd\n",
        );
        assert_eq!(installed, vec!["eng", "osd"]);
        assert!(missing_languages("eng", &installed, "a.png").is_ok());
        let err = missing_languages("eng+deu", &installed, "a.png").unwrap_err();
        assert_eq!(err.kind, Kind::Usage);
        assert!(err.message.starts_with("a.png: "), "{}", err.message);
        assert!(err.message.contains("deu") && !err.message.contains("eng+"));
        assert!(err
            .hint
            .unwrap()
            .contains("apt-get install tesseract-ocr-deu"));
    }

    #[test]
    fn word_confidence_is_weighted_by_length_and_skips_non_words() {
        let tsv = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n\
                   1\t1\t0\t0\t0\t0\t0\t0\t10\t10\t-1\t\n\
                   5\t1\t1\t1\t1\t1\t0\t0\t1\t1\t90\tabc\n\
                   5\t1\t1\t1\t1\t2\t0\t0\t1\t1\t30\tx\n\
                   5\t1\t1\t1\t1\t3\t0\t0\t1\t1\t95\t \n";
        let (weighted, chars) = tsv_confidence(tsv);
        let reading = Reading {
            text: String::new(),
            weighted,
            chars,
        };
        assert_eq!(reading.confidence(), Some(75.0));
        assert_eq!(Reading::default().confidence(), None);
    }
}
