use std::path::Path;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

use super::rules::parse_autojournals;
use super::*;
use crate::config::YamlDoc;

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn rec(fields: &[(&str, Value)]) -> Record {
    fields.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
}

/// A bank line as the statement import fills it; `fill` adds the match.
fn bank_line(amount: Decimal, text: &str, matched: bool) -> Source {
    let mut s = Source::new(SourceKind::BankLine);
    s.header = rec(&[
        ("date", day("2025-03-10").into()),
        ("value_date", day("2025-03-11").into()),
        ("amount", amount.into()),
        ("abs_amount", amount.abs().into()),
        ("direction", if amount.is_sign_negative() { "out" } else { "in" }.into()),
        ("text", text.into()),
        ("counterparty", "DUPONT SA".into()),
        ("reference", "REF42".into()),
        ("currency", "EUR".into()),
        ("bank_account", "512000".into()),
        ("bank_journal", "BQ".into()),
        ("matched", matched.into()),
        ("suspense_account", "471000".into()),
        ("write_off", dec!(0).into()),
        ("unallocated", dec!(0).into()),
    ]);
    s
}

fn alloc(account: &str, aux: &str, reference: &str, due: &str, amount: Decimal) -> Record {
    rec(&[
        ("account", account.into()),
        ("aux_account", aux.into()),
        ("party", "DUPONT".into()),
        ("reference", reference.into()),
        ("due_date", day(due).into()),
        ("amount", amount.into()),
    ])
}

/// A matched bank line: allocations, write-off, unallocated (all signed
/// like the bank amount; amount = Σ allocations + write_off + unallocated).
fn matched(amount: Decimal, allocs: Vec<Record>, write_off: Decimal, unallocated: Decimal) -> Source {
    let mut s = bank_line(amount, "VIR DUPONT", true);
    let customer = allocs.first().is_none_or(|a| a.get("account") == Some(&"411000".into()));
    let (party, aux) = if customer { ("411000", "C0001") } else { ("401000", "F0001") };
    s.header.insert("party_account".into(), party.into());
    s.header.insert("party_aux".into(), aux.into());
    s.header.insert("party_name".into(), "DUPONT".into());
    s.header.insert("write_off".into(), write_off.into());
    // The importer picks the account: a negative write-off is booked as a
    // debit (a loss), a positive one as a credit (a gain), whoever the party.
    let loss = write_off < Decimal::ZERO;
    s.header.insert("write_off_account".into(), if loss { "658000" } else { "758000" }.into());
    s.header.insert("unallocated".into(), unallocated.into());
    s.lists.insert("allocations".into(), allocs);
    s
}

fn builtin() -> AutoJournalRules {
    AutoJournalRules::builtin()
}

fn one(rules: &AutoJournalRules, src: &Source) -> Generated {
    let (_, mut gens) = generate(rules, src).unwrap().expect("a group applies");
    assert_eq!(gens.len(), 1, "{gens:#?}");
    gens.remove(0)
}

/// (account, aux, debit, credit) per line.
fn summary(g: &Generated) -> Vec<(String, Option<String>, Decimal, Decimal)> {
    g.lines.iter().map(|l| (l.account.clone(), l.aux_account.clone(), l.debit, l.credit)).collect()
}

fn balanced(g: &Generated) {
    let d: Decimal = g.lines.iter().map(|l| l.debit).sum();
    let c: Decimal = g.lines.iter().map(|l| l.credit).sum();
    assert_eq!(d, c, "{g:#?}");
    for l in &g.lines {
        assert!(l.debit >= Decimal::ZERO && l.credit >= Decimal::ZERO && (l.debit.is_zero() != l.credit.is_zero()), "{l:?}");
    }
}

fn s(x: &str) -> String {
    x.to_string()
}

fn aux(x: &str) -> Option<String> {
    Some(x.to_string())
}

const Z: Decimal = Decimal::ZERO;

fn load(text: &str) -> Result<AutoJournalRules, Vec<crate::config::Issue>> {
    parse_autojournals(&YamlDoc::from_text(Path::new("aj.yaml"), text))
}

fn load_err(text: &str) -> String {
    let issues = load(text).expect_err("refused");
    issues.iter().map(|i| i.to_string()).collect::<Vec<_>>().join("\n")
}

