//! Text normalization shared by labels, rules and marks: everything is
//! compared lowercased and without accents, so "ÉCHÉANCE", "Echéance" and
//! "échéance" are one word, and "N°", "No.", "Nr." and "#" are one token.

/// Lowercase, strip diacritics, unify apostrophes, dashes and odd spaces.
/// Per character, so a word's folded form maps back to the word.
pub(crate) fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        for l in c.to_lowercase() {
            match l {
                'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => out.push('a'),
                'ç' | 'ć' | 'č' => out.push('c'),
                'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' => out.push('e'),
                'ì' | 'í' | 'î' | 'ï' | 'ī' | 'į' | 'ı' => out.push('i'),
                'ñ' | 'ń' | 'ň' => out.push('n'),
                'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => out.push('o'),
                'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' => out.push('u'),
                'ý' | 'ÿ' => out.push('y'),
                'ž' | 'ź' | 'ż' => out.push('z'),
                'š' | 'ś' => out.push('s'),
                'ř' => out.push('r'),
                'ł' => out.push('l'),
                'đ' | 'ď' => out.push('d'),
                'ť' => out.push('t'),
                'ğ' => out.push('g'),
                'ß' => out.push_str("ss"),
                'œ' => out.push_str("oe"),
                // Ligatures some PDF fonts emit.
                'ﬀ' => out.push_str("ff"),
                'ﬁ' => out.push_str("fi"),
                'ﬂ' => out.push_str("fl"),
                'ﬃ' => out.push_str("ffi"),
                'ﬄ' => out.push_str("ffl"),
                'ﬅ' | 'ﬆ' => out.push_str("st"),
                'æ' => out.push_str("ae"),
                '\u{2019}' | '\u{2018}' | '`' | '´' | 'ʼ' => out.push('\''),
                '\u{00A0}' | '\u{202F}' | '\u{2009}' | '\u{2007}' => out.push(' '),
                '\u{2010}'..='\u{2015}' | '\u{2212}' => out.push('-'),
                'º' => out.push('°'),
                '\u{0300}'..='\u{036F}' => {} // combining accents (decomposed text)
                _ => out.push(l),
            }
        }
    }
    out
}

/// The comparison tokens of one folded word: "n°" → ["no"], "h.t." → ["ht"],
/// "sous-total" → ["sous", "total"], "d'échéance" → ["d", "echeance"],
/// "invoice#:" → ["invoice", "no"]. Each token keeps its byte range in the
/// folded word.
pub(crate) fn word_tokens(folded: &str) -> Vec<(String, usize, usize)> {
    let trimmed_start = folded.len() - folded.trim_start_matches(|c: char| !c.is_alphanumeric() && c != '#').len();
    let core = folded.trim_matches(|c: char| !c.is_alphanumeric() && c != '#' && c != '°');
    // Dotted abbreviations (H.T., T.T.C., R.C.S., S.A.S.) become one token.
    if is_dotted_abbrev(core) {
        let t: String = core.chars().filter(|c| *c != '.').collect();
        return vec![(t, trimmed_start, trimmed_start + core.len())];
    }
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut start = 0;
    for (i, c) in folded.char_indices() {
        if c == '#' {
            flush(&mut out, &mut cur, start, i);
            out.push(("no".to_string(), i, i + 1));
            continue;
        }
        if c.is_alphanumeric() || c == '°' {
            if cur.is_empty() {
                start = i;
            }
            cur.push(c);
        } else {
            flush(&mut out, &mut cur, start, i);
        }
    }
    flush(&mut out, &mut cur, start, folded.len());
    out
}

fn flush(out: &mut Vec<(String, usize, usize)>, cur: &mut String, start: usize, end: usize) {
    if cur.is_empty() {
        return;
    }
    let t = std::mem::take(cur);
    // "n°123" is a number label glued to its value.
    if let Some(rest) = t.strip_prefix("n°").filter(|r| !r.is_empty()) {
        out.push(("no".to_string(), start, start + 3));
        out.push((rest.trim_start_matches('°').to_string(), start + 3, end));
        return;
    }
    let t = if t == "n°" || t == "n°s" { "no".to_string() } else { t.trim_matches('°').to_string() };
    if t.is_empty() {
        return;
    }
    let t = match t.as_str() {
        "no" | "nr" | "nro" | "num" | "nos" | "nummer" | "numero" | "number" => "no".to_string(),
        _ => t,
    };
    out.push((t, start, end));
}

