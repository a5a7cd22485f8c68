//! A byte range of an open file, read where it lies: a result cache entry's
//! payload is unpacked and copied straight out of the entry (no temporary
//! copy of 1.6 MB a hit), and a whole downloaded file is the same thing from
//! its first byte to its last. The file is held open, so an entry replaced
//! or removed by another process meanwhile is still read as it was.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

pub struct Span {
    file: File,
    start: u64,
    len: u64,
    /// Where it was read from, for messages.
    path: PathBuf,
    /// A temporary file this span is the whole of: removed with the span.
    _temp: Option<tempfile::TempPath>,
}

impl Span {
    /// The whole file at `path`.
    pub fn open(path: &Path) -> Result<Span> {
        let file = File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
        let len = file.metadata()?.len();
        Ok(Span::of(file, 0, len, path))
    }

    /// `len` bytes of `file` from `start`.
    pub fn of(file: File, start: u64, len: u64, path: &Path) -> Span {
        Span {
            file,
            start,
            len,
            path: path.to_path_buf(),
            _temp: None,
        }
    }

    /// The whole of a temporary file, which lives as long as the span.
    pub fn temporary(temp: tempfile::NamedTempFile) -> Result<Span> {
        let (file, path) = temp.into_parts();
        let len = file.metadata()?.len();
        let mut span = Span::of(file, 0, len, &path);
        span._temp = Some(path);
        Ok(span)
    }

    pub fn len(&self) -> u64 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A reader of the range (Read and Seek within it, as a file of its
    /// own). One at a time: each moves the file's one position.
    pub fn reader(&self) -> Result<Reader<'_>> {
        (&self.file)
            .seek(SeekFrom::Start(self.start))
            .with_context(|| format!("cannot read {}", self.path.display()))?;
        Ok(Reader { span: self, pos: 0 })
    }

    /// Copies the range into `to` (in the kernel where it can: a file to a
    /// file is `copy_file_range` on Linux).
    pub fn copy_to(&self, to: &mut File) -> Result<u64> {
        (&self.file)
            .seek(SeekFrom::Start(self.start))
            .with_context(|| format!("cannot read {}", self.path.display()))?;
        std::io::copy(&mut (&self.file).take(self.len), to)
            .with_context(|| format!("cannot copy {}", self.path.display()))
    }

    /// The range read into memory, up to `max` bytes.
    pub fn read_all(&self, max: u64) -> Result<Vec<u8>> {
        if self.len > max {
            anyhow::bail!("{} is larger than {max} bytes", self.path.display());
        }
        let mut bytes = Vec::with_capacity(self.len as usize);
        self.reader()?.read_to_end(&mut bytes)?;
        Ok(bytes)
    }
}

/// See [`Span::reader`].
pub struct Reader<'a> {
    span: &'a Span,
    pos: u64,
}

impl Read for Reader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let left = self.span.len.saturating_sub(self.pos);
        let want = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
        if want == 0 {
            return Ok(0);
        }
        let n = (&self.span.file).read(&mut buf[..want])?;
        self.pos += n as u64;
        Ok(n)
    }
}

impl Seek for Reader<'_> {
    fn seek(&mut self, to: SeekFrom) -> std::io::Result<u64> {
        let target = match to {
            SeekFrom::Start(n) => Some(n),
            SeekFrom::End(d) => self.span.len.checked_add_signed(d),
            SeekFrom::Current(d) => self.pos.checked_add_signed(d),
        };
        let Some(target) = target else {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "a seek before the start of the range",
            ));
        };
        (&self.span.file).seek(SeekFrom::Start(self.span.start + target))?;
        self.pos = target;
        Ok(target)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn a_range_reads_as_a_file_of_its_own() {
        let mut tmp = tempfile::NamedTempFile::new().unwrap();
        tmp.write_all(b"headerPAYLOADtrailer").unwrap();
        let span = Span::of(tmp.reopen().unwrap(), 6, 7, tmp.path());
        assert_eq!(span.read_all(100).unwrap(), b"PAYLOAD");
        assert!(span.read_all(3).is_err());
        let mut r = span.reader().unwrap();
        assert_eq!(r.seek(SeekFrom::End(-4)).unwrap(), 3);
        let mut rest = String::new();
        r.read_to_string(&mut rest).unwrap();
        assert_eq!(rest, "LOAD");
        assert!(r.seek(SeekFrom::Current(-10)).is_err());
        let mut out = tempfile::tempfile().unwrap();
        assert_eq!(span.copy_to(&mut out).unwrap(), 7);
        out.rewind().unwrap();
        let mut copied = Vec::new();
        out.read_to_end(&mut copied).unwrap();
        assert_eq!(copied, b"PAYLOAD");
    }

    #[test]
    fn a_temporary_file_lives_as_long_as_its_span() {
        let mut tmp = tempfile::NamedTempFile::new().unwrap();
        tmp.write_all(b"whole").unwrap();
        let path = tmp.path().to_path_buf();
        let span = Span::temporary(tmp).unwrap();
        assert_eq!(span.read_all(10).unwrap(), b"whole");
        assert!(path.exists());
        drop(span);
        assert!(!path.exists());
    }
}