// ------------------------------------------------------ the shipped file

#[test]
fn customer_receipt_pays_two_invoices() {
    let src = matched(
        dec!(150.00),
        vec![alloc("411000", "C0001", "F10", "2025-03-01", dec!(100)), alloc("411000", "C0001", "F20", "2025-03-05", dec!(50))],
        Z,
        Z,
    );
    let (group, gens) = generate(&builtin(), &src).unwrap().unwrap();
    assert_eq!(group, "BANK");
    assert_eq!(gens.len(), 1);
    let g = &gens[0];
    assert_eq!((g.auto_journal.as_str(), g.journal.as_str(), g.label.as_str()), ("PAY", "BQ", "Règlement DUPONT REF42"));
    assert_eq!(
        summary(g),
        vec![
            (s("512000"), None, dec!(150.00), Z),
            (s("411000"), aux("C0001"), Z, dec!(100)),
            (s("411000"), aux("C0001"), Z, dec!(50)),
        ]
    );
    balanced(g);
    assert_eq!(g.lines[1].label, "Règlement F10");
    assert_eq!((g.lines[1].rule_line, g.lines[1].item, g.lines[1].due_date), (2, Some(0), Some(day("2025-03-01"))));
    assert_eq!((g.lines[2].item, g.lines[2].due_date), (Some(1), Some(day("2025-03-05"))));
    assert_eq!(g.lines[1].matching, Some(LineMatching::Invoice));
    assert_eq!(g.lines[2].matching, Some(LineMatching::Invoice));
    assert_eq!(g.lines[0].matching, None);
}

#[test]
fn supplier_payment() {
    let src = matched(dec!(-80), vec![alloc("401000", "F0001", "FA-7", "2025-02-28", dec!(-80))], Z, Z);
    let g = one(&builtin(), &src);
    assert_eq!(g.auto_journal, "PAY");
    assert_eq!(summary(&g), vec![(s("512000"), None, Z, dec!(80)), (s("401000"), aux("F0001"), dec!(80), Z)]);
    balanced(&g);
}

#[test]
fn write_offs_of_shortfall_and_excess_both_directions() {
    let rules = builtin();
    // (bank amount, allocated, write-off, account, expected write-off (debit, credit))
    let cases = [
        // Customer pays 98 for 100: 2 lost, a charge.
        ("411000", dec!(98), dec!(100), dec!(-2), "658000", (dec!(2), Z)),
        // Customer pays 102 for 100: 2 gained.
        ("411000", dec!(102), dec!(100), dec!(2), "758000", (Z, dec!(2))),
        // We pay a supplier 98 for 100: 2 gained.
        ("401000", dec!(-98), dec!(-100), dec!(2), "758000", (Z, dec!(2))),
        // We pay a supplier 102 for 100: 2 lost.
        ("401000", dec!(-102), dec!(-100), dec!(-2), "658000", (dec!(2), Z)),
    ];
    for (party, amount, allocated, write_off, account, (wd, wc)) in cases {
        let src = matched(amount, vec![alloc(party, "X1", "F1", "2025-03-01", allocated)], write_off, Z);
        let g = one(&rules, &src);
        balanced(&g);
        let (bd, bc) = if amount > Z { (amount, Z) } else { (Z, -amount) };
        let (pd, pc) = if allocated > Z { (Z, allocated) } else { (-allocated, Z) };
        assert_eq!(
            summary(&g),
            vec![(s("512000"), None, bd, bc), (s(party), aux("X1"), pd, pc), (s(account), None, wd, wc)],
            "{party} {amount}"
        );
        assert_eq!(g.lines[2].rule_line, 3);
    }
}

#[test]
fn unallocated_remainder_stays_on_the_party() {
    let src = matched(dec!(150), vec![alloc("411000", "C0001", "F10", "2025-03-01", dec!(100))], Z, dec!(50));
    let g = one(&builtin(), &src);
    assert_eq!(
        summary(&g),
        vec![(s("512000"), None, dec!(150), Z), (s("411000"), aux("C0001"), Z, dec!(100)), (s("411000"), aux("C0001"), Z, dec!(50))]
    );
    assert_eq!((g.lines[2].rule_line, g.lines[2].matching.clone()), (4, None));
}

