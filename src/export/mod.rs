//! Export files for the accounting software.
//!
//! - `csv`: the configurable CSV export, formula cells neutralized.
//! - `encoding`: UTF-8 or ISO-8859-15 output.
//! - `fec`: the French FEC (LPF art. A47 A-1) writer and an auditor's check.

pub mod csv;
pub mod encoding;
pub mod fec;
