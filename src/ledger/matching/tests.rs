use std::path::Path;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

use super::party::{name_tokens, similarity};
use super::*;
use crate::config::YamlDoc;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn item(key: u64, party: &str, reference: &str, due: &str, residual: Decimal) -> OpenItem {
    let account = if residual >= Decimal::ZERO { "411000" } else { "401000" };
    OpenItem {
        key,
        account: account.into(),
        aux_account: None,
        party: party.into(),
        party_ibans: Vec::new(),
        reference: reference.into(),
        date: d("2024-01-10"),
        due_date: Some(d(due)),
        residual,
    }
}

fn line(key: u64, date: &str, amount: Decimal, who: Option<&str>, text: &str) -> BankLine {
    BankLine { key, date: d(date), amount, counterparty: who.map(String::from), counterparty_iban: None, text: text.into() }
}

fn matched(o: &Outcome) -> &MatchProposal {
    match o {
        Outcome::Matched(p) => p,
        Outcome::Unmatched { reason, .. } => panic!("unmatched: {reason}"),
    }
}

fn reason(o: &Outcome) -> &str {
    match o {
        Outcome::Unmatched { reason, .. } => reason,
        Outcome::Matched(p) => panic!("matched: {}", p.explanation),
    }
}

fn check_invariant(l: &BankLine, o: &Outcome) {
    if let Outcome::Matched(p) = o {
        let sum: Decimal = p.allocations.iter().map(|a| a.amount).sum();
        assert_eq!(l.amount, sum + p.write_off + p.unallocated, "{p:?}");
    }
}

fn rules() -> MatchRules {
    MatchRules::builtin()
}

#[test]
fn builtin_rules_load() {
    let r = MatchRules::builtin();
    assert_eq!(r.tolerance, dec!(0.05));
    assert_eq!(r.write_off.loss_account, "658000");
    assert_eq!(r.strategies, vec![Strategy::Reference, Strategy::AmountAndParty, Strategy::Combination]);
    assert_eq!(r.write_off_account(dec!(-0.02)), Some("658000"));
    assert_eq!(r.write_off_account(dec!(0.02)), Some("758000"));
}

fn doc_with(from: &str, to: &str) -> YamlDoc {
    assert!(BUILTIN_MATCHING_YAML.contains(from), "{from}");
    YamlDoc::from_text(Path::new("matching.yaml"), &BUILTIN_MATCHING_YAML.replacen(from, to, 1))
}

fn line_of(text: &str, needle: &str) -> usize {
    text.lines().position(|l| l.contains(needle)).unwrap() + 1
}

#[test]
fn bad_strategy_name_is_located() {
    let doc = doc_with("strategies: [reference, amount_and_party, combination]", "strategies: [reference, amount_only]");
    let e = parse_matching(&doc).unwrap_err();
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].line, line_of(&doc.text, "strategies: ["), "{}", e[0]);
    assert!(e[0].message.contains("amount_only"), "{}", e[0]);
}

#[test]
fn bad_account_is_located() {
    let doc = doc_with("loss_account: \"658000\"", "loss_account: \"65800O\"");
    let e = parse_matching(&doc).unwrap_err();
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].line, line_of(&doc.text, "loss_account:"), "{}", e[0]);
    assert!(e[0].message.contains("write_off.loss_account `65800O`"), "{}", e[0]);
}

#[test]
fn unknown_key_is_located() {
    let doc = doc_with("  min_similarity: 0.6", "  min_similarity: 0.6\n  fuzzy: true");
    let e = parse_matching(&doc).unwrap_err();
    assert_eq!(e[0].line, line_of(&doc.text, "fuzzy: true"), "{}", e[0]);
    assert!(e[0].message.contains("unknown field `fuzzy`"), "{}", e[0]);
}

#[test]
fn tolerance_above_write_off_max_is_refused() {
    let doc = doc_with("tolerance: \"0.05\"", "tolerance: \"2.00\"");
    let e = parse_matching(&doc).unwrap_err();
    assert_eq!(e[0].line, line_of(&doc.text, "tolerance: \"2.00\""), "{}", e[0]);
}

