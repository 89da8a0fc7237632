//! Intake: the edge that waits on the world's files. Watches inboxes,
//! decides when a file is complete, claims it into the spool.

pub mod duplex;
pub mod ready;
pub mod spool;
pub mod watcher;

use std::path::PathBuf;
use std::sync::Arc;

use crate::pipeline::{Claimed, InboxRuntime};

/// A unit of work for the workers.
pub enum Work {
    /// A complete file still in its inbox: claim it, then process it.
    Ready(PathBuf, Arc<InboxRuntime>),
    /// Already in the spool (left by a previous run).
    Claimed(Claimed),
}
