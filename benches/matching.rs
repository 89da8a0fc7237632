//! Matching benchmark: `match_all` over N open items and N bank lines
//! (default 1 000 000 each; `MATCH_BENCH_N` to scale down), with the peak
//! memory (VmHWM), then, on a 10 000 / 10 000 sample of the same data, the
//! indexed matcher against a nested-loop matcher that scans every item for
//! every line and must take the same decisions.
//!
//! Run: `CARGO_TARGET_DIR=$HOME/.cache/paperledger-bench cargo bench --bench matching`

use std::collections::HashMap;
use std::time::Instant;

use chrono::{Days, NaiveDate};
use rust_decimal::Decimal;

use paperledger::ledger::matching::party::{compact_iban, name_tokens, similarity};
use paperledger::ledger::matching::reference::{indexable, keep_longest, normalize_reference, without_prefix, Pieces, Span};
use paperledger::ledger::matching::{match_all, BankLine, MatchRules, Matcher, OpenItem, Outcome, Strategy};

/// xorshift64*: deterministic data without a crate.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const SYL: [&str; 20] = ["KA", "LO", "MI", "RU", "TE", "BA", "NO", "SI", "VE", "DU", "PA", "GO", "LI", "ZE", "FO", "RA", "CHI", "MO", "TA", "NE"];
const TRADE: [&str; 12] = ["INDUSTRIES", "SERVICES", "CONSEIL", "TRANSPORTS", "BATIMENT", "DISTRIBUTION", "IMMOBILIER", "TECHNOLOGIES", "BOULANGERIE", "GARAGE", "PHARMACIE", "LOGISTIQUE"];
const FORMS: [&str; 6] = ["SAS", "SARL", "S.A.", "GmbH", "Ltd", ""];

fn word(mut p: u64) -> String {
    let mut w = String::new();
    for _ in 0..4 {
        w.push_str(SYL[(p % 20) as usize]);
        p /= 20;
    }
    w
}

struct Data {
    items: Vec<OpenItem>,
    lines: Vec<BankLine>,
}

