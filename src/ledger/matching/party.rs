//! Does the bank's counterparty name the party of an open item? Names are
//! compared word by word, without case, accents, punctuation or legal forms:
//! banks print "ACME INDUSTRIES", the invoice says "Acme Industries SAS".

use std::collections::HashMap;

/// Words that say what kind of company it is, not which one.
const NOISE: &[&str] = &[
    "SA", "SAS", "SASU", "SARL", "EURL", "MBH", "SNC", "SCI", "SCP", "SCOP", "SCA", "SCS", "SELARL", "SELAS", "GIE", "EI", "EIRL", "STE",
    "SOCIETE", "ETS", "ETABLISSEMENTS", "CIE", "GMBH", "AG", "KG", "OHG", "UG", "EV", "LTD", "LIMITED", "INC", "LLC", "LLP", "PLC",
    "CORP", "CO", "BV", "NV", "SPA", "SRL", "SL", "AB", "AS", "OY", "SE", "THE", "ET", "AND", "DE", "DU", "DES", "LA", "LE", "LES",
];

/// Latin letter without its accent, upper case; `None` for anything that
/// is not a letter or digit (a word separator).
pub fn fold_char(c: char) -> Option<char> {
    if c.is_ascii_alphanumeric() {
        return Some(c.to_ascii_uppercase());
    }
    let f = match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' => 'A',
        'ç' | 'Ç' => 'C',
        'è' | 'é' | 'ê' | 'ë' | 'È' | 'É' | 'Ê' | 'Ë' => 'E',
        'ì' | 'í' | 'î' | 'ï' | 'Ì' | 'Í' | 'Î' | 'Ï' => 'I',
        'ñ' | 'Ñ' => 'N',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' => 'O',
        'ù' | 'ú' | 'û' | 'ü' | 'Ù' | 'Ú' | 'Û' | 'Ü' => 'U',
        'ý' | 'ÿ' | 'Ý' => 'Y',
        'ß' => 'S',
        'œ' | 'Œ' => 'O', // "Œ" → "O": rare in names; good enough to compare
        'æ' | 'Æ' => 'A',
        _ => return None,
    };
    Some(f)
}

/// The significant words of a name, folded, sorted and without duplicates.
/// Dots are dropped, not split on, so that "S.A.R.L." is the word SARL.
pub fn name_tokens(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let flush = |cur: &mut String, out: &mut Vec<String>| {
        if !cur.is_empty() {
            if !NOISE.contains(&cur.as_str()) {
                out.push(std::mem::take(cur));
            }
            cur.clear();
        }
    };
    for c in name.chars() {
        if c == '.' {
            continue;
        }
        match fold_char(c) {
            Some(f) => cur.push(f),
            None => flush(&mut cur, &mut out),
        }
    }
    flush(&mut cur, &mut out);
    out.sort();
    out.dedup();
    out
}

/// Dice coefficient over the word sets (both sorted): 1.0 for the same
/// words, 0.0 for none in common or an empty name.
pub fn similarity(a: &[String], b: &[String]) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let (mut i, mut j, mut common) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Equal => {
                common += 1;
                i += 1;
                j += 1;
            }
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
        }
    }
    2.0 * common as f64 / (a.len() + b.len()) as f64
}

/// "fr76 3000 …" → "FR763000…": how IBANs are compared.
pub fn compact_iban(s: &str) -> String {
    s.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_uppercase()).collect()
}

/// Why a party agrees with a counterparty, for the explanation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Agreement {
    pub party: u32,
    pub same_iban: bool,
    pub similarity: f64,
}

#[derive(Debug, Clone)]
pub struct Party {
    /// The name as first seen on an item, for explanations.
    pub name: String,
    pub tokens: Vec<String>,
}

/// Parties interned once (an item holds a `u32`), with word and IBAN
/// indexes so that a counterparty is compared only with the parties sharing
/// a word or an IBAN with it, never with all of them.
#[derive(Debug, Default)]
pub struct PartyIndex {
    pub parties: Vec<Party>,
    by_key: HashMap<String, u32>,
    /// Word → (word count of the party's name, party), sorted by word count.
    by_token: HashMap<String, Vec<(usize, u32)>>,
    sorted: bool,
    by_iban: HashMap<String, Vec<u32>>,
    /// Counterparty name (folded words) → agreeing parties: banks repeat names.
    cache: HashMap<Vec<String>, Vec<(u32, f64)>>,
}