#[test]
fn bank_fees() {
    let rules = builtin();
    for text in ["FRAIS TENUE DE COMPTE", "Cotisation carte", "AGIOS T1", "Monthly fee", "Kontoführungsgebühren 03/2025"] {
        let g = one(&rules, &bank_line(dec!(-12.50), text, false));
        assert_eq!(g.auto_journal, "FEES", "{text}");
        assert_eq!(summary(&g), vec![(s("627000"), None, dec!(12.50), Z), (s("512000"), None, Z, dec!(12.50))], "{text}");
        assert_eq!(g.label, format!("Frais bancaires {text}"));
    }
    // Not fees: money in, or a word merely containing "fee", or matched.
    for (amount, text, matched) in [(dec!(12.50), "FRAIS remboursés", false), (dec!(-5), "COFFEE SHOP", false)] {
        assert_eq!(one(&rules, &bank_line(amount, text, matched)).auto_journal, "SUSPENSE", "{text}");
    }
}

#[test]
fn unmatched_line_goes_to_suspense() {
    let rules = builtin();
    let g = one(&rules, &bank_line(dec!(40), "VIR INCONNU", false));
    assert_eq!((g.auto_journal.as_str(), g.label.as_str()), ("SUSPENSE", "En attente VIR INCONNU"));
    assert_eq!(summary(&g), vec![(s("512000"), None, dec!(40), Z), (s("471000"), None, Z, dec!(40))]);
    let g = one(&rules, &bank_line(dec!(-40.005), "PRLV INCONNU", false));
    // Rounded to cents half away from zero.
    assert_eq!(summary(&g), vec![(s("512000"), None, Z, dec!(40.01)), (s("471000"), None, dec!(40.01), Z)]);
}

#[test]
fn no_group_for_other_source_kinds() {
    let mut src = Source::new(SourceKind::Invoice);
    src.header.insert("kind".into(), "purchase".into());
    assert_eq!(generate(&builtin(), &src).unwrap(), None);
}

// ------------------------------------------------------- custom rules

const SKIP: &str = r#"
groups:
  - code: G
    source: bank_line
    journals:
      - code: A
        journal: BQ
        lines:
          - {account: "{bank_account}", side: debit, amount: write_off}
          - {account: "658000", side: credit, amount: write_off, when: "write_off != 0"}
      - code: B
        journal: OD
        label: "{missing_label_field_is_null}"
        lines:
          - {account: "512000", side: debit, amount: amount}
          - {account: "471000", side: credit, amount: amount}
"#;

#[test]
fn a_journal_whose_lines_are_all_skipped_is_not_created() {
    // `missing_label_field_is_null` is not a bank_line field: refused at load.
    let e = load_err(SKIP);
    assert!(e.contains("unknown field `missing_label_field_is_null`") && e.contains("known fields: date, value_date"), "{e}");
    let rules = load(&SKIP.replace("{missing_label_field_is_null}", "{counterparty}")).unwrap();
    let (_, gens) = generate(&rules, &bank_line(dec!(10), "X", false)).unwrap().unwrap();
    assert_eq!(gens.iter().map(|g| g.auto_journal.as_str()).collect::<Vec<_>>(), ["B"]);
    assert_eq!(gens[0].label, "DUPONT SA");
    // With a null field the label renders empty.
    let mut src = bank_line(dec!(10), "X", false);
    src.header.remove("counterparty");
    let (_, gens) = generate(&rules, &src).unwrap().unwrap();
    assert_eq!(gens[0].label, "");
}

#[test]
fn eleven_journals_are_refused() {
    let mut text = String::from("groups:\n  - code: BIG\n    source: bank_line\n    journals:\n");
    for i in 0..11 {
        text.push_str(&format!(
            "      - code: J{i}\n        journal: BQ\n        lines:\n          - {{account: \"512000\", side: debit, amount: amount}}\n"
        ));
    }
    let e = load_err(&text);
    assert!(e.starts_with("aj.yaml:4:5: groups[0].journals: group `BIG` has 11 journals; a group holds one to 10"), "{e}");
    // Ten are fine.
    let ten: String = text.lines().take(4 + 40).collect::<Vec<_>>().join("\n");
    assert_eq!(load(&ten).unwrap().groups[0].journals.len(), 10);
}