#[test]
fn references_in_varied_forms() {
    let items = vec![item(1, "Acme", "FA-2024-0042", "2024-02-10", dec!(1200.00)), item(2, "Beta", "2024-0042", "2024-02-10", dec!(50.00))];
    for (text, expect) in [
        ("Facture n°2024-0042", 2),
        ("VIR FA 2024 0042 ACME", 1),
        ("INV20240042", 2),
        ("INV2024-0042", 2),
        ("fa-2024/0042", 1),
    ] {
        let mut m = Matcher::new(items.clone(), &rules());
        let amount = m.item(expect).unwrap().residual;
        let o = m.match_line(&line(9, "2024-02-01", amount, None, text));
        let p = matched(&o);
        assert_eq!(p.allocations[0].item, expect, "{text}: {}", p.explanation);
    }
}

#[test]
fn a_number_paid_without_its_letters_is_found() {
    let items = vec![item(1, "Acme", "FA-2024-0042", "2024-02-10", dec!(-1200.00)), item(2, "Beta", "INV-77310", "2024-02-10", dec!(-80.00))];
    let mut m = Matcher::new(items, &rules());
    let o = m.match_line(&line(9, "2024-02-01", dec!(-1200.00), None, "Paiement facture 2024 0042"));
    assert_eq!(matched(&o).allocations[0].item, 1, "{}", matched(&o).explanation);
    let o = m.match_line(&line(10, "2024-02-01", dec!(-80.00), None, "REF 77310"));
    assert_eq!(matched(&o).allocations[0].item, 2, "{}", matched(&o).explanation);
    // Too short without its letters: "FA-12" is not looked for as "12".
    let mut m = Matcher::new(vec![item(1, "Acme", "FA-123", "2024-02-10", dec!(-10.00))], &rules());
    assert!(matches!(m.match_line(&line(9, "2024-02-01", dec!(-10.00), None, "CB 123 PARIS")), Outcome::Unmatched { .. }));
}

#[test]
fn reference_full_payment() {
    let rules = rules();
    let mut m = Matcher::new(vec![item(1, "Acme", "FA-2024-0042", "2024-02-10", dec!(1200.00))], &rules);
    let l = line(9, "2024-02-01", dec!(1200.00), None, "VIR ACME FA-2024-0042");
    let o = m.match_line(&l);
    let p = matched(&o);
    assert_eq!(p.rule, "reference");
    assert_eq!(p.tokens, vec!["FA-2024-0042"]);
    assert_eq!(p.explanation, "reference FA-2024-0042 found in the text; paid 1 200.00 of 1 200.00");
    assert_eq!(m.item(1).unwrap().residual, dec!(0));
    check_invariant(&l, &o);
    // Settled: the same text again finds nothing left.
    let o2 = m.match_line(&line(10, "2024-02-02", dec!(1200.00), None, "FA-2024-0042"));
    assert!(reason(&o2).contains("already settled"), "{}", reason(&o2));
}

#[test]
fn partial_payment_leaves_residual() {
    let mut m = Matcher::new(vec![item(1, "Acme", "FA-100", "2024-02-10", dec!(500))], &rules());
    let l = line(9, "2024-02-01", dec!(200), None, "acompte FA-100");
    let o = m.match_line(&l);
    let p = matched(&o);
    assert_eq!(p.rule, "reference-partial");
    assert_eq!(p.allocations, vec![Allocation { item: 1, amount: dec!(200), residual_after: dec!(300) }]);
    assert!(p.explanation.contains("300.00 stays open"), "{}", p.explanation);
    assert_eq!(m.item(1).unwrap().residual, dec!(300));
    check_invariant(&l, &o);

    let mut off = rules();
    off.partial = false;
    let mut m = Matcher::new(vec![item(1, "Acme", "FA-100", "2024-02-10", dec!(500))], &off);
    assert!(reason(&m.match_line(&l)).contains("partial payments are disabled"));
}

