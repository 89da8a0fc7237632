//! Validation controls. Each lists its numbers so a reviewer sees why; a
//! failed one sends the document to review instead of the ledger.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::amount::format_amount;
use super::{Check, Field, VatLine};

fn amount(fields: &BTreeMap<String, Field>, name: &str) -> Option<Decimal> {
    fields.get(name).and_then(|f| f.value.parse().ok())
}

fn check(name: &str, passed: bool, detail: String) -> Check {
    Check { name: name.into(), passed, detail }
}

/// The controls, in a stable order. `extras` are the amounts of marks that
/// count in the total, by name.
pub(crate) fn run(fields: &BTreeMap<String, Field>, breakdown: &[VatLine], extras: &[(String, Decimal)], tol: Decimal, min_confidence: f32) -> Vec<Check> {
    let mut out = Vec::new();
    let f = format_amount;

    // net + VAT (+ marks that count) = gross
    let (net, vat, gross) = (amount(fields, "net_total"), amount(fields, "vat_total"), amount(fields, "gross_total"));
    let extra_sum: Decimal = extras.iter().map(|e| e.1).sum();
    let extra_text: String = extras.iter().map(|(n, v)| format!(" + {} ({n})", f(*v))).collect();
    out.push(match (net, vat, gross) {
        (Some(n), Some(v), Some(g)) => {
            let sum = n + v + extra_sum;
            let diff = sum - g;
            check(
                "net_plus_vat_equals_gross",
                diff.abs() <= tol,
                format!("{} + {}{} = {} (gross {}, difference {}, tolerance {})", f(n), f(v), extra_text, f(sum), f(g), f(diff), f(tol)),
            )
        }
        _ => {
            let missing: Vec<&str> = [("net_total", net), ("vat_total", vat), ("gross_total", gross)].iter().filter(|x| x.1.is_none()).map(|x| x.0).collect();
            check("net_plus_vat_equals_gross", false, format!("cannot check: {} not found", missing.join(", ")))
        }
    });

    if !breakdown.is_empty() {
        let bases: Decimal = breakdown.iter().map(|l| l.base).sum();
        let amounts: Decimal = breakdown.iter().map(|l| l.amount).sum();
        let mut parts = Vec::new();
        let mut ok = true;
        match net {
            Some(n) => {
                ok &= (bases - n).abs() <= tol;
                parts.push(format!("bases {} = {} (net {})", join(breakdown.iter().map(|l| l.base)), f(bases), f(n)));
            }
            None => parts.push(format!("bases sum to {} (no net total)", f(bases))),
        }
        match vat {
            Some(v) => {
                ok &= (amounts - v).abs() <= tol;
                parts.push(format!("amounts {} = {} (VAT {})", join(breakdown.iter().map(|l| l.amount)), f(amounts), f(v)));
            }
            None => parts.push(format!("amounts sum to {} (no VAT total)", f(amounts))),
        }
        out.push(check("vat_breakdown_sums", ok, parts.join("; ")));
        for l in breakdown {
            let expected = (l.base * l.rate / Decimal::ONE_HUNDRED).round_dp(2);
            let diff = l.amount - expected;
            out.push(check(
                "vat_base_times_rate",
                diff.abs() <= tol,
                format!("{} × {} % = {} (printed {}, difference {})", f(l.base), l.rate, f(expected), f(l.amount), f(diff)),
            ));
        }
    }

    let supplier = fields.contains_key("supplier_name") || fields.contains_key("supplier_vat_id");
    let mut missing: Vec<&str> = ["invoice_number", "invoice_date", "gross_total"].into_iter().filter(|k| !fields.contains_key(*k)).collect();
    if !supplier {
        missing.push("supplier (name or VAT id)");
    }
    out.push(if missing.is_empty() {
        check("required_fields", true, "invoice_number, invoice_date, gross_total and supplier found".into())
    } else {
        check("required_fields", false, format!("missing: {}", missing.join(", ")))
    });

    let low: Vec<String> = fields.iter().filter(|(_, v)| v.confidence < min_confidence).map(|(k, v)| format!("{k} {:.2}", v.confidence)).collect();
    out.push(if low.is_empty() {
        check("field_confidence", true, format!("every field at or above {min_confidence:.2}"))
    } else {
        check("field_confidence", false, format!("below {min_confidence:.2}: {}", low.join(", ")))
    });
    out
}

fn join(v: impl Iterator<Item = Decimal>) -> String {
    v.map(format_amount).collect::<Vec<_>>().join(" + ")
}
