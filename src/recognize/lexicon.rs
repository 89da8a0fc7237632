//! The labels printed next to invoice values, in French, English and
//! German, with their variants. Matching is on folded tokens (see
//! `text::word_tokens`), longest label first, so "Total HT" is never read as
//! "Total", and "N° TVA intra" never as "TVA". Labels that name something we
//! do not want ("Date de livraison", "N° client", "Remise") are listed as
//! `Other` precisely so that they win over the shorter label inside them.

use std::collections::HashMap;
use std::sync::LazyLock;

use super::text::{fold, phrase_tokens};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum LabelKind {
    Net,
    Vat,
    Gross,
    InvoiceNumber,
    /// A document title ("Facture", "Invoice"): a number may follow it.
    Title,
    InvoiceDate,
    DueDate,
    Currency,
    VatId,
    Siret,
    Siren,
    Iban,
    Bic,
    /// Heads the buyer's block (Client, Bill to, Rechnungsempfänger…).
    Buyer,
    /// Heads the supplier's block (Fournisseur, Seller, Lieferant…).
    Seller,
    /// Heads a VAT breakdown column (Taux, Base HT, Rate…).
    VatTableHeader,
    /// A label for something else: stops value searches, absorbs shorter labels.
    Other,
}

/// kind strength: variant; variant; …  (written folded; tokenized like the page).
const TABLE: &str = r#"
Net 1.0: total ht; montant ht; montant total ht; total hors taxes; total hors taxe; montant hors taxes; montant hors taxe; total hors tva; montant hors tva; total net ht; net ht; total ht net; sous total ht; total h tva
Net 0.85: sous total; sous-total
Net 1.0: total excl vat; total excl. vat; total excluding vat; total exclusive of vat; total excl tax; total excluding tax; total before tax; total before vat; total without vat; amount excl vat; amount excluding vat; net amount; total net; net total; total net amount; net value; subtotal excl vat; total (excl. vat)
Net 0.85: subtotal; sub total; sub-total
Net 0.5: net
Net 1.0: nettobetrag; summe netto; nettosumme; gesamt netto; gesamtbetrag netto; rechnungsbetrag netto; netto gesamt; total netto; summe (netto); warenwert netto; nettowert; betrag netto; netto summe
Net 0.85: zwischensumme
Net 1.0: total ohne mwst; summe ohne mwst; gesamt ohne mwst; betrag ohne mwst; gesamtbetrag ohne mwst; total ohne ust; summe ohne ust; gesamtbetrag exkl mwst; summe exkl mwst; total exkl mwst; total hors tva ht
Net 1.0: endpreis netto; gesamtpreis netto; zwischensumme netto; summe positionen netto; total hors taxes ht; montant net ht; total net hors taxes
Net 0.6: netto
Vat 0.8: tva; t v a
Vat 1.0: montant tva; total tva; montant de la tva; montant de tva; montant total tva; total de la tva
Vat 0.7: dont tva
Vat 0.8: vat
Vat 0.6: tax
Vat 1.0: total vat; vat amount; total tax; tax amount; vat total; amount of vat; sales tax; total sales tax
Vat 0.5: gst
Vat 0.8: mwst; ust
Vat 1.0: umsatzsteuer; mehrwertsteuer; zzgl mwst; zzgl ust; zzgl umsatzsteuer; zuzuglich mwst; mwst betrag; ust betrag; steuerbetrag; summe mwst; summe ust; mwst gesamt; enthaltene mwst; enthaltene ust; inkl mwst; inkl ust; zzgl mehrwertsteuer; mehrwertsteuerbetrag; umsatzsteuerbetrag
Gross 1.0: total ttc; montant ttc; montant total ttc; net a payer; total a payer; montant a payer; montant net a payer; total toutes taxes comprises; somme a payer; solde a payer; total facture ttc; total net a payer; total ttc a payer; montant total a payer
Gross 0.9: reste a payer; total facture; montant de la facture; total general; montant a regler; reste a regler; total a regler; net a regler; solde du; montant du
Gross 0.8: montant total; a payer; a regler
Gross 0.6: total; ttc
Gross 1.0: total due; amount due; balance due; total incl vat; total incl. vat; total including vat; total inc vat; total incl tax; total including tax; grand total; invoice total; total amount due; amount payable; total payable; total to pay; amount to pay; please pay; total amount payable; gross amount; gross total; total gross; total (incl. vat); invoice amount; total amount incl vat
Gross 0.85: total amount
Gross 0.5: balance
Gross 1.0: gesamtbetrag; rechnungsbetrag; endbetrag; bruttobetrag; zu zahlen; zahlbetrag; gesamtsumme; summe brutto; rechnungssumme; gesamt brutto; total brutto; zu zahlender betrag; gesamtbetrag brutto; endsumme; gesamtbetrag inkl mwst; summe inkl mwst; total inkl mwst; betrag inkl mwst; brutto inkl mwst; rechnungsbetrag brutto; gesamtbetrag inkl ust; bruttosumme
Gross 0.6: brutto; gesamt
Gross 1.0: endpreis; endpreis brutto; gesamtpreis brutto; gesamtsumme brutto; summe gesamt; total eur; total amount eur; invoice total eur
Gross 0.5: summe
InvoiceNumber 1.0: facture no; no de facture; no facture; numero de facture; numero facture; facture numero; no de la facture; ref facture; reference facture; facture ref
InvoiceNumber 1.0: avoir no; no d avoir; no avoir; numero d avoir; numero avoir; avoir numero; facture d avoir no
InvoiceNumber 1.0: invoice no; invoice number; invoice num; invoice nr; invoice id; invoice ref; invoice reference; inv no; tax invoice no; credit note no; credit note number; credit memo no; document no; document number
InvoiceNumber 1.0: rechnungsnummer; rechnung no; rechnungs no; rechnungsnr; rechnung nummer; beleg no; belegnummer; belegnr; gutschrift no; gutschriftsnummer; gutschrift nummer; rechnungs nummer; beleg nummer
InvoiceNumber 0.6: no
InvoiceNumber 0.9: re no; rg no; fact no; fakt no; rech no
Title 0.7: facture; invoice; rechnung; avoir; gutschrift; credit note; tax invoice; facture d avoir; stornorechnung; rechnungskorrektur; credit memo; note de credit; your bill; your invoice; votre facture; ihre rechnung; bill
InvoiceDate 0.7: date; datum
InvoiceDate 1.0: date de facture; date facture; date de la facture; date d emission; date emission; date de facturation; facture du; invoice date; date of invoice; date of issue; issue date; issued on; date issued; invoice dated; tax point; tax date; rechnungsdatum; belegdatum; ausstellungsdatum; rechnung vom; datum der rechnung; date de l avoir; date d avoir; avoir du; credit note date; gutschriftsdatum; document date
InvoiceDate 0.6: issued; dated
InvoiceDate 0.9: emise le; emis le; etablie le; etabli le; fait le; ausgestellt am; erstellt am; datum der ausstellung; invoiced on
DueDate 0.9: echeance; date d echeance; date echeance; date de l echeance; a payer avant le; a regler avant le; payable avant le; payable le; a payer le; date limite de paiement; date limite de reglement; a regler le; reglement avant le; paiement avant le; payer avant le
DueDate 0.8: date de reglement; date de paiement
DueDate 0.9: due date; payment due; due on; payable by; pay by; payment due date; payable before; due by; payment date due; please pay by; date due
DueDate 0.6: due
DueDate 0.9: fallig am; faellig am; zahlbar bis; zahlbar bis zum; falligkeitsdatum; faelligkeitsdatum; falligkeit; faelligkeit; fallig; faellig; zahlbar am; zahlung bis; bitte zahlen sie bis; zahlungsziel bis; zu zahlen bis
DueDate 0.5: zahlungsziel; zahlungsfrist
Currency 1.0: devise; currency; wahrung; waehrung; monnaie
VatId 1.0: no tva; no de tva; no tva intra; no tva intracommunautaire; tva intracommunautaire; tva intra; tva intracom; no intracommunautaire; numero de tva; numero tva; numero de tva intracommunautaire; identifiant tva; id tva; tva no; code tva; no d identification tva
VatId 1.0: vat no; vat number; vat id; vat reg no; vat registration number; vat registration no; vat reg; tax id; vat identification number; eu vat
VatId 1.0: ust id; ustid; ust idnr; ust id nr; ustidnr; umsatzsteuer id; umsatzsteuer identifikationsnummer; ust ident nr; ust identnr; umsatzsteuer idnr; mwst no; mwst nr; uid; uid nr
Siret 1.0: siret; no siret; n siret
Siren 1.0: siren; rcs; no siren; registre du commerce
Iban 1.0: iban
Bic 1.0: bic; swift; bic swift; swift bic
Buyer 1.0: client; facture a; facturer a; facture pour; adresse de facturation; adresse facturation; destinataire; acheteur; bill to; billed to; billing address; invoice to; invoiced to; customer; sold to; buyer; rechnungsempfanger; rechnungsempfaenger; kunde; rechnungsadresse; leistungsempfanger; vos identifiants; votre identifiant; your details; rechnung an; rechnungsanschrift; auftraggeber; invoice address; bill to address; billing to; client details; customer details; adresse client; coordonnees client; facture adressee a; factures a; facturer au nom de
Buyer 0.8: livraison; adresse de livraison; livre a; ship to; shipped to; deliver to; delivery address; lieferadresse; lieferanschrift
Seller 1.0: fournisseur; vendeur; emetteur; prestataire; seller; supplier; vendor; sold by; service provider; issued by; billed by; rechnungsaussteller; lieferant; verkaufer; rechnungssteller; auftragnehmer
VatTableHeader 1.0: taux; taux tva; taux de tva; tva %; base; base ht; base tva; base hors taxes; assiette; rate; vat rate; tax rate; vat %; rate %; taxable amount; vat base; steuersatz; mwst satz; ust satz; mwst %; satz; bemessungsgrundlage; basis; code tva; tva taux; detail tva; recapitulatif tva; vat summary; vat breakdown; mwst aufstellung
Other 1.0: total page; sous total page; report; a reporter; reporte; ubertrag; uebertrag; carried forward; brought forward; zwischensumme seite
Other 1.0: montant deja paye; deja paye; acompte; acompte verse; remise; escompte; discount; rabatt; skonto; amount paid; paid; payments; anzahlung; bereits bezahlt; bereits gezahlt; frais de port; port; shipping; versandkosten; versand
Other 1.0: total qty; total quantite; quantite totale; total articles; total items; total lines; total weight; poids total; gesamtgewicht; menge; quantite; quantity; qty; qte; anzahl
Other 1.0: total remise; total des remises; total brut ht; montant brut; total brut; total remises; total discount
Other 1.0: prix unitaire; prix unitaire ht; unit price; pu ht; pu; einzelpreis; stuckpreis; prix; price; preis
Other 1.0: no client; client no; no de client; numero client; numero de client; code client; ref client; reference client; customer no; customer number; customer id; customer ref; customer reference; account no; account number; kundennummer; kunden no; kundennr; kunde no; ihre kundennummer
Other 1.0: service client; customer service; kundenservice; customer care; relation client
Other 1.0: no commande; no de commande; bon de commande; commande no; votre commande; order no; order number; po number; po no; purchase order; your order; bestellnummer; bestell no; bestellung; auftragsnummer; auftrag no; auftrag; ihre bestellung; order; commande
Other 1.0: avoir sur facture; sur facture; sur la facture; relatif a la facture; concernant la facture; annule la facture; credit note for invoice; for invoice; against invoice; relating to invoice; zu rechnung; zur rechnung; bezug rechnung; bezogen auf rechnung; korrektur zu rechnung; gutschrift zu rechnung
Other 1.0: lieferschein; lieferscheinnummer; no bon de livraison; bon de livraison; delivery note; no de facture associee; facture associee; date de facture associee; facture d origine; original invoice; ursprungsrechnung
Other 1.0: contrat no; no contrat; no de contrat; contract no; vertragsnummer; vertrags no; mandat no; police no; no de police; policy no
Other 1.0: tax no; tax number; company no; company number; registration no; reg no; registered no; steuer no; st no; steuernummer; handelsregister; hrb; hra
Other 1.0: auftrags no; lieferschein no; liefer no; projekt no; project no; dossier no; no de dossier; ticket no; no de ticket; no de serie; serial no; article no; art no; artikel no; item no; part no; ref no; bl no; no bl; no de bl; po; sku
Other 1.0: tel; telephone; phone; fax; mobile; portable; email; e mail; mail; web; site; www; page; seite; phone no; tel no; telephone no; fax no; mobile no; no de telephone; no de tel; telefon; telefonnummer
Other 1.0: no de compte; kontonummer; konto; compte; blz; bankleitzahl; banque; bank
Other 1.0: date de livraison; delivery date; lieferdatum; leistungsdatum; date de commande; order date; bestelldatum; date de debut; date de fin; periode; period; zeitraum; leistungszeitraum; date d expedition; shipping date; versanddatum; date de prestation; service date; date of supply; date de debut de prestation; date de fin de prestation; livraison le; date de validite; valable jusqu au; valid until; gultig bis; date d impression; printed on; druckdatum
Other 1.0: conditions de paiement; payment terms; zahlungsbedingungen; mode de paiement; moyen de paiement; payment method; zahlungsart; reglement; payment; zahlung
Other 1.0: ohne mwst; ohne ust; exkl mwst; exkl ust; excl vat; excluding vat; excl tax; hors tva; hors taxes; hors taxe; before tax; without vat; vor steuern
Other 1.0: capital; au capital de; tva non applicable; tva acquittee; vat exempt; reverse charge; autoliquidation
"#;

