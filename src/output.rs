//! Where results go, and how they appear there atomically: everything is staged in
//! a hidden folder inside the output folder and renamed into place when complete.
//! Two different inputs never get the same path (a clash gets the content hash as a
//! suffix), and a path that docpipe did not write for this same content is never
//! replaced. Which input owns which name is kept in `DIR/.docpipe/outputs.jsonl`, one
//! appended line per result (a run of thousands never rewrites it).

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::{bail, Context, Result};

pub struct Outputs {
    root: PathBuf,
    /// None for a single named file (`ocr -o FILE`): nothing of docpipe's is
    /// left beside it.
    index_path: Option<PathBuf>,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// Names taken in this run: name → content hash.
    claimed: HashMap<String, String>,
    /// Names docpipe wrote in earlier runs: name → content hash.
    index: BTreeMap<String, String>,
}

/// Name → content hash from the index; unreadable lines are skipped.
fn read_index(path: &Path) -> BTreeMap<String, String> {
    let Ok(text) = fs::read_to_string(path) else {
        return BTreeMap::new();
    };
    text.lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| {
            Some((
                v["name"].as_str()?.to_string(),
                v["sha256"].as_str()?.to_string(),
            ))
        })
        .collect()
}

impl Outputs {
    pub fn open(root: &Path) -> Result<Outputs> {
        let mut out = Self::open_unindexed(root)?;
        let index_path = root.join(".docpipe").join("outputs.jsonl");
        out.state.get_mut().unwrap_or_else(|e| e.into_inner()).index = read_index(&index_path);
        out.index_path = Some(index_path);
        Ok(out)
    }