#[test]
fn two_invoices_at_once_and_excess() {
    let items = vec![item(1, "Acme", "FA-100", "2024-02-10", dec!(100)), item(2, "Acme", "FA-101", "2024-02-20", dec!(250.50))];
    let mut m = Matcher::new(items.clone(), &rules());
    let l = line(9, "2024-02-01", dec!(350.50), None, "FA-100 FA-101");
    let o = m.match_line(&l);
    let p = matched(&o);
    assert_eq!(p.rule, "reference");
    assert_eq!(p.tokens, vec!["FA-100", "FA-101"]);
    assert_eq!(p.allocations.len(), 2);
    check_invariant(&l, &o);

    let mut m = Matcher::new(items, &rules());
    let l = line(9, "2024-02-01", dec!(400.50), None, "FA-100 FA-101");
    let o = m.match_line(&l);
    let p = matched(&o);
    assert_eq!(p.unallocated, dec!(50.00));
    assert!(p.explanation.contains("excess 50.00"), "{}", p.explanation);
    check_invariant(&l, &o);
}

#[test]
fn write_off_within_tolerance_only() {
    let it = || vec![item(1, "Acme", "FA-100", "2024-02-10", dec!(100))];
    let mut m = Matcher::new(it(), &rules());
    let l = line(9, "2024-02-01", dec!(99.97), None, "FA-100");
    let o = m.match_line(&l);
    let p = matched(&o);
    assert_eq!((p.rule.as_str(), p.write_off), ("reference", dec!(-0.03)));
    assert!(p.explanation.contains("difference 0.03 written off (loss, 658000)"), "{}", p.explanation);
    assert_eq!(m.item(1).unwrap().residual, dec!(0));
    check_invariant(&l, &o);

    // Supplier side: paying 0.02 more than owed is a loss too.
    let mut m = Matcher::new(vec![item(1, "Acme", "FA-100", "2024-02-10", dec!(-100))], &rules());
    let l = line(9, "2024-02-01", dec!(-100.02), None, "FA-100");
    let p = matched(&m.match_line(&l)).clone();
    assert_eq!(p.write_off, dec!(-0.02));

    // Beyond the tolerance: a partial payment, nothing written off.
    let mut m = Matcher::new(it(), &rules());
    let l = line(9, "2024-02-01", dec!(99.90), None, "FA-100");
    let o = m.match_line(&l);
    let p = matched(&o);
    assert_eq!((p.rule.as_str(), p.write_off), ("reference-partial", dec!(0)));
    assert_eq!(m.item(1).unwrap().residual, dec!(0.10));
    check_invariant(&l, &o);
}

#[test]
fn wrong_sign_is_never_matched() {
    // A supplier invoice (we owe) and money coming in that cites it.
    let mut m = Matcher::new(vec![item(1, "Acme SAS", "FA-100", "2024-02-10", dec!(-100))], &rules());
    let o = m.match_line(&line(9, "2024-02-01", dec!(100), Some("ACME"), "FA-100"));
    assert!(matches!(o, Outcome::Unmatched { .. }), "{o:?}");
    assert_eq!(m.item(1).unwrap().residual, dec!(-100));
}

#[test]
fn amount_and_party() {
    let items = vec![
        item(1, "Acme Industries SAS", "FA-1", "2024-03-10", dec!(120)),
        item(2, "Acme Industries SAS", "FA-2", "2024-02-10", dec!(120)),
        item(3, "Other SARL", "FA-3", "2024-01-10", dec!(120)),
    ];
    let mut m = Matcher::new(items, &rules());
    let l = line(9, "2024-02-15", dec!(120), Some("ACME INDUSTRIES"), "VIR SEPA");
    let o = m.match_line(&l);
    let p = matched(&o);
    assert_eq!(p.rule, "amount_and_party");
    assert_eq!(p.allocations[0].item, 2, "the oldest due date: {}", p.explanation);
    assert!(p.explanation.contains("chosen among 2"), "{}", p.explanation);
    assert!(p.explanation.contains("name similarity 1.00"), "{}", p.explanation);
    check_invariant(&l, &o);

    // The exact amount wins over an older one within tolerance.
    let items = vec![item(1, "Acme", "FA-1", "2024-01-10", dec!(120.03)), item(2, "Acme", "FA-2", "2024-03-10", dec!(120))];
    let mut m = Matcher::new(items, &rules());
    let p = matched(&m.match_line(&line(9, "2024-03-01", dec!(120), Some("Acme"), ""))).clone();
    assert_eq!(p.allocations[0].item, 2);

    // The IBAN alone is enough.
    let mut it = item(1, "", "FA-1", "2024-02-10", dec!(-80));
    it.party_ibans = vec!["FR76 3000 6000 0112 3456 7890 189".into()];
    let mut m = Matcher::new(vec![it], &rules());
    let mut l = line(9, "2024-02-15", dec!(-80), Some("PRLV SEPA XYZ"), "");
    l.counterparty_iban = Some("FR7630006000011234567890189".into());
    let p = matched(&m.match_line(&l)).clone();
    assert!(p.explanation.contains("same IBAN"), "{}", p.explanation);
}

