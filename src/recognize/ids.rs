//! Company and bank identifiers, each validated before it is believed:
//! French VAT ids by their key, SIREN/SIRET by Luhn, IBANs by mod 97, other
//! EU VAT ids by their national pattern.

use std::sync::LazyLock;

use regex_lite::Regex;

use super::text::compact_id;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum IdKind {
    VatId,
    Iban,
    Siret,
    Siren,
}

/// One validated identifier found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FoundId {
    pub kind: IdKind,
    /// Normalized: uppercase, no spaces ("FR11123456782").
    pub value: String,
    pub start: usize,
    pub end: usize,
}

static IBAN_START: LazyLock<Regex> = LazyLock::new(|| super::text::lite(r"(?-u:\b)[A-Z]{2}[ \u{a0}]?[0-9]{2}[ \u{a0}]?[A-Z0-9]{4}"));
// A separator may stand between any two digits: people group digits their
// own way, and OCR splits or joins groups (`DE2 19423845`).
static FR_VAT: LazyLock<Regex> = LazyLock::new(|| super::text::lite(r"(?-u:\b)FR[\s.-]?([0-9A-HJ-NP-Z]{2})[\s.-]?(?:[0-9][\s.]?){8}[0-9](?-u:\b)"));
/// Other EU (and Swiss, UK) VAT ids by pattern; spaces and dots allowed
/// where people print them.
static EU_VAT: LazyLock<Regex> = LazyLock::new(|| {
    super::text::lite(concat!(
        r"(?-u:\b)(?:",
        r"DE[\s.]?(?:[0-9][\s.]?){8}[0-9]",
        r"|ATU[\s.]?[0-9]{8}",
        r"|BE[\s.]?[01](?:[0-9][\s.]?){8}[0-9]",
        r"|NL[\s.]?[0-9]{9}[\s.]?B[\s.]?[0-9]{2}",
        r"|IT[\s.]?[0-9]{11}",
        r"|ES[\s.]?[A-Z0-9][0-9]{7}[A-Z0-9]",
        r"|LU[\s.]?[0-9]{8}",
        r"|PT[\s.]?[0-9]{9}",
        r"|PL[\s.]?[0-9]{10}",
        r"|DK[\s.]?[0-9]{2}[\s.]?[0-9]{2}[\s.]?[0-9]{2}[\s.]?[0-9]{2}",
        r"|SE[\s.]?[0-9]{10}01",
        r"|FI[\s.]?[0-9]{8}",
        r"|IE[\s.]?[0-9][A-Z0-9+*][0-9]{5}[A-Z]{1,2}",
        r"|GB[\s.]?[0-9]{3}[\s.]?[0-9]{4}[\s.]?[0-9]{2}(?:[\s.]?[0-9]{3})?",
        r"|CHE[\s.-]?[0-9]{3}[\s.]?[0-9]{3}[\s.]?[0-9]{3}(?:[\s.]?(?:MWST|TVA|IVA))?",
        r"|CZ[\s.]?[0-9]{8,10}",
        r")(?-u:\b)"
    ))
    
});
static DIGIT_RUN: LazyLock<Regex> = LazyLock::new(|| super::text::lite(r"(?-u:\b)[0-9]{3}[\s.]?[0-9]{3}[\s.]?[0-9]{3}(?:[\s.]?[0-9]{5})?(?-u:\b)"));

/// Identifiers in one text. SIREN/SIRET are only taken where `registry_labelled`
/// says the text names them (a bare 9-digit number is too often something else).
#[cfg(test)]
pub(crate) fn scan_ids(text: &str, registry_labelled: bool) -> Vec<FoundId> {
    scan_ids_read(text, registry_labelled, false)
}