#[allow(unknown_lints, clippy::manual_is_multiple_of)]
fn generate(n: usize, seed: u64) -> Data {
    let mut rng = Rng(seed);
    let parties = (n / 20).max(10) as u64;
    let start = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
    let name = |p: u64| format!("{} {} {}", word(p), TRADE[(p % 12) as usize], FORMS[(p % 6) as usize]).trim().to_string();
    let iban = |p: u64| format!("FR76{:023}", p * 7919 + 12345);
    let mut items = Vec::with_capacity(n);
    let mut by_party: Vec<Vec<usize>> = vec![Vec::new(); parties as usize];
    for i in 0..n {
        let p = rng.below(parties);
        let customer = p % 2 == 0; // a party is a customer or a supplier
        let cents = 1_000 + rng.below(500_000) as i64;
        let residual = Decimal::new(if customer { cents } else { -cents }, 2);
        let date = start + Days::new(rng.below(365));
        let due = date + Days::new(if rng.below(2) == 0 { 30 } else { 60 });
        let reference = if customer { format!("FA-2024-{i:06}") } else { format!("INV-{i:07}") };
        by_party[p as usize].push(i);
        items.push(OpenItem {
            key: i as u64,
            account: if customer { "411000" } else { "401000" }.into(),
            aux_account: Some(format!("{}{p:06}", if customer { "C" } else { "F" })),
            party: name(p),
            party_ibans: if p % 2 == 0 || p % 3 == 0 { vec![iban(p)] } else { Vec::new() },
            reference,
            date,
            due_date: Some(due),
            residual,
        });
    }
    let party_of: Vec<u64> = items.iter().map(|it| it.aux_account.as_ref().unwrap()[1..].parse().unwrap()).collect();
    // Each line pays a distinct item (a shuffled order), as payments do.
    let mut perm: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        perm.swap(i, rng.below(i as u64 + 1) as usize);
    }
    let ref_text = |rng: &mut Rng, it: &OpenItem| -> String {
        let r = &it.reference;
        let digits: String = r.chars().filter(|c| c.is_ascii_digit()).collect();
        match (r.starts_with("FA"), rng.below(4)) {
            (true, 0) => format!("VIR SEPA {r} MERCI"),
            (true, 1) => format!("FA {} {}", &digits[..4], &digits[4..]),
            (true, 2) => format!("REF:FA{digits}"),
            (true, _) => format!("Facture n° fa-{}/{}", &digits[..4], &digits[4..]),
            (false, 0) => format!("PAIEMENT {r}"),
            (false, 1) => format!("INV {digits}"),
            (false, 2) => format!("INV{digits} /ECH"),
            (false, _) => format!("Reglement facture {r}"),
        }
    };
    let bank_name = |p: u64| format!("{} {}", word(p), TRADE[(p % 12) as usize]);
    let mut lines = Vec::with_capacity(n);
    for (j, &i) in perm.iter().enumerate() {
        let it = &items[i];
        let p = party_of[i];
        let date = it.due_date.unwrap() - Days::new(5) + Days::new(rng.below(20));
        let kind = rng.below(100);
        let who = if rng.below(10) < 7 { Some(bank_name(p)) } else { None };
        let (amount, text, counterparty, ciban) = if kind < 60 {
            (it.residual, ref_text(&mut rng, it), who, None)
        } else if kind < 80 {
            // Amount and party only: a name, or only the IBAN when one is known.
            if it.party_ibans.is_empty() || rng.below(2) == 0 {
                (it.residual, "VIR SEPA".to_string(), Some(bank_name(p)), None)
            } else {
                (it.residual, "VIR SEPA".to_string(), None, Some(iban(p)))
            }
        } else if kind < 85 {
            let part = (it.residual * Decimal::new(4, 1)).round_dp(2);
            (part, format!("ACOMPTE {}", ref_text(&mut rng, it)), who, None)
        } else if kind < 90 {
            let mates = &by_party[p as usize];
            let other = mates[rng.below(mates.len() as u64) as usize];
            if other == i {
                (it.residual, ref_text(&mut rng, it), who, None)
            } else {
                let o = &items[other];
                if rng.below(2) == 0 {
                    (it.residual + o.residual, format!("{} {}", it.reference, o.reference), who, None)
                } else {
                    // No reference: the `combination` strategy's case.
                    (it.residual + o.residual, "VIR SEPA".to_string(), Some(bank_name(p)), None)
                }
            }
        } else if kind < 95 {
            (Decimal::new(-(100 + rng.below(3_000) as i64), 2), "FRAIS TENUE DE COMPTE".to_string(), None, None)
        } else {
            let amt = Decimal::new(rng.below(400_000) as i64 - 200_000, 2);
            (amt, "VIR SEPA DIVERS".to_string(), Some(format!("M {} JEAN", word(rng.next() % 1_000_000 + 500_000))), None)
        };
        lines.push(BankLine { key: 10_000_000 + j as u64, date, amount, counterparty, counterparty_iban: ciban, text });
    }
    Data { items, lines }
}