#[test]
fn party_agrees_but_no_amount_fits() {
    let mut m = Matcher::new(vec![item(1, "Acme", "FA-1", "2024-02-10", dec!(120))], &rules());
    let r = reason(&m.match_line(&line(9, "2024-02-15", dec!(77), Some("ACME"), ""))).to_string();
    assert!(r.contains("agrees with Acme") && r.contains("77.00"), "{r}");
}

#[test]
fn date_window_bounds_amount_matches() {
    // Invoice 2024-01-10, due 2024-02-10; 365 days after (2024 is a leap year): 2025-02-09.
    let items = vec![item(1, "Acme", "FA-1", "2024-02-10", dec!(120))];
    let r = rules();
    for (date, ok) in [("2024-01-05", true), ("2024-01-04", false), ("2025-02-08", true), ("2025-02-09", true), ("2025-02-10", false)] {
        let mut m = Matcher::new(items.clone(), &r);
        let o = m.match_line(&line(9, date, dec!(120), Some("ACME"), ""));
        assert_eq!(matches!(o, Outcome::Matched(_)), ok, "{date}: {o:?}");
    }
}

#[test]
fn amount_alone_is_refused() {
    let mut m = Matcher::new(vec![item(1, "Acme", "FA-1", "2024-02-10", dec!(120))], &rules());
    let r = reason(&m.match_line(&line(9, "2024-02-15", dec!(120), Some("Unknown Corp"), "VIR"))).to_string();
    assert!(r.starts_with("no reference and no party agreement"), "{r}");
    assert!(r.contains("too risky"), "{r}");
    // Bank fees: no counterparty at all.
    let r = reason(&m.match_line(&line(10, "2024-02-15", dec!(-12.50), None, "FRAIS TENUE DE COMPTE"))).to_string();
    assert!(r.starts_with("no reference and no party agreement"), "{r}");
    assert_eq!(m.item(1).unwrap().residual, dec!(120));
}

#[test]
fn combination() {
    let items = vec![
        item(1, "Acme", "FA-1", "2024-02-10", dec!(100)),
        item(2, "Acme", "FA-2", "2024-02-20", dec!(250)),
        item(3, "Acme", "FA-3", "2024-03-10", dec!(70)),
        item(4, "Acme", "FA-4", "2024-03-20", dec!(1000)),
    ];
    let mut m = Matcher::new(items.clone(), &rules());
    let l = line(9, "2024-03-25", dec!(420), Some("ACME"), "");
    let o = m.match_line(&l);
    let p = matched(&o);
    assert_eq!(p.rule, "combination");
    assert_eq!(p.allocations.iter().map(|a| a.item).collect::<Vec<_>>(), vec![1, 2, 3]);
    check_invariant(&l, &o);

    // 350 = 100 + 250 only; 170 = 100 + 70 only; 320 = 250 + 70 only… but
    // with a second 100 there are two ways to make 170.
    let mut items = items;
    items.push(item(5, "Acme", "FA-5", "2024-03-21", dec!(100)));
    let mut m = Matcher::new(items, &rules());
    let r = reason(&m.match_line(&line(9, "2024-03-25", dec!(170), Some("ACME"), ""))).to_string();
    assert!(r.contains("ambiguous"), "{r}");
}

