//! Matching ("lettrage") bank lines against open items: the unpaid due
//! dates of customer and supplier invoices. Pure: items and lines in,
//! proposals out; the caller books them.
//!
//! - `rules`: `rules/matching.yaml` (tolerance, write-off, strategies…).
//! - `reference`: invoice numbers found in bank text.
//! - `party`: does a counterparty name an item's party (names, IBANs).
//! - `groups`: matching groups and their codes (AA, AB, … lower case while partial).
//!
//! Money in (+) settles items with a positive residual (customers), money
//! out (−) items with a negative one (suppliers); for every proposal
//! `line.amount == Σ allocations + write_off + unallocated`.

pub mod groups;
pub mod party;
pub mod reference;
pub mod rules;

#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, HashMap};

use chrono::{Days, NaiveDate};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

pub use groups::{code, group_code, is_complete, MatchGroups};
use party::{Agreement, PartyIndex};
use reference::{keep_longest, normalize_reference, Pieces, Span};
pub use rules::{parse_matching, MatchRules, Strategy, BUILTIN_MATCHING_YAML};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpenItem {
    /// The caller's id of the invoice line (one per due date).
    pub key: u64,
    /// Collective account: 401000, 411000, …
    pub account: String,
    pub aux_account: Option<String>,
    /// The party's name (may be empty).
    pub party: String,
    /// IBANs known for the party (any spacing or case).
    pub party_ibans: Vec<String>,
    /// The invoice number.
    pub reference: String,
    /// Invoice date.
    pub date: NaiveDate,
    pub due_date: Option<NaiveDate>,
    /// Signed open balance: + debit (a customer owes us), − credit (we owe a supplier).
    pub residual: Decimal,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BankLine {
    pub key: u64,
    pub date: NaiveDate,
    /// + money in, − money out.
    pub amount: Decimal,
    pub counterparty: Option<String>,
    pub counterparty_iban: Option<String>,
    /// Remittance text and reference.
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Allocation {
    /// The item's key.
    pub item: u64,
    /// Signed like the item's residual; never more than the residual before.
    pub amount: Decimal,
    pub residual_after: Decimal,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MatchProposal {
    pub line: u64,
    /// `reference`, `reference-partial`, `amount_and_party`, `combination`.
    pub rule: String,
    /// The invoice numbers found in the text (as the items spell them).
    pub tokens: Vec<String>,
    pub allocations: Vec<Allocation>,
    /// Signed like the line: > 0 a gain (write_off.gain_account), < 0 a loss.
    pub write_off: Decimal,
    /// The part of the line settling nothing (an overpayment), signed like the line.
    pub unallocated: Decimal,
    /// One sentence for the accountant.
    pub explanation: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Outcome {
    Matched(MatchProposal),
    Unmatched { line: u64, reason: String },
}

impl Outcome {
    pub fn line(&self) -> u64 {
        match self {
            Outcome::Matched(p) => p.line,
            Outcome::Unmatched { line, .. } => *line,
        }
    }
}

const NO_PARTY: u32 = u32::MAX;
/// Nodes the combination search may visit for one line: beyond, the line
/// is left to an accountant rather than slowing the whole run.
const SEARCH_BUDGET: usize = 200_000;

/// Open items with their indexes, built once; matching a line consumes
/// residuals so that two payments never settle the same euro.
pub struct Matcher {
    items: Vec<OpenItem>,
    party_of: Vec<u32>,
    by_key: HashMap<u64, u32>,
    /// Normalised reference → items.
    by_ref: HashMap<String, Vec<u32>>,
    /// The same without the number's leading letters ("FA2024" → "2024"),
    /// looked up only when the full form names nothing.
    by_ref_rest: HashMap<String, Vec<u32>>,
    /// (party, residual in cents) → live items; kept current as residuals move.
    by_amount: BTreeMap<(u32, i64), Vec<u32>>,
    parties: PartyIndex,
    rules: MatchRules,
    pieces: Pieces,
}

/// What one line learnt while strategies passed, for the final reason.
#[derive(Default)]
struct LineCtx {
    agree: Option<Vec<Agreement>>,
    notes: Vec<String>,
}

/// How a payment settles the items chosen for it.
struct Settlement {
    allocations: Vec<Allocation>,
    write_off: Decimal,
    unallocated: Decimal,
    partial: bool,
    /// Σ |residual| of the items before.
    due: Decimal,
}

fn cents(d: Decimal) -> i64 {
    (d * Decimal::ONE_HUNDRED).round().to_i64().unwrap_or(i64::MAX)
}

/// `1234.5` → "1 234.50": how amounts read in explanations.
pub fn fmt_amount(d: Decimal) -> String {
    let mut r = d.round_dp(2);
    r.rescale(2);
    let s = r.abs().to_string();
    let (int, frac) = s.split_once('.').unwrap_or((&s, "00"));
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(' ');
        }
        grouped.push(c);
    }
    format!("{}{grouped}.{frac}", if r < Decimal::ZERO { "-" } else { "" })
}

fn order_key(it: &OpenItem) -> (NaiveDate, NaiveDate, u64) {
    (it.due_date.unwrap_or(it.date), it.date, it.key)
}

fn list(v: &[String]) -> String {
    v.join(", ")
}

impl Matcher {
    pub fn new(items: Vec<OpenItem>, rules: &MatchRules) -> Matcher {
        let mut m = Matcher {
            party_of: Vec::with_capacity(items.len()),
            by_key: HashMap::with_capacity(items.len()),
            by_ref: HashMap::with_capacity(items.len()),
            by_ref_rest: HashMap::new(),
            by_amount: BTreeMap::new(),
            parties: PartyIndex::default(),
            rules: rules.clone(),
            pieces: Pieces::default(),
            items: Vec::new(),
        };
        for (i, it) in items.iter().enumerate() {
            let i = i as u32;
            let party = m.parties.intern(it.aux_account.as_deref(), &it.party, &it.party_ibans).unwrap_or(NO_PARTY);
            m.party_of.push(party);
            m.by_key.insert(it.key, i);
            let norm = normalize_reference(&it.reference);
            if reference::indexable(&norm, rules.min_reference_length) {
                if let Some(rest) = reference::without_prefix(&norm, rules.min_reference_length) {
                    m.by_ref_rest.entry(rest.to_string()).or_default().push(i);
                }
                m.by_ref.entry(norm).or_default().push(i);
            }
            if party != NO_PARTY && !it.residual.is_zero() {
                m.by_amount.entry((party, cents(it.residual))).or_default().push(i);
            }
        }
        m.items = items;
        m
    }

    /// The item with its residual now (after the lines matched so far).
    pub fn item(&self, key: u64) -> Option<&OpenItem> {
        self.by_key.get(&key).map(|&i| &self.items[i as usize])
    }

    pub fn items(&self) -> &[OpenItem] {
        &self.items
    }

    pub fn rules(&self) -> &MatchRules {
        &self.rules
    }

    /// Tries the strategies in order; a match consumes the items' residuals.
    pub fn match_line(&mut self, line: &BankLine) -> Outcome {
        if line.amount.is_zero() {
            return Outcome::Unmatched { line: line.key, reason: "the amount is zero: nothing to match".into() };
        }
        let mut ctx = LineCtx::default();
        for s in 0..self.rules.strategies.len() {
            let decided = match self.rules.strategies[s] {
                Strategy::Reference => self.by_reference(line, &mut ctx),
                Strategy::AmountAndParty => self.by_amount_and_party(line, &mut ctx),
                Strategy::Combination => self.by_combination(line, &mut ctx),
            };
            if let Some(outcome) = decided {
                if let Outcome::Matched(p) = &outcome {
                    self.apply(p);
                }
                return outcome;
            }
        }
        Outcome::Unmatched { line: line.key, reason: self.unmatched_reason(line, &mut ctx) }
    }

    fn live(&self, i: u32, positive: bool) -> bool {
        let r = self.items[i as usize].residual;
        if positive {
            r > Decimal::ZERO
        } else {
            r < Decimal::ZERO
        }
    }

    fn in_window(&self, i: u32, date: NaiveDate) -> bool {
        let it = &self.items[i as usize];
        let w = self.rules.date_window;
        let from = it.date.checked_sub_days(Days::new(w.days_before_invoice.max(0) as u64)).unwrap_or(NaiveDate::MIN);
        let until = it.due_date.unwrap_or(it.date).checked_add_days(Days::new(w.days_after_due.max(0) as u64)).unwrap_or(NaiveDate::MAX);
        from <= date && date <= until
    }

    fn agreements(&mut self, line: &BankLine, ctx: &mut LineCtx) -> Vec<Agreement> {
        if ctx.agree.is_none() {
            let a = self.parties.agreeing(line.counterparty.as_deref(), line.counterparty_iban.as_deref(), self.rules.party.min_similarity);
            ctx.agree = Some(a);
        }
        ctx.agree.clone().unwrap_or_default()
    }

    fn party_name(&self, p: u32) -> &str {
        if p == NO_PARTY {
            "(no party)"
        } else {
            &self.parties.parties[p as usize].name
        }
    }

    fn why_agree(&self, a: &Agreement) -> String {
        if a.same_iban {
            format!("{} (same IBAN)", self.party_name(a.party))
        } else {
            format!("{} (name similarity {:.2})", self.party_name(a.party), a.similarity)
        }
    }

    fn tolerance(&self) -> Decimal {
        // validate() refuses tolerance > write_off.max; rules built in code may not be validated.
        self.rules.tolerance.min(self.rules.write_off.max)
    }

    /// Invoice numbers in the text.
    fn by_reference(&mut self, line: &BankLine, ctx: &mut LineCtx) -> Option<Outcome> {
        let positive = line.amount > Decimal::ZERO;
        let mut hits: Vec<(Span, &Vec<u32>)> = Vec::new();
        // The scratch buffers are taken out while the index is borrowed.
        let mut pieces = std::mem::take(&mut self.pieces);
        pieces.for_each_candidate(&line.text, self.rules.min_reference_length, |span, cand| {
            // A number as an invoice spells it wins over one without its letters.
            if let Some(v) = self.by_ref.get(cand).or_else(|| self.by_ref_rest.get(cand)) {
                hits.push((span, v));
            }
        });
        self.pieces = pieces;
        if hits.is_empty() {
            return None;
        }
        let mut kept = keep_longest(hits);
        // The same invoice written twice is one reference.
        kept.dedup_by(|a, b| a.1 == b.1);
        let found: Vec<(String, Vec<u32>)> = kept
            .iter()
            .map(|(_, v)| (self.items[v[0] as usize].reference.clone(), v.iter().copied().filter(|&i| self.live(i, positive)).collect()))
            .collect();
        let mut tokens: Vec<String> = Vec::new();
        let mut chosen: Vec<u32> = Vec::new();
        let mut notes: Vec<String> = Vec::new();
        let mut settled: Vec<String> = Vec::new();
        for (token, live) in found {
            if tokens.contains(&token) {
                continue;
            }
            if live.is_empty() {
                settled.push(token);
                continue;
            }
            let mut parties: Vec<u32> = live.iter().map(|&i| self.party_of[i as usize]).collect();
            parties.sort_unstable();
            parties.dedup();
            let mut live = live;
            if parties.len() > 1 {
                let agree = self.agreements(line, ctx);
                let keep: Vec<u32> = parties.iter().copied().filter(|p| agree.iter().any(|a| a.party == *p)).collect();
                if keep.is_empty() {
                    let names: Vec<String> = parties.iter().map(|&p| self.party_name(p).to_string()).collect();
                    return Some(Outcome::Unmatched {
                        line: line.key,
                        reason: format!(
                            "reference {token} matches open items of {} parties ({}) and the counterparty agrees with none of them; match it by hand",
                            parties.len(),
                            list(&names)
                        ),
                    });
                }
                live.retain(|&i| keep.contains(&self.party_of[i as usize]));
                let names: Vec<String> = keep.iter().map(|&p| self.party_name(p).to_string()).collect();
                notes.push(format!("{token} also names other parties' invoices; kept {}'s, which agrees with the counterparty", list(&names)));
            }
            tokens.push(token);
            chosen.extend(live);
        }
        if chosen.is_empty() {
            let what = if settled.len() == 1 { "reference" } else { "references" };
            ctx.notes.push(format!("{what} {} found in the text but already settled or not of this sign", list(&settled)));
            return None;
        }
        chosen.sort_unstable();
        chosen.dedup();
        chosen.sort_by_key(|&i| order_key(&self.items[i as usize]));
        let s = match self.settle(line, &chosen, self.tolerance(), self.rules.partial) {
            Ok(s) => s,
            Err(short) => {
                return Some(Outcome::Unmatched {
                    line: line.key,
                    reason: format!(
                        "{} {} found in the text, but the payment {} is {} short of the {} due and partial payments are disabled (partial: false)",
                        if tokens.len() == 1 { "reference" } else { "references" },
                        list(&tokens),
                        fmt_amount(line.amount.abs()),
                        fmt_amount(short),
                        fmt_amount(self.items_due(&chosen))
                    ),
                })
            }
        };
        let mut explanation = format!("{} {} found in the text", if tokens.len() == 1 { "reference" } else { "references" }, list(&tokens));
        for n in notes {
            explanation.push_str("; ");
            explanation.push_str(&n);
        }
        explanation.push_str(&self.describe(&s));
        let rule = if s.partial { "reference-partial" } else { "reference" };
        Some(Outcome::Matched(self.proposal(line, rule, tokens, s, explanation)))
    }

    fn items_due(&self, idx: &[u32]) -> Decimal {
        idx.iter().map(|&i| self.items[i as usize].residual.abs()).sum()
    }

    /// Allocates the line over `idx` (already in due-date order). `Err` with
    /// the shortfall when the payment is short and partial payments are off.
    fn settle(&self, line: &BankLine, idx: &[u32], tol: Decimal, partial: bool) -> Result<Settlement, Decimal> {
        let sign = if line.amount > Decimal::ZERO { Decimal::ONE } else { Decimal::NEGATIVE_ONE };
        let target = line.amount.abs();
        let due = self.items_due(idx);
        let diff = target - due;
        let full = |it: &OpenItem| Allocation { item: it.key, amount: it.residual, residual_after: Decimal::ZERO };
        if diff.abs() <= tol {
            let allocations = idx.iter().map(|&i| full(&self.items[i as usize])).collect();
            return Ok(Settlement { allocations, write_off: sign * diff, unallocated: Decimal::ZERO, partial: false, due });
        }
        if diff > Decimal::ZERO {
            let allocations = idx.iter().map(|&i| full(&self.items[i as usize])).collect();
            return Ok(Settlement { allocations, write_off: Decimal::ZERO, unallocated: sign * diff, partial: false, due });
        }
        if !partial {
            return Err(-diff);
        }
        let mut left = target;
        let mut allocations = Vec::new();
        for &i in idx {
            if left.is_zero() {
                break;
            }
            let it = &self.items[i as usize];
            let take = it.residual.abs().min(left);
            left -= take;
            allocations.push(Allocation { item: it.key, amount: sign * take, residual_after: it.residual - sign * take });
        }
        Ok(Settlement { allocations, write_off: Decimal::ZERO, unallocated: Decimal::ZERO, partial: true, due })
    }

    /// "; paid 1 200.00 of 1 200.00" and what happened to the difference.
    fn describe(&self, s: &Settlement) -> String {
        let paid: Decimal = s.allocations.iter().map(|a| a.amount.abs()).sum();
        let mut out = format!("; paid {} of {}", fmt_amount(paid), fmt_amount(s.due));
        if s.allocations.len() > 1 {
            out.push_str(&format!(" over {} due dates", s.allocations.len()));
        }
        if s.partial {
            out.push_str(&format!(", oldest due date first; {} stays open", fmt_amount(s.due - paid)));
        }
        if let Some(acc) = self.rules.write_off_account(s.write_off) {
            let kind = if s.write_off > Decimal::ZERO { "gain" } else { "loss" };
            out.push_str(&format!("; difference {} written off ({kind}, {acc})", fmt_amount(s.write_off.abs())));
        }
        if !s.unallocated.is_zero() {
            out.push_str(&format!("; the excess {} is left unallocated", fmt_amount(s.unallocated.abs())));
        }
        out
    }

    fn proposal(&self, line: &BankLine, rule: &str, tokens: Vec<String>, s: Settlement, explanation: String) -> MatchProposal {
        MatchProposal {
            line: line.key,
            rule: rule.to_string(),
            tokens,
            allocations: s.allocations,
            write_off: s.write_off,
            unallocated: s.unallocated,
            explanation,
        }
    }

    /// Live items of `party` whose |residual| lies in `lo..=hi` cents.
    fn party_items_between(&self, party: u32, positive: bool, lo: i64, hi: i64) -> impl Iterator<Item = u32> + '_ {
        let (a, b) = if positive { (lo, hi) } else { (-hi, -lo) };
        self.by_amount.range((party, a)..=(party, b)).flat_map(|(_, v)| v.iter().copied())
    }

    /// No reference: one item of an agreeing party has the amount.
    fn by_amount_and_party(&mut self, line: &BankLine, ctx: &mut LineCtx) -> Option<Outcome> {
        let agree = self.agreements(line, ctx);
        if agree.is_empty() {
            return None;
        }
        let positive = line.amount > Decimal::ZERO;
        let target = line.amount.abs();
        let tol = self.tolerance();
        let (t, tc) = (cents(target), cents(tol));
        let mut cands: Vec<(bool, u32, usize)> = Vec::new(); // (not exact, item, agreement)
        for (ai, a) in agree.iter().enumerate() {
            for i in self.party_items_between(a.party, positive, t - tc, t + tc) {
                let r = self.items[i as usize].residual.abs();
                if (r - target).abs() <= tol && self.live(i, positive) && self.in_window(i, line.date) {
                    cands.push((r != target, i, ai));
                }
            }
        }
        if cands.is_empty() {
            return None;
        }
        cands.sort_by(|x, y| x.0.cmp(&y.0).then_with(|| order_key(&self.items[x.1 as usize]).cmp(&order_key(&self.items[y.1 as usize]))));
        let (_, i, ai) = cands[0];
        let it = &self.items[i as usize];
        let s = self.settle(line, &[i], tol, false).ok()?;
        let due = it.due_date.map(|d| format!(" due {d}")).unwrap_or_default();
        let mut explanation = format!(
            "no reference; the counterparty agrees with {}; open item {} of {}{due} has the amount",
            self.why_agree(&agree[ai]),
            it.reference,
            fmt_amount(it.residual.abs())
        );
        if cands.len() > 1 {
            explanation.push_str(&format!(
                " (chosen among {} open items with that amount: the exact amount first, then the oldest due date)",
                cands.len()
            ));
        }
        explanation.push_str(&self.describe(&s));
        Some(Outcome::Matched(self.proposal(line, "amount_and_party", Vec::new(), s, explanation)))
    }

    /// No reference: several items of one agreeing party add up to the amount.
    fn by_combination(&mut self, line: &BankLine, ctx: &mut LineCtx) -> Option<Outcome> {
        let agree = self.agreements(line, ctx);
        if agree.is_empty() {
            return None;
        }
        let positive = line.amount > Decimal::ZERO;
        let tol = self.tolerance();
        let (t, tc) = (cents(line.amount.abs()), cents(tol));
        let k = self.rules.max_invoices_per_payment;
        let mut found: Vec<(usize, Vec<u32>)> = Vec::new();
        let mut budget = SEARCH_BUDGET;
        for (ai, a) in agree.iter().enumerate() {
            let mut cand: Vec<(i64, u32)> = self
                .party_items_between(a.party, positive, 1, t + tc)
                .filter(|&i| self.live(i, positive) && self.in_window(i, line.date))
                .map(|i| (cents(self.items[i as usize].residual.abs()), i))
                .collect();
            if cand.len() < 2 {
                continue;
            }
            // Largest first: a sum that overshoots stays over with the next ones.
            cand.sort_by(|x, y| y.0.cmp(&x.0).then_with(|| order_key(&self.items[x.1 as usize]).cmp(&order_key(&self.items[y.1 as usize]))));
            let amounts: Vec<i64> = cand.iter().map(|c| c.0).collect();
            let mut sols: Vec<Vec<usize>> = Vec::new();
            let mut stack = Vec::new();
            subsets(&amounts, t, tc, k, 0, 0, &mut stack, &mut sols, &mut budget);
            for s in sols {
                found.push((ai, s.into_iter().map(|j| cand[j].1).collect()));
            }
            if found.len() >= 2 || budget == 0 {
                break;
            }
        }
        let amount = fmt_amount(line.amount.abs());
        if found.len() >= 2 {
            let show = |f: &(usize, Vec<u32>)| f.1.iter().map(|&i| self.items[i as usize].reference.clone()).collect::<Vec<_>>().join(" + ");
            return Some(Outcome::Unmatched {
                line: line.key,
                reason: format!(
                    "no reference, and several combinations of open items make {amount} (e.g. {} and {}): ambiguous, match it by hand",
                    show(&found[0]),
                    show(&found[1])
                ),
            });
        }
        if budget == 0 {
            return Some(Outcome::Unmatched {
                line: line.key,
                reason: format!("no reference, and the counterparty's open items are too many to search every combination making {amount}; match it by hand"),
            });
        }
        let (ai, mut idx) = found.pop()?;
        idx.sort_by_key(|&i| order_key(&self.items[i as usize]));
        let s = self.settle(line, &idx, tol, false).ok()?;
        let refs: Vec<String> = idx.iter().map(|&i| self.items[i as usize].reference.clone()).collect();
        let explanation = format!(
            "no reference; the counterparty agrees with {}; its {} open items {} add up to the amount{}",
            self.why_agree(&agree[ai]),
            idx.len(),
            list(&refs),
            self.describe(&s)
        );
        Some(Outcome::Matched(self.proposal(line, "combination", Vec::new(), s, explanation)))
    }

    fn unmatched_reason(&mut self, line: &BankLine, ctx: &mut LineCtx) -> String {
        let agree = self.agreements(line, ctx);
        let amount = fmt_amount(line.amount.abs());
        let mut reason = if agree.is_empty() {
            let who = match (&line.counterparty, &line.counterparty_iban) {
                (Some(n), _) if !n.trim().is_empty() => format!("the counterparty \"{}\"", n.trim()),
                (_, Some(i)) if !i.trim().is_empty() => format!("the counterparty's IBAN {i}"),
                _ => "no counterparty is given, so it".to_string(),
            };
            format!(
                "no reference and no party agreement: no invoice number found in the text and {who} matches no open item's party; not matched on the amount {amount} alone (too risky); match it by hand if it pays an invoice"
            )
        } else {
            let names: Vec<String> = agree.iter().map(|a| self.why_agree(a)).collect();
            let k = self.rules.max_invoices_per_payment;
            format!(
                "the counterparty agrees with {} but no open item of the right sign in the date window, nor a combination of up to {k}, makes {amount} (tolerance {}); match it by hand",
                list(&names),
                fmt_amount(self.tolerance())
            )
        };
        for n in &ctx.notes {
            reason.push_str("; ");
            reason.push_str(n);
        }
        reason
    }

    fn apply(&mut self, p: &MatchProposal) {
        for a in &p.allocations {
            let i = self.by_key[&a.item];
            let party = self.party_of[i as usize];
            let before = self.items[i as usize].residual;
            self.items[i as usize].residual = a.residual_after;
            if party == NO_PARTY {
                continue;
            }
            let old = (party, cents(before));
            if let Some(v) = self.by_amount.get_mut(&old) {
                v.retain(|&x| x != i);
                if v.is_empty() {
                    self.by_amount.remove(&old);
                }
            }
            if !a.residual_after.is_zero() {
                self.by_amount.entry((party, cents(a.residual_after))).or_default().push(i);
            }
        }
    }
}

/// Depth-first search for subsets of 2..=k amounts (sorted largest first)
/// summing to `t ± tol`; stops at two solutions (ambiguous) or when the
/// budget runs out.
#[allow(clippy::too_many_arguments)]
fn subsets(a: &[i64], t: i64, tol: i64, k: usize, from: usize, sum: i64, stack: &mut Vec<usize>, sols: &mut Vec<Vec<usize>>, budget: &mut usize) {
    for i in from..a.len() {
        if sols.len() >= 2 || *budget == 0 {
            return;
        }
        *budget -= 1;
        let s = sum + a[i];
        if s > t + tol {
            continue;
        }
        // Even the largest amounts that may still follow cannot reach t: nor
        // can any later (smaller) choice here.
        let room = k - stack.len() - 1;
        let best: i64 = a[i + 1..].iter().take(room).sum();
        if s + best < t - tol {
            return;
        }
        stack.push(i);
        if stack.len() >= 2 && (s - t).abs() <= tol {
            sols.push(stack.clone());
        }
        if stack.len() < k {
            subsets(a, t, tol, k, i + 1, s, stack, sols, budget);
        }
        stack.pop();
    }
}

/// Matches `lines` in (date, key) order, so that earlier payments settle
/// first; the outcomes come back in the order of `lines`.
pub fn match_all(items: Vec<OpenItem>, lines: &[BankLine], rules: &MatchRules) -> (Vec<Outcome>, Matcher) {
    let mut m = Matcher::new(items, rules);
    let mut order: Vec<usize> = (0..lines.len()).collect();
    order.sort_by_key(|&i| (lines[i].date, lines[i].key));
    let mut out: Vec<Option<Outcome>> = vec![None; lines.len()];
    for i in order {
        out[i] = Some(m.match_line(&lines[i]));
    }
    (out.into_iter().map(|o| o.expect("every line matched once")).collect(), m)
}
