//! Configuration: YAML files parsed into typed settings and validated
//! before anything starts. Every problem is an `Issue` at `file:line:col`.

pub mod overnight;
pub mod site;
pub mod yaml;

pub use yaml::{Issue, Issues, YamlDoc};
