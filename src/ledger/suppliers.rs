//! `rules/suppliers.yaml`: the dictionary of suppliers (and customers) and
//! the lookup from an invoice's identifiers to its entry.

use std::collections::HashMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::accounts::{account_problem, AccountsRules};
use super::ids::{compact, iban_problem, normalize_name, siren_of_fr_vat, siret_problem, vat_problem};
use super::posting::InvoiceFacts;
use crate::config::{Issue, YamlDoc};

/// The builtin dictionary: the commented example file shipped in `rules/`.
pub const BUILTIN_SUPPLIERS_YAML: &str = include_str!("../../rules/suppliers.yaml");

/// How VAT applies to a supplier's invoices.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum VatRegime {
    /// VAT on the invoice, deducted per rate.
    #[default]
    Normal,
    /// No VAT on the invoice; the buyer self-assesses it.
    IntraEuReverseCharge,
    /// No VAT at all.
    Exempt,
}

/// One dictionary entry. Identifiers are stored compacted (uppercase, no
/// spaces) after parsing.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Supplier {
    pub name: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub vat_id: Option<String>,
    /// SIRET (14 digits) or SIREN (9 digits).
    #[serde(default)]
    pub siret: Option<String>,
    #[serde(default)]
    pub iban: Option<String>,
    #[serde(default)]
    pub aux_account: Option<String>,
    #[serde(default)]
    pub expense_account: Option<String>,
    /// For a customer: the revenue account of sales invoices.
    #[serde(default)]
    pub revenue_account: Option<String>,
    #[serde(default)]
    pub vat_regime: VatRegime,
}

impl Supplier {
    /// The SIREN from the SIRET, else from a French VAT id.
    pub fn siren(&self) -> Option<&str> {
        self.siret.as_deref().map(|s| &s[..9.min(s.len())]).or_else(|| self.vat_id.as_deref().and_then(siren_of_fr_vat))
    }
}

/// Which identifier matched an invoice to a dictionary entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum MatchKey {
    VatId,
    Siret,
    Siren,
    Iban,
    Name,
}