#[derive(Debug, Clone)]
pub(crate) struct Pattern {
    pub tokens: Vec<String>,
    pub kind: LabelKind,
    pub strength: f32,
}

/// Patterns indexed by first token, longest first.
static INDEX: LazyLock<HashMap<String, Vec<Pattern>>> = LazyLock::new(|| {
    let mut map: HashMap<String, Vec<Pattern>> = HashMap::new();
    for line in TABLE.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let (head, variants) = line.split_once(':').expect("lexicon line has a colon");
        let mut h = head.split_whitespace();
        let kind = match h.next().expect("kind") {
            "Net" => LabelKind::Net,
            "Vat" => LabelKind::Vat,
            "Gross" => LabelKind::Gross,
            "InvoiceNumber" => LabelKind::InvoiceNumber,
            "Title" => LabelKind::Title,
            "InvoiceDate" => LabelKind::InvoiceDate,
            "DueDate" => LabelKind::DueDate,
            "Currency" => LabelKind::Currency,
            "VatId" => LabelKind::VatId,
            "Siret" => LabelKind::Siret,
            "Siren" => LabelKind::Siren,
            "Iban" => LabelKind::Iban,
            "Bic" => LabelKind::Bic,
            "Buyer" => LabelKind::Buyer,
            "Seller" => LabelKind::Seller,
            "VatTableHeader" => LabelKind::VatTableHeader,
            "Other" => LabelKind::Other,
            k => panic!("unknown lexicon kind {k}"),
        };
        let strength: f32 = h.next().expect("strength").parse().expect("strength number");
        for v in variants.split(';').map(str::trim).filter(|v| !v.is_empty()) {
            let tokens = phrase_tokens(&fold(v));
            if tokens.is_empty() {
                continue;
            }
            // OCR and some fonts drop the apostrophe of an elision:
            // "N° d'avoir" read as "NUMERO DAVOIR", "date d'émission" as "DATE DEMISSION".
            let elided: Option<Vec<String>> = tokens.iter().position(|t| t == "d" || t == "l").filter(|&k| k + 1 < tokens.len()).map(|k| {
                let mut t = tokens.clone();
                let next = t.remove(k + 1);
                t[k].push_str(&next);
                t
            });
            for tokens in std::iter::once(tokens).chain(elided) {
                let list = map.entry(tokens[0].clone()).or_default();
                // First declaration of a variant wins (tables list specific kinds first).
                if !list.iter().any(|p| p.tokens == tokens) {
                    list.push(Pattern { tokens, kind, strength });
                }
            }
        }
    }
    for list in map.values_mut() {
        list.sort_by(|a, b| b.tokens.len().cmp(&a.tokens.len()));
    }
    map
});

