//! Business identifiers with their real check digits: SIREN/SIRET (Luhn),
//! FR/DE/GB/BE/CH VAT ids, IBAN (ISO 13616 mod 97) and the French RIB key.
//! A recognizer validating check digits must accept every one of these.

use super::rng::Rng;

/// Luhn check over a digit string (SIREN, SIRET).
pub fn luhn_valid(s: &str) -> bool {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    luhn_sum(s) % 10 == 0
}

fn luhn_sum(s: &str) -> u32 {
    s.bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = (b - b'0') as u32;
            if i % 2 == 1 {
                let x = d * 2;
                if x > 9 {
                    x - 9
                } else {
                    x
                }
            } else {
                d
            }
        })
        .sum()
}

/// `payload` followed by the digit that makes it Luhn-valid.
pub fn luhn_complete(payload: &str) -> String {
    for d in 0..10 {
        let s = format!("{payload}{d}");
        if luhn_valid(&s) {
            return s;
        }
    }
    unreachable!("some digit always completes a Luhn number")
}

pub fn random_siren(rng: &mut Rng) -> String {
    // Real SIRENs of companies start with 3..9.
    let first = rng.range(3, 9);
    luhn_complete(&format!("{first}{}", rng.digits(7)))
}

/// SIRET = SIREN + 4-digit establishment number + Luhn digit over all 14.
pub fn siret(siren: &str, establishment: u32) -> String {
    luhn_complete(&format!("{siren}{:04}", establishment % 10_000))
}

/// FR VAT id: key = (12 + 3 × (SIREN mod 97)) mod 97.
pub fn fr_vat(siren: &str) -> String {
    let n: u64 = siren.parse().expect("SIREN is 9 digits");
    format!("FR{:02}{siren}", (12 + 3 * (n % 97)) % 97)
}

#[cfg_attr(not(test), allow(dead_code))]
pub fn fr_vat_valid(v: &str) -> bool {
    v.len() == 13 && v.starts_with("FR") && v[2..].bytes().all(|b| b.is_ascii_digit()) && fr_vat(&v[4..]) == v
}

/// DE USt-IdNr.: DE + 8 digits + ISO 7064 MOD 11,10 check digit.
pub fn de_vat(rng: &mut Rng) -> String {
    let body = format!("{}{}", rng.range(1, 9), rng.digits(7));
    format!("DE{body}{}", iso7064_mod11_10(&body))
}

pub fn iso7064_mod11_10(digits: &str) -> u32 {
    let mut product = 10;
    for b in digits.bytes() {
        let mut sum = ((b - b'0') as u32 + product) % 10;
        if sum == 0 {
            sum = 10;
        }
        product = (2 * sum) % 11;
    }
    (11 - product) % 10
}

#[cfg_attr(not(test), allow(dead_code))]
pub fn de_vat_valid(v: &str) -> bool {
    v.len() == 11 && v.starts_with("DE") && v[2..].bytes().all(|b| b.is_ascii_digit()) && iso7064_mod11_10(&v[2..10]) == (v.as_bytes()[10] - b'0') as u32
}

/// GB VAT number: 7 digits weighted 8..2, plus two check digits making the
/// weighted sum a multiple of 97.
pub fn gb_vat(rng: &mut Rng) -> String {
    let body = format!("{}{}", rng.range(1, 9), rng.digits(6));
    let sum: u32 = body.bytes().zip((2..=8).rev()).map(|(b, w)| (b - b'0') as u32 * w).sum();
    format!("GB{body}{:02}", (97 - sum % 97) % 97)
}

#[cfg_attr(not(test), allow(dead_code))]
pub fn gb_vat_valid(v: &str) -> bool {
    if v.len() != 11 || !v.starts_with("GB") || !v[2..].bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let sum: u32 = v[2..9].bytes().zip((2..=8).rev()).map(|(b, w)| (b - b'0') as u32 * w).sum();
    let check: u32 = v[9..].parse().unwrap();
    (sum + check) % 97 == 0
}

/// BE enterprise number 0ddddddd cc, cc = 97 − (first 8 digits mod 97).
pub fn be_vat(rng: &mut Rng) -> String {
    let body = format!("0{}{}", rng.range(2, 9), rng.digits(6));
    let n: u64 = body.parse().unwrap();
    format!("BE{body}{:02}", 97 - n % 97)
}