/// [`scan_ids`], for a text that OCR read (`ocr`): a French VAT id whose
/// key alone is one digit off is also taken, with its key recomputed.
pub(crate) fn scan_ids_read(text: &str, registry_labelled: bool, ocr: bool) -> Vec<FoundId> {
    let up = text.to_uppercase();
    // Byte offsets must stay valid: uppercasing non-ASCII can change lengths.
    let up = if up.len() == text.len() { up } else { text.to_string() };
    let mut out: Vec<FoundId> = Vec::new();
    scan_into(&mut out, &up, registry_labelled, false);
    // OCR reads 0 as O, 1 as I or l, 5 as S…: read digit-heavy words again
    // with those letters as digits. The checksums keep what is real.
    let digits = ocr_digits(&up);
    if digits != up {
        scan_into(&mut out, &digits, registry_labelled, true);
    }
    if ocr {
        for c in FR_VAT.captures_iter(&digits) {
            let m = c.get(0).expect("m");
            let Some(value) = fr_vat_mended(&compact_id(m.as_str())) else { continue };
            // Its SIREN alone may have been taken as a registry number: the VAT id holds it.
            let inside = |f: &FoundId| f.kind == IdKind::Siren && m.start() <= f.start && f.end <= m.end();
            if out.iter().all(|f| m.end() <= f.start || f.end <= m.start() || inside(f)) {
                out.retain(|f| !inside(f));
                out.push(FoundId { kind: IdKind::VatId, value, start: m.start(), end: m.end() });
            }
        }
    }
    out.sort_by_key(|f| f.start);
    out
}

/// "FR 06 980311021" read for FR66980311021: the SIREN holds its Luhn
/// check and the printed key differs from the one it implies in a single
/// digit. (The two checks together let through about one misread SIREN
/// in fifty; a wrong key with a right SIREN is the common OCR slip.)
fn fr_vat_mended(v: &str) -> Option<String> {
    let (key, siren) = (v.get(2..4)?, v.get(4..)?);
    if !v.starts_with("FR") || siren.len() != 9 || !luhn(siren) {
        return None;
    }
    let want = format!("{:02}", fr_vat_key(siren)?);
    let off = key.chars().zip(want.chars()).filter(|(a, b)| a != b).count();
    (off == 1).then(|| format!("FR{want}{siren}"))
}

/// `text` with letters OCR confuses with digits turned into those digits,
/// inside words that are mostly digits (a leading country code such as
/// `FR`, `DE` or `CHE` is kept). Same length, byte for byte.
fn ocr_digits(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, word) in text.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let digit = |c: char| match c {
            'O' | 'o' | 'D' | 'Q' => Some('0'),
            'I' | 'l' | 'L' | '|' => Some('1'),
            'Z' => Some('2'),
            'S' => Some('5'),
            'G' => Some('6'),
            'A' | 'H' => Some('4'),
            'B' => Some('8'),
            _ => None,
        };
        let lead = word.bytes().take_while(u8::is_ascii_uppercase).count();
        // Country codes: two letters, or CHE / ATU (the rest may be misread digits).
        let keep = match lead {
            0 | 1 => 0,
            _ if word.starts_with("CHE") || word.starts_with("ATU") => 3,
            // Two misreadable letters in front ("OL12") are digits, not a country.
            _ if word.chars().take(2).all(|c| digit(c).is_some()) => 0,
            _ => 2,
        };
        let body = &word[keep..];
        let has_digit = body.bytes().any(|b| b.is_ascii_digit());
        let all_confusable = body.chars().all(|c| c.is_ascii_digit() || !c.is_alphanumeric() || digit(c).is_some());
        if !has_digit || !all_confusable || body.chars().filter(|c| c.is_alphanumeric()).count() < 2 {
            out.push_str(word);
            continue;
        }
        out.push_str(&word[..keep]);
        // Separators misread too: a comma for a dot ("CHE-497.792,223"), a
        // dash inside a group of digits ("CH83 0023-5725").
        let chars: Vec<char> = body.chars().collect();
        for (k, &c) in chars.iter().enumerate() {
            let between = k > 0 && k + 1 < chars.len() && chars[k - 1].is_ascii_alphanumeric() && chars[k + 1].is_ascii_alphanumeric();
            out.push(match c {
                ',' => '.',
                '-' if between => ' ',
                c => digit(c).unwrap_or(c),
            });
        }
    }
    out
}