#[test]
fn reference_shared_by_parties_prefers_the_counterparty() {
    let items = vec![item(1, "Acme", "F-2024-7", "2024-02-10", dec!(100)), item(2, "Beta", "F-2024-7", "2024-02-10", dec!(100))];
    let mut m = Matcher::new(items.clone(), &rules());
    let p = matched(&m.match_line(&line(9, "2024-02-15", dec!(100), Some("BETA SARL"), "F-2024-7"))).clone();
    assert_eq!(p.allocations[0].item, 2);
    assert!(p.explanation.contains("kept Beta's"), "{}", p.explanation);
    let mut m = Matcher::new(items, &rules());
    let r = reason(&m.match_line(&line(9, "2024-02-15", dec!(100), Some("GAMMA"), "F-2024-7"))).to_string();
    assert!(r.contains("2 parties"), "{r}");
}

#[test]
fn names_compare_without_legal_forms_or_accents() {
    assert_eq!(similarity(&name_tokens("ACME INDUSTRIES"), &name_tokens("Acme Industries S.A.S.")), 1.0);
    assert_eq!(similarity(&name_tokens("Société Générale d'Électricité"), &name_tokens("GENERALE D ELECTRICITE")), 1.0);
    assert!(similarity(&name_tokens("Acme GmbH"), &name_tokens("Beta GmbH")) == 0.0);
}

#[test]
fn codes() {
    assert_eq!(code(0), "AA");
    assert_eq!(code(1), "AB");
    assert_eq!(code(25), "AZ");
    assert_eq!(code(26), "BA");
    assert_eq!(code(675), "ZZ");
    assert_eq!(code(676), "AAA");
    assert_eq!(code(677), "AAB");
    assert_eq!(code(676 + 17575), "ZZZ");
    assert_eq!(code(676 + 17576), "AAAA");
    assert_eq!(group_code(0, false), "aa");
    assert!(is_complete(&[dec!(10), dec!(-4), dec!(-6)]));
    assert!(!is_complete(&[dec!(10), dec!(-4)]));
}

/// seeds/03: customer C, invoices F10, F20, F30 with two due dates each;
/// payments P1 (E11 + E21), P2 (E12 + E22 + E31), P3 and P4 (E32 in two).
#[test]
fn seed_03_one_group_for_customer_c() {
    let mk = |key, inv: &str, due: &str, amt| OpenItem { aux_account: Some("411C".into()), ..item(key, "Customer C", inv, due, amt) };
    let items = vec![
        mk(11, "F10", "2024-01-31", dec!(100)),
        mk(12, "F10", "2024-02-28", dec!(100)),
        mk(21, "F20", "2024-02-15", dec!(200)),
        mk(22, "F20", "2024-03-15", dec!(200)),
        mk(31, "F30", "2024-03-31", dec!(300)),
        mk(32, "F30", "2024-04-30", dec!(300)),
    ];
    let lines = vec![
        line(101, "2024-02-01", dec!(300), Some("CUSTOMER C"), "F10 F20"),
        line(102, "2024-03-20", dec!(600), Some("CUSTOMER C"), "F10 F20 F30"),
        line(103, "2024-04-30", dec!(120), Some("CUSTOMER C"), "F30"),
        line(104, "2024-05-15", dec!(180), Some("CUSTOMER C"), "F30 solde"),
    ];
    let mut m = Matcher::new(items.clone(), &rules());
    let mut groups = MatchGroups::new();
    // Due dates of one invoice share their origin.
    for w in items.windows(2) {
        if w[0].reference == w[1].reference {
            groups.link(w[0].key, w[1].key);
        }
    }
    let mut balances: std::collections::HashMap<u64, Decimal> = items.iter().map(|i| (i.key, i.residual)).collect();
    let mut expected = vec![vec![11, 21], vec![12, 22, 31], vec![32], vec![32]].into_iter();
    for l in &lines {
        let o = m.match_line(l);
        check_invariant(l, &o);
        let p = matched(&o);
        assert_eq!(p.allocations.iter().map(|a| a.item).collect::<Vec<_>>(), expected.next().unwrap(), "{}", p.explanation);
        groups.link_proposal(p);
        balances.insert(l.key, -l.amount); // the payment credits 411
        let gs = groups.groups();
        let g = gs.iter().find(|g| g.contains(&l.key)).unwrap();
        let complete = is_complete(&g.iter().map(|k| balances[k]).collect::<Vec<_>>());
        let shown = group_code(0, complete);
        if l.key == 103 {
            assert_eq!(p.rule, "reference-partial");
            assert_eq!(shown, "aa");
        }
        if l.key == 104 {
            assert_eq!(shown, "AA");
        }
    }
    let gs = groups.groups();
    assert_eq!(gs, vec![vec![11, 12, 21, 22, 31, 32, 101, 102, 103, 104]]);
}