fn vm_hwm_mb() -> f64 {
    let s = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    s.lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|k| k.parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

/// What is compared between the two matchers: the decision, not the wording.
#[derive(Debug, PartialEq)]
enum Decision {
    Matched { rule: String, allocations: Vec<(u64, Decimal, Decimal)>, write_off: Decimal, unallocated: Decimal },
    Unmatched,
}

fn decision(o: &Outcome) -> Decision {
    match o {
        Outcome::Matched(p) => Decision::Matched {
            rule: p.rule.clone(),
            allocations: p.allocations.iter().map(|a| (a.item, a.amount, a.residual_after)).collect(),
            write_off: p.write_off,
            unallocated: p.unallocated,
        },
        Outcome::Unmatched { .. } => Decision::Unmatched,
    }
}

/// (allocations as (item, amount, residual after), write_off, unallocated, partial)
type Settled = (Vec<(u64, Decimal, Decimal)>, Decimal, Decimal, bool);

/// The same decisions by scanning every item for every line: no index.
struct Naive {
    items: Vec<OpenItem>,
    norm: Vec<String>,
    party: Vec<Option<String>>,
    tokens: Vec<Vec<String>>,
    ibans: Vec<Vec<String>>,
    rules: MatchRules,
    pieces: Pieces,
}

fn order_key(it: &OpenItem) -> (NaiveDate, NaiveDate, u64) {
    (it.due_date.unwrap_or(it.date), it.date, it.key)
}

impl Naive {
    fn new(items: Vec<OpenItem>, rules: &MatchRules) -> Naive {
        let norm = items.iter().map(|it| normalize_reference(&it.reference)).collect();
        let tokens: Vec<Vec<String>> = items.iter().map(|it| name_tokens(&it.party)).collect();
        let party = items
            .iter()
            .zip(&tokens)
            .map(|(it, t)| match (&it.aux_account, t.is_empty(), it.party_ibans.first()) {
                (Some(a), _, _) if !a.is_empty() => Some(format!("A:{a}")),
                (_, false, _) => Some(format!("N:{}", t.join(" "))),
                (_, true, Some(i)) => Some(format!("I:{}", compact_iban(i))),
                _ => None,
            })
            .collect();
        let ibans = items.iter().map(|it| it.party_ibans.iter().map(|i| compact_iban(i)).collect()).collect();
        Naive { items, norm, party, tokens, ibans, rules: rules.clone(), pieces: Pieces::default() }
    }

    fn live(&self, i: usize, positive: bool) -> bool {
        let r = self.items[i].residual;
        if positive { r > Decimal::ZERO } else { r < Decimal::ZERO }
    }

    fn agrees(&self, i: usize, l: &BankLine, ltokens: &[String]) -> bool {
        if self.party[i].is_none() {
            return false;
        }
        if let Some(ib) = &l.counterparty_iban {
            if self.ibans[i].contains(&compact_iban(ib)) {
                return true;
            }
        }
        !ltokens.is_empty() && similarity(ltokens, &self.tokens[i]) >= self.rules.party.min_similarity
    }

    fn in_window(&self, i: usize, date: NaiveDate) -> bool {
        let it = &self.items[i];
        let w = self.rules.date_window;
        it.date - Days::new(w.days_before_invoice as u64) <= date && date <= it.due_date.unwrap_or(it.date) + Days::new(w.days_after_due as u64)
    }

    fn settle(&self, l: &BankLine, idx: &[usize], partial_ok: bool) -> Option<Settled> {
        let sign = if l.amount > Decimal::ZERO { Decimal::ONE } else { Decimal::NEGATIVE_ONE };
        let target = l.amount.abs();
        let due: Decimal = idx.iter().map(|&i| self.items[i].residual.abs()).sum();
        let diff = target - due;
        let tol = self.rules.tolerance.min(self.rules.write_off.max);
        let full: Vec<_> = idx.iter().map(|&i| (self.items[i].key, self.items[i].residual, Decimal::ZERO)).collect();
        if diff.abs() <= tol {
            return Some((full, sign * diff, Decimal::ZERO, false));
        }
        if diff > Decimal::ZERO {
            return Some((full, Decimal::ZERO, sign * diff, false));
        }
        if !partial_ok {
            return None;
        }
        let mut left = target;
        let mut out = Vec::new();
        for &i in idx {
            if left.is_zero() {
                break;
            }
            let r = self.items[i].residual;
            let take = r.abs().min(left);
            left -= take;
            out.push((self.items[i].key, sign * take, r - sign * take));
        }
        Some((out, Decimal::ZERO, Decimal::ZERO, true))
    }

    fn commit(&mut self, rule: &str, s: Settled) -> Decision {
        for &(k, _, after) in &s.0 {
            // Keys are item indexes in the bench data.
            self.items[k as usize].residual = after;
        }
        Decision::Matched { rule: rule.to_string(), allocations: s.0, write_off: s.1, unallocated: s.2 }
    }

    fn match_line(&mut self, l: &BankLine) -> Decision {
        if l.amount.is_zero() {
            return Decision::Unmatched;
        }
        let positive = l.amount > Decimal::ZERO;
        let ltokens = l.counterparty.as_deref().map(name_tokens).unwrap_or_default();
        for st in self.rules.strategies.clone() {
            match st {
                Strategy::Reference => {
                    let mut cands: Vec<(Span, String)> = Vec::new();
                    let mut pieces = std::mem::take(&mut self.pieces);
                    pieces.for_each_candidate(&l.text, self.rules.min_reference_length, |s, c| cands.push((s, c.to_string())));
                    self.pieces = pieces;
                    let mut found: HashMap<&str, Vec<u32>> = HashMap::new();
                    for (i, n) in self.norm.iter().enumerate() {
                        if indexable(n, self.rules.min_reference_length) && cands.iter().any(|c| c.1 == *n) {
                            found.entry(n.as_str()).or_default().push(i as u32);
                        }
                    }
                    // A number written without its letters, when no invoice is spelt so.
                    let mut rest: HashMap<&str, Vec<u32>> = HashMap::new();
                    for (i, n) in self.norm.iter().enumerate() {
                        if let Some(r) = without_prefix(n, self.rules.min_reference_length).filter(|r| indexable(n, self.rules.min_reference_length) && !found.contains_key(r) && cands.iter().any(|c| c.1 == *r)) {
                            rest.entry(r).or_default().push(i as u32);
                        }
                    }
                    found.extend(rest);
                    let hits: Vec<(Span, Vec<u32>)> = cands.iter().filter_map(|(s, c)| found.get(c.as_str()).map(|v| (*s, v.clone()))).collect();
                    if hits.is_empty() {
                        continue;
                    }
                    let mut kept = keep_longest(hits);
                    kept.dedup_by(|a, b| a.1 == b.1);
                    let mut tokens: Vec<String> = Vec::new();
                    let mut chosen: Vec<usize> = Vec::new();
                    for (_, v) in kept {
                        let token = self.items[v[0] as usize].reference.clone();
                        if tokens.contains(&token) {
                            continue;
                        }
                        let mut live: Vec<usize> = v.iter().map(|&i| i as usize).filter(|&i| self.live(i, positive)).collect();
                        if live.is_empty() {
                            continue;
                        }
                        let mut parties: Vec<&Option<String>> = live.iter().map(|&i| &self.party[i]).collect();
                        parties.sort();
                        parties.dedup();
                        if parties.len() > 1 {
                            let agreeing: Vec<Option<String>> = (0..self.items.len()).filter(|&i| self.agrees(i, l, &ltokens)).map(|i| self.party[i].clone()).collect();
                            live.retain(|&i| agreeing.contains(&self.party[i]));
                            if live.is_empty() {
                                return Decision::Unmatched;
                            }
                        }
                        tokens.push(token);
                        chosen.extend(live);
                    }
                    if chosen.is_empty() {
                        continue;
                    }
                    chosen.sort_unstable();
                    chosen.dedup();
                    chosen.sort_by_key(|&i| order_key(&self.items[i]));
                    return match self.settle(l, &chosen, self.rules.partial) {
                        Some(s) => {
                            let rule = if s.3 { "reference-partial" } else { "reference" };
                            self.commit(rule, s)
                        }
                        None => Decision::Unmatched,
                    };
                }
                Strategy::AmountAndParty => {
                    let target = l.amount.abs();
                    let tol = self.rules.tolerance.min(self.rules.write_off.max);
                    let mut c: Vec<(bool, usize)> = (0..self.items.len())
                        .filter(|&i| {
                            self.live(i, positive)
                                && (self.items[i].residual.abs() - target).abs() <= tol
                                && self.in_window(i, l.date)
                                && self.agrees(i, l, &ltokens)
                        })
                        .map(|i| (self.items[i].residual.abs() != target, i))
                        .collect();
                    if c.is_empty() {
                        continue;
                    }
                    c.sort_by(|x, y| x.0.cmp(&y.0).then(order_key(&self.items[x.1]).cmp(&order_key(&self.items[y.1]))));
                    let s = self.settle(l, &[c[0].1], false).unwrap();
                    return self.commit("amount_and_party", s);
                }
                Strategy::Combination => {
                    let target = l.amount.abs();
                    let tol = self.rules.tolerance.min(self.rules.write_off.max);
                    let mut groups: HashMap<&str, Vec<usize>> = HashMap::new();
                    for i in 0..self.items.len() {
                        let r = self.items[i].residual.abs();
                        if self.live(i, positive) && r <= target + tol && self.in_window(i, l.date) && self.agrees(i, l, &ltokens) {
                            groups.entry(self.party[i].as_deref().unwrap()).or_default().push(i);
                        }
                    }
                    let mut sols: Vec<Vec<usize>> = Vec::new();
                    for g in groups.values() {
                        // Every subset of 2..=k items, plainly enumerated.
                        #[allow(clippy::too_many_arguments)]
                        fn walk(n: &Naive, g: &[usize], from: usize, cur: &mut Vec<usize>, sum: Decimal, t: Decimal, tol: Decimal, k: usize, sols: &mut Vec<Vec<usize>>) {
                            for j in from..g.len() {
                                let s = sum + n.items[g[j]].residual.abs();
                                cur.push(g[j]);
                                if cur.len() >= 2 && (s - t).abs() <= tol {
                                    sols.push(cur.clone());
                                }
                                if cur.len() < k {
                                    walk(n, g, j + 1, cur, s, t, tol, k, sols);
                                }
                                cur.pop();
                            }
                        }
                        walk(self, g, 0, &mut Vec::new(), Decimal::ZERO, target, tol, self.rules.max_invoices_per_payment, &mut sols);
                    }
                    match sols.len() {
                        0 => continue,
                        1 => {
                            let mut idx = sols.pop().unwrap();
                            idx.sort_by_key(|&i| order_key(&self.items[i]));
                            let s = self.settle(l, &idx, false).unwrap();
                            return self.commit("combination", s);
                        }
                        _ => return Decision::Unmatched,
                    }
                }
            }
        }
        Decision::Unmatched
    }
}

fn main() {
    let n: usize = std::env::var("MATCH_BENCH_N").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    let rules = MatchRules::builtin();

    let t = Instant::now();
    let data = generate(n, 0x5EED_1234_ABCD_0001);
    let gen = t.elapsed();
    let items_n = data.items.len();
    let t = Instant::now();
    let (outcomes, matcher) = match_all(data.items, &data.lines, &rules);
    let full = t.elapsed();
    let hwm = vm_hwm_mb();
    let mut by_rule: HashMap<String, usize> = HashMap::new();
    for o in &outcomes {
        let k = match o {
            Outcome::Matched(p) => p.rule.clone(),
            Outcome::Unmatched { .. } => "unmatched".into(),
        };
        *by_rule.entry(k).or_default() += 1;
    }
    for (l, o) in data.lines.iter().zip(&outcomes) {
        if let Outcome::Matched(p) = o {
            let s: Decimal = p.allocations.iter().map(|a| a.amount).sum();
            assert_eq!(l.amount, s + p.write_off + p.unallocated, "line {}", l.key);
        }
    }
    drop(matcher);

    // Sample: the same generator at 10 000.
    let ns = n.min(10_000);
    let sample = generate(ns, 0x5EED_1234_ABCD_0001);
    let mut order: Vec<usize> = (0..sample.lines.len()).collect();
    order.sort_by_key(|&i| (sample.lines[i].date, sample.lines[i].key));
    let t = Instant::now();
    let mut m = Matcher::new(sample.items.clone(), &rules);
    let fast: Vec<Decision> = order.iter().map(|&i| decision(&m.match_line(&sample.lines[i]))).collect();
    let t_fast = t.elapsed();
    let t = Instant::now();
    let mut naive = Naive::new(sample.items.clone(), &rules);
    let slow: Vec<Decision> = order.iter().map(|&i| naive.match_line(&sample.lines[i])).collect();
    let t_slow = t.elapsed();
    let mismatches = fast.iter().zip(&slow).filter(|(a, b)| a != b).count();
    if let Some((i, (a, b))) = fast.iter().zip(&slow).enumerate().find(|(_, (a, b))| a != b) {
        eprintln!("first mismatch, line {:?}:\n indexed {a:?}\n naive   {b:?}", sample.lines[order[i]]);
    }

    println!("| measure | value |");
    println!("|---|---|");
    println!("| open items | {items_n} |");
    println!("| bank lines | {} |", data.lines.len());
    println!("| data generation | {:.2} s |", gen.as_secs_f64());
    println!("| match_all (index build + matching) | {:.2} s |", full.as_secs_f64());
    println!("| lines per second | {:.0} |", data.lines.len() as f64 / full.as_secs_f64());
    println!("| peak memory (VmHWM, whole process) | {hwm:.0} MB |");
    let mut rules_seen: Vec<_> = by_rule.into_iter().collect();
    rules_seen.sort();
    for (r, c) in rules_seen {
        println!("| outcome `{r}` | {c} ({:.1} %) |", 100.0 * c as f64 / data.lines.len() as f64);
    }
    println!("| sample: indexed matcher, {ns} items × {ns} lines | {:.3} s |", t_fast.as_secs_f64());
    println!("| sample: nested-loop matcher | {:.3} s |", t_slow.as_secs_f64());
    println!("| sample: speed-up | {:.0}× |", t_slow.as_secs_f64() / t_fast.as_secs_f64());
    println!("| sample: decisions differing | {mismatches} |");
    assert_eq!(mismatches, 0, "the indexed and nested-loop matchers disagree");
}
