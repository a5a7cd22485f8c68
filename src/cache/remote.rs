//! The result cache in object storage (`s3://bucket/prefix`, `gs://…`,
//! `az://…`), shared by every machine and run that names it, through the
//! `object_store` crate. Its client is async: it runs on a small
//! current-thread tokio runtime owned here, so that the rest of docpipe
//! stays blocking.
//!
//! Credentials and endpoint come from each cloud's standard environment
//! (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_REGION`,
//! `AWS_ENDPOINT_URL`, `AWS_ALLOW_HTTP`; `GOOGLE_*`; `AZURE_*`) and are never
//! printed. An entry is one object, `PREFIX/<k[..2]>/<key>`, in the same
//! form as in a folder (`entry.rs`), written by one conditional put
//! (`PutMode::Create`): a reader sees a whole entry or none, and a writer
//! never replaces another's (`--refresh`, and an entry found damaged, are
//! the only replacements). A store that cannot be reached is said once, and
//! the run goes on without it.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use anyhow::{bail, Result};
use futures::TryStreamExt;
use object_store::path::Path as StorePath;
use object_store::{
    BackoffConfig, ObjectStore, PutMode, PutOptions, PutPayload, RetryConfig, WriteMultipart,
};

/// The largest entry stored in one put, read into memory for it.
pub const ONE_PUT: u64 = 8 << 20;

/// The size of a part of a larger entry (S3's smallest but for the last).
const PART: u64 = 5 << 20;

/// A local file that could not be read, as the store's error.
fn local_error(path: &StorePath, e: std::io::Error) -> object_store::Error {
    object_store::Error::Generic {
        store: "local file",
        source: format!("cannot read the entry for {path}: {e}").into(),
    }
}

/// One bucket (or container) and prefix.
#[derive(Clone)]
pub struct Remote {
    /// As the user gave it, to name it in messages.
    url: String,
    store: Arc<dyn ObjectStore>,
    prefix: StorePath,
    runtime: Arc<tokio::runtime::Runtime>,
    /// Set at the first failure to reach the store: not asked again.
    down: Arc<AtomicBool>,
}

/// An object's name and what its listing says of it.
pub struct Listed {
    pub key: String,
    pub bytes: u64,
    pub modified: SystemTime,
}

/// Whether `text` names an object store this docpipe reaches.
pub fn is_store_url(text: &str) -> bool {
    [
        "s3://", "s3a://", "gs://", "az://", "azure://", "abfs://", "abfss://",
    ]
    .iter()
    .any(|s| text.starts_with(s))
}

