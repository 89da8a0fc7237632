//! Identifiers of a party and their checksums: VAT ids, SIREN/SIRET,
//! IBAN, and the normalized form of a company name used for lookups.

/// Uppercase ASCII alphanumerics only: `fr 40 123 456 789` → `FR40123456789`.
pub fn compact(s: &str) -> String {
    s.chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>().to_ascii_uppercase()
}

/// Luhn check (SIREN, SIRET). Establishments of La Poste (SIREN 356000000)
/// may instead pass by their digit sum being a multiple of 5.
pub fn luhn_ok(digits: &str) -> bool {
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    if digits.len() == 14 && digits.starts_with("356000000") && digits.bytes().map(|b| (b - b'0') as u32).sum::<u32>() % 5 == 0 {
        return true;
    }
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = (b - b'0') as u32;
            if i % 2 == 1 {
                let x = d * 2;
                if x > 9 { x - 9 } else { x }
            } else {
                d
            }
        })
        .sum();
    sum % 10 == 0
}

/// Why a SIREN (9 digits) or SIRET (14 digits) is refused, if it is.
pub fn siret_problem(s: &str) -> Option<String> {
    if !(s.len() == 9 || s.len() == 14) || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Some(format!("`{s}` is neither a SIREN (9 digits) nor a SIRET (14 digits)"));
    }
    if !luhn_ok(s) {
        return Some(format!("`{s}` fails the Luhn checksum; a digit is probably mistyped"));
    }
    None
}

/// The French VAT key for a SIREN: (12 + 3 × (SIREN mod 97)) mod 97.
pub fn fr_vat_key(siren: &str) -> Option<u32> {
    let n: u64 = siren.parse().ok()?;
    Some(((12 + 3 * (n % 97)) % 97) as u32)
}

/// The SIREN inside a French VAT id (`FRkkSSSSSSSSS`).
pub fn siren_of_fr_vat(vat: &str) -> Option<&str> {
    (vat.len() == 13 && vat.starts_with("FR")).then(|| &vat[4..]).filter(|s| s.bytes().all(|b| b.is_ascii_digit()))
}

/// Why a (compacted) VAT id is refused, if it is. French ids are checked
/// with their key; other EU ids only for their shape.
pub fn vat_problem(v: &str) -> Option<String> {
    let b = v.as_bytes();
    if v.len() < 4 || v.len() > 15 || !b[0].is_ascii_uppercase() || !b[1].is_ascii_uppercase() {
        return Some(format!("`{v}` is not a VAT id: expected a 2-letter country code and 2 to 13 characters, e.g. FR40303265045"));
    }
    if let Some(rest) = v.strip_prefix("FR") {
        if rest.len() != 11 {
            return Some(format!("`{v}`: a French VAT id is FR, a 2-character key and the 9-digit SIREN"));
        }
        let (key, siren) = rest.split_at(2);
        if !siren.bytes().all(|b| b.is_ascii_digit()) {
            return Some(format!("`{v}`: the last 9 characters of a French VAT id are the SIREN digits"));
        }
        // Keys with letters belong to entities without a SIREN key rule.
        if key.bytes().all(|b| b.is_ascii_digit()) {
            let want = fr_vat_key(siren).unwrap_or(0);
            if key.parse::<u32>().ok() != Some(want) {
                return Some(format!("`{v}`: the key should be {want:02} for SIREN {siren}; check the digits"));
            }
        }
    }
    None
}

/// Why a (compacted) IBAN is refused, if it is (ISO 13616 mod 97).
pub fn iban_problem(v: &str) -> Option<String> {
    let b = v.as_bytes();
    if v.len() < 15 || v.len() > 34 || !b[0].is_ascii_uppercase() || !b[1].is_ascii_uppercase() || !b[2].is_ascii_digit() || !b[3].is_ascii_digit() {
        return Some(format!("`{v}` is not an IBAN: expected a country code, 2 check digits and 11 to 30 characters"));
    }
    let rearranged = v[4..].bytes().chain(v[..4].bytes());
    let mut rem: u32 = 0;
    for c in rearranged {
        let n = match c {
            b'0'..=b'9' => (c - b'0') as u32,
            b'A'..=b'Z' => (c - b'A') as u32 + 10,
            _ => return Some(format!("`{v}` contains a character that cannot be in an IBAN")),
        };
        rem = if n >= 10 { (rem * 100 + n) % 97 } else { (rem * 10 + n) % 97 };
    }
    if rem != 1 {
        return Some(format!("`{v}` fails the IBAN checksum (mod 97); a character is probably mistyped"));
    }
    None
}

