//! Bank statements: CAMT.053, OFX (1.x SGML and 2.x XML), MT940, and CSV
//! described by the admin's rules (`rules/bank-csv.yaml`). Bytes in,
//! statements out: no I/O here.
//!
//! Every parser gives the same `Statement` shape; `parse` detects the
//! format by content and refuses a statement whose opening balance plus
//! its lines is not its closing balance, naming the numbers.

pub mod camt;
pub mod csv;
pub mod mt940;
pub mod ofx;

#[cfg(test)]
mod tests;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

/// One account's statement for one period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Statement {
    /// `camt.053.001.02`, `camt.053.001.08`, `ofx-sgml`, `ofx-xml`, `mt940`, `csv:NAME`.
    pub format: String,
    /// The bank's id of the statement (CAMT Stmt/Id, MT940 :20: and :28C:, OFX …); may be empty.
    pub id: String,
    /// The account's IBAN, upper case without spaces, when the file gives one.
    pub iban: Option<String>,
    /// The account's other identifier (OFX ACCTID, an MT940 :25: that is not an IBAN, …).
    pub account: Option<String>,
    /// ISO 4217.
    pub currency: String,
    /// Balances, signed (negative = overdrawn). `None` when the file carries none (some CSV).
    pub opening: Option<Balance>,
    pub closing: Option<Balance>,
    pub lines: Vec<StatementLine>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Balance {
    pub date: Option<NaiveDate>,
    pub amount: Decimal,
}

/// One booked movement.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StatementLine {
    pub booking_date: NaiveDate,
    pub value_date: Option<NaiveDate>,
    /// Signed: positive = money in (credit to the account), negative = money out.
    pub amount: Decimal,
    /// The counterparty: the creditor's name on a payment out, the debtor's on money in.
    pub counterparty: Option<String>,
    /// The counterparty's IBAN, upper case without spaces.
    pub counterparty_iban: Option<String>,
    /// A structured reference (creditor reference, end-to-end id when meaningful), if any.
    pub reference: Option<String>,
    /// Remittance information and additional text, joined by " ".
    pub text: String,
    /// The bank's own reference of the line (AcctSvcrRef, FITID, MT940 bank reference).
    pub bank_ref: Option<String>,
    /// The bank's transaction code (BkTxCd domain/family/subfamily or proprietary, OFX TRNTYPE, MT940 type code).
    pub code: Option<String>,
}

/// Why a file could not be read as a statement: shown to the admin and
/// written beside the file in `failed/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementError(pub String);

impl std::fmt::Display for StatementError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for StatementError {}

pub(crate) fn err<T>(msg: impl Into<String>) -> Result<T, StatementError> {
    Err(StatementError(msg.into()))
}

/// The statement formats, told apart by content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Camt053,
    Ofx,
    Mt940,
    /// The index of the matching format in the CSV rules.
    Csv(usize),
}

/// Which statement format these bytes are, if any. Cheap: looks at the
/// first few kilobytes only, so every incoming file can be asked.
pub fn detect(bytes: &[u8], csv_rules: &csv::CsvRules) -> Option<Format> {
    if camt::looks_like(bytes) {
        Some(Format::Camt053)
    } else if ofx::looks_like(bytes) {
        Some(Format::Ofx)
    } else if mt940::looks_like(bytes) {
        Some(Format::Mt940)
    } else {
        csv_rules.detect(bytes).map(Format::Csv)
    }
}

/// Read every statement of a file and check each one's balances. Nothing
/// is returned unless every statement is whole: a file is imported
/// completely or not at all.
pub fn parse(bytes: &[u8], format: Format, csv_rules: &csv::CsvRules) -> Result<Vec<Statement>, StatementError> {
    let statements = match format {
        Format::Camt053 => camt::parse(bytes)?,
        Format::Ofx => ofx::parse(bytes)?,
        Format::Mt940 => mt940::parse(bytes)?,
        Format::Csv(i) => csv_rules.parse(i, bytes)?,
    };
    if statements.is_empty() {
        return err("the file holds no statement");
    }
    for (i, s) in statements.iter().enumerate() {
        s.check_balance().map_err(|e| {
            let which = if statements.len() > 1 { format!("statement {} of {} ({})", i + 1, statements.len(), s.label()) } else { s.label() };
            StatementError(format!("{which}: {e}"))
        })?;
    }
    Ok(statements)
}

impl Statement {
    /// How the statement is named in messages: its id and account.
    pub fn label(&self) -> String {
        let account = self.iban.as_deref().or(self.account.as_deref()).unwrap_or("unknown account");
        if self.id.is_empty() { format!("account {account}") } else { format!("statement {} of account {account}", self.id) }
    }

    /// Opening balance + lines = closing balance, to the cent. A statement
    /// without balances (a CSV without a balance column) passes.
    pub fn check_balance(&self) -> Result<(), String> {
        let (Some(open), Some(close)) = (self.opening, self.closing) else { return Ok(()) };
        let sum: Decimal = self.lines.iter().map(|l| l.amount).sum();
        let computed = open.amount + sum;
        if computed != close.amount {
            return Err(format!(
                "balances do not add up: opening {} + {} lines totalling {} = {}, but the closing balance is {} (difference {}); the file is incomplete or altered, nothing was imported",
                open.amount,
                self.lines.len(),
                sum,
                computed,
                close.amount,
                close.amount - computed
            ));
        }
        Ok(())
    }
}

/// Upper case, without spaces: how IBANs are compared.
pub fn compact_iban(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_uppercase()
}

/// An IBAN in any spacing or case whose ISO 13616 mod-97 check holds.
pub(crate) fn valid_iban(s: &str) -> bool {
    crate::ledger::ids::iban_problem(&compact_iban(s)).is_none()
}
