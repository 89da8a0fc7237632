//! The ledger's pure domain: accounts, entries and their invariants.
//! No I/O: values in, values out.
//!
//! - `entry`: `Entry` / `Line` and the invariants every entry keeps.
//! - `accounts`: `rules/accounts.yaml` (journals, accounts, VAT, rounding).
//! - `suppliers`: `rules/suppliers.yaml` and the supplier lookup.
//! - `posting`: a recognized invoice → a balanced `Entry`.
//! - `fiscal`: fiscal years.
//! - `money`: cents and rounding half away from zero.
//! - `books`: `rules/ledger.yaml` (classes, journals, fiscal years, locks, batch options).
//! - `batch`: batch statuses and the transitions allowed between them.
//! - `chain`: the SHA-256 chain sealing posted entries.
//! - `ids`: VAT id, SIREN/SIRET, IBAN checksums; name normalization.

pub mod accounts;
pub mod autojournal;
pub mod batch;
pub mod books;
pub mod chain;
pub mod entry;
pub mod fiscal;
pub mod ids;
pub mod matching;
pub mod money;
pub mod posting;
pub mod suppliers;

pub use books::{parse_ledger, LedgerRules};
pub use accounts::{parse_accounts, AccountsRules, VatSide};
pub use entry::{Entry, EntryError, Line};
pub use fiscal::{fiscal_year, CALENDAR_YEAR};
pub use money::round2;
pub use posting::{
    derive_aux_account, post_invoice, InvoiceFacts, InvoiceKind, Posting, PostingError, SupplierUse, UnknownSupplierPolicy,
};
pub use suppliers::{parse_suppliers, MatchKey, Supplier, SupplierDirectory, VatRegime};
