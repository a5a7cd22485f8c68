//! The task vocabulary every layer speaks: what was submitted (`TaskRef`),
//! where it is (`State`, `Progress`, `TaskStatus`) and where its result is
//! (`ResultRef`). Low in the house: the record, the board, delivery and the
//! report read these without knowing any provider.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::options::Format;
pub use crate::pages::{PageImage, PageSet};

/// A submitted unit of work: a task, or one document inside a provider batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskRef {
    pub provider: String,
    pub id: String,
    pub kind: IdKind,
    /// The document's key inside a batch (MinerU `data_id`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum IdKind {
    Task,
    Batch,
}

impl TaskRef {
    pub fn task(provider: &str, id: String) -> TaskRef {
        TaskRef {
            provider: provider.to_string(),
            id,
            kind: IdKind::Task,
            item: None,
        }
    }

    /// One document inside a provider batch.
    pub fn batch_item(provider: &str, id: String, item: String) -> TaskRef {
        TaskRef {
            provider: provider.to_string(),
            id,
            kind: IdKind::Batch,
            item: Some(item),
        }
    }

    pub fn task_id(&self) -> Option<&str> {
        (self.kind == IdKind::Task).then_some(self.id.as_str())
    }
    pub fn batch_id(&self) -> Option<&str> {
        (self.kind == IdKind::Batch).then_some(self.id.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum State {
    Submitted,
    WaitingFile,
    Pending,
    Running,
    Converting,
    Done,
    Failed,
}

impl State {
    pub fn is_final(self) -> bool {
        matches!(self, State::Done | State::Failed)
    }
    pub fn name(self) -> &'static str {
        match self {
            State::Submitted => "submitted",
            State::WaitingFile => "waiting-file",
            State::Pending => "pending",
            State::Running => "running",
            State::Converting => "converting",
            State::Done => "done",
            State::Failed => "failed",
        }
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    pub done: u64,
    pub total: u64,
}

#[derive(Debug, Clone)]
pub struct TaskStatus {
    pub state: State,
    pub progress: Option<Progress>,
    pub result: Option<ResultRef>,
    pub error: Option<String>,
    /// What kind of failure a `Failed` state is: `Input` when the provider refused
    /// the document itself (too large, not a valid file: exit 4); None means the
    /// provider failed to extract it (exit 5).
    pub fault: Option<crate::error::Kind>,
}

/// Where a finished result is and what shape it has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum ResultRef {
    /// A zip of the provider's files (MinerU's full.md, images/, JSON).
    Zip {
        url: String,
        #[serde(default)]
        referer: Option<String>,
    },
    /// A markdown file.
    Markdown {
        url: String,
        #[serde(default)]
        referer: Option<String>,
    },
    /// The text itself, from a synchronous answer (mistralocr.app).
    Inline { text: String, format: Format },
    /// One file in a provider format (gpt.ge's txt, docx, pdf, xlsx, pptx), on a
    /// result host that never gets the key.
    File { url: String, ext: String },
    /// Markdown pages with their images and the provider's whole JSON answer, from
    /// a synchronous answer (Mistral OCR).
    Pages(Box<PageSet>),
    /// A result already on this machine, laid out as `parse` writes it: the
    /// stitched parts of a split document.
    Folder { path: std::path::PathBuf },
    /// Markdown already written to a file on this machine, too big to hold in
    /// memory (`local`'s table of a large spreadsheet), with the answer's JSON:
    /// copied into place at delivery (once per output), then removed by the
    /// engine.
    Spooled {
        path: std::path::PathBuf,
        answer: serde_json::Value,
    },
}