    /// An output folder checked writable, without an index of its own.
    pub fn open_unindexed(root: &Path) -> Result<Outputs> {
        let unusable = |what: String, e: std::io::Error| -> anyhow::Error {
            crate::error::Error::usage(format!("{what} {}: {e}", root.display()))
                .with_hint("choose an output you can write to (-o PATH), or fix its permissions")
                .into()
        };
        fs::create_dir_all(root)
            .map_err(|e| unusable("cannot create the output folder".into(), e))?;
        // Checked before any request: a result paid for must have somewhere to go.
        tempfile::Builder::new()
            .prefix(".docpipe-probe-")
            .tempfile_in(root)
            .map_err(|e| unusable("cannot write to the output folder".into(), e))?;
        let index = BTreeMap::new();
        Ok(Outputs {
            root: root.to_path_buf(),
            index_path: None,
            state: Mutex::new(State {
                claimed: HashMap::new(),
                index,
            }),
        })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Picks the stem for a result named `name` + `suffix` (`""` for a folder,
    /// `".md"` for a file): `name` when free or already this content's, else
    /// `name-<hash8>`.
    pub fn claim(&self, name: &str, sha256: &str, suffix: &str) -> Result<String> {
        let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let usable = |st: &State, stem: &str| {
            let key = format!("{stem}{suffix}");
            match st.claimed.get(&key) {
                Some(owner) => owner == sha256,
                None => {
                    fs::symlink_metadata(self.root.join(&key)).is_err()
                        || st.index.get(&key).map(String::as_str) == Some(sha256)
                }
            }
        };
        let stem = if usable(&st, name) {
            name.to_string()
        } else {
            let alt = format!("{name}-{}", &sha256[..8.min(sha256.len())]);
            if !usable(&st, &alt) {
                bail!(
                    "{} exists and was not written by docpipe for this input; not replacing it",
                    self.root.join(format!("{alt}{suffix}")).display()
                );
            }
            alt
        };
        st.claimed
            .insert(format!("{stem}{suffix}"), sha256.to_string());
        Ok(stem)
    }

    /// A new empty hidden folder inside the output folder to build a result in.
    /// Removed by the interrupt handler if the run stops while it exists.
    /// Staging folders and temp files become results by renaming, so they are
    /// created with the modes of any new file (the umask's), not tempfile's 0600/0700.
    pub fn staging(&self) -> Result<tempfile::TempDir> {
        let dir = public_modes(tempfile::Builder::new().prefix(".docpipe-staging-"), 0o777)
            .tempdir_in(&self.root)
            .with_context(|| {
                format!("cannot create a staging folder in {}", self.root.display())
            })?;
        crate::interrupt::remove_on_interrupt(dir.path());
        Ok(dir)
    }

    /// A new temporary file inside the output folder (removed on interrupt).
    pub fn temp_file(&self) -> Result<tempfile::NamedTempFile> {
        let file = public_modes(tempfile::Builder::new().prefix(".docpipe-tmp-"), 0o666)
            .tempfile_in(&self.root)
            .with_context(|| format!("cannot create a file in {}", self.root.display()))?;
        crate::interrupt::remove_on_interrupt(file.path());
        Ok(file)
    }

    /// Moves a finished folder or file to `root/<key>`, replacing docpipe's own
    /// earlier result for the same content (claimed before), and records it.
    pub fn publish(&self, staged: &Path, key: &str, sha256: &str) -> Result<PathBuf> {
        let target = self.root.join(key);
        // Mirrored inputs have nested names (`sub/report`).
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        let existing = fs::symlink_metadata(&target).ok();
        match existing {
            Some(meta) if meta.is_dir() && !meta.file_type().is_symlink() => {
                // Swap: old result aside, new one in, old one removed.
                let trash = tempfile::Builder::new()
                    .prefix(".docpipe-old-")
                    .tempdir_in(&self.root)?;
                let old = trash.path().join("old");
                fs::rename(&target, &old)
                    .with_context(|| format!("cannot move the old {} aside", target.display()))?;
                if let Err(e) = fs::rename(staged, &target) {
                    let _ = fs::rename(&old, &target);
                    return Err(e).with_context(|| {
                        format!("cannot move the result to {}", target.display())
                    });
                }
            }
            Some(meta) if meta.file_type().is_symlink() => {
                // Never write through a link: replace the link itself.
                fs::remove_file(&target)?;
                fs::rename(staged, &target)
                    .with_context(|| format!("cannot move the result to {}", target.display()))?;
            }
            _ => {
                // Files replace atomically; a new name just appears.
                fs::rename(staged, &target)
                    .with_context(|| format!("cannot move the result to {}", target.display()))?;
            }
        }
        self.remember(key, sha256)?;
        Ok(target)
    }

    /// Writes `bytes` to `root/<key>` atomically.
    pub fn publish_bytes(&self, bytes: &[u8], key: &str, sha256: &str) -> Result<PathBuf> {
        let mut tmp = self.temp_file()?;
        tmp.write_all(bytes)?;
        tmp.flush()?;
        let (_, path) = tmp.keep().context("cannot keep the temporary file")?;
        self.publish(&path, key, sha256)
    }

    /// Records that `key` holds the result for `sha256`: one appended line,
    /// written in one call, so parallel writers (threads or processes) interleave
    /// whole lines and the last line for a name wins.
    fn remember(&self, key: &str, sha256: &str) -> Result<()> {
        let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        st.index.insert(key.to_string(), sha256.to_string());
        let Some(index_path) = &self.index_path else {
            return Ok(());
        };
        let dir = index_path.parent().unwrap_or(&self.root);
        fs::create_dir_all(dir)?;
        let mut line = serde_json::to_vec(&serde_json::json!({"name": key, "sha256": sha256}))?;
        line.push(b'\n');
        fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(index_path)
            .and_then(|mut f| f.write_all(&line))
            .with_context(|| format!("cannot write {}", index_path.display()))?;
        Ok(())
    }
}

/// The modes a plain `File::create` / `create_dir` would give (`mode` less the
/// umask), instead of tempfile's private ones: results are published by renaming
/// these, and must be readable by whoever the umask lets read new files.
fn public_modes<'b, 'a, 's>(
    builder: &'b mut tempfile::Builder<'a, 's>,
    mode: u32,
) -> &'b mut tempfile::Builder<'a, 's> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(mode))
    }
    #[cfg(not(unix))]
    {
        let _ = mode;
        builder
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "aaaaaaaaaaaaaaaa";
    const B: &str = "bbbbbbbbbbbbbbbb";

    #[test]
    fn clashing_names_get_hash_suffix() {
        let dir = tempfile::tempdir().unwrap();
        let out = Outputs::open(dir.path()).unwrap();
        assert_eq!(out.claim("doc", A, "").unwrap(), "doc");
        assert_eq!(out.claim("doc", B, "").unwrap(), "doc-bbbbbbbb");
        assert_eq!(out.claim("doc", A, "").unwrap(), "doc");
    }

    #[test]
    fn foreign_files_are_never_replaced_but_own_results_are() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("doc.md"), "user's own file").unwrap();
        let out = Outputs::open(dir.path()).unwrap();
        let stem = out.claim("doc", A, ".md").unwrap();
        assert_eq!(stem, "doc-aaaaaaaa");
        out.publish_bytes(b"first", "doc-aaaaaaaa.md", A).unwrap();
        // A later run, same content: replaces its own result in place.
        let out = Outputs::open(dir.path()).unwrap();
        assert_eq!(out.claim("doc", A, ".md").unwrap(), "doc-aaaaaaaa");
        out.publish_bytes(b"second", "doc-aaaaaaaa.md", A).unwrap();
        assert_eq!(
            fs::read_to_string(dir.path().join("doc.md")).unwrap(),
            "user's own file"
        );
        assert_eq!(
            fs::read_to_string(dir.path().join("doc-aaaaaaaa.md")).unwrap(),
            "second"
        );
    }

    #[test]
    fn folders_are_swapped_whole() {
        let dir = tempfile::tempdir().unwrap();
        let out = Outputs::open(dir.path()).unwrap();
        for content in ["one", "two"] {
            let out = Outputs::open(dir.path()).unwrap();
            out.claim("doc", A, "").unwrap();
            let staging = out.staging().unwrap();
            fs::write(staging.path().join("full.md"), content).unwrap();
            let staged = staging.keep();
            out.publish(&staged, "doc", A).unwrap();
        }
        assert_eq!(
            fs::read_to_string(dir.path().join("doc/full.md")).unwrap(),
            "two"
        );
        let leftovers: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(".docpipe-"))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
        drop(out);
    }
}
