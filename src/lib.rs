//! paperledger: turns the paper an accounting firm receives into balanced
//! accounting entries. Layers, top to bottom (arrows point down only):
//! cli/commands → daemon → admin (batch and ledger commands, control socket) → intake → pipeline → capture → split → recognize →
//! store → export → ledger → config. The domain core (ledger, recognize)
//! does no I/O.

pub mod admin;
pub mod capture;
pub mod cli;
pub mod commands;
pub mod config;
pub mod daemon;
pub mod export;
pub mod intake;
pub mod jobs;
pub mod ledger;
pub mod pipeline;
pub mod recognize;
pub mod report;
pub mod samplegen;
pub mod service;
pub mod schedule;
pub mod split;
pub mod testdata;
pub mod store;