/// `misread`: `up` has letters turned into digits; ids without a checksum
/// test here are then not trusted, except German ones (checked).
fn scan_into(out: &mut Vec<FoundId>, up: &str, registry_labelled: bool, misread: bool) {
    let free = |out: &[FoundId], s: usize, e: usize| out.iter().all(|f| e <= f.start || f.end <= s);

    for m in IBAN_START.find_iter(&up) {
        if let Some((end, value)) = read_iban(&up, m.start()) {
            if free(out, m.start(), end) {
                out.push(FoundId { kind: IdKind::Iban, value, start: m.start(), end });
            }
        }
    }
    for c in FR_VAT.captures_iter(&up) {
        let m = c.get(0).expect("m");
        let value = compact_id(m.as_str());
        if free(out, m.start(), m.end()) && fr_vat_valid(&value) {
            out.push(FoundId { kind: IdKind::VatId, value, start: m.start(), end: m.end() });
        }
    }
    for m in EU_VAT.find_iter(&up) {
        if free(out, m.start(), m.end()) {
            let mut value = compact_id(m.as_str());
            for suffix in ["MWST", "TVA", "IVA"] {
                if value.starts_with("CHE") && value.ends_with(suffix) {
                    value.truncate(value.len() - suffix.len());
                }
            }
            if misread && !checked_vat_valid(&value) {
                continue;
            }
            out.push(FoundId { kind: IdKind::VatId, value, start: m.start(), end: m.end() });
        }
    }
    if registry_labelled {
        for m in DIGIT_RUN.find_iter(&up) {
            let digits = compact_id(m.as_str());
            if !free(out, m.start(), m.end()) || !luhn(&digits) {
                continue;
            }
            let kind = if digits.len() == 14 { IdKind::Siret } else { IdKind::Siren };
            out.push(FoundId { kind, value: digits, start: m.start(), end: m.end() });
        }
    }
}

/// Known IBAN lengths; other countries are read up to 34 characters.
fn iban_length(country: &str) -> Option<usize> {
    Some(match country {
        "FR" | "MC" | "IT" | "SM" => 27,
        "DE" | "GB" | "IE" => 22,
        "BE" => 16,
        "NL" | "DK" | "FI" | "FO" | "GL" => 18,
        "ES" | "SE" | "CZ" | "SK" | "RO" | "TN" => 24,
        "LU" | "AT" | "EE" | "LT" | "XK" => 20,
        "CH" | "LI" | "LV" => 21,
        "PT" => 25,
        "PL" | "HU" | "CY" => 28,
        "NO" => 15,
        "GR" => 27,
        "SI" => 19,
        "HR" => 21,
        "BG" => 22,
        "MT" => 31,
        "IS" => 26,
        "MA" => 28,
        _ => return None,
    })
}

/// From an IBAN's first character, collect its characters (single spaces
/// allowed between groups) up to the country's length, and validate.
fn read_iban(text: &str, start: usize) -> Option<(usize, String)> {
    let country = text.get(start..start + 2)?;
    let want = iban_length(country);
    let mut value = String::new();
    let mut end = start;
    let mut last_space = false;
    for (i, c) in text[start..].char_indices() {
        if c.is_ascii_alphanumeric() {
            value.push(c);
            end = start + i + 1;
            last_space = false;
            if Some(value.len()) == want || value.len() == 34 {
                break;
            }
        } else if matches!(c, ' ' | '\u{a0}') && !last_space {
            last_space = true;
        } else {
            break;
        }
    }
    if let Some(n) = want {
        if value.len() != n {
            return None;
        }
        // The IBAN must end there, not run into more characters.
        if text[end..].chars().next().is_some_and(|c| c.is_ascii_alphanumeric()) {
            return None;
        }
    }
    (value.len() >= 15 && iban_valid(&value)).then_some((end, value))
}

/// ISO 13616 check: move the first four characters to the end, letters
/// to numbers, the result mod 97 must be 1.
pub(crate) fn iban_valid(iban: &str) -> bool {
    let s = compact_id(iban);
    if s.len() < 15 || s.len() > 34 || !s[..2].chars().all(|c| c.is_ascii_uppercase()) || !s[2..4].chars().all(|c| c.is_ascii_digit()) {
        return false;
    }
    let mut rem: u32 = 0;
    for c in s[4..].chars().chain(s[..4].chars()) {
        let v = match c {
            '0'..='9' => c as u32 - '0' as u32,
            'A'..='Z' => c as u32 - 'A' as u32 + 10,
            _ => return false,
        };
        rem = if v >= 10 { (rem * 100 + v) % 97 } else { (rem * 10 + v) % 97 };
    }
    rem == 1
}

/// Luhn check (SIREN, SIRET), with La Poste's digit-sum exception: one
/// implementation for the whole crate, in the ledger's identifiers.
pub(crate) fn luhn(digits: &str) -> bool {
    !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()) && crate::ledger::ids::luhn_ok(digits)
}

/// The French VAT key of a SIREN: (12 + 3 × (SIREN mod 97)) mod 97.
pub(crate) fn fr_vat_key(siren: &str) -> Option<u64> {
    let n: u64 = siren.parse().ok()?;
    Some((12 + 3 * (n % 97)) % 97)
}