const TRANSFER: &str = r#"
groups:
  - code: TR
    source: bank_line
    when: "direction == 'out'"
    journals:
      - code: TRF
        journal: BQ
        lines:
          - {account: "{bank_account}", side: debit, amount: amount}
          - {account: "580000", side: credit, amount: amount}
      - code: TRF2
        journal: BQ2
        lines:
          - {account: "580000", side: debit, amount: abs_amount}
          - {account: "512100", side: credit, amount: abs_amount}
    matching:
      - {journal: TRF, line: 2, with: {journal: TRF2, line: 1}}
"#;

#[test]
fn matching_grid_with_a_pointer() {
    let rules = load(TRANSFER).unwrap();
    let (group, gens) = generate(&rules, &bank_line(dec!(-500), "VIR INTERNE", false)).unwrap().unwrap();
    assert_eq!(group, "TR");
    assert_eq!(gens.len(), 2);
    assert_eq!(summary(&gens[0]), vec![(s("512000"), None, Z, dec!(500)), (s("580000"), None, dec!(500), Z)]);
    assert_eq!(gens[0].lines[1].matching, Some(LineMatching::Pointer { auto_journal: "TRF2".into(), line: 1 }));
    assert_eq!(gens[1].journal, "BQ2");
    balanced(&gens[1]);
    // The group's `when` fails for money in: no group applies.
    assert_eq!(generate(&rules, &bank_line(dec!(500), "VIR", false)).unwrap(), None);
}

#[test]
fn matching_grid_is_validated() {
    let bad = TRANSFER.replace(
        "      - {journal: TRF, line: 2, with: {journal: TRF2, line: 1}}\n",
        "      - {journal: TRF, line: 3, invoice: true}\n      - {journal: NOPE, line: 1, invoice: true}\n      - {journal: TRF, line: 1}\n      - {journal: TRF, line: 2, invoice: true, with: {journal: TRF2, line: 1}}\n      - {journal: TRF2, line: 2, with: {journal: TRF2, line: 7}}\n",
    );
    let e = load_err(&bad);
    for want in [
        "journal `TRF` has lines 1 to 2; there is no line 3",
        "no journal `NOPE` in group `TR`; its journals: TRF, TRF2",
        "say what to match with: `invoice: true`",
        "not both",
        "journal `TRF2` has lines 1 to 2; there is no line 7",
    ] {
        assert!(e.contains(want), "{want}\n{e}");
    }
    assert_eq!(e.lines().count(), 5, "{e}");
}

#[test]
fn unbalanced_rules_name_both_totals() {
    let rules = load(&TRANSFER.replace("amount: abs_amount}\n    matching", "amount: \"abs_amount - 1\"}\n    matching")).unwrap();
    let err = generate(&rules, &bank_line(dec!(-500), "VIR", false)).unwrap_err();
    assert_eq!(err, AutoJournalError::Unbalanced { group: "TR".into(), auto_journal: "TRF2".into(), debit: dec!(500), credit: dec!(499) });
    let msg = err.to_string();
    assert!(msg.contains("group TR, journal TRF2 does not balance: debit 500, credit 499"), "{msg}");
}

#[test]
fn evaluation_errors_name_the_expression() {
    let rules = load(&TRANSFER.replace("amount: abs_amount}\n    matching", "amount: \"text + 1\"}\n    matching")).unwrap();
    let msg = generate(&rules, &bank_line(dec!(-500), "VIR", false)).unwrap_err().to_string();
    assert!(msg.contains("group TR, journal TRF2 line 2: cannot add a string and a number at column 6 in `text + 1`"), "{msg}");
    let rules = load(&TRANSFER.replace("amount: abs_amount}\n    matching", "amount: text}\n    matching")).unwrap();
    let msg = generate(&rules, &bank_line(dec!(-500), "VIR", false)).unwrap_err().to_string();
    assert!(msg.contains("amount `text` gives the string 'VIR', not a number"), "{msg}");
}