impl MatchKey {
    pub fn describe(self) -> &'static str {
        match self {
            MatchKey::VatId => "VAT id",
            MatchKey::Siret => "SIRET",
            MatchKey::Siren => "SIREN",
            MatchKey::Iban => "IBAN",
            MatchKey::Name => "name",
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SuppliersFile {
    /// `suppliers:` left empty is an empty list.
    #[serde(default)]
    suppliers: Option<Vec<Supplier>>,
}

/// The dictionary with its lookup indexes.
#[derive(Debug, Clone, Default)]
pub struct SupplierDirectory {
    pub suppliers: Vec<Supplier>,
    by_vat: HashMap<String, usize>,
    by_siret: HashMap<String, usize>,
    by_siren: HashMap<String, usize>,
    by_iban: HashMap<String, usize>,
    by_name: HashMap<String, usize>,
    /// Kept to locate problems found later (`check_against`).
    source: Option<YamlDoc>,
}

/// Parse and validate `rules/suppliers.yaml`.
pub fn parse_suppliers(doc: &YamlDoc) -> Result<SupplierDirectory, Vec<Issue>> {
    // An empty file is an empty dictionary.
    let file: SuppliersFile = if doc.text.lines().all(|l| l.trim().is_empty() || l.trim_start().starts_with('#')) {
        SuppliersFile { suppliers: None }
    } else {
        doc.parse().map_err(|i| vec![i])?
    };
    let mut issues = Vec::new();
    let mut dir = SupplierDirectory { source: Some(doc.clone()), ..Default::default() };
    for (i, mut s) in file.suppliers.unwrap_or_default().into_iter().enumerate() {
        let at = |key: &str| format!("suppliers[{i}].{key}");
        let mut problem = |key: &str, msg: String| issues.push(doc.issue_at(&at(key), msg));
        if s.name.trim().is_empty() {
            problem("name", "the supplier needs a name".into());
        }
        s.vat_id = s.vat_id.as_deref().map(compact).filter(|v| !v.is_empty());
        s.siret = s.siret.as_deref().map(compact).filter(|v| !v.is_empty());
        s.iban = s.iban.as_deref().map(compact).filter(|v| !v.is_empty());
        if let Some(m) = s.vat_id.as_deref().and_then(vat_problem) {
            problem("vat_id", m);
        }
        if let Some(m) = s.siret.as_deref().and_then(siret_problem) {
            problem("siret", m);
        }
        if let Some(m) = s.iban.as_deref().and_then(iban_problem) {
            problem("iban", m);
        }
        if let (Some(siret), Some(vat_siren)) = (s.siret.as_deref(), s.vat_id.as_deref().and_then(siren_of_fr_vat)) {
            if !siret.starts_with(vat_siren) {
                problem("siret", format!("SIRET {siret} does not belong to the SIREN {vat_siren} of VAT id {}; one of them is wrong", s.vat_id.as_deref().unwrap_or("")));
            }
        }
        if let Some(a) = &s.aux_account {
            if a.is_empty() || a.len() > 17 || !a.bytes().all(|b| b.is_ascii_alphanumeric()) {
                problem("aux_account", format!("auxiliary account `{a}` must be 1 to 17 letters or digits, e.g. FDURAND"));
            }
        }
        for key in ["expense_account", "revenue_account"] {
            let v = if key == "expense_account" { &s.expense_account } else { &s.revenue_account };
            if let Some(m) = v.as_deref().and_then(account_problem) {
                problem(key, m);
            }
        }

        // Lookup keys: one supplier per key.
        let name_keys: Vec<(String, String)> = std::iter::once(("name".to_string(), s.name.clone()))
            .chain(s.aliases.iter().enumerate().map(|(k, a)| (format!("aliases[{k}]"), a.clone())))
            .collect();
        let mut own_names = Vec::new();
        for (key, n) in name_keys {
            let norm = normalize_name(&n);
            if norm.is_empty() {
                problem(&key, format!("`{n}` has nothing left to compare once punctuation and legal forms are removed; write the company's distinctive name"));
                continue;
            }
            if own_names.contains(&norm) {
                continue;
            }
            own_names.push(norm.clone());
            index(&mut dir.by_name, norm, i, &dir.suppliers, &mut problem, &key, "name");
        }
        if let Some(v) = s.vat_id.clone() {
            index(&mut dir.by_vat, v, i, &dir.suppliers, &mut problem, "vat_id", "VAT id");
        }
        if let Some(v) = s.siret.clone() {
            // A 9-digit value is a SIREN: still one entry per value.
            index(&mut dir.by_siret, v, i, &dir.suppliers, &mut problem, "siret", "SIRET");
        }
        if let Some(v) = s.iban.clone() {
            index(&mut dir.by_iban, v, i, &dir.suppliers, &mut problem, "iban", "IBAN");
        }
        // Establishments of one company share a SIREN: first entry wins,
        // never an error.
        if let Some(siren) = s.siren() {
            dir.by_siren.entry(siren.to_string()).or_insert(i);
        }
        dir.suppliers.push(s);
    }
    if issues.is_empty() { Ok(dir) } else { Err(issues) }
}

fn index(
    map: &mut HashMap<String, usize>,
    key: String,
    i: usize,
    suppliers: &[Supplier],
    problem: &mut impl FnMut(&str, String),
    field: &str,
    what: &str,
) {
    if let Some(&j) = map.get(&key) {
        if j != i {
            problem(field, format!("{what} `{key}` is already used by suppliers[{j}] ({}); merge the two entries or fix one", suppliers[j].name));
        }
    } else {
        map.insert(key, i);
    }
}

impl SupplierDirectory {
    /// The example dictionary shipped in `rules/suppliers.yaml`, compiled in.
    pub fn builtin() -> SupplierDirectory {
        let doc = YamlDoc::from_text(Path::new("rules/suppliers.yaml"), BUILTIN_SUPPLIERS_YAML);
        parse_suppliers(&doc).expect("the builtin rules/suppliers.yaml is valid (tested)")
    }

    /// An empty dictionary: every supplier is unknown.
    pub fn empty() -> SupplierDirectory {
        SupplierDirectory::default()
    }

    /// The entry for this invoice's issuer: by VAT id, then SIRET (or its
    /// SIREN), then IBAN, then name or alias.
    pub fn resolve(&self, facts: &InvoiceFacts) -> Option<&Supplier> {
        self.resolve_with_key(facts).map(|(s, _)| s)
    }

    /// `resolve`, also saying which identifier matched.
    pub fn resolve_with_key(&self, facts: &InvoiceFacts) -> Option<(&Supplier, MatchKey)> {
        let vat = facts.supplier_vat_id.as_deref().map(compact).filter(|v| !v.is_empty());
        let siret = facts.supplier_siret.as_deref().map(compact).filter(|v| !v.is_empty());
        let iban = facts.iban.as_deref().map(compact).filter(|v| !v.is_empty());
        let hit = |map: &HashMap<String, usize>, k: &str, key: MatchKey| map.get(k).map(|&i| (&self.suppliers[i], key));

        if let Some(h) = vat.as_deref().and_then(|v| hit(&self.by_vat, v, MatchKey::VatId)) {
            return Some(h);
        }
        if let Some(s) = siret.as_deref() {
            if let Some(h) = hit(&self.by_siret, s, MatchKey::Siret) {
                return Some(h);
            }
        }
        let sirens = siret.as_deref().filter(|s| s.len() >= 9).map(|s| s[..9].to_string()).into_iter().chain(vat.as_deref().and_then(siren_of_fr_vat).map(str::to_string));
        for siren in sirens {
            if let Some(h) = hit(&self.by_siren, &siren, MatchKey::Siren) {
                return Some(h);
            }
        }
        if let Some(h) = iban.as_deref().and_then(|v| hit(&self.by_iban, v, MatchKey::Iban)) {
            return Some(h);
        }
        let name = facts.supplier_name.as_deref().map(normalize_name).filter(|n| !n.is_empty())?;
        hit(&self.by_name, &name, MatchKey::Name)
    }

    /// Problems that need the accounts rules too: an expense or revenue
    /// account with no label in the chart (not even a parent's).
    pub fn check_against(&self, accounts: &AccountsRules) -> Vec<Issue> {
        let mut out = Vec::new();
        for (i, s) in self.suppliers.iter().enumerate() {
            for (key, acc) in [("expense_account", &s.expense_account), ("revenue_account", &s.revenue_account)] {
                let Some(acc) = acc else { continue };
                if accounts.label(acc).is_none() {
                    let msg = format!("account {acc} has no label in the accounts chart (nor a parent account): add it under `chart` in accounts.yaml");
                    out.push(match &self.source {
                        Some(doc) => doc.issue_at(&format!("suppliers[{i}].{key}"), msg),
                        None => Issue { file: "suppliers.yaml".into(), line: 1, col: 1, message: msg },
                    });
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::posting::tests::facts;

    fn parse(text: &str) -> Result<SupplierDirectory, Vec<Issue>> {
        parse_suppliers(&YamlDoc::from_text(Path::new("rules/suppliers.yaml"), text))
    }

    #[test]
    fn builtin_parses() {
        let d = SupplierDirectory::builtin();
        assert_eq!(d.suppliers.len(), 5);
        assert_eq!(d.suppliers[0].iban.as_deref(), Some("FR7030004008190001234567890"));
        assert_eq!(d.suppliers[2].vat_regime, VatRegime::IntraEuReverseCharge);
        assert!(d.check_against(&AccountsRules::builtin()).is_empty());
        assert!(parse("# nothing yet\n").unwrap().suppliers.is_empty());
        assert!(parse("suppliers: []\n").unwrap().suppliers.is_empty());
        assert!(parse("# to fill\nsuppliers:\n").unwrap().suppliers.is_empty());
    }

    #[test]
    fn resolves_by_each_key_in_order() {
        let d = SupplierDirectory::builtin();
        let mut f = facts();
        let who = |f: &InvoiceFacts| d.resolve_with_key(f).map(|(s, k)| (s.name.clone(), k));
        f.supplier_name = Some("Someone Else".into());

        f.supplier_vat_id = Some("fr 05 487 123 457".into());
        assert_eq!(who(&f), Some(("Papeterie Durand SARL".into(), MatchKey::VatId)));
        f.supplier_vat_id = None;

        f.supplier_siret = Some("794 512 368 00018".into());
        assert_eq!(who(&f), Some(("Électricité Martin SAS".into(), MatchKey::Siret)));
        // Another establishment of the same company: by SIREN.
        f.supplier_siret = Some("79451236800026".into());
        assert_eq!(who(&f), Some(("Électricité Martin SAS".into(), MatchKey::Siren)));
        f.supplier_siret = None;
        // The SIREN inside a French VAT id the dictionary doesn't list.
        f.supplier_vat_id = Some("FR05794512368".into());
        assert_eq!(who(&f), Some(("Électricité Martin SAS".into(), MatchKey::Siren)));
        f.supplier_vat_id = None;

        f.iban = Some("FR58 1027 8020 0000 0201 2345 678".into());
        assert_eq!(who(&f), Some(("Électricité Martin SAS".into(), MatchKey::Iban)));
        f.iban = None;

        f.supplier_name = Some("PAPETERIE DURAND ET FILS, S.A.R.L.".into());
        assert_eq!(who(&f), Some(("Papeterie Durand SARL".into(), MatchKey::Name)));
        f.supplier_name = Some("electricite martin".into());
        assert_eq!(who(&f), Some(("Électricité Martin SAS".into(), MatchKey::Name)));
        f.supplier_name = Some("becker software ltd".into());
        assert_eq!(who(&f), Some(("Softwarehaus Becker GmbH".into(), MatchKey::Name)));

        // VAT id wins over a name pointing elsewhere.
        f.supplier_vat_id = Some("FR69412876542".into());
        assert_eq!(who(&f), Some(("Hôtel du Parc SA".into(), MatchKey::VatId)));

        f.supplier_vat_id = Some("FR40303265045".into());
        f.supplier_name = Some("Unknown Ltd".into());
        assert_eq!(who(&f), None);
    }

    #[test]
    fn bad_values_are_located() {
        let text = "suppliers:\n  - name: A\n    vat_id: FR41303265045\n  - name: B\n    siret: \"30326504600012\"\n    iban: FR7630006000011234567890188\n  - name: C SAS\n    aliases: [a]\n    aux_account: F-C\n    expense_account: 6O6\n";
        let issues = parse(text).unwrap_err();
        let got: Vec<String> = issues.iter().map(|i| i.to_string()).collect();
        let has = |prefix: &str, word: &str| got.iter().any(|m| m.starts_with(prefix) && m.contains(word));
        assert!(has("rules/suppliers.yaml:3:5:", "key should be 40"), "{got:#?}");
        assert!(has("rules/suppliers.yaml:5:5:", "Luhn"), "{got:#?}");
        assert!(has("rules/suppliers.yaml:6:5:", "mod 97"), "{got:#?}");
        assert!(has("rules/suppliers.yaml:8:", "already used by suppliers[0] (A)"), "{got:#?}");
        assert!(has("rules/suppliers.yaml:9:5:", "17 letters"), "{got:#?}");
        assert!(has("rules/suppliers.yaml:10:5:", "digits"), "{got:#?}");
    }

    #[test]
    fn duplicate_keys_are_refused() {
        let text = "suppliers:\n  - name: Acme\n    vat_id: FR40303265045\n  - name: Acme Bis\n    vat_id: FR 40 303265045\n  - name: ACME S.A.S.\n";
        let issues = parse(text).unwrap_err();
        assert_eq!(issues.len(), 2, "{issues:#?}");
        assert_eq!((issues[0].line, issues[0].col), (5, 5));
        assert!(issues[0].message.contains("VAT id `FR40303265045` is already used by suppliers[0] (Acme)"), "{issues:#?}");
        assert_eq!(issues[1].line, 6);
        let e = parse("suppliers:\n  - name: A\n    iban_number: x\n").unwrap_err();
        assert!(e[0].message.contains("unknown field `iban_number`"));
    }
}
