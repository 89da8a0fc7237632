//! From a recognized invoice to a balanced entry: the supplier (or
//! customer) line, the expense (or revenue) lines and the VAT lines per
//! rate, a rounding line for a cent or two, debit and credit swapped for a
//! credit note.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::accounts::{AccountsRules, VatSide};
use super::entry::{Entry, EntryError, Line};
use super::ids::{compact, normalize_name};
use super::money::{fmt2, round2};
use super::suppliers::{SupplierDirectory, VatRegime};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InvoiceKind {
    /// Received from a supplier: purchases journal.
    Purchase,
    /// Issued by the company: sales journal.
    Sales,
}

/// What posting needs from a recognized invoice. For a sales invoice the
/// `supplier_*` fields describe the counterparty, i.e. the customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceFacts {
    pub kind: InvoiceKind,
    /// A credit note: the entry's sides are swapped.
    pub credit_note: bool,
    pub supplier_name: Option<String>,
    pub supplier_vat_id: Option<String>,
    pub supplier_siret: Option<String>,
    pub iban: Option<String>,
    pub invoice_number: String,
    pub invoice_date: NaiveDate,
    pub due_date: Option<NaiveDate>,
    pub currency: String,
    /// Positive magnitudes; `credit_note` gives the direction.
    pub net_total: Decimal,
    pub vat_total: Decimal,
    pub gross_total: Decimal,
    /// `(rate in percent, base, amount)` per VAT rate; may be empty, then
    /// the whole VAT goes to the fallback VAT account.
    pub vat_breakdown: Vec<(Decimal, Decimal, Decimal)>,
}

/// What to do with an invoice whose issuer is not in the dictionary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnknownSupplierPolicy {
    /// Post it on an auxiliary account derived from its identifiers.
    Create,
    /// Refuse: a person adds the supplier first.
    Review,
}

/// The party an entry was posted to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SupplierUse {
    pub aux_account: String,
    pub name: String,
    /// Found in the dictionary (false: created from the invoice).
    pub known: bool,
}

/// A posted invoice: the entry, who it was posted to, and notes for the
/// document's history explaining the choices made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Posting {
    pub entry: Entry,
    pub supplier: SupplierUse,
    pub notes: Vec<String>,
}