#[test]
fn load_time_errors_are_located_and_complete() {
    let text = r#"groups:
  - code: G
    source: bank_line
    vars:
      a: "b + 1"
      b: "amount * 2"
    journals:
      - code: J
        journal: BQ
        lines:
          - account: "{item.account}"
            side: debit
            amount: "amount +"
          - account: "{bank_account"
            side: credit
            amount: item.amount
            per: allocation
          - account: "512000"
            side: credit
            amount: "text =~ '(unclosed'"
          - account: "512000"
            side: credit
            amount: "item.nope"
            per: allocations
"#;
    let e = load_err(text);
    let want = [
        "aj.yaml:5:7: groups[0].vars.a: var `b` at column 1 in `b + 1` is defined below this one; move it up",
        "aj.yaml:11:13: groups[0].journals[0].lines[0].account: `item.account` at column 2 in `{item.account}`: `item.` only exists in a line with `per: <list>`",
        "aj.yaml:13:13: groups[0].journals[0].lines[0].amount: expected a value (a field, a number, a 'string', a function), found the end at column 9 in `amount +`",
        "aj.yaml:14:13: groups[0].journals[0].lines[1].account: expected the closing `}` of this placeholder at column 1 in `{bank_account`",
        "aj.yaml:17:13: groups[0].journals[0].lines[1].per: unknown list `allocation`; this source has: allocations",
        "aj.yaml:20:13: groups[0].journals[0].lines[2].amount: expected a valid regex, '(unclosed' is not",
        "aj.yaml:23:13: groups[0].journals[0].lines[3].amount: unknown field `item.nope` at column 1 in `item.nope`; the items of `allocations` have: account, aux_account, party, reference, due_date, amount",
    ];
    for w in want {
        assert!(e.contains(w), "missing: {w}\n---\n{e}");
    }
    assert_eq!(e.lines().count(), want.len(), "{e}");
    // Unknown keys and bad sides come from serde, located too.
    let e = load_err("groups:\n  - code: G\n    source: bank_line\n    journals:\n      - code: J\n        journal: BQ\n        lines:\n          - {account: 1, side: left, amount: amount}\n");
    assert!(e.starts_with("aj.yaml:8:"), "{e}");
    assert!(e.contains("unknown variant `left`"), "{e}");
}

// ------------------------------------------------------------ invoices

const INVOICES: &str = r#"
groups:
  - code: INV
    source: invoice
    when: "kind == 'purchase'"
    journals:
      - code: PUR
        label: "{party} {number}"
        journal: "{journal}"
        lines:
          - {account: "{expense_account}", label: "{party} {number}", side: debit, amount: net_total}
          - account: "{item.vat_account}"
            label: "TVA {item.rate}% {number}"
            side: debit
            amount: item.vat
            per: vat_rates
          - account: "{party_account}"
            aux_account: "{party_aux}"
            label: "{party} {number} éch. {item.due_date}"
            side: credit
            amount: item.amount
            per: due_dates
            due_date: item.due_date
          - account: "{item.code}"
            side: debit
            amount: 0
            per: analytic
"#;

fn invoice(sign: Decimal) -> Source {
    let mut s = Source::new(SourceKind::Invoice);
    s.header = rec(&[
        ("kind", "purchase".into()),
        ("credit_note", (sign < Z).into()),
        ("date", day("2025-03-01").into()),
        ("number", "FA-12".into()),
        ("party", "ACME".into()),
        ("party_account", "401000".into()),
        ("party_aux", "FACME".into()),
        ("expense_account", "606100".into()),
        ("net_total", (dec!(300) * sign).into()),
        ("vat_total", (dec!(25.50) * sign).into()),
        ("gross_total", (dec!(325.50) * sign).into()),
        ("journal", "HA".into()),
    ]);
    s.lists.insert(
        "vat_rates".into(),
        vec![
            rec(&[("rate", dec!(20).into()), ("base", (dec!(100) * sign).into()), ("vat", (dec!(20) * sign).into()), ("vat_account", "445660".into())]),
            rec(&[("rate", dec!(5.5).into()), ("base", (dec!(100) * sign).into()), ("vat", (dec!(5.5) * sign).into()), ("vat_account", "445662".into())]),
            // A zero-rated base: no VAT line.
            rec(&[("rate", dec!(0).into()), ("base", (dec!(100) * sign).into()), ("vat", dec!(0).into()), ("vat_account", "445660".into())]),
        ],
    );
    s.lists.insert(
        "due_dates".into(),
        vec![
            rec(&[("due_date", day("2025-03-31").into()), ("amount", (dec!(162.75) * sign).into())]),
            rec(&[("due_date", day("2025-04-30").into()), ("amount", (dec!(162.75) * sign).into())]),
        ],
    );
    s
}