fn is_dotted_abbrev(s: &str) -> bool {
    // a.b. / a.b / a.b.c. : single letters separated by dots, at least two.
    let parts: Vec<&str> = s.split('.').collect();
    let letters: Vec<&&str> = parts.iter().filter(|p| !p.is_empty()).collect();
    letters.len() >= 2
        && s.contains('.')
        && letters.iter().all(|p| p.chars().count() == 1 && p.chars().all(|c| c.is_alphabetic()))
        && parts.iter().enumerate().all(|(i, p)| !p.is_empty() || i == parts.len() - 1)
}

/// Tokens of a folded phrase or keyword (several words).
pub(crate) fn phrase_tokens(folded: &str) -> Vec<String> {
    folded.split_whitespace().flat_map(|w| word_tokens(w).into_iter().map(|t| t.0)).collect()
}

/// Uppercase alphanumerics only: "fr 11 123.456.782" → "FR11123456782".
pub(crate) fn compact_id(s: &str) -> String {
    s.chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>().to_ascii_uppercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<String> {
        phrase_tokens(&fold(s))
    }

    #[test]
    fn folds_case_and_accents() {
        assert_eq!(fold("Échéance À PAYER"), "echeance a payer");
        assert_eq!(fold("Fälligkeitsdatum Straße"), "falligkeitsdatum strasse");
        assert_eq!(fold("d’avoir"), "d'avoir");
        assert_eq!(fold("1\u{202F}234,56"), "1 234,56");
    }

    #[test]
    fn number_signs_are_one_token() {
        assert_eq!(toks("Facture N° :"), ["facture", "no"]);
        assert_eq!(toks("Invoice No."), ["invoice", "no"]);
        assert_eq!(toks("Rechnung Nr.:"), ["rechnung", "no"]);
        assert_eq!(toks("Invoice #"), ["invoice", "no"]);
        assert_eq!(toks("Invoice#"), ["invoice", "no"]);
        assert_eq!(toks("N°123"), ["no", "123"]);
        assert_eq!(toks("Nº de facture"), ["no", "de", "facture"]);
    }

    #[test]
    fn dotted_abbreviations_and_compounds() {
        assert_eq!(toks("Total H.T."), ["total", "ht"]);
        assert_eq!(toks("T.T.C"), ["ttc"]);
        assert_eq!(toks("Sous-total"), ["sous", "total"]);
        assert_eq!(toks("Date d'échéance"), ["date", "d", "echeance"]);
        assert_eq!(toks("USt-IdNr."), ["ust", "idnr"]);
        assert_eq!(toks("(excl. VAT)"), ["excl", "vat"]);
        assert_eq!(toks("MwSt."), ["mwst"]);
    }

    #[test]
    fn compacts_ids() {
        assert_eq!(compact_id("fr 11 123.456.782"), "FR11123456782");
    }
}

/// Levenshtein distance over characters.
pub(crate) fn edits(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for j in 0..b.len() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != b[j])).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

/// The recognizer's fixed patterns (dates, amounts, identifiers), compiled
/// with `regex_lite`: every `extract` process compiles them once, and the
/// full engine took 0.2–0.4 ms per pattern to build against ~0.01 ms here;
/// the texts searched are single lines, where the lite engine is fast
/// enough. Its `\s` is ASCII only, so the no-break and thin spaces PDFs
/// put in numbers are added to each `\s`.
pub(crate) fn lite(pattern: &str) -> regex_lite::Regex {
    const SPACES: &str = r"\s\x{a0}\x{202f}\x{2009}";
    let mut out = String::with_capacity(pattern.len() + 32);
    let (mut in_class, mut escaped) = (false, false);
    for c in pattern.chars() {
        if escaped {
            escaped = false;
            if c == 's' {
                out.pop();
                if in_class {
                    out.push_str(SPACES);
                } else {
                    out.push_str(&format!("[{SPACES}]"));
                }
                continue;
            }
            out.push(c);
            continue;
        }
        match c {
            '\\' => escaped = true,
            '[' => in_class = true,
            ']' => in_class = false,
            _ => {}
        }
        out.push(c);
    }
    regex_lite::Regex::new(&out).unwrap_or_else(|e| panic!("built-in pattern {pattern:?}: {e}"))
}