/// A label found in a token sequence: token range and pattern.
#[derive(Debug, Clone)]
pub(crate) struct LabelMatch {
    pub first: usize,
    pub last: usize,
    pub kind: LabelKind,
    pub strength: f32,
}

/// Whether an OCR'd token may be a garbled lexicon token: long words only,
/// one letter substituted in 6 to 8 letters ("betray" for "betrag"), two
/// edits from 9 letters ("recrmungsnr" for "rechnungsnr"). Short words and
/// added or dropped letters in mid-length words ("gesamte", "clients") are
/// other words too often.
fn garbled(lex: &str, tok: &str) -> bool {
    let (n, m) = (lex.chars().count(), tok.chars().count());
    if n < 6 || tok.chars().any(|c| c.is_ascii_digit()) {
        return false;
    }
    if n <= 8 {
        return n == m && lex.chars().zip(tok.chars()).filter(|(a, b)| a != b).count() == 1;
    }
    n.abs_diff(m) <= 1 && super::text::edits(lex, tok) <= 2
}

/// Labels in a sequence of tokens (one phrase), longest match at each
/// position, left to right, never overlapping. Tokens flagged in `ocr` may
/// match a lexicon token they are a garbled reading of (see [`garbled`]);
/// such a label is believed a little less.
pub(crate) fn find_labels(tokens: &[&str], ocr: &[bool]) -> Vec<LabelMatch> {
    let mut out = Vec::new();
    let mut i = 0;
    let is_ocr = |j: usize| ocr.get(j).copied().unwrap_or(false);
    while i < tokens.len() {
        let mut hit: Option<LabelMatch> = None;
        let mut lists: Vec<&Vec<Pattern>> = INDEX.get(tokens[i]).into_iter().collect();
        if is_ocr(i) && !INDEX.contains_key(tokens[i]) {
            lists.extend(INDEX.iter().filter(|(k, _)| garbled(k, tokens[i])).map(|(_, v)| v));
        }
        for list in lists {
            for p in list {
                let n = p.tokens.len();
                if i + n > tokens.len() || hit.as_ref().is_some_and(|h| h.last + 1 - h.first >= n) {
                    continue;
                }
                let exact = p.tokens.iter().zip(&tokens[i..i + n]).all(|(a, b)| a == b);
                let near = exact || p.tokens.iter().zip(&tokens[i..i + n]).enumerate().all(|(k, (a, b))| a == b || (is_ocr(i + k) && garbled(a, b)));
                if near {
                    let strength = if exact { p.strength } else { p.strength * 0.9 };
                    hit = Some(LabelMatch { first: i, last: i + n - 1, kind: p.kind, strength });
                }
            }
        }
        match hit {
            Some(h) => {
                i = h.last + 1;
                out.push(h);
            }
            None => i += 1,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(s: &str) -> Vec<LabelKind> {
        let toks = phrase_tokens(&fold(s));
        let refs: Vec<&str> = toks.iter().map(String::as_str).collect();
        find_labels(&refs, &[]).into_iter().map(|m| m.kind).collect()
    }

    #[test]
    fn longest_label_wins() {
        use LabelKind::*;
        assert_eq!(kinds("Total HT"), [Net]);
        assert_eq!(kinds("Total H.T."), [Net]);
        assert_eq!(kinds("Total TTC"), [Gross]);
        assert_eq!(kinds("Total"), [Gross]);
        assert_eq!(kinds("N° TVA intra :"), [VatId]);
        assert_eq!(kinds("TVA 20 %"), [Vat]);
        assert_eq!(kinds("Total TVA"), [Vat]);
        assert_eq!(kinds("Net à payer"), [Gross]);
        assert_eq!(kinds("Date de livraison"), [Other]);
        assert_eq!(kinds("Date d'échéance"), [DueDate]);
        assert_eq!(kinds("Facture N°"), [InvoiceNumber]);
        assert_eq!(kinds("N° de client"), [Other]);
        assert_eq!(kinds("Total excl. VAT"), [Net]);
        assert_eq!(kinds("Total incl. VAT"), [Gross]);
        assert_eq!(kinds("Gesamtbetrag inkl. MwSt."), [Gross]);
        assert_eq!(kinds("zzgl. MwSt."), [Vat]);
        assert_eq!(kinds("Fällig am"), [DueDate]);
        assert_eq!(kinds("Rechnungsempfänger"), [Buyer]);
        assert_eq!(kinds("USt-IdNr."), [VatId]);
        assert_eq!(kinds("Invoice #"), [InvoiceNumber]);
        assert_eq!(kinds("Rechnung Nr."), [InvoiceNumber]);
        assert_eq!(kinds("Beleg-Nr."), [InvoiceNumber]);
        assert_eq!(kinds("Sous-total"), [Net]);
        assert_eq!(kinds("Montant déjà payé"), [Other]);
        // A column "price excluding VAT" is not the VAT.
        assert_eq!(kinds("Ohne MwSt."), [Other]);
        assert_eq!(kinds("Total ohne MwSt."), [Net]);
        assert_eq!(kinds("Sold By :"), [Seller]);
        // An elision's apostrophe lost by OCR or a font.
        assert_eq!(kinds("NUMERO DAVOIR"), [InvoiceNumber]);
        assert_eq!(kinds("DATE DEMISSION"), [InvoiceDate]);
        // A bill's heading is a title, never the supplier's name.
        assert_eq!(kinds("Your bill"), [Title]);
        assert_eq!(kinds("Bill to"), [Buyer]);
    }

    fn ocr_kinds(s: &str) -> Vec<LabelKind> {
        let toks = phrase_tokens(&fold(s));
        let refs: Vec<&str> = toks.iter().map(String::as_str).collect();
        find_labels(&refs, &vec![true; refs.len()]).into_iter().map(|m| m.kind).collect()
    }

    #[test]
    fn garbled_ocr_words_still_name_their_label() {
        use LabelKind::*;
        assert_eq!(ocr_kinds("Beiegdatum"), [InvoiceDate]);
        assert_eq!(ocr_kinds("Zu zanlender Betray"), [Gross]);
        assert_eq!(ocr_kinds("RecrmüngsNr."), [InvoiceNumber]);
        assert_eq!(ocr_kinds("Rechsung"), [Title]);
        // Born-digital text is taken as printed.
        assert!(kinds("Beiegdatum").is_empty());
        // Other words one letter longer, and short words, are not labels.
        assert!(ocr_kinds("gesamte Leistung").is_empty());
        assert!(ocr_kinds("clients").is_empty());
        assert!(ocr_kinds("Dato").is_empty());
    }
}