#[test]
fn invoice_lines_per_vat_rate_and_per_due_date() {
    let rules = load(INVOICES).unwrap();
    let g = one(&rules, &invoice(dec!(1)));
    assert_eq!((g.journal.as_str(), g.label.as_str()), ("HA", "ACME FA-12"));
    assert_eq!(
        summary(&g),
        vec![
            (s("606100"), None, dec!(300), Z),
            (s("445660"), None, dec!(20), Z),
            (s("445662"), None, dec!(5.50), Z),
            (s("401000"), aux("FACME"), Z, dec!(162.75)),
            (s("401000"), aux("FACME"), Z, dec!(162.75)),
        ]
    );
    balanced(&g);
    assert_eq!(g.lines[2].label, "TVA 5.5% FA-12");
    assert_eq!(g.lines[3].label, "ACME FA-12 éch. 2025-03-31");
    assert_eq!(g.lines.iter().map(|l| (l.rule_line, l.item)).collect::<Vec<_>>(), [(1, None), (2, Some(0)), (2, Some(1)), (3, Some(0)), (3, Some(1))]);
    assert_eq!(g.lines[4].due_date, Some(day("2025-04-30")));
    // A credit note, signed negative, books on the other sides.
    let c = one(&rules, &invoice(dec!(-1)));
    assert_eq!(summary(&c)[0], (s("606100"), None, Z, dec!(300)));
    assert_eq!(summary(&c)[3], (s("401000"), aux("FACME"), dec!(162.75), Z));
    balanced(&c);
}

// ---------------------------------------------------------- expressions

fn env_record() -> Record {
    rec(&[
        ("amount", dec!(-12.50).into()),
        ("text", "Frais Tenue Compte".into()),
        ("direction", "out".into()),
        ("matched", false.into()),
        ("date", day("2025-01-31").into()),
        ("due", day("2025-03-02").into()),
        ("zero", dec!(0).into()),
        ("empty", "".into()),
        ("null_field", Value::Null),
    ])
}

fn ev(src: &str) -> Value {
    let h = env_record();
    let vars = Record::new();
    let item = rec(&[("account", "411000".into()), ("amount", dec!(7).into())]);
    let env = Env { header: &h, vars: &vars, item: Some(&item) };
    Expression::parse(src).unwrap_or_else(|e| panic!("{e}")).eval(&env).unwrap_or_else(|e| panic!("{e}"))
}

fn num(d: Decimal) -> Value {
    Value::Num(d)
}

fn t(b: bool) -> Value {
    Value::Bool(b)
}

fn parse_err(src: &str) -> String {
    Expression::parse(src).expect_err(src).to_string()
}

fn eval_err(src: &str) -> String {
    let h = env_record();
    let vars = Record::new();
    Expression::parse(src).unwrap().eval(&Env { header: &h, vars: &vars, item: None }).expect_err(src).to_string()
}

#[test]
fn precedence() {
    assert_eq!(ev("1 + 2 * 3"), num(dec!(7)));
    assert_eq!(ev("(1 + 2) * 3"), num(dec!(9)));
    assert_eq!(ev("10 - 4 - 3"), num(dec!(3)));
    assert_eq!(ev("-2 * 3"), num(dec!(-6)));
    assert_eq!(ev("- amount"), num(dec!(12.50)));
    assert_eq!(ev("12 / 8"), num(dec!(1.5)));
    assert_eq!(ev("1 + 2 * 3 == 7 and not 1 > 2"), t(true));
    assert_eq!(ev("true or false and false"), t(true));
    assert_eq!(ev("not true or true"), t(true));
    assert_eq!(ev("not (true or true)"), t(false));
    assert_eq!(ev("not 1 == 2"), t(true));
    assert_eq!(ev("direction == 'out' and amount < 0 and not matched"), t(true));
}