impl Remote {
    pub fn open(url: &str) -> Result<Remote> {
        let scheme = url.split("://").next().unwrap_or_default();
        let rest = &url[scheme.len() + 3..];
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        if bucket.is_empty() {
            bail!("{url}: no bucket named (write it as {scheme}://BUCKET/PREFIX)");
        }
        // Few, quick retries: a cache that does not answer is worth less than
        // the run it would hold up (object_store's default waits up to 3 min).
        let retry = RetryConfig {
            backoff: BackoffConfig {
                init_backoff: Duration::from_millis(100),
                max_backoff: Duration::from_secs(1),
                base: 2.0,
            },
            max_retries: 2,
            retry_timeout: Duration::from_secs(20),
        };
        let store: Arc<dyn ObjectStore> = match scheme {
            "s3" | "s3a" => Arc::new(
                object_store::aws::AmazonS3Builder::from_env()
                    .with_url(url)
                    .with_retry(retry)
                    .build()?,
            ),
            "gs" => Arc::new(
                object_store::gcp::GoogleCloudStorageBuilder::from_env()
                    .with_url(url)
                    .with_retry(retry)
                    .build()?,
            ),
            _ => Arc::new(
                object_store::azure::MicrosoftAzureBuilder::from_env()
                    .with_url(url)
                    .with_retry(retry)
                    .build()?,
            ),
        };
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        Ok(Remote {
            url: url.to_string(),
            store,
            prefix: StorePath::from(prefix),
            runtime: Arc::new(runtime),
            down: Arc::new(AtomicBool::new(false)),
        })
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    fn path_of(&self, key: &str) -> StorePath {
        self.prefix.child(&key[..2]).child(key)
    }

    /// Says once that the store cannot be used, and stops asking it.
    fn gone(&self, e: &object_store::Error) {
        if !self.down.swap(true, Ordering::SeqCst) {
            crate::messages::warn(&format!(
                "the result cache is not used for the rest of this run: {} cannot be reached ({e}); what is paid for now is paid for again next time",
                self.url
            ));
        }
    }

    fn up(&self) -> bool {
        !self.down.load(Ordering::SeqCst)
    }

    /// Whether the entry of `key` is there.
    pub fn contains(&self, key: &str) -> bool {
        if !self.up() {
            return false;
        }
        match self.runtime.block_on(self.store.head(&self.path_of(key))) {
            Ok(_) => true,
            Err(object_store::Error::NotFound { .. }) => false,
            Err(e) => {
                self.gone(&e);
                false
            }
        }
    }

    /// Which of `keys` have an entry: asked 16 at a time (a batch is planned
    /// without a round trip per document in turn).
    pub fn contains_many(&self, keys: &[String]) -> std::collections::HashSet<String> {
        use futures::StreamExt;
        if !self.up() {
            return Default::default();
        }
        let asked = self.runtime.block_on(
            futures::stream::iter(keys)
                .map(|key| async move { (key, self.store.head(&self.path_of(key)).await) })
                .buffer_unordered(16)
                .collect::<Vec<_>>(),
        );
        let mut found = std::collections::HashSet::new();
        for (key, answer) in asked {
            match answer {
                Ok(_) => {
                    found.insert(key.clone());
                }
                Err(object_store::Error::NotFound { .. }) => {}
                Err(e) => self.gone(&e),
            }
        }
        found
    }

    /// The entry's bytes (None: not there, or the store is down).
    pub fn get(&self, key: &str) -> Option<bytes::Bytes> {
        if !self.up() {
            return None;
        }
        let path = self.path_of(key);
        let got = self.runtime.block_on(async {
            let r = self.store.get(&path).await?;
            r.bytes().await
        });
        match got {
            Ok(b) => Some(b),
            Err(object_store::Error::NotFound { .. }) => None,
            Err(e) => {
                self.gone(&e);
                None
            }
        }
    }

    /// The first `len` bytes of the entry (its header, for a listing).
    pub fn head_bytes(&self, key: &str, len: u64) -> Option<bytes::Bytes> {
        if !self.up() {
            return None;
        }
        let path = self.path_of(key);
        let got = self.runtime.block_on(async {
            let size = self.store.head(&path).await?.size;
            self.store.get_range(&path, 0..len.min(size)).await
        });
        got.ok()
    }

    /// Stores the entry in `file` (`len` bytes) under `key` unless an
    /// entry is there already (another run stored the same answer);
    /// `replace`: whatever is there is replaced. Up to [`ONE_PUT`] it is one
    /// conditional put from memory; a larger one is streamed from the file
    /// in parts (a multipart upload: never more than three parts in memory),
    /// after a look whether it is there (two writers of one large entry at
    /// the same moment: the later one's whole entry stands).
    pub fn put(&self, key: &str, file: &mut std::fs::File, len: u64, replace: bool) {
        if !self.up() {
            return;
        }
        let path = self.path_of(key);
        let stored = if len <= ONE_PUT {
            self.put_whole(&path, file, replace)
        } else {
            self.runtime
                .block_on(self.put_in_parts(&path, file, replace))
        };
        match stored {
            Ok(()) | Err(object_store::Error::AlreadyExists { .. }) => {}
            Err(e) => self.gone(&e),
        }
    }

    fn put_whole(
        &self,
        path: &StorePath,
        file: &mut std::fs::File,
        replace: bool,
    ) -> object_store::Result<()> {
        let mut entry = Vec::new();
        std::io::Read::read_to_end(file, &mut entry).map_err(|e| local_error(path, e))?;
        let mode = if replace {
            PutMode::Overwrite
        } else {
            PutMode::Create
        };
        let opts = PutOptions {
            mode,
            ..PutOptions::default()
        };
        let put = self.store.put_opts(path, PutPayload::from(entry), opts);
        self.runtime.block_on(put).map(|_| ())
    }

    async fn put_in_parts(
        &self,
        path: &StorePath,
        file: &mut std::fs::File,
        replace: bool,
    ) -> object_store::Result<()> {
        if !replace {
            match self.store.head(path).await {
                Ok(_) => return Ok(()),
                Err(object_store::Error::NotFound { .. }) => {}
                Err(e) => return Err(e),
            }
        }
        let upload = self.store.put_multipart(path).await?;
        let mut parts = WriteMultipart::new_with_chunk_size(upload, PART as usize);
        let mut buf = vec![0u8; 1 << 20];
        loop {
            let read = match std::io::Read::read(file, &mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    let _ = parts.abort().await;
                    return Err(local_error(path, e));
                }
            };
            if let Err(e) = parts.wait_for_capacity(2).await {
                let _ = parts.abort().await;
                return Err(e);
            }
            parts.write(&buf[..read]);
        }
        parts.finish().await.map(|_| ())
    }