#[cfg_attr(not(test), allow(dead_code))]
pub fn be_vat_valid(v: &str) -> bool {
    if v.len() != 12 || !v.starts_with("BE") || !v[2..].bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let n: u64 = v[2..10].parse().unwrap();
    let c: u64 = v[10..].parse().unwrap();
    97 - n % 97 == c
}

/// Swiss UID CHE + 8 digits + mod 11 check (weights 5,4,3,2,7,6,5,4).
pub fn ch_uid(rng: &mut Rng) -> String {
    loop {
        let body = format!("{}{}", rng.range(1, 9), rng.digits(7));
        let sum: u32 = body.bytes().zip([5, 4, 3, 2, 7, 6, 5, 4]).map(|(b, w)| (b - b'0') as u32 * w).sum();
        let c = (11 - sum % 11) % 11;
        if c != 10 {
            return format!("CHE{body}{c}");
        }
    }
}

/// Remainder of a long digit string mod 97, computed piecewise.
pub fn mod97(digits: &str) -> u32 {
    digits.bytes().fold(0u32, |acc, b| (acc * 10 + (b - b'0') as u32) % 97)
}

fn letters_to_digits(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_digit() {
                c.to_string()
            } else {
                (c.to_ascii_uppercase() as u32 - 'A' as u32 + 10).to_string()
            }
        })
        .collect()
}

/// IBAN with its ISO 13616 check digits.
pub fn iban(country: &str, bban: &str) -> String {
    let r = mod97(&letters_to_digits(&format!("{bban}{country}00")));
    format!("{country}{:02}{bban}", 98 - r)
}

#[cfg_attr(not(test), allow(dead_code))]
pub fn iban_valid(iban: &str) -> bool {
    let s: String = iban.chars().filter(|c| !c.is_whitespace()).collect();
    s.len() >= 15 && s.chars().all(|c| c.is_ascii_alphanumeric()) && mod97(&letters_to_digits(&format!("{}{}", &s[4..], &s[..4]))) == 1
}

/// French BBAN: bank (5) + branch (5) + account (11) + RIB key (2).
pub fn fr_bban(rng: &mut Rng) -> String {
    let bank = *rng.pick(&["30004", "30003", "10278", "20041", "18206", "30066", "11315", "42559"]);
    let branch = rng.digits(5);
    let account = format!("000{}", rng.digits(8));
    let (b, g, a): (u64, u64, u64) = (bank.parse().unwrap(), branch.parse().unwrap(), account.parse().unwrap());
    let key = 97 - (89 * b + 15 * g + 3 * a) % 97;
    format!("{bank}{branch}{account}{key:02}")
}

/// German BBAN: Bankleitzahl (8) + account (10).
pub fn de_bban(rng: &mut Rng) -> String {
    let blz = *rng.pick(&["70150000", "10070000", "50010517", "37040044", "60050101", "20050550", "43060967"]);
    format!("{blz}{}", rng.digits(10))
}

/// UK BBAN: bank code (4 letters) + sort code (6) + account (8).
pub fn gb_bban(rng: &mut Rng) -> String {
    let bank = *rng.pick(&["NWBK", "BARC", "LOYD", "HBUK", "MIDL"]);
    format!("{bank}{}{}", rng.digits(6), rng.digits(8))
}

/// Belgian BBAN: 10 digits + 2 check digits (first 10 mod 97, 0 → 97).
pub fn be_bban(rng: &mut Rng) -> String {
    let body = format!("{}{}", *rng.pick(&["001", "068", "310", "363", "734"]), rng.digits(7));
    let n: u64 = body.parse().unwrap();
    let c = match n % 97 {
        0 => 97,
        x => x,
    };
    format!("{body}{c:02}")
}

/// Swiss BBAN: bank clearing number (5) + account (12).
pub fn ch_bban(rng: &mut Rng) -> String {
    format!("{}{}", *rng.pick(&["00762", "00235", "00700", "08390"]), rng.digits(12))
}

/// Groups of four, as printed: "FR76 3000 6000 0112 3456 7890 189".
pub fn group4(s: &str) -> String {
    s.as_bytes().chunks(4).map(|c| std::str::from_utf8(c).unwrap()).collect::<Vec<_>>().join(" ")
}
