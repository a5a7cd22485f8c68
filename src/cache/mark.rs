//! Verified marks of a folder cache: `DIR/verified/<k[..2]>/<key>` holds
//! what the file system says of an entry whose hash was checked (or that
//! was written here and hashed as it was written): its inode, size,
//! modification and change times. An entry that still answers the same is
//! not hashed again at a hit (320 MB of SHA-256 a rerun of 200 documents).
//!
//! Any write to the entry, in place or by replacing it, changes its change
//! time (ctime), which no program can set back, or its inode: the mark no
//! longer matches and the entry is hashed again. What goes round the file
//! system (a disk's own decay, a restore that keeps ctimes) is not seen
//! here: `docpipe cache verify` hashes every entry (docs/reliability.md).
//!
//! A mark's modification time is the entry's last use (least recently used
//! out first): a hit sets the mark's, not the entry's, so that the entry's
//! ctime stays as it was verified. Where the platform gives no ctime there
//! are no marks: every hit is hashed and sets the entry's time.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// The folder of the marks, beside the shards (its name is not two
/// characters: a listing of entries passes it by).
const DIR: &str = "verified";

pub(super) fn folder(dir: &Path) -> PathBuf {
    dir.join(DIR)
}

fn path(dir: &Path, key: &str) -> PathBuf {
    folder(dir).join(&key[..2]).join(key)
}

/// What the mark of an entry with `meta` holds.
#[cfg(unix)]
fn identity(meta: &fs::Metadata) -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    Some(format!(
        "docpipe-verified-1 dev {} ino {} len {} mtime {}.{} ctime {}.{}\n",
        meta.dev(),
        meta.ino(),
        meta.len(),
        meta.mtime(),
        meta.mtime_nsec(),
        meta.ctime(),
        meta.ctime_nsec()
    ))
}

#[cfg(not(unix))]
fn identity(_: &fs::Metadata) -> Option<String> {
    None
}

/// Whether `key`'s entry, as `meta` describes the file opened, was verified
/// as it is now; if so its mark's time is set (its last use).
pub(super) fn holds(dir: &Path, key: &str, meta: &fs::Metadata) -> bool {
    let Some(want) = identity(meta) else {
        return false;
    };
    let Ok(mut file) = fs::File::options()
        .read(true)
        .write(true)
        .open(path(dir, key))
    else {
        return false;
    };
    let mut held = String::new();
    let read = std::io::Read::read_to_string(&mut file, &mut held);
    if read.is_err() || held != want {
        return false;
    }
    let _ = file.set_modified(SystemTime::now());
    true
}

/// Marks `key`'s entry, as `meta` describes the file checked, verified (and
/// used now). False: no mark on this platform.
pub(super) fn set(dir: &Path, key: &str, meta: &fs::Metadata) -> bool {
    let Some(identity) = identity(meta) else {
        return false;
    };
    let mark = path(dir, key);
    let Some(parent) = mark.parent() else {
        return false;
    };
    // A mark cut short by a crash, or written by two processes at once,
    // matches nothing: the entry is hashed again.
    super::make_private_dir(parent).is_ok() && write_private(&mark, identity.as_bytes()).is_ok()
}

fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut options = fs::File::options();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    std::io::Write::write_all(&mut options.open(path)?, bytes)
}

/// When `key`'s entry (as `meta` describes it) was last used, if its mark
/// still matches it.
pub(super) fn used(dir: &Path, key: &str, meta: &fs::Metadata) -> Option<SystemTime> {
    let want = identity(meta)?;
    let mark = path(dir, key);
    let held = fs::read_to_string(&mark).ok()?;
    (held == want)
        .then(|| fs::metadata(&mark).and_then(|m| m.modified()).ok())
        .flatten()
}

pub(super) fn remove(dir: &Path, key: &str) {
    let _ = fs::remove_file(path(dir, key));
}