impl PartyIndex {
    /// The party of an item: its auxiliary account when it has one (that is
    /// the party in the books), else its name, else its first IBAN.
    pub fn intern(&mut self, aux: Option<&str>, name: &str, ibans: &[String]) -> Option<u32> {
        let tokens = name_tokens(name);
        let key = match (aux.filter(|a| !a.is_empty()), tokens.is_empty(), ibans.first()) {
            (Some(a), _, _) => format!("A:{a}"),
            (None, false, _) => format!("N:{}", tokens.join(" ")),
            (None, true, Some(iban)) => format!("I:{}", compact_iban(iban)),
            (None, true, None) => return None,
        };
        let id = match self.by_key.get(&key) {
            Some(&id) => id,
            None => {
                let id = self.parties.len() as u32;
                self.by_key.insert(key, id);
                for t in &tokens {
                    self.by_token.entry(t.clone()).or_default().push((tokens.len(), id));
                }
                self.sorted = false;
                self.parties.push(Party { name: name.to_string(), tokens });
                id
            }
        };
        for iban in ibans {
            let list = self.by_iban.entry(compact_iban(iban)).or_default();
            if list.last() != Some(&id) && !list.contains(&id) {
                list.push(id);
            }
        }
        Some(id)
    }

    /// Parties that may reach `min_similarity` with the words `tokens`,
    /// without walking the long lists of common words ("SERVICES" names
    /// thousands of parties). A party of m words needs c ≥ s(n+m)/2 words in
    /// common, so it shares one of the line's n − c + 1 rarest words: the
    /// list of the word of rank r (rarest first) is read only for parties of
    /// m ≤ 2(n−r)/s − n words. Candidates are then checked by `similarity`.
    fn candidates(&mut self, tokens: &[String], s: f64) -> Vec<u32> {
        if !self.sorted {
            for v in self.by_token.values_mut() {
                v.sort_unstable();
            }
            self.sorted = true;
        }
        let mut lists: Vec<&Vec<(usize, u32)>> = tokens.iter().filter_map(|t| self.by_token.get(t)).collect();
        lists.sort_by_key(|l| l.len());
        let n = tokens.len() as f64;
        // Words no party has are the rarest of all: they take the first ranks.
        let skipped = tokens.len() - lists.len();
        let mut seen = Vec::new();
        for (r, list) in (skipped..).zip(lists) {
            let max_m = 2.0 * (n - r as f64) / s - n + 1e-9;
            seen.extend(list.iter().take_while(|(m, _)| *m as f64 <= max_m).map(|&(_, p)| p));
        }
        seen.sort_unstable();
        seen.dedup();
        seen
    }

    /// Parties agreeing with a counterparty (same IBAN, or a name similar
    /// enough), sorted by party id.
    pub fn agreeing(&mut self, name: Option<&str>, iban: Option<&str>, min_similarity: f64) -> Vec<Agreement> {
        let mut out: Vec<Agreement> = Vec::new();
        if let Some(iban) = iban {
            if let Some(list) = self.by_iban.get(&compact_iban(iban)) {
                out.extend(list.iter().map(|&party| Agreement { party, same_iban: true, similarity: 0.0 }));
            }
        }
        if let Some(name) = name {
            let tokens = name_tokens(name);
            if !tokens.is_empty() {
                if !self.cache.contains_key(&tokens) {
                    let seen = self.candidates(&tokens, min_similarity);
                    let hits = seen
                        .into_iter()
                        .map(|p| (p, similarity(&tokens, &self.parties[p as usize].tokens)))
                        .filter(|&(_, s)| s >= min_similarity)
                        .collect();
                    self.cache.insert(tokens.clone(), hits);
                }
                for &(party, s) in &self.cache[&tokens] {
                    match out.iter_mut().find(|a| a.party == party) {
                        Some(a) => a.similarity = s,
                        None => out.push(Agreement { party, same_iban: false, similarity: s }),
                    }
                }
            }
        }
        out.sort_by_key(|a| a.party);
        out
    }
}