/// The French VAT id of a SIREN ("123456782" → "FR11123456782").
pub(crate) fn fr_vat_of_siren(siren: &str) -> Option<String> {
    (siren.len() == 9).then(|| fr_vat_key(siren).map(|k| format!("FR{k:02}{siren}")))?
}

/// FR + 2-character key + SIREN; a numeric key must match the SIREN.
/// (Alphanumeric keys of the old scheme are not checkable: refused.)
/// German USt-IdNr.: DE + 8 digits + an ISO 7064 MOD 11,10 check digit.
pub(crate) fn de_vat_valid(v: &str) -> bool {
    let d: Vec<u32> = v.bytes().skip(2).map(|b| b.wrapping_sub(b'0') as u32).collect();
    if v.len() != 11 || !v.starts_with("DE") || d.iter().any(|&x| x > 9) {
        return false;
    }
    let mut product = 10;
    for &x in &d[..8] {
        let mut sum = (x + product) % 10;
        if sum == 0 {
            sum = 10;
        }
        product = (2 * sum) % 11;
    }
    let check = (11 - product) % 10;
    check == d[8]
}

/// A VAT id whose country defines a check digit that holds (DE, CH, GB):
/// what a digit-confusion reading must pass to be believed.
fn checked_vat_valid(v: &str) -> bool {
    match v.get(..2) {
        Some("DE") => de_vat_valid(v),
        Some("CH") => che_vat_valid(v),
        Some("GB") => gb_vat_valid(v),
        _ => false,
    }
}

/// Swiss UID (CHE + 8 digits + check digit): weights 5 4 3 2 7 6 5 4, mod 11.
fn che_vat_valid(v: &str) -> bool {
    let d: Vec<u32> = v.bytes().skip(3).map(|b| b.wrapping_sub(b'0') as u32).collect();
    if !v.starts_with("CHE") || d.len() != 9 || d.iter().any(|&x| x > 9) {
        return false;
    }
    let sum: u32 = d[..8].iter().zip([5, 4, 3, 2, 7, 6, 5, 4]).map(|(a, w)| a * w).sum();
    let check = (11 - sum % 11) % 11;
    check != 10 && check == d[8]
}

/// UK VAT number (GB + 9 digits, or 12 with a branch): the first seven
/// digits weighted 8 to 2 plus the last two are 0 mod 97, or 55 more (the
/// scheme since 2010).
fn gb_vat_valid(v: &str) -> bool {
    let d: Vec<u32> = v.bytes().skip(2).map(|b| b.wrapping_sub(b'0') as u32).collect();
    if !v.starts_with("GB") || !(d.len() == 9 || d.len() == 12) || d.iter().any(|&x| x > 9) {
        return false;
    }
    let sum: u32 = d[..7].iter().zip((2..=8).rev()).map(|(a, w)| a * w).sum::<u32>() + d[7] * 10 + d[8];
    sum % 97 == 0 || (sum + 55) % 97 == 0
}

pub(crate) fn fr_vat_valid(v: &str) -> bool {
    let v = compact_id(v);
    if v.len() != 13 || !v.starts_with("FR") {
        return false;
    }
    let (key, siren) = (&v[2..4], &v[4..]);
    match (key.parse::<u64>(), fr_vat_key(siren)) {
        (Ok(k), Some(expected)) => k == expected,
        _ => false,
    }
}

