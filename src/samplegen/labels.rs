//! The words printed next to the values, with the variants real invoices
//! use. A supplier keeps its wording (the picks are seeded per supplier), so
//! supplier-specific marks make sense, while the pool as a whole varies.

use super::fmt::Lang;
use super::rng::Rng;

#[derive(Debug, Clone)]
pub(crate) struct Labels {
    pub title: String,
    pub number: String,
    pub date: String,
    pub due: String,
    pub customer_no: String,
    pub order_ref: String,
    pub service_date: String,
    pub buyer: String,
    pub supplier_vat: String,
    pub buyer_vat: String,
    pub siret: String,
    pub iban: String,
    pub bic: String,
    pub bank_header: String,
    pub phone: String,
    pub email: String,
    pub col_pos: String,
    pub col_ref: String,
    pub col_desc: String,
    pub col_qty: String,
    pub col_unit: String,
    pub col_unit_price: String,
    pub col_vat: String,
    pub col_amount: String,
    pub net: String,
    /// With `{r}` for the rate.
    pub vat_rate: String,
    pub vat_total: String,
    pub gross: String,
    pub bd_rate: String,
    pub bd_base: String,
    pub bd_vat: String,
    pub bd_gross: String,
    /// With `{p}` and `{n}`.
    pub page: String,
    pub carried: String,
    pub continued: String,
    /// With `{no}`.
    pub cont_title: String,
    pub terms: String,
    pub original_ref: String,
    pub reverse_charge: String,
    pub thanks: String,
    /// With `{c}` for the currency code.
    pub currency_note: String,
    pub amount_due: String,
    pub period: String,
    pub ship_to: String,
}

fn p(rng: &mut Rng, xs: &[&str]) -> String {
    rng.pick(xs).to_string()
}

