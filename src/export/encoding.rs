//! Character encodings of export files. The FEC text allows ASCII,
//! ISO-8859-15 or EBCDIC; many readers take UTF-8, some still require
//! ISO-8859-15 (Latin-9), which is Latin-1 with eight code points changed
//! (€, Š, š, Ž, ž, Œ, œ, Ÿ).

/// An export file's encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Encoding {
    #[default]
    Utf8,
    Latin9,
}

/// The text in `enc`. A character Latin-9 cannot hold becomes `?`; the
/// count of such characters is returned so the caller can say so.
pub fn encode(text: &str, enc: Encoding) -> (Vec<u8>, usize) {
    match enc {
        Encoding::Utf8 => (text.as_bytes().to_vec(), 0),
        Encoding::Latin9 => {
            let mut lost = 0;
            let bytes = text
                .chars()
                .map(|c| {
                    latin9_byte(c).unwrap_or_else(|| {
                        lost += 1;
                        b'?'
                    })
                })
                .collect();
            (bytes, lost)
        }
    }
}

fn latin9_byte(c: char) -> Option<u8> {
    let b = match c {
        '€' => 0xA4,
        'Š' => 0xA6,
        'š' => 0xA8,
        'Ž' => 0xB4,
        'ž' => 0xB8,
        'Œ' => 0xBC,
        'œ' => 0xBD,
        'Ÿ' => 0xBE,
        // The Latin-1 characters Latin-9 replaced are not in it.
        '\u{A4}' | '\u{A6}' | '\u{A8}' | '\u{B4}' | '\u{B8}' | '\u{BC}' | '\u{BD}' | '\u{BE}' => return None,
        c if (c as u32) < 0x100 => c as u32 as u8,
        _ => return None,
    };
    Some(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin9_keeps_french_letters_and_the_euro_and_marks_the_rest() {
        let (b, lost) = encode("Télécom Œuvre 12 € — x", Encoding::Latin9);
        assert_eq!(lost, 1, "the em dash is not in Latin-9");
        assert_eq!(b[1], 0xE9);
        assert!(b.contains(&0xBC) && b.contains(&0xA4));
        assert_eq!(b.len(), "Télécom Œuvre 12 € — x".chars().count());
        assert_eq!(encode("é", Encoding::Utf8).0, "é".as_bytes());
    }
}