/// The SIREN inside an identifier, when it has one (FR VAT id, SIRET, SIREN).
pub(crate) fn siren_of(kind: IdKind, value: &str) -> Option<String> {
    match kind {
        IdKind::VatId if value.starts_with("FR") && value.len() == 13 => Some(value[4..].to_string()),
        IdKind::Siret if value.len() == 14 => Some(value[..9].to_string()),
        IdKind::Siren => Some(value.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_vat_key() {
        assert_eq!(fr_vat_key("123456782"), Some(11));
        assert!(fr_vat_valid("FR 11 123 456 782"));
        assert!(!fr_vat_valid("FR12123456782"));
        assert_eq!(fr_vat_of_siren("123456789").as_deref(), Some("FR32123456789"));
    }

    #[test]
    fn luhn_sirens_and_sirets() {
        assert!(luhn("123456782"));
        assert!(!luhn("123456789"));
        assert!(luhn("12345678200077"));
        assert!(!luhn("12345678200078"));
    }

    #[test]
    fn iban_mod97() {
        assert!(iban_valid("FR76 3000 6000 0112 3456 7890 189"));
        assert!(iban_valid("DE89 3704 0044 0532 0130 00"));
        assert!(iban_valid("FR20 1254 2547 2569 8542 5874 698"));
        assert!(!iban_valid("FR76 3000 6000 0112 3456 7890 188"));
    }

    #[test]
    fn scans_spaced_ids_in_text() {
        let f = scan_ids("IBAN : FR20 1254 2547 2569 8542 5874 698 - BIC : BICXXX", false);
        assert_eq!(f.len(), 1);
        assert_eq!((f[0].kind, f[0].value.as_str()), (IdKind::Iban, "FR2012542547256985425874698"));
        let f = scan_ids("N° TVA intra : FR 11 123 456 782", false);
        assert_eq!(f[0].value, "FR11123456782");
        let f = scan_ids("USt-IdNr.: DE 123 456 789", false);
        assert_eq!(f[0].value, "DE123456789");
        let f = scan_ids("SIRET : 123 456 782 00077", true);
        assert_eq!((f[0].kind, f[0].value.as_str()), (IdKind::Siret, "12345678200077"));
        let f = scan_ids("RCS Paris 123 456 782", true);
        assert_eq!((f[0].kind, f[0].value.as_str()), (IdKind::Siren, "123456782"));
        let f = scan_ids("MWST CHE-123.456.789 MWST", false);
        assert_eq!(f[0].value, "CHE123456789");
    }

    #[test]
    fn ocr_confusions_in_ids_are_read_through_their_checksums() {
        let f = scan_ids("N° TVA : FRO1904518271", false);
        assert_eq!(f[0].value, "FR01904518271");
        let f = scan_ids("IBAN FR76 3OOO 6OOO Oll2 3456 7890 189", false);
        assert_eq!(f.iter().map(|f| f.value.as_str()).collect::<Vec<_>>(), ["FR7630006000011234567890189"]);
        let f = scan_ids("Umsatzsteuer-ID: DE2 19423845 IBAN: DEO2 3704 0044 0559 4446 14", false);
        assert_eq!(f.iter().map(|f| f.value.as_str()).collect::<Vec<_>>(), ["DE219423845", "DE02370400440559444614"]);
        assert!(de_vat_valid("DE219423845") && !de_vat_valid("DE219423846"));
        assert_eq!(scan_ids("N° TVA FR779446867H0", false)[0].value, "FR77944686740");
        assert_eq!(scan_ids("IBAN BE 74 3636 8526 2907 BIC", false)[0].value, "BE74363685262907");
        // A key one digit off on a scan, its SIREN sound: mended; not in print.
        assert_eq!(scan_ids_read("N° TVA: FR 06 980311021", false, true)[0].value, "FR66980311021");
        assert_eq!(scan_ids_read("SIRET 965 | TVA: FR 06 980311021", true, true).iter().map(|f| f.value.as_str()).collect::<Vec<_>>(), ["FR66980311021"]);
        assert!(scan_ids("N° TVA: FR 06 980311021", false).is_empty());
        assert!(scan_ids_read("N° TVA: FR 05 980311021", false, true).is_empty(), "two digits off");
        assert!(scan_ids_read("N° TVA: FR 66 980311022", false, true).is_empty(), "the SIREN fails Luhn");
        // Separators OCR misread inside ids.
        assert_eq!(scan_ids("HORS CHE-497.792,223 TVA", false)[0].value, "CHE497792223");
        assert_eq!(scan_ids("CH83 0023-5725 3929 5156 1", false)[0].value, "CH8300235725392951561");
        assert!(che_vat_valid("CHE497792223") && !che_vat_valid("CHE497792224"));
        assert!(gb_vat_valid("GB888249658") && gb_vat_valid("GB239507155") && !gb_vat_valid("GB888249659"));
        // A word that is mostly letters is left alone.
        assert_eq!(ocr_digits("BOIS SOLO 12"), "BOIS SOLO 12");
    }

    #[test]
    fn invalid_checksums_are_ignored() {
        assert!(scan_ids("TVA FR 12 123 456 782", false).is_empty());
        assert!(scan_ids("IBAN FR76 3000 6000 0112 3456 7890 188", false).is_empty());
        assert!(scan_ids("SIRET 123 456 789 00012", true).is_empty());
        assert!(scan_ids("Tel 123 456 782", false).is_empty(), "unlabelled digits are not a SIREN");
    }
}