    /// Removes the entry of `key` (a damaged one, or a pruned one).
    pub fn remove(&self, key: &str) -> Result<()> {
        match self.runtime.block_on(self.store.delete(&self.path_of(key))) {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => {
                self.gone(&e);
                Err(e.into())
            }
        }
    }

    /// Every entry under the prefix.
    pub fn list(&self) -> Result<Vec<Listed>> {
        let prefix = (!self.prefix.as_ref().is_empty()).then_some(&self.prefix);
        let metas: Vec<object_store::ObjectMeta> = self
            .runtime
            .block_on(self.store.list(prefix).try_collect())
            .map_err(|e| anyhow::anyhow!("cannot list {}: {e}", self.url))?;
        Ok(metas
            .into_iter()
            .filter_map(|m| {
                let key = m.location.filename()?.to_string();
                let ok = key.len() >= 16 && key.bytes().all(|b| b.is_ascii_hexdigit());
                ok.then(|| Listed {
                    key,
                    bytes: m.size,
                    modified: m.last_modified.into(),
                })
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The MCP server runs each tool call on tokio's blocking pool: the
    /// cache's own runtime must work and be dropped there without a panic,
    /// and a store that refuses connections is given up at once.
    #[test]
    fn the_store_works_inside_another_runtimes_blocking_pool() {
        // Nothing listens on port 1: the first request fails.
        std::env::set_var("AWS_ENDPOINT_URL", "http://127.0.0.1:1");
        std::env::set_var("AWS_ALLOW_HTTP", "true");
        std::env::set_var("AWS_ACCESS_KEY_ID", "k");
        std::env::set_var("AWS_SECRET_ACCESS_KEY", "s");
        std::env::set_var("AWS_REGION", "us-east-1");
        let outer = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let key = "ab".repeat(32);
        let (found, up) = outer.block_on(async move {
            tokio::task::spawn_blocking(move || {
                let remote = Remote::open("s3://bucket/prefix").unwrap();
                assert_eq!(remote.path_of(&key).as_ref(), format!("prefix/ab/{key}"));
                let found = remote.contains(&key);
                let up = remote.up();
                drop(remote);
                (found, up)
            })
            .await
            .unwrap()
        });
        assert!(!found);
        assert!(!up, "a store that cannot be reached is given up");
    }

    #[test]
    fn store_urls_are_told_from_folders() {
        for url in [
            "s3://b/p",
            "gs://b",
            "az://c/p",
            "abfss://c@a.dfs.core.windows.net/p",
        ] {
            assert!(is_store_url(url), "{url}");
        }
        for other in ["/var/cache", "file:///mnt/share", "ftp://h/p", "s3:/b"] {
            assert!(!is_store_url(other), "{other}");
        }
    }
}