#[test]
fn null_semantics_and_truthiness() {
    for e in ["missing == null", "null_field == null", "null == missing", "amount != null"] {
        assert_eq!(ev(e), t(true), "{e}");
    }
    for e in [
        "missing != null",
        "missing == 'x'",
        "missing != 'x'",
        "missing < 3",
        "missing >= 3",
        "missing =~ 'x'",
        "missing !~ 'x'",
        "missing in ['a']",
        "contains(missing, 'a')",
        "missing",
        "zero",
        "empty",
        "0",
        "''",
    ] {
        assert!(!Expression::parse(e).unwrap().test(&Env { header: &env_record(), vars: &Record::new(), item: None }).unwrap(), "{e}");
    }
    assert_eq!(ev("missing + 1"), Value::Null);
    assert_eq!(ev("-missing * 2"), Value::Null);
    assert_eq!(ev("not missing"), t(true));
    assert_eq!(ev("abs(missing)"), Value::Null);
    assert_eq!(ev("coalesce(missing, null_field, 'x', 'y')"), Value::Str("x".into()));
    assert_eq!(ev("date"), Value::Date(day("2025-01-31")));
}

#[test]
fn regex_and_in() {
    assert_eq!(ev("text =~ '(?i)frais|agios'"), t(true));
    assert_eq!(ev("text =~ 'frais'"), t(false));
    assert_eq!(ev("text !~ 'frais'"), t(true));
    assert_eq!(ev(r"text =~ '^\w+ Tenue'"), t(true));
    assert_eq!(ev("direction in ['in', 'out']"), t(true));
    assert_eq!(ev("direction not in ['in', 'out']"), t(false));
    assert_eq!(ev("amount in [1, -12.5]"), t(true));
    assert_eq!(ev("'it''s'"), Value::Str("it's".into()));
    assert_eq!(ev(r#""say ""hi""""#), Value::Str(r#"say "hi""#.into()));
    let e = parse_err("text =~ '(?i)(frais'");
    assert!(e.starts_with("expected a valid regex, '(?i)(frais' is not (") && e.ends_with("at column 9 in `text =~ '(?i)(frais'`"), "{e}");
    assert_eq!(parse_err("text =~ amount"), "expected a regex in quotes after `=~`, e.g. '(?i)frais', found `amount` at column 9 in `text =~ amount`");
    assert_eq!(parse_err("a in 'b'"), "expected `[` to open the list after `in`, e.g. in ['a', 'b'], found the string 'b' at column 6 in `a in 'b'`");
}

#[test]
fn functions_and_dates() {
    assert_eq!(ev("abs(amount)"), num(dec!(12.50)));
    assert_eq!(ev("sign(amount)"), num(dec!(-1)));
    assert_eq!(ev("sign(zero)"), num(dec!(0)));
    assert_eq!(ev("lower(text)"), Value::Str("frais tenue compte".into()));
    assert_eq!(ev("upper('é')"), Value::Str("É".into()));
    assert_eq!(ev("contains(lower(text), 'tenue')"), t(true));
    assert_eq!(ev("starts_with(text, 'Tenue')"), t(false));
    assert_eq!(ev("days(date, due)"), num(dec!(30)));
    assert_eq!(ev("days(due, date)"), num(dec!(-30)));
    assert_eq!(ev("round(2.345, 2)"), num(dec!(2.35)));
    assert_eq!(ev("round(-2.345, 2)"), num(dec!(-2.35)));
    assert_eq!(ev("round(10 / 3, 2)"), num(dec!(3.33)));
    assert_eq!(ev("date < date('2025-02-01') and date >= date('2025-01-31')"), t(true));
    assert_eq!(ev("date + 30"), Value::Date(day("2025-03-02")));
    assert_eq!(ev("due - 30 == date"), t(true));
    assert_eq!(ev("date + 1.00"), Value::Date(day("2025-02-01")));
    assert_eq!(ev("round(1.005, 2.0)"), num(dec!(1.01)));
    assert_eq!(ev("item.account"), Value::Str("411000".into()));
    assert_eq!(ev("item.amount * 2"), num(dec!(14)));
    assert_eq!(ev("item.missing"), Value::Null);
}

#[test]
fn parse_errors_give_the_column() {
    assert_eq!(parse_err("amount +"), "expected a value (a field, a number, a 'string', a function), found the end at column 9 in `amount +`");
    assert_eq!(parse_err("(amount + 1"), "expected `)` to close the `(`, found the end at column 12 in `(amount + 1`");
    assert_eq!(parse_err("amount 1"), "expected an operator or the end, found the number 1 at column 8 in `amount 1`");
    assert_eq!(parse_err("a = b"), "unexpected character `=` at column 3 in `a = b`; compare with `==`");
    assert_eq!(parse_err("a && b"), "unexpected character `&` at column 3 in `a && b`; write `and`, `or`, `not`");
    assert_eq!(parse_err("'open"), "expected the closing ' of the string opened at column 1 in `'open`; to put a ' inside the string, double it");
    assert!(parse_err("foo(1)").starts_with("unknown function `foo` at column 1 in `foo(1)`; known functions: date, abs, sign"));
    assert_eq!(parse_err("abs(1, 2)"), "expected 1 argument(s) for abs(…), found 2 at column 1 in `abs(1, 2)`");
    assert_eq!(parse_err("coalesce()"), "expected at least 1 argument(s) for coalesce(…), found 0 at column 1 in `coalesce()`");
    assert_eq!(parse_err("date('2025-13-01')"), "expected a date like '2025-01-31' inside date(…), found the string '2025-13-01' at column 6 in `date('2025-13-01')`");
    assert_eq!(parse_err("a.b"), "expected a field name or item.<field>, found `a.b` at column 1 in `a.b`");
    assert_eq!(parse_err("1 and or"), "expected a value, found the keyword `or` at column 7 in `1 and or`");
    // Unicode columns count characters, not bytes.
    assert_eq!(parse_err("'é' +"), "expected a value (a field, a number, a 'string', a function), found the end at column 6 in `'é' +`");
}

#[test]
fn evaluation_type_errors() {
    assert_eq!(eval_err("'a' + 1"), "cannot add a string and a number at column 5 in `'a' + 1`");
    assert_eq!(eval_err("text > 1"), "cannot compare a string with a number at column 6 in `text > 1`");
    assert_eq!(eval_err("amount / zero"), "division by zero at column 8 in `amount / zero`");
    assert_eq!(eval_err("date - due"), "cannot subtract a date and a date; use days(d1, d2) at column 6 in `date - due`");
    assert_eq!(eval_err("abs(text)"), "abs(…) needs a number, found a string at column 1 in `abs(text)`");
    assert_eq!(eval_err("amount =~ 'x'"), "a regex match needs a string on its left, found a number at column 8 in `amount =~ 'x'`");
    assert_eq!(eval_err("date + 1.5"), "a date moves by a whole number of days, not 1.5 at column 6 in `date + 1.5`");
}

#[test]
fn templates() {
    let h = env_record();
    let vars = rec(&[("is_fee", true.into())]);
    let item = rec(&[("account", "411000".into())]);
    let env = Env { header: &h, vars: &vars, item: Some(&item) };
    let r = |src: &str| Template::parse(src).unwrap_or_else(|e| panic!("{e}")).render(&env).unwrap();
    assert_eq!(r("627000"), "627000");
    assert_eq!(Template::parse("627000").unwrap().literal(), Some("627000"));
    assert_eq!(Template::parse("{text}").unwrap().literal(), None);
    assert_eq!(r("Paiement {direction} {missing} {amount}"), "Paiement out  -12.50");
    assert_eq!(r("{item.account}"), "411000");
    assert_eq!(r("{date} {is_fee}"), "2025-01-31 true");
    assert_eq!(r("{{literal}} {upper(direction)}"), "{literal} OUT");
    assert_eq!(r(""), "");
    let f = Template::parse("Paiement {counterparty} {item.reference}").unwrap();
    let refs: Vec<(String, usize)> = f.fields().iter().map(|f| (f.to_string(), f.col)).collect();
    assert_eq!(refs, [("counterparty".to_string(), 11), ("item.reference".to_string(), 26)]);
    let e = Template::parse("Paiement {counterparty").unwrap_err().to_string();
    assert_eq!(e, "expected the closing `}` of this placeholder at column 10 in `Paiement {counterparty`; write `{{` for a literal brace");
    let e = Template::parse("a {b +} c").unwrap_err().to_string();
    assert_eq!(e, "expected a value (a field, a number, a 'string', a function), found the end at column 7 in `a {b +} c`");
    assert!(Template::parse("a } b").is_err());
}