/// Why an invoice cannot be posted; the message is shown to the reviewer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PostingError {
    #[error("{party} {who} is not in the supplier dictionary (rules/suppliers.yaml) and unknown suppliers go to review: add it to the dictionary")]
    UnknownSupplier { party: &'static str, who: String },
    #[error("the invoice names no {party}: no VAT id, SIRET or name to build an auxiliary account from")]
    NoPartyIdentity { party: &'static str },
    #[error("the invoice is in {currency} and the books in {book}: foreign currencies are not supported yet")]
    ForeignCurrency { currency: String, book: String },
    #[error("{field} is negative ({value}): amounts are magnitudes, the credit-note flag gives the direction")]
    NegativeAmount { field: &'static str, value: String },
    #[error("the gross total is zero: nothing to post")]
    NothingToPost,
    #[error("the invoice has no number: the entry's piece reference (FEC PieceRef) is mandatory")]
    NoInvoiceNumber,
    #[error("the VAT breakdown's {what} add up to {breakdown}, the invoice's {what} total is {total} (difference {difference}); check the recognized figures")]
    BreakdownMismatch { what: &'static str, breakdown: Decimal, total: Decimal, difference: Decimal },
    #[error("{name} is `{regime}` in the dictionary but the invoice shows VAT {vat}: check the invoice or the supplier's vat_regime")]
    RegimeConflict { name: String, regime: &'static str, vat: String },
    #[error("{name} is intra_eu_reverse_charge but accounts.yaml has no vat.reverse_charge accounts: add them")]
    NoReverseChargeAccounts { name: String },
    #[error("account {account} has no label in the accounts chart (nor a parent account): add it under `chart` in accounts.yaml")]
    UnlabeledAccount { account: String },
    #[error("the entry does not balance: debit {debit}, credit {credit}, difference {difference} is more than the {max} the rounding account may absorb (gross {gross}, net {net}, VAT {vat}); check the recognized totals")]
    Unbalanced { debit: Decimal, credit: Decimal, difference: Decimal, max: Decimal, gross: Decimal, net: Decimal, vat: Decimal },
    #[error("{0}")]
    Entry(#[from] EntryError),
}

const AUX_MAX: usize = 17;

/// The auxiliary account derived from a party's identifiers: prefix +
/// uppercase alphanumerics of the VAT id, else the SIRET, else the name;
/// 17 characters at most. Returns the account and which identifier it came
/// from.
pub fn derive_aux_account(prefix: &str, vat_id: Option<&str>, siret: Option<&str>, name: Option<&str>) -> Option<(String, &'static str)> {
    let pick = |v: Option<&str>| v.map(compact).filter(|s| !s.is_empty());
    let (body, source) = if let Some(v) = pick(vat_id) {
        (v, "VAT id")
    } else if let Some(s) = pick(siret) {
        (s, "SIRET")
    } else {
        let n = name?;
        let norm = normalize_name(n);
        let body = if norm.is_empty() { compact(n) } else { norm };
        if body.is_empty() {
            return None;
        }
        (body, "name")
    };
    let mut aux = format!("{prefix}{body}");
    aux.truncate(AUX_MAX); // ASCII only: byte truncation is safe.
    Some((aux, source))
}

/// Everything posting needs to know about the counterparty.
struct Party {
    aux: String,
    name: String,
    known: bool,
    account: String,
    regime: VatRegime,
}

fn party_of(
    facts: &InvoiceFacts,
    accounts: &AccountsRules,
    suppliers: &SupplierDirectory,
    policy: UnknownSupplierPolicy,
    notes: &mut Vec<String>,
) -> Result<Party, PostingError> {
    let sales = facts.kind == InvoiceKind::Sales;
    let (party, prefix, default_account, account_kind) = if sales {
        ("customer", &accounts.auxiliary.customers, &accounts.defaults.revenue, "revenue")
    } else {
        ("supplier", &accounts.auxiliary.suppliers, &accounts.defaults.expense, "expense")
    };
    let facts_name = facts.supplier_name.as_deref().map(str::trim).filter(|n| !n.is_empty());

    if let Some((s, key)) = suppliers.resolve_with_key(facts) {
        let (aux, from) = match &s.aux_account {
            Some(a) => (a.clone(), None),
            None => {
                let (a, src) = derive_aux_account(prefix, s.vat_id.as_deref(), s.siret.as_deref(), Some(&s.name))
                    .ok_or(PostingError::NoPartyIdentity { party })?;
                (a, Some(src))
            }
        };
        let own = if sales { &s.revenue_account } else { &s.expense_account };
        let account = own.clone().unwrap_or_else(|| default_account.clone());
        let mut note = format!("{party} {} found in the dictionary by {}: auxiliary account {aux}", s.name, key.describe());
        if let Some(src) = from {
            note.push_str(&format!(" (derived from its {src})"));
        }
        match own {
            Some(_) => note.push_str(&format!(", {account_kind} account {account}")),
            None => note.push_str(&format!(", default {account_kind} account {account}")),
        }
        notes.push(note);
        return Ok(Party { aux, name: s.name.clone(), known: true, account, regime: s.vat_regime });
    }

    let who = describe_party(facts);
    if policy == UnknownSupplierPolicy::Review {
        return Err(PostingError::UnknownSupplier { party, who });
    }
    let (aux, src) = derive_aux_account(prefix, facts.supplier_vat_id.as_deref(), facts.supplier_siret.as_deref(), facts_name)
        .ok_or(PostingError::NoPartyIdentity { party })?;
    notes.push(format!(
        "{party} not in dictionary: created auxiliary account {aux} from the {src}; default {account_kind} account {default_account}"
    ));
    Ok(Party {
        name: facts_name.map(str::to_string).unwrap_or_else(|| aux.clone()),
        aux,
        known: false,
        account: default_account.clone(),
        regime: VatRegime::Normal,
    })
}

fn describe_party(f: &InvoiceFacts) -> String {
    let mut parts = Vec::new();
    if let Some(n) = &f.supplier_name {
        parts.push(format!("`{n}`"));
    }
    for (what, v) in [("VAT id", &f.supplier_vat_id), ("SIRET", &f.supplier_siret), ("IBAN", &f.iban)] {
        if let Some(v) = v {
            parts.push(format!("{what} {v}"));
        }
    }
    if parts.is_empty() { "(no name nor identifier)".to_string() } else { parts.join(", ") }
}

fn label_of<'a>(accounts: &'a AccountsRules, account: &str) -> Result<&'a str, PostingError> {
    accounts.label(account).ok_or_else(|| PostingError::UnlabeledAccount { account: account.to_string() })
}

/// Post a recognized invoice. Purchase: credit the supplier (collective +
/// auxiliary) for the gross, debit the expense per VAT rate and the
/// deductible VAT per rate. Sales mirror it; a credit note swaps the sides.
pub fn post_invoice(
    facts: &InvoiceFacts,
    accounts: &AccountsRules,
    suppliers: &SupplierDirectory,
    policy: UnknownSupplierPolicy,
) -> Result<Posting, PostingError> {
    let sales = facts.kind == InvoiceKind::Sales;
    let currency = match facts.currency.trim() {
        "" => accounts.currency.clone(),
        c => c.to_ascii_uppercase(),
    };
    if currency != accounts.currency {
        return Err(PostingError::ForeignCurrency { currency, book: accounts.currency.clone() });
    }
    let (net, vat, gross) = (round2(facts.net_total), round2(facts.vat_total), round2(facts.gross_total));
    for (field, v) in [("net total", net), ("VAT total", vat), ("gross total", gross)] {
        if v < Decimal::ZERO {
            return Err(PostingError::NegativeAmount { field, value: fmt2(v) });
        }
    }
    if gross.is_zero() {
        return Err(PostingError::NothingToPost);
    }
    if facts.invoice_number.trim().is_empty() {
        return Err(PostingError::NoInvoiceNumber);
    }

    let mut notes = Vec::new();
    let party = party_of(facts, accounts, suppliers, policy, &mut notes)?;
    let journal = if sales { &accounts.journals.sales } else { &accounts.journals.purchases };
    let label = format!("{} {}", party.name, facts.invoice_number.trim());
    let max = accounts.rounding.max_difference;

    // `line(true, ..)` is on the expense/revenue/VAT side, `line(false, ..)`
    // on the party's: a purchase debits charges, a sale credits revenue, a
    // credit note swaps either.
    let charge_is_debit = sales == facts.credit_note;
    let line = |charge_side: bool, account: &str, amount: Decimal| -> Result<Line, PostingError> {
        let l = label_of(accounts, account)?;
        Ok(if charge_side == charge_is_debit {
            Line::debit(account, l, &label, amount)
        } else {
            Line::credit(account, l, &label, amount)
        })
    };

    let collective = if sales { &accounts.collective.customers } else { &accounts.collective.suppliers };
    let mut lines = vec![line(false, collective, gross)?.with_aux(&party.aux, &party.name).with_due_date(facts.due_date)];

    // (rate, base, amount) per distinct rate, in order of appearance; a rate
    // listed twice by recognition is summed.
    let mut parts: Vec<(Option<Decimal>, Decimal, Decimal)> = Vec::new();
    for &(rate, base, amount) in &facts.vat_breakdown {
        let (base, amount) = (round2(base), round2(amount));
        if base < Decimal::ZERO || amount < Decimal::ZERO {
            return Err(PostingError::NegativeAmount { field: "VAT breakdown", value: format!("rate {} base {} VAT {}", rate.normalize(), fmt2(base), fmt2(amount)) });
        }
        match parts.iter_mut().find(|p| p.0 == Some(rate)) {
            Some(p) => {
                p.1 += base;
                p.2 += amount;
            }
            None => parts.push((Some(rate), base, amount)),
        }
    }
    if parts.is_empty() {
        parts.push((None, net, vat));
    } else {
        let (sum_base, sum_vat) = parts.iter().fold((Decimal::ZERO, Decimal::ZERO), |(b, v), p| (b + p.1, v + p.2));
        for (what, b, t) in [("bases", sum_base, net), ("VAT amounts", sum_vat, vat)] {
            if (b - t).abs() > max {
                return Err(PostingError::BreakdownMismatch { what, breakdown: round2(b), total: round2(t), difference: round2(b - t) });
            }
        }
    }

    let side = if sales { VatSide::Collected } else { VatSide::Deductible };
    let vat_word = if sales { "collected" } else { "deductible" };
    let has_vat = parts.iter().any(|p| !p.2.is_zero());
    if party.regime != VatRegime::Normal && has_vat {
        let regime = if party.regime == VatRegime::Exempt { "exempt" } else { "intra_eu_reverse_charge" };
        return Err(PostingError::RegimeConflict { name: party.name.clone(), regime, vat: fmt2(vat) });
    }

    let charge_label_account = &party.account;
    for (rate, base, amount) in &parts {
        if !base.is_zero() {
            lines.push(line(true, charge_label_account, *base)?);
        }
        if amount.is_zero() {
            continue;
        }
        let account = match rate {
            Some(r) => {
                let (a, listed) = accounts.vat_account(side, *r);
                if !listed {
                    notes.push(format!("VAT rate {} % has no {vat_word} VAT account in accounts.yaml: {} posted to the fallback account {a}", r.normalize(), fmt2(*amount)));
                }
                a
            }
            None => {
                let a = accounts.vat_fallback(side);
                notes.push(format!("no VAT breakdown per rate: VAT {} posted to the fallback account {a}", fmt2(*amount)));
                a
            }
        };
        lines.push(line(true, account, *amount)?);
    }

    if party.regime == VatRegime::IntraEuReverseCharge && !sales {
        let rc = accounts.vat.reverse_charge.as_ref().ok_or_else(|| PostingError::NoReverseChargeAccounts { name: party.name.clone() })?;
        let base: Decimal = parts.iter().map(|p| p.1).sum();
        let due = round2(base * rc.rate / Decimal::ONE_HUNDRED);
        if !due.is_zero() {
            lines.push(line(true, &rc.deductible, due)?);
            lines.push(line(false, &rc.due, due)?);
            notes.push(format!(
                "intra-EU reverse charge: VAT {} % on {} = {} self-assessed ({} deductible, {} due)",
                rc.rate.normalize(),
                fmt2(base),
                fmt2(due),
                rc.deductible,
                rc.due
            ));
        }
    }

    // Printed figures are each rounded: a cent or two is rounding, more is
    // a recognition error.
    let (debit, credit) = lines.iter().fold((Decimal::ZERO, Decimal::ZERO), |(d, c), l| (d + l.debit, c + l.credit));
    let diff = debit - credit;
    if diff.abs() > max {
        // Decimals (not text) keep the error small; all have scale 2.
        return Err(PostingError::Unbalanced {
            debit: round2(debit),
            credit: round2(credit),
            difference: round2(diff.abs()),
            max: round2(max),
            gross,
            net,
            vat,
        });
    }
    if !diff.is_zero() {
        let r = &accounts.rounding;
        let (account, l) = if diff > Decimal::ZERO {
            (&r.income, Line::credit(&r.income, label_of(accounts, &r.income)?, &label, diff))
        } else {
            (&r.charge, Line::debit(&r.charge, label_of(accounts, &r.charge)?, &label, -diff))
        };
        notes.push(format!("rounding difference {} posted to {account} (debit {}, credit {})", fmt2(diff.abs()), fmt2(debit), fmt2(credit)));
        lines.push(l);
    }

    let entry = Entry::new(&journal.code, &journal.label, facts.invoice_date, facts.invoice_number.trim(), facts.invoice_date, &label, &currency, lines)?;
    Ok(Posting { entry, supplier: SupplierUse { aux_account: party.aux, name: party.name, known: party.known }, notes })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    /// A purchase invoice from an unknown supplier: 100.00 + 20.00.
    pub(crate) fn facts() -> InvoiceFacts {
        InvoiceFacts {
            kind: InvoiceKind::Purchase,
            credit_note: false,
            supplier_name: Some("Acme Industries SAS".into()),
            supplier_vat_id: None,
            supplier_siret: None,
            iban: None,
            invoice_number: "F-2025-001".into(),
            invoice_date: NaiveDate::from_ymd_opt(2025, 3, 14).unwrap(),
            due_date: NaiveDate::from_ymd_opt(2025, 4, 13),
            currency: "EUR".into(),
            net_total: dec!(100.00),
            vat_total: dec!(20.00),
            gross_total: dec!(120.00),
            vat_breakdown: vec![(dec!(20), dec!(100.00), dec!(20.00))],
        }
    }

    fn post(f: &InvoiceFacts) -> Result<Posting, PostingError> {
        post_invoice(f, &AccountsRules::builtin(), &SupplierDirectory::builtin(), UnknownSupplierPolicy::Create)
    }

    /// (account, aux, debit, credit) per line, for compact assertions.
    fn rows(p: &Posting) -> Vec<(String, Option<String>, Decimal, Decimal)> {
        p.entry.lines.iter().map(|l| (l.account.clone(), l.aux_account.clone(), l.debit, l.credit)).collect()
    }

    fn r(a: &str, d: Decimal, c: Decimal) -> (String, Option<String>, Decimal, Decimal) {
        (a.to_string(), None, d, c)
    }

    fn ra(a: &str, aux: &str, d: Decimal, c: Decimal) -> (String, Option<String>, Decimal, Decimal) {
        (a.to_string(), Some(aux.to_string()), d, c)
    }

    const Z: Decimal = Decimal::ZERO;

    #[test]
    fn purchase_one_rate_unknown_supplier_from_vat_id() {
        let mut f = facts();
        f.supplier_vat_id = Some("FR 40 303 265 045".into());
        let p = post(&f).unwrap();
        assert_eq!(
            rows(&p),
            vec![ra("401000", "FFR40303265045", Z, dec!(120)), r("606000", dec!(100), Z), r("445660", dec!(20), Z)]
        );
        let e = &p.entry;
        assert_eq!((e.journal.as_str(), e.journal_label.as_str()), ("HA", "Achats"));
        assert_eq!(e.label, "Acme Industries SAS F-2025-001");
        assert_eq!(e.piece_ref, "F-2025-001");
        assert_eq!(e.date, f.invoice_date);
        assert_eq!(e.lines[0].due_date, f.due_date);
        assert_eq!(e.lines[1].due_date, None);
        assert_eq!(e.lines[0].aux_label.as_deref(), Some("Acme Industries SAS"));
        assert_eq!(e.lines[0].account_label, "Fournisseurs");
        assert_eq!(p.supplier, SupplierUse { aux_account: "FFR40303265045".into(), name: "Acme Industries SAS".into(), known: false });
        assert_eq!(
            p.notes,
            vec!["supplier not in dictionary: created auxiliary account FFR40303265045 from the VAT id; default expense account 606000"]
        );
        assert_eq!(e.totals(), (dec!(120), dec!(120)));
    }

    #[test]
    fn purchase_three_rates() {
        let mut f = facts();
        f.vat_breakdown = vec![(dec!(20), dec!(100), dec!(20)), (dec!(5.5), dec!(50), dec!(2.75)), (dec!(10), dec!(30), dec!(3))];
        f.net_total = dec!(180);
        f.vat_total = dec!(25.75);
        f.gross_total = dec!(205.75);
        let p = post(&f).unwrap();
        assert_eq!(
            rows(&p),
            vec![
                ra("401000", "FACMEINDUSTRIES", Z, dec!(205.75)),
                r("606000", dec!(100), Z),
                r("445660", dec!(20), Z),
                r("606000", dec!(50), Z),
                r("445661", dec!(2.75), Z),
                r("606000", dec!(30), Z),
                r("445662", dec!(3), Z),
            ]
        );
        assert!(p.notes[0].contains("from the name"), "{:?}", p.notes);
    }

    #[test]
    fn credit_note_swaps_sides() {
        let mut f = facts();
        f.credit_note = true;
        let p = post(&f).unwrap();
        assert_eq!(rows(&p), vec![ra("401000", "FACMEINDUSTRIES", dec!(120), Z), r("606000", Z, dec!(100)), r("445660", Z, dec!(20))]);
    }

    #[test]
    fn sales_invoice_and_sales_credit_note() {
        let mut f = facts();
        f.kind = InvoiceKind::Sales;
        f.supplier_name = Some("Hotel du Parc".into());
        let p = post(&f).unwrap();
        assert_eq!(p.entry.journal, "VT");
        assert_eq!(rows(&p), vec![ra("411000", "CHOTELPARC", dec!(120), Z), r("706000", Z, dec!(100)), r("445710", Z, dec!(20))]);
        assert!(p.supplier.known);
        assert_eq!(p.entry.label, "Hôtel du Parc SA F-2025-001");
        f.credit_note = true;
        f.supplier_name = Some("Nouveau Client".into());
        f.vat_breakdown = vec![(dec!(10), dec!(100), dec!(10))];
        f.vat_total = dec!(10);
        f.gross_total = dec!(110);
        let p = post(&f).unwrap();
        assert_eq!(rows(&p), vec![ra("411000", "CNOUVEAUCLIENT", Z, dec!(110)), r("706000", dec!(100), Z), r("445712", dec!(10), Z)]);
        assert_eq!(p.notes[0], "customer not in dictionary: created auxiliary account CNOUVEAUCLIENT from the name; default revenue account 706000");
    }

    #[test]
    fn known_supplier_uses_its_accounts() {
        let mut f = facts();
        f.supplier_name = Some("Papeterie Durand".into());
        let p = post(&f).unwrap();
        assert_eq!(rows(&p), vec![ra("401000", "FDURAND", Z, dec!(120)), r("606400", dec!(100), Z), r("445660", dec!(20), Z)]);
        assert_eq!(p.supplier, SupplierUse { aux_account: "FDURAND".into(), name: "Papeterie Durand SARL".into(), known: true });
        assert_eq!(p.notes, vec!["supplier Papeterie Durand SARL found in the dictionary by name: auxiliary account FDURAND, expense account 606400"]);
        assert_eq!(p.entry.lines[1].account_label, "Fournitures administratives");
        // No aux_account in the dictionary: derived from its SIRET.
        f.supplier_name = Some("Institut de Formation Continue".into());
        f.vat_breakdown = vec![];
        f.vat_total = Z;
        f.gross_total = dec!(100);
        let p = post(&f).unwrap();
        assert_eq!(rows(&p), vec![ra("401000", "F32165498000002", Z, dec!(100)), r("618500", dec!(100), Z)]);
        assert!(p.notes[0].contains("(derived from its SIRET)"), "{:?}", p.notes);
    }

    #[test]
    fn review_policy_refuses_unknown_suppliers() {
        let mut f = facts();
        f.supplier_vat_id = Some("FR40303265045".into());
        let e = post_invoice(&f, &AccountsRules::builtin(), &SupplierDirectory::builtin(), UnknownSupplierPolicy::Review).unwrap_err();
        assert!(matches!(e, PostingError::UnknownSupplier { .. }));
        assert!(e.to_string().contains("`Acme Industries SAS`, VAT id FR40303265045"), "{e}");
        f.supplier_name = Some("Papeterie Durand".into());
        let e = post_invoice(&f, &AccountsRules::builtin(), &SupplierDirectory::builtin(), UnknownSupplierPolicy::Review);
        assert!(e.is_ok());
        let mut anon = facts();
        anon.supplier_name = None;
        assert_eq!(post(&anon).unwrap_err(), PostingError::NoPartyIdentity { party: "supplier" });
    }

    #[test]
    fn cent_differences_go_to_rounding_accounts() {
        // Lines exceed the gross by a cent: the missing credit is a gain.
        let mut f = facts();
        f.vat_breakdown = vec![(dec!(20), dec!(10.04), dec!(2.01)), (dec!(5.5), dec!(10.04), dec!(0.55))];
        f.net_total = dec!(20.08);
        f.vat_total = dec!(2.56);
        f.gross_total = dec!(22.63);
        let p = post(&f).unwrap();
        assert_eq!(p.entry.lines.last().unwrap(), &Line::credit("758000", "Produits divers de gestion courante", &p.entry.label, dec!(0.01)));
        assert!(p.notes.iter().any(|n| n.starts_with("rounding difference 0.01 posted to 758000")), "{:?}", p.notes);
        // Lines short of the gross by two cents: a loss.
        f.gross_total = dec!(22.66);
        let p = post(&f).unwrap();
        assert_eq!(rows(&p).last().unwrap(), &r("658000", dec!(0.02), Z));
        // On a credit note the difference still lands on the side that balances.
        f.credit_note = true;
        let p = post(&f).unwrap();
        assert_eq!(rows(&p).last().unwrap(), &r("758000", Z, dec!(0.02)));
    }

    #[test]
    fn bigger_imbalance_is_refused_with_numbers() {
        let mut f = facts();
        f.gross_total = dec!(120.50);
        let e = post(&f).unwrap_err();
        assert_eq!(
            e.to_string(),
            "the entry does not balance: debit 120.00, credit 120.50, difference 0.50 is more than the 0.02 the rounding account may absorb (gross 120.50, net 100.00, VAT 20.00); check the recognized totals"
        );
        let mut f = facts();
        f.net_total = dec!(110);
        assert!(matches!(post(&f), Err(PostingError::BreakdownMismatch { what: "bases", .. })));
    }

    #[test]
    fn no_breakdown_uses_the_fallback_vat_account() {
        let mut f = facts();
        f.vat_breakdown.clear();
        f.net_total = dec!(100);
        f.vat_total = dec!(5.50);
        f.gross_total = dec!(105.50);
        let p = post(&f).unwrap();
        assert_eq!(rows(&p), vec![ra("401000", "FACMEINDUSTRIES", Z, dec!(105.5)), r("606000", dec!(100), Z), r("445660", dec!(5.5), Z)]);
        assert!(p.notes.iter().any(|n| n.contains("no VAT breakdown")), "{:?}", p.notes);
        // An unlisted rate also falls back, and says so.
        f.vat_breakdown = vec![(dec!(5.5), dec!(50), dec!(2.75)), (dec!(7), dec!(50), dec!(3.5))];
        f.vat_total = dec!(6.25);
        f.gross_total = dec!(106.25);
        let p = post(&f).unwrap();
        assert_eq!(p.entry.lines[4].account, "445660");
        assert!(p.notes.iter().any(|n| n.starts_with("VAT rate 7 % has no deductible VAT account")), "{:?}", p.notes);
    }

    #[test]
    fn vat_regimes() {
        let mut f = facts();
        f.supplier_vat_id = Some("DE123456789".into());
        f.vat_breakdown.clear();
        f.vat_total = Z;
        f.gross_total = dec!(100);
        let p = post(&f).unwrap();
        assert_eq!(
            rows(&p),
            vec![ra("401000", "FBECKER", Z, dec!(100)), r("613500", dec!(100), Z), r("445664", dec!(20), Z), r("445200", Z, dec!(20))]
        );
        f.vat_total = dec!(20);
        f.gross_total = dec!(120);
        assert!(matches!(post(&f), Err(PostingError::RegimeConflict { regime: "intra_eu_reverse_charge", .. })));
        f.supplier_vat_id = None;
        f.supplier_siret = Some("32165498000002".into());
        assert!(matches!(post(&f), Err(PostingError::RegimeConflict { regime: "exempt", .. })));
    }

    #[test]
    fn refuses_foreign_currency_negative_and_zero() {
        let mut f = facts();
        f.currency = "usd".into();
        assert!(matches!(post(&f), Err(PostingError::ForeignCurrency { .. })));
        let mut f = facts();
        f.gross_total = dec!(-120);
        assert!(matches!(post(&f), Err(PostingError::NegativeAmount { .. })));
        let mut f = facts();
        f.gross_total = Z;
        assert_eq!(post(&f), Err(PostingError::NothingToPost));
        let mut f = facts();
        f.invoice_number = " ".into();
        assert_eq!(post(&f), Err(PostingError::NoInvoiceNumber));
    }

    #[test]
    fn aux_accounts_are_deterministic_and_short() {
        assert_eq!(derive_aux_account("F", Some("fr40 303265045"), Some("x"), Some("y")), Some(("FFR40303265045".into(), "VAT id")));
        assert_eq!(derive_aux_account("F", None, Some("303 265 045 00003"), None), Some(("F30326504500003".into(), "SIRET")));
        assert_eq!(
            derive_aux_account("F", None, None, Some("Société Nationale des Chemins de Fer")),
            Some(("FSOCIETENATIONALE".into(), "name"))
        );
        assert_eq!(derive_aux_account("F", Some(""), None, Some("--")), None);
    }

    /// A tiny deterministic PRNG (xorshift64*): property-style loops
    /// without a new crate.
    pub(crate) struct Rng(u64);
    impl Rng {
        pub(crate) fn new(seed: u64) -> Rng {
            Rng(seed.max(1))
        }
        pub(crate) fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }
        pub(crate) fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
        /// An amount in cents up to `max_cents`.
        pub(crate) fn cents(&mut self, max_cents: u64) -> Decimal {
            Decimal::new(self.below(max_cents) as i64, 2)
        }
    }

    #[test]
    fn property_every_generated_invoice_balances() {
        let accounts = AccountsRules::builtin();
        let dir = SupplierDirectory::builtin();
        let rates = [dec!(20), dec!(10), dec!(5.5), dec!(2.1), dec!(0), dec!(8.5)];
        let mut rng = Rng::new(0x5EED);
        let (mut posted, mut rounded) = (0, 0);
        for i in 0..3000 {
            let mut f = facts();
            f.kind = if rng.below(3) == 0 { InvoiceKind::Sales } else { InvoiceKind::Purchase };
            f.credit_note = rng.below(4) == 0;
            f.supplier_name = Some(["Acme", "Papeterie Durand", "Zeta Ltd", "Hôtel du Parc SA"][rng.below(4) as usize].into());
            let n = rng.below(4) as usize;
            f.vat_breakdown.clear();
            for _ in 0..n {
                let rate = rates[rng.below(rates.len() as u64) as usize];
                let base = rng.cents(5_000_000);
                // Amounts computed half away from zero, as printed.
                let amount = round2(base * rate / Decimal::ONE_HUNDRED);
                f.vat_breakdown.push((rate, base, amount));
            }
            if n == 0 {
                f.net_total = rng.cents(1_000_000) + Decimal::ONE;
                f.vat_total = rng.cents(200_000);
            } else {
                f.net_total = f.vat_breakdown.iter().map(|p| p.1).sum();
                f.vat_total = f.vat_breakdown.iter().map(|p| p.2).sum();
            }
            // Printed gross sometimes off by a cent or two (rounding) or
            // by more (a misread figure).
            let jitter = Decimal::new(rng.below(7) as i64 - 3, 2);
            f.gross_total = f.net_total + f.vat_total + jitter;
            match post_invoice(&f, &accounts, &dir, UnknownSupplierPolicy::Create) {
                Ok(p) => {
                    posted += 1;
                    let (d, c) = p.entry.totals();
                    assert_eq!(d, c, "case {i}: {f:?}");
                    p.entry.validate().unwrap();
                    assert!(jitter.abs() <= dec!(0.02), "case {i}: a {jitter} gap was absorbed");
                    let party = &p.entry.lines[0];
                    assert_eq!(party.debit + party.credit, round2(f.gross_total), "case {i}");
                    assert!(!jitter.is_zero() || p.entry.lines.iter().all(|l| !l.account.starts_with("658") && !l.account.starts_with("758")));
                    rounded += usize::from(!jitter.is_zero());
                }
                Err(PostingError::Unbalanced { .. }) => assert!(jitter.abs() > dec!(0.02), "case {i}: {f:?}"),
                Err(PostingError::NothingToPost) => assert!(f.gross_total <= Z),
                Err(PostingError::NegativeAmount { .. }) => assert!(f.gross_total < Z),
                Err(e) => panic!("case {i}: {e} for {f:?}"),
            }
        }
        assert!(posted > 2000 && rounded > 500, "posted {posted}, rounded {rounded}");
    }
}
