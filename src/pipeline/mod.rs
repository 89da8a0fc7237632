//! Pipelines: load `pipelines/*.yaml`, run the stages in order for one
//! document, commit the outcome with its history.

pub mod definition;
pub mod runner;
pub mod site;
pub mod split_stage;
pub mod stages;

pub use runner::{process_claimed, Claimed};
pub use site::{InboxRuntime, SharedSite, Site};
