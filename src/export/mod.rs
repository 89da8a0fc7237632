//! Export files for the accounting software.
//!
//! - `fec`: the French FEC (LPF art. A47 A-1) writer and an auditor's check.

pub mod fec;