/// xorshift64*: deterministic noise without a crate.
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

#[test]
fn random_lines_keep_the_invariants() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let names = ["Acme", "Beta SARL", "Gamma GmbH", "Delta", "Epsilon SA", "Zeta Ltd"];
    for round in 0..30 {
        let mut items = Vec::new();
        for k in 0..40u64 {
            let sign = if rng.below(2) == 0 { Decimal::ONE } else { Decimal::NEGATIVE_ONE };
            let amt = Decimal::new(rng.below(50_000) as i64 + 1, 2) * sign;
            let day = 1 + rng.below(28) as u32;
            let mut it = item(k, names[rng.below(6) as usize], &format!("FA-{}", rng.below(25) + 100), "2024-02-01", amt);
            it.due_date = NaiveDate::from_ymd_opt(2024, 1 + rng.below(6) as u32, day);
            items.push(it);
        }
        let mut lines = Vec::new();
        for k in 0..60u64 {
            let sign = if rng.below(2) == 0 { Decimal::ONE } else { Decimal::NEGATIVE_ONE };
            let amount = if rng.below(3) == 0 {
                let it = &items[rng.below(40) as usize];
                it.residual + Decimal::new(rng.below(11) as i64 - 5, 2)
            } else {
                Decimal::new(rng.below(60_000) as i64 - 30_000, 2)
            };
            let _ = sign;
            let text = match rng.below(4) {
                0 => format!("FA {}", rng.below(25) + 100),
                1 => format!("FA-{} FA-{}", rng.below(25) + 100, rng.below(25) + 100),
                _ => "VIR".to_string(),
            };
            let who = (rng.below(2) == 0).then(|| names[rng.below(6) as usize]);
            lines.push(line(1000 + k, "2024-03-01", amount, who, &text));
        }
        let (outcomes, m) = match_all(items.clone(), &lines, &rules());
        let mut taken: std::collections::HashMap<u64, Decimal> = std::collections::HashMap::new();
        for (l, o) in lines.iter().zip(&outcomes) {
            assert_eq!(l.key, o.line());
            check_invariant(l, o);
            if let Outcome::Matched(p) = o {
                for a in &p.allocations {
                    assert!(a.amount.is_sign_positive() == l.amount.is_sign_positive() && !a.amount.is_zero(), "round {round}: {p:?}");
                    *taken.entry(a.item).or_default() += a.amount;
                }
            }
        }
        for it in &items {
            let now = m.item(it.key).unwrap().residual;
            assert_eq!(now, it.residual - taken.get(&it.key).copied().unwrap_or_default(), "round {round}");
            assert!(now.is_zero() || now.is_sign_positive() == it.residual.is_sign_positive(), "round {round}: {} → {now}", it.residual);
            assert!(now.abs() <= it.residual.abs(), "round {round}");
        }
    }
}

#[test]
fn party_candidates_skip_common_words_without_losing_agreements() {
    use super::party::PartyIndex;
    let names = ["Kalo Services", "Services SAS", "Bateno Services Plus", "Kalo", "Mira Services", "Kalo Bateno Services"];
    let mut idx = PartyIndex::default();
    for n in names {
        idx.intern(None, n, &[]);
    }
    for who in ["KALO SERVICES", "SERVICES", "KALO", "BATENO SERVICES PLUS", "KALO BATENO", "UNKNOWN SERVICES"] {
        let got: Vec<u32> = idx.agreeing(Some(who), None, 0.6).iter().map(|a| a.party).collect();
        // Brute force over every party.
        let want: Vec<u32> = (0..names.len() as u32)
            .filter(|&p| similarity(&name_tokens(who), &name_tokens(names[p as usize])) >= 0.6)
            .collect();
        assert_eq!(got, want, "{who}");
    }
}