/// Labels for one supplier's documents. Each label is drawn from its own
/// slot of `rng` in a fixed order, so invoices and credit notes of a supplier
/// share their wording.
pub(crate) fn labels(lang: Lang, credit: bool, rng: &mut Rng) -> Labels {
    match lang {
        Lang::Fr => Labels {
            title: if credit {
                p(rng, &["AVOIR", "Avoir", "FACTURE D'AVOIR"])
            } else {
                p(rng, &["FACTURE", "Facture", "FACTURE"])
            },
            number: if credit {
                p(rng, &["Avoir n°", "N° d'avoir", "Numéro d'avoir"])
            } else {
                p(rng, &["Facture n°", "N° de facture", "Numéro de facture", "Réf. facture"])
            },
            date: p(rng, &["Date", "Date de facture", "Date d'émission", "Date facture"]),
            due: p(rng, &["Échéance", "Date d'échéance", "À régler avant le", "Date limite de paiement"]),
            customer_no: p(rng, &["Code client", "N° client", "Réf. client", "Compte client"]),
            order_ref: p(rng, &["Votre commande", "Bon de commande", "Réf. commande"]),
            service_date: p(rng, &["Date de livraison", "Date de prestation", "Livré le"]),
            buyer: p(rng, &["Client", "Facturé à", "Adresse de facturation", "Destinataire", "Client facturé"]),
            supplier_vat: p(rng, &["N° TVA intracommunautaire", "TVA intracom.", "N° TVA", "Identifiant TVA"]),
            buyer_vat: p(rng, &["Votre n° TVA", "N° TVA client", "TVA intracom. client"]),
            siret: p(rng, &["SIRET", "Siret", "N° SIRET"]),
            iban: "IBAN".into(),
            bic: p(rng, &["BIC", "BIC/SWIFT", "Code BIC"]),
            bank_header: p(rng, &["Coordonnées bancaires", "Règlement par virement", "RIB", "Nos coordonnées bancaires"]),
            phone: p(rng, &["Tél.", "Tél :", "Téléphone"]),
            email: p(rng, &["E-mail", "Email", "Courriel"]),
            col_pos: p(rng, &["N°", "Ligne", "#"]),
            col_ref: p(rng, &["Réf.", "Référence", "Code"]),
            col_desc: p(rng, &["Désignation", "Description", "Libellé", "Article"]),
            col_qty: p(rng, &["Qté", "Quantité", "Qté"]),
            col_unit: p(rng, &["Unité", "U.", "Unité"]),
            col_unit_price: p(rng, &["P.U. HT", "Prix unitaire HT", "PU HT", "Prix unit."]),
            col_vat: p(rng, &["TVA", "Taux TVA", "TVA %"]),
            col_amount: p(rng, &["Montant HT", "Total HT", "Montant"]),
            net: p(rng, &["Total HT", "Montant HT", "Sous-total HT", "Total hors taxes"]),
            vat_rate: p(rng, &["TVA {r} %", "TVA ({r}%)", "TVA à {r} %", "TVA {r}%"]),
            vat_total: p(rng, &["Total TVA", "Montant TVA", "TVA"]),
            gross: if credit {
                p(rng, &["Total TTC", "Montant de l'avoir TTC", "Total TTC à déduire"])
            } else {
                p(rng, &["Total TTC", "Net à payer", "Montant TTC", "Total à payer"])
            },
            bd_rate: p(rng, &["Taux", "Taux TVA", "Code TVA"]),
            bd_base: p(rng, &["Base HT", "Montant HT", "Base"]),
            bd_vat: p(rng, &["Montant TVA", "TVA", "Total TVA"]),
            bd_gross: p(rng, &["Total TTC", "TTC", "Montant TTC"]),
            page: p(rng, &["Page {p}/{n}", "Page {p} sur {n}", "{p}/{n}", "Page {p} / {n}"]),
            carried: p(rng, &["Report", "À reporter", "Sous-total à reporter"]),
            continued: p(rng, &["Suite page suivante", "Suite au verso", "... / ..."]),
            cont_title: if credit {
                p(rng, &["Avoir {no} (suite)", "Suite de l'avoir {no}"])
            } else {
                p(rng, &["Facture {no} (suite)", "Suite de la facture {no}", "Facture n° {no} - suite"])
            },
            terms: p(rng, &["Conditions de paiement", "Mode de règlement", "Conditions de règlement"]),
            original_ref: p(rng, &["Avoir sur facture n°", "Facture d'origine", "Réf. facture initiale"]),
            reverse_charge: p(
                rng,
                &[
                    "Autoliquidation - TVA due par le preneur (art. 283-2 du CGI)",
                    "Exonération de TVA, article 262 ter I du CGI",
                ],
            ),
            thanks: p(
                rng,
                &[
                    "Merci de votre confiance.",
                    "Nous vous remercions de votre commande.",
                    "Merci pour votre confiance !",
                    "",
                ],
            ),
            currency_note: p(rng, &["Montants exprimés en {c}", "Devise : {c}", "Tous les montants sont en {c}"]),
            amount_due: p(rng, &["Montant à payer", "Total à régler", "Montant à régler"]),
            period: p(rng, &["Période", "Période de facturation", "Période du"]),
            ship_to: p(rng, &["Adresse de livraison", "Livré à", "Lieu de livraison"]),
        },
        Lang::En => Labels {
            title: if credit {
                p(rng, &["CREDIT NOTE", "Credit Note", "CREDIT MEMO"])
            } else {
                p(rng, &["INVOICE", "Invoice", "TAX INVOICE", "VAT INVOICE"])
            },
            number: if credit {
                p(rng, &["Credit Note No.", "Credit note #", "Credit Note Number"])
            } else {
                p(rng, &["Invoice No.", "Invoice #", "Invoice Number", "Invoice no"])
            },
            date: p(rng, &["Date", "Invoice Date", "Issue date", "Date of issue"]),
            due: p(rng, &["Due Date", "Payment due", "Due", "Please pay by"]),
            customer_no: p(rng, &["Customer ID", "Account No.", "Customer No.", "Client ref."]),
            order_ref: p(rng, &["PO Number", "Your order", "Order ref."]),
            service_date: p(rng, &["Tax point", "Delivery date", "Service date"]),
            buyer: p(rng, &["Bill to", "Billed to", "Invoice to", "Customer", "Bill To:"]),
            supplier_vat: p(rng, &["VAT Reg. No.", "VAT No.", "VAT number", "VAT ID"]),
            buyer_vat: p(rng, &["Customer VAT No.", "Your VAT number", "VAT ID"]),
            siret: "SIRET".into(),
            iban: "IBAN".into(),
            bic: p(rng, &["BIC", "SWIFT/BIC", "SWIFT"]),
            bank_header: p(rng, &["Payment details", "Bank details", "How to pay", "Remittance information"]),
            phone: p(rng, &["Tel", "Phone", "T"]),
            email: p(rng, &["Email", "E-mail", "E"]),
            col_pos: p(rng, &["#", "No.", "Line"]),
            col_ref: p(rng, &["SKU", "Item", "Code"]),
            col_desc: p(rng, &["Description", "Item", "Details", "Product / Service"]),
            col_qty: p(rng, &["Qty", "Quantity", "Units", "Hrs/Qty"]),
            col_unit: p(rng, &["Unit", "UoM", "Unit"]),
            col_unit_price: p(rng, &["Unit price", "Rate", "Price", "Unit cost"]),
            col_vat: p(rng, &["VAT", "VAT %", "Tax", "VAT rate"]),
            col_amount: p(rng, &["Amount", "Net", "Line total", "Total"]),
            net: p(rng, &["Subtotal", "Net amount", "Total net", "Net total", "Sub-total"]),
            vat_rate: p(rng, &["VAT {r}%", "VAT @ {r}%", "Tax ({r}%)", "VAT at {r}%"]),
            vat_total: p(rng, &["Total VAT", "VAT", "Tax", "VAT total"]),
            gross: if credit {
                p(rng, &["Total credit", "Credit total", "Total"])
            } else {
                p(rng, &["Total due", "Amount due", "Total", "Balance due", "Total (incl. VAT)"])
            },
            bd_rate: p(rng, &["Rate", "VAT rate", "Tax rate"]),
            bd_base: p(rng, &["Net", "Taxable amount", "Goods value"]),
            bd_vat: p(rng, &["VAT", "VAT amount", "Tax"]),
            bd_gross: p(rng, &["Gross", "Total", "Incl. VAT"]),
            page: p(rng, &["Page {p} of {n}", "Page {p}/{n}", "{p} of {n}"]),
            carried: p(rng, &["Carried forward", "Subtotal carried forward", "Balance c/f"]),
            continued: p(rng, &["Continued on next page", "Continued overleaf", "(continued)"]),
            cont_title: if credit {
                p(rng, &["Credit note {no} (continued)", "Credit Note {no} – page 2"])
            } else {
                p(rng, &["Invoice {no} (continued)", "Invoice {no} – continued", "Continuation of invoice {no}"])
            },
            terms: p(rng, &["Payment terms", "Terms", "Payment"]),
            original_ref: p(rng, &["Relates to invoice", "Original invoice", "Credit against invoice"]),
            reverse_charge: p(
                rng,
                &[
                    "Reverse charge: customer to account for VAT (Article 196, Directive 2006/112/EC)",
                    "Outside the scope of UK VAT - reverse charge applies",
                ],
            ),
            thanks: p(rng, &["Thank you for your business!", "Thank you for your custom.", "Many thanks.", ""]),
            currency_note: p(rng, &["All amounts in {c}", "Currency: {c}", "Amounts shown in {c}"]),
            amount_due: p(rng, &["Amount due", "Total to pay", "Balance to pay"]),
            period: p(rng, &["Billing period", "Period", "Statement period"]),
            ship_to: p(rng, &["Ship to", "Deliver to", "Delivery address"]),
        },
        Lang::De => Labels {
            title: if credit {
                p(rng, &["Gutschrift", "GUTSCHRIFT", "Rechnungskorrektur"])
            } else {
                p(rng, &["Rechnung", "RECHNUNG", "Rechnung"])
            },
            number: if credit {
                p(rng, &["Gutschrift-Nr.", "Gutschriftsnummer", "Beleg-Nr."])
            } else {
                p(rng, &["Rechnungsnummer", "Rechnungs-Nr.", "Rechnung Nr.", "Beleg-Nr."])
            },
            date: p(rng, &["Datum", "Rechnungsdatum", "Belegdatum"]),
            due: p(rng, &["Fällig am", "Zahlbar bis", "Fälligkeitsdatum", "Zahlungsziel"]),
            customer_no: p(rng, &["Kundennummer", "Kunden-Nr.", "Ihre Kundennummer"]),
            order_ref: p(rng, &["Ihre Bestellung", "Bestell-Nr.", "Auftrags-Nr."]),
            service_date: p(rng, &["Leistungsdatum", "Lieferdatum", "Leistungszeitraum"]),
            buyer: p(rng, &["Rechnungsempfänger", "Kunde", "Rechnungsadresse", "Empfänger"]),
            supplier_vat: p(rng, &["USt-IdNr.", "USt.-ID", "Umsatzsteuer-ID", "USt-ID-Nr."]),
            buyer_vat: p(rng, &["Ihre USt-IdNr.", "USt-IdNr. Kunde", "Ihre USt.-ID"]),
            siret: "SIRET".into(),
            iban: "IBAN".into(),
            bic: p(rng, &["BIC", "SWIFT-BIC", "BIC"]),
            bank_header: p(rng, &["Bankverbindung", "Bankverbindung", "Zahlung an"]),
            phone: p(rng, &["Tel.", "Telefon", "Fon"]),
            email: p(rng, &["E-Mail", "Mail", "E-Mail"]),
            col_pos: p(rng, &["Pos.", "Pos", "Nr."]),
            col_ref: p(rng, &["Art.-Nr.", "Artikel", "Art.Nr."]),
            col_desc: p(rng, &["Bezeichnung", "Beschreibung", "Artikel / Leistung", "Leistung"]),
            col_qty: p(rng, &["Menge", "Anzahl", "Menge"]),
            col_unit: p(rng, &["Einheit", "ME", "Einh."]),
            col_unit_price: p(rng, &["Einzelpreis", "E-Preis", "Preis/Einheit", "EP netto"]),
            col_vat: p(rng, &["USt.", "MwSt.", "USt %", "Steuer"]),
            col_amount: p(rng, &["Gesamtpreis", "Betrag", "Gesamt", "GP netto"]),
            net: p(rng, &["Nettobetrag", "Zwischensumme", "Summe netto", "Gesamt netto", "Warenwert netto"]),
            vat_rate: p(rng, &["MwSt. {r} %", "USt. {r}%", "zzgl. {r} % USt.", "Umsatzsteuer {r} %", "zzgl. MwSt. {r}%"]),
            vat_total: p(rng, &["Umsatzsteuer", "MwSt. gesamt", "Summe USt."]),
            gross: if credit {
                p(rng, &["Gutschriftsbetrag", "Gesamtbetrag", "Betrag brutto"])
            } else {
                p(rng, &["Gesamtbetrag", "Rechnungsbetrag", "Endbetrag", "Bruttobetrag", "Summe brutto"])
            },
            bd_rate: p(rng, &["Steuersatz", "USt.-Satz", "Satz"]),
            bd_base: p(rng, &["Netto", "Nettobetrag", "Bemessungsgrundlage"]),
            bd_vat: p(rng, &["USt.", "Steuer", "MwSt."]),
            bd_gross: p(rng, &["Brutto", "Gesamt", "Bruttobetrag"]),
            page: p(rng, &["Seite {p} von {n}", "Seite {p}/{n}", "- {p} -"]),
            carried: p(rng, &["Übertrag", "Zwischensumme Übertrag", "Übertrag"]),
            continued: p(rng, &["Fortsetzung auf der nächsten Seite", "Fortsetzung folgt", "./."]),
            cont_title: if credit {
                p(rng, &["Gutschrift {no} – Fortsetzung", "Fortsetzung Gutschrift {no}"])
            } else {
                p(rng, &["Rechnung {no} – Fortsetzung", "Fortsetzung Rechnung Nr. {no}", "Rechnung {no}, Seite 2"])
            },
            terms: p(rng, &["Zahlungsbedingungen", "Zahlungsbedingung", "Zahlungsziel"]),
            original_ref: p(rng, &["Bezug: Rechnung Nr.", "Zu Rechnung", "Korrektur zu Rechnung"]),
            reverse_charge: p(
                rng,
                &[
                    "Steuerschuldnerschaft des Leistungsempfängers (Reverse Charge, § 13b UStG)",
                    "Innergemeinschaftliche Leistung, Steuerschuldnerschaft des Leistungsempfängers",
                ],
            ),
            thanks: p(
                rng,
                &[
                    "Vielen Dank für Ihren Auftrag!",
                    "Wir danken für Ihr Vertrauen.",
                    "Vielen Dank für Ihren Einkauf.",
                    "",
                ],
            ),
            currency_note: p(rng, &["Alle Beträge in {c}", "Währung: {c}", "Beträge in {c}"]),
            amount_due: p(rng, &["Zu zahlender Betrag", "Zahlbetrag", "Offener Betrag"]),
            period: p(rng, &["Abrechnungszeitraum", "Zeitraum", "Leistungszeitraum"]),
            ship_to: p(rng, &["Lieferanschrift", "Lieferadresse", "Versand an"]),
        },
    }
}