const LEGAL_FORMS: &[&str] = &[
    "SA", "SAS", "SASU", "SARL", "EURL", "SNC", "SCI", "SCOP", "SELARL", "SCA", "GMBH", "AG", "KG", "UG", "LTD", "LIMITED",
    "LLC", "LLP", "INC", "CORP", "PLC", "BV", "NV", "SRL", "SPA", "SL",
];

/// A company name reduced for comparison: uppercase, accents folded,
/// punctuation dropped, legal forms (SAS, SARL, GmbH, Ltd, Inc…) removed,
/// words joined without spaces (so `Acme-Industries` = `ACME INDUSTRIES`).
/// Empty when nothing distinctive is left.
pub fn normalize_name(name: &str) -> String {
    let mut folded = String::with_capacity(name.len());
    for c in name.chars().flat_map(char::to_uppercase) {
        match c {
            // "S.A.R.L." is one word: dots join, other punctuation splits.
            '.' => {}
            'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' => folded.push('A'),
            'Æ' => folded.push_str("AE"),
            'Ç' => folded.push('C'),
            'È' | 'É' | 'Ê' | 'Ë' => folded.push('E'),
            'Ì' | 'Í' | 'Î' | 'Ï' => folded.push('I'),
            'Ñ' => folded.push('N'),
            'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' => folded.push('O'),
            'Œ' => folded.push_str("OE"),
            'Ù' | 'Ú' | 'Û' | 'Ü' => folded.push('U'),
            'Ý' | 'Ÿ' => folded.push('Y'),
            c if c.is_ascii_alphanumeric() => folded.push(c),
            _ => folded.push(' '),
        }
    }
    folded.split_whitespace().filter(|w| !LEGAL_FORMS.contains(w)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksums() {
        // SIREN 303265045 → key 40.
        assert_eq!(fr_vat_key("303265045"), Some(40));
        assert_eq!(vat_problem("FR40303265045"), None);
        assert!(vat_problem("FR41303265045").unwrap().contains("should be 40"));
        assert_eq!(vat_problem("DE123456789"), None);
        assert!(vat_problem("123").is_some());
        assert_eq!(siret_problem("303265045"), None);
        assert_eq!(siret_problem("30326504500003"), None);
        assert!(siret_problem("30326504500012").is_some());
        assert!(siret_problem("303265046").unwrap().contains("Luhn"));
        assert!(siret_problem("12345").is_some());
        assert!(luhn_ok("73282932000074"));
        assert!(luhn_ok("35600000000048")); // La Poste head office: Luhn
        assert!(luhn_ok("35600000049837")); // a post office: digit sum
        assert!(!luhn_ok("35600000049838"));
        assert_eq!(iban_problem("FR7630006000011234567890189"), None);
        assert_eq!(iban_problem("DE89370400440532013000"), None);
        assert!(iban_problem("FR7630006000011234567890188").unwrap().contains("checksum"));
        assert_eq!(siren_of_fr_vat("FR40303265045"), Some("303265045"));
    }

    #[test]
    fn names() {
        assert_eq!(normalize_name("Société Générale S.A."), "SOCIETEGENERALE");
        assert_eq!(normalize_name("ACME-Industries, SARL"), "ACMEINDUSTRIES");
        assert_eq!(normalize_name("acme industries sas"), "ACMEINDUSTRIES");
        assert_eq!(normalize_name("Müller GmbH"), "MULLER");
        assert_eq!(normalize_name("Widgets Ltd."), "WIDGETS");
        assert_eq!(normalize_name("SAS"), "");
    }
}
