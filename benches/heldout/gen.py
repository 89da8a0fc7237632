#!/usr/bin/env python3
"""Held-out generator of born-digital PDF invoices (FR / DE / EN) with ground truth.

Usage:
    python3 gen.py --out DIR --n 120 --seed 11      # write DIR/doc_0001.pdf + .json ...
    python3 gen.py --selftest                       # check-digit self tests
    python3 gen.py --verify DIR                     # pdftotext every PDF, check truth is printed

Independent of the program under test: layouts, wording and numbering here are
invented from how real French, German, British, Irish and US suppliers print invoices.
"""
import argparse
import datetime as dt
import json
import os
import random
import re
import subprocess
import sys
from decimal import Decimal, ROUND_HALF_UP

import logging

from fpdf import FPDF

logging.getLogger("fontTools").setLevel(logging.ERROR)

CENT = Decimal("0.01")


def q2(d):
    return Decimal(d).quantize(CENT, rounding=ROUND_HALF_UP)


# --------------------------------------------------------------------------------------
# Check digits
# --------------------------------------------------------------------------------------

def luhn_ok(s):
    total = 0
    for i, ch in enumerate(reversed(s)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def luhn_complete(prefix):
    for d in "0123456789":
        if luhn_ok(prefix + d):
            return prefix + d
    raise AssertionError


def make_siren(rng):
    while True:
        p = str(rng.randint(1, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(7))
        s = luhn_complete(p)
        if s != "356000000":  # La Poste has its own rule
            return s


def make_siret(rng, siren):
    nic4 = "%04d" % rng.choice([1, 1, 1, 2, 3, 5, 12, 17, 25, 38, 41])
    return luhn_complete(siren + nic4)


def fr_vat_key(siren):
    return (12 + 3 * (int(siren) % 97)) % 97


def fr_vat(siren):
    return "FR%02d%s" % (fr_vat_key(siren), siren)


def de_vat_check(d8):
    """ISO 7064 MOD 11,10 as used by the Bundeszentralamt fuer Steuern."""
    product = 10
    for ch in d8:
        s = (int(ch) + product) % 10
        if s == 0:
            s = 10
        product = (2 * s) % 11
    c = 11 - product
    return 0 if c == 10 else c


def de_vat(rng):
    d8 = str(rng.randint(1, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(7))
    return "DE" + d8 + str(de_vat_check(d8))


def de_vat_ok(v):
    return len(v) == 11 and v.startswith("DE") and de_vat_check(v[2:10]) == int(v[10])


def ie_vat_letter(d7):
    s = sum(int(c) * w for c, w in zip(d7, range(8, 1, -1)))
    return "WABCDEFGHIJKLMNOPQRSTUV"[s % 23]


def ie_vat(rng):
    d7 = "".join(str(rng.randint(0, 9)) for _ in range(7))
    return "IE" + d7 + ie_vat_letter(d7)


def _iban_num(s):
    return int("".join(str(int(c, 36)) for c in s))


def iban_make(cc, bban):
    chk = 98 - _iban_num(bban + cc + "00") % 97
    return "%s%02d%s" % (cc, chk, bban)


def iban_ok(iban):
    iban = iban.replace(" ", "").upper()
    return _iban_num(iban[4:] + iban[:4]) % 97 == 1


def rib_key(bank, guichet, account):
    return 97 - ((89 * int(bank) + 15 * int(guichet) + 3 * int(account)) % 97)


def digits(rng, n):
    return "".join(str(rng.randint(0, 9)) for _ in range(n))


def make_iban(rng, country):
    if country == "FR":
        bank = rng.choice(["30004", "30003", "10278", "20041", "11306", "30066", "18206"])
        guichet = digits(rng, 5)
        account = digits(rng, 11)
        bban = bank + guichet + account + "%02d" % rib_key(bank, guichet, account)
        return iban_make("FR", bban)
    if country == "DE":
        blz = rng.choice(["37040044", "10070000", "50010517", "70020270", "20050550", "60050101"])
        return iban_make("DE", blz + digits(rng, 10))
    if country == "GB":
        return iban_make("GB", rng.choice(["NWBK", "BARC", "LOYD", "HBUK", "MIDL"]) + digits(rng, 14))
    if country == "IE":
        return iban_make("IE", rng.choice(["AIBK", "BOFI", "IPBS"]) + digits(rng, 14))
    if country == "CH":
        return iban_make("CH", rng.choice(["00762", "00235", "00700"]) + digits(rng, 12))
    return None


def selftest():
    ok = True

    def check(cond, msg):
        nonlocal ok
        print(("ok   " if cond else "FAIL ") + msg)
        ok = ok and cond

    check(luhn_ok("732829320"), "Luhn SIREN 732829320")
    check(luhn_ok("73282932000074"), "Luhn SIRET 73282932000074")
    check(not luhn_ok("73282932000075"), "Luhn rejects 73282932000075")
    check(fr_vat("303265045") == "FR40303265045", "FR VAT key of 303265045 -> FR40303265045")
    check(fr_vat("404833048") == "FR83404833048", "FR VAT key of 404833048 -> FR83404833048")
    check(de_vat_ok("DE136695976"), "DE VAT DE136695976 valid")
    check(not de_vat_ok("DE136695977"), "DE VAT DE136695977 invalid")
    check(ie_vat_letter("6388047") == "V", "IE VAT 6388047V")
    check(iban_ok("GB82WEST12345698765432"), "IBAN GB82WEST12345698765432")
    check(iban_ok("DE89370400440532013000"), "IBAN DE89370400440532013000")
    check(iban_ok("FR1420041010050500013M02606"), "IBAN FR1420041010050500013M02606")
    check(not iban_ok("DE89370400440532013001"), "IBAN mod-97 rejects a wrong digit")
    check(rib_key("30006", "00001", "12345678901") == 89, "RIB key 30006/00001/12345678901 = 89")
    check(iban_make("FR", "30006000011234567890189") == "FR7630006000011234567890189", "FR IBAN FR76 3000 6000 0112 3456 7890 189")
    rng = random.Random(1)
    for _ in range(2000):
        siren = make_siren(rng)
        siret = make_siret(rng, siren)
        assert luhn_ok(siren) and luhn_ok(siret) and siret[:9] == siren and len(siret) == 14
        v = fr_vat(siren)
        assert int(v[2:4]) == (12 + 3 * (int(siren) % 97)) % 97
        assert de_vat_ok(de_vat(rng))
        for c in ("FR", "DE", "GB", "IE", "CH"):
            ib = make_iban(rng, c)
            assert iban_ok(ib), ib
        ib = make_iban(rng, "FR")
        assert len(ib) == 27 and rib_key(ib[4:9], ib[9:14], ib[14:25]) == int(ib[25:27])
        d = ie_vat(rng)
        assert ie_vat_letter(d[2:9]) == d[9]
    check(True, "2000 random SIREN/SIRET/FR VAT/DE VAT/IE VAT/IBAN (FR,DE,GB,IE,CH) all valid")
    # amounts: VAT per rate rounded to cents, net + vat = gross
    rng = random.Random(2)
    for i in range(300):
        inv = build_invoice(random.Random(i), i, LAYOUTS[i % len(LAYOUTS)][0], LANGS[i % 3])
        t = inv["truth"]
        n, v, g = Decimal(t["net_total"]), Decimal(t["vat_total"]), Decimal(t["gross_total"])
        assert n + v == g, t
        assert sum(inv["vat_by_rate"].values()) == abs(v)
        for r, base in inv["bases"].items():
            assert inv["vat_by_rate"][r] == q2(base * r / 100)
        if t["supplier_siret"]:
            assert luhn_ok(t["supplier_siret"]) and luhn_ok(t["supplier_siret"][:9])
        vid = t["supplier_vat_id"]
        if vid and vid.startswith("FR"):
            assert int(vid[2:4]) == fr_vat_key(vid[4:])
            if t["supplier_siret"]:
                assert t["supplier_siret"][:9] == vid[4:]
        if vid and vid.startswith("DE"):
            assert de_vat_ok(vid)
        if t["iban"]:
            assert iban_ok(t["iban"])
    check(True, "300 generated invoices: net + vat = gross, VAT rounded per rate, ids valid")
    return ok


# --------------------------------------------------------------------------------------
# Formatting
# --------------------------------------------------------------------------------------

NUMFMT = {
    "fr": (" ", ","), "fr_nbsp": ("\u00a0", ","), "fr_nnbsp": ("\u202f", ","),
    "de": (".", ","), "en": (",", "."), "plain": ("", "."), "plain_comma": ("", ","),
    "ch": ("'", "."),
}


def group3(s, sep):
    parts = []
    while len(s) > 3:
        parts.insert(0, s[-3:])
        s = s[:-3]
    parts.insert(0, s)
    return sep.join(parts)


def fmt_num(d, nf, decimals=2):
    sep, dec = NUMFMT[nf]
    a = abs(Decimal(d))
    s = ("%." + str(decimals) + "f") % a
    i, f = s.split(".") if decimals else (s, "")
    out = group3(i, sep) + ((dec + f) if decimals else "")
    return ("-" if Decimal(d) < 0 else "") + out


def fmt_qty(q, nf):
    if q == q.to_integral_value():
        return str(int(q)) if q >= 0 else "-" + str(int(-q))
    return fmt_num(q, nf, 2).rstrip("0").rstrip(",.")


def fmt_rate(r, nf):
    r = Decimal(r)
    if r == r.to_integral_value():
        return str(int(r))
    s = str(r.normalize())
    return s.replace(".", NUMFMT[nf][1] if NUMFMT[nf][1] == "," else ".")


SYMBOL = {"EUR": "€", "GBP": "£", "USD": "$", "CHF": "CHF"}


def money(inv, d, cur=True):
    """Format an amount the way this invoice prints amounts (with its currency style)."""
    nf, st, c = inv["nf"], inv["cur_style"], inv["truth"]["currency"]
    num = fmt_num(d, nf)
    if not cur or st == "none":
        return num
    neg = num.startswith("-")
    body = num[1:] if neg else num
    sym = SYMBOL[c]
    if st == "sym_after":
        return ("-" if neg else "") + body + ("\u00a0" if inv["nbsp_cur"] else " ") + sym
    if st == "sym_before":
        if sym == "CHF":
            return "CHF " + ("-" if neg else "") + body
        return ("-" if neg else "") + sym + body
    if st == "code_after":
        return ("-" if neg else "") + body + " " + c
    if st == "code_before":
        return c + " " + ("-" if neg else "") + body
    return num


MONTHS = {
    "fr": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
           "octobre", "novembre", "décembre"],
    "fr_short": ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.",
                 "nov.", "déc."],
    "de": ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
           "Oktober", "November", "Dezember"],
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"],
}


def fmt_date(d, style, lang):
    if style == "dmy_slash":
        return "%02d/%02d/%d" % (d.day, d.month, d.year)
    if style == "dmy_dot":
        return "%02d.%02d.%d" % (d.day, d.month, d.year)
    if style == "dmy_dot_short":
        return "%02d.%02d.%02d" % (d.day, d.month, d.year % 100)
    if style == "dmy_dash":
        return "%02d-%02d-%d" % (d.day, d.month, d.year)
    if style == "iso":
        return d.isoformat()
    if style == "long":
        if lang == "fr":
            return "%s %s %d" % ("1er" if d.day == 1 else str(d.day), MONTHS["fr"][d.month - 1], d.year)
        if lang == "de":
            return "%d. %s %d" % (d.day, MONTHS["de"][d.month - 1], d.year)
        return "%d %s %d" % (d.day, MONTHS["en"][d.month - 1], d.year)
    if style == "short_mon":
        if lang == "fr":
            return "%d %s %d" % (d.day, MONTHS["fr_short"][d.month - 1], d.year)
        return "%d %s %d" % (d.day, MONTHS["en"][d.month - 1][:3], d.year)
    if style == "us_long":
        return "%s %d, %d" % (MONTHS["en"][d.month - 1], d.day, d.year)
    if style == "us_short":
        return "%s %d, %d" % (MONTHS["en"][d.month - 1][:3], d.day, d.year)
    if style == "us_slash":
        return "%02d/%02d/%d" % (d.month, d.day, d.year)
    raise ValueError(style)


# --------------------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------------------

LAB = {
    "fr": {
        "title": ["FACTURE", "Facture", "FACTURE"],
        "title_cn": ["AVOIR", "Avoir", "FACTURE D'AVOIR"],
        "number": ["Facture n°", "N° de facture", "Numéro", "Réf. facture", "Numéro de facture", "Facture N°"],
        "number_cn": ["Avoir n°", "N° d'avoir", "Numéro", "Réf. avoir"],
        "date": ["Date", "Date de facture", "Émise le", "Date d'émission", "Date facture"],
        "date_cn": ["Date", "Date de l'avoir", "Émis le"],
        "due": ["Échéance", "Date d'échéance", "A régler avant le", "Payable le", "À payer avant le"],
        "net": ["Total HT", "Montant HT", "Sous-total", "Total H.T."],
        "vat_rate": ["TVA {r} %", "TVA {r}%", "TVA ({r} %)", "TVA à {r} %"],
        "vat_total": ["Total TVA", "Montant TVA", "TVA"],
        "gross": ["Total TTC", "Net à payer", "Montant TTC", "Total à payer", "Total T.T.C."],
        "gross_cn": ["Total TTC", "Montant TTC", "Total de l'avoir TTC", "Montant à rembourser"],
        "buyer": ["Client", "Facturé à", "Adresse de facturation", "Destinataire", "Facturer à"],
        "seller": ["Émetteur", "Fournisseur", "Vendeur"],
        "buyer_vat": ["N° TVA client", "TVA intracom. client", "Votre n° TVA", "N° TVA"],
        "buyer_siret": ["SIRET client", "Votre SIRET", "SIRET"],
        "vat_id": ["N° TVA intracommunautaire", "TVA intracom.", "N° TVA", "Numéro de TVA", "TVA intracommunautaire"],
        "siret": ["SIRET", "N° SIRET", "Siret"],
        "iban": ["IBAN"], "bic": ["BIC", "BIC/SWIFT", "Code BIC"],
        "bank": ["Coordonnées bancaires", "Règlement par virement", "Banque"],
        "cust_no": ["N° client", "Code client", "Réf. client"],
        "order": ["Votre commande", "Bon de commande", "Réf. commande", "N° commande"],
        "delivery": ["Date de livraison", "Livré le", "Date d'exécution"],
        "cols": {
            "pos": ["#", "Réf.", "N°"],
            "desc": ["Désignation", "Description", "Libellé"],
            "qty": ["Qté", "Quantité"],
            "unit": ["Unité", "U."],
            "price": ["P.U. HT", "Prix unitaire HT", "PU HT", "Prix unit."],
            "rate": ["TVA", "Taux TVA", "TVA %"],
            "amount": ["Montant HT", "Total HT", "Montant"],
        },
        "units": ["u", "h", "pce", "jour", "forfait", "lot", "m²"],
        "page": ["Page {p}/{n}", "Page {p} sur {n}", "{p}/{n}"],
        "continued": ["(suite)", "Suite de la facture", "- suite -"],
        "carried": ["À reporter", "Report", "Sous-total à reporter"],
        "brought": ["Report", "Report page précédente"],
        "terms": ["Conditions de paiement : {d} jours net", "Paiement à {d} jours date de facture",
                  "Règlement à réception de facture", "Paiement par virement sous {d} jours"],
        "terms_due": ["Conditions de paiement : virement à {d} jours, soit le {due}",
                      "Merci de régler cette facture avant le {due}."],
        "legal": ["En cas de retard de paiement, une pénalité égale à 3 fois le taux d'intérêt légal sera exigible, ainsi qu'une indemnité forfaitaire pour frais de recouvrement de 40 €.",
                  "Pas d'escompte pour paiement anticipé.",
                  "TVA acquittée sur les débits."],
        "thanks": ["Merci pour votre confiance.", "Nous vous remercions de votre commande."],
        "cn_ref": ["Avoir sur facture n° {ref} du {d}", "Annule et remplace la facture {ref}",
                   "Réf. facture d'origine : {ref}"],
        "cur_note": ["Montants exprimés en {c}", "Devise : {c}", "Tous les montants sont en {c}"],
        "rate_tbl": ["Taux", "Base HT", "Montant TVA", "Total TTC", "Total"],
        "phone": "Tél.", "email": "E-mail", "web": "Site",
        "capital": ["SARL au capital de {cap} €", "SAS au capital de {cap} €", "Capital social : {cap} €"],
        "rcs": ["RCS {city} {siren}", "R.C.S. {city} {siren}"],
        "naf": ["Code APE {naf}", "NAF {naf}"],
        "colon": [" :", " :", ":"],
        "greeting": [],
    },
    "de": {
        "title": ["RECHNUNG", "Rechnung", "Rechnung"],
        "title_cn": ["GUTSCHRIFT", "Gutschrift", "Rechnungskorrektur / Gutschrift"],
        "number": ["Rechnungsnummer", "Rechnung Nr.", "Rechnungs-Nr.", "Beleg-Nr.", "Rechnungsnr."],
        "number_cn": ["Gutschrift Nr.", "Gutschriftsnummer", "Beleg-Nr.", "Gutschrift-Nr."],
        "date": ["Rechnungsdatum", "Datum", "Belegdatum", "Rechnungsdatum"],
        "date_cn": ["Datum", "Gutschriftsdatum", "Belegdatum"],
        "due": ["Fällig am", "Zahlbar bis", "Fälligkeitsdatum", "Fällig bis", "Zahlungsziel"],
        "net": ["Nettobetrag", "Summe netto", "Zwischensumme", "Gesamt netto", "Netto"],
        "vat_rate": ["MwSt. {r} %", "USt {r} %", "zzgl. {r} % USt.", "Umsatzsteuer {r} %", "{r} % MwSt.", "zzgl. MwSt. {r}%"],
        "vat_total": ["Summe MwSt.", "USt gesamt", "MwSt. gesamt", "Umsatzsteuer"],
        "gross": ["Gesamtbetrag", "Rechnungsbetrag", "Endbetrag", "Bruttobetrag", "Summe brutto", "Zahlbetrag"],
        "gross_cn": ["Gutschriftsbetrag", "Gesamtbetrag", "Endbetrag"],
        "buyer": ["Rechnungsempfänger", "Kunde", "Rechnungsadresse", "Rechnung an"],
        "seller": ["Rechnungssteller", "Lieferant", "Absender"],
        "buyer_vat": ["Ihre USt-IdNr.", "USt-IdNr. Kunde", "USt-ID Kunde"],
        "buyer_siret": [],
        "vat_id": ["USt-IdNr.", "USt-ID", "Umsatzsteuer-ID", "USt.-Id.-Nr.", "UStID"],
        "siret": [],
        "iban": ["IBAN"], "bic": ["BIC", "SWIFT-BIC"],
        "bank": ["Bankverbindung", "Bank", "Zahlung an"],
        "cust_no": ["Kundennummer", "Kunden-Nr.", "Kd.-Nr."],
        "order": ["Ihre Bestellung", "Bestellnummer", "Auftrag Nr.", "Ihr Zeichen"],
        "delivery": ["Lieferdatum", "Leistungsdatum", "Leistungszeitraum bis"],
        "cols": {
            "pos": ["Pos.", "Pos", "Nr."],
            "desc": ["Bezeichnung", "Beschreibung", "Artikel / Leistung", "Leistung"],
            "qty": ["Menge", "Anz.", "Anzahl"],
            "unit": ["Einheit", "ME"],
            "price": ["Einzelpreis", "E-Preis", "Preis/Einheit", "EP netto"],
            "rate": ["MwSt.", "USt %", "USt."],
            "amount": ["Gesamtpreis", "Betrag", "Gesamt", "GP netto"],
        },
        "units": ["Stk.", "Std.", "pauschal", "Tag", "m", "kg", "Psch."],
        "page": ["Seite {p} von {n}", "Seite {p}/{n}", "- {p} / {n} -"],
        "continued": ["Fortsetzung", "(Fortsetzung)", "Rechnung - Fortsetzung"],
        "carried": ["Übertrag", "Zwischensumme Übertrag"],
        "brought": ["Übertrag", "Übertrag von Seite 1"],
        "terms": ["Zahlbar innerhalb von {d} Tagen ohne Abzug.", "Zahlungsbedingungen: {d} Tage netto",
                  "Zahlbar sofort ohne Abzug."],
        "terms_due": ["Bitte überweisen Sie den Rechnungsbetrag bis zum {due} ohne Abzug.",
                      "Zahlbar ohne Abzug bis {due}."],
        "legal": ["Leistungsdatum entspricht dem Rechnungsdatum, sofern nicht anders angegeben.",
                  "Es gelten unsere Allgemeinen Geschäftsbedingungen.",
                  "Die Ware bleibt bis zur vollständigen Bezahlung unser Eigentum."],
        "thanks": ["Vielen Dank für Ihren Auftrag!", "Wir danken für Ihr Vertrauen."],
        "cn_ref": ["Gutschrift zur Rechnung {ref} vom {d}", "Korrektur zu Rechnung Nr. {ref}",
                   "Bezug: Rechnung {ref}"],
        "cur_note": ["Alle Beträge in {c}", "Währung: {c}", "Beträge in {c}"],
        "rate_tbl": ["Steuersatz", "Netto", "MwSt.", "Brutto", "Summe"],
        "phone": "Tel.", "email": "E-Mail", "web": "Web",
        "hrb": ["Amtsgericht {city} HRB {n}", "Registergericht: AG {city}, HRB {n}", "HRB {n}, AG {city}"],
        "stnr": ["Steuernummer {n}", "St.-Nr. {n}"],
        "gf": ["Geschäftsführer: {p}", "Geschäftsführung: {p}", "Inhaber: {p}", "Vorstand: {p}"],
        "colon": [":", ":", ""],
        "greeting": ["Sehr geehrte Damen und Herren,", "vielen Dank für Ihren Auftrag. Wir berechnen Ihnen wie folgt:",
                     "wir erlauben uns, Ihnen folgende Leistungen in Rechnung zu stellen:"],
    },
    "en": {
        "title": ["INVOICE", "Invoice", "TAX INVOICE", "VAT INVOICE"],
        "title_cn": ["CREDIT NOTE", "Credit Note", "CREDIT MEMO"],
        "number": ["Invoice No.", "Invoice #", "Invoice number", "Invoice Number", "Invoice no"],
        "number_cn": ["Credit note No.", "Credit Note #", "Credit note number", "Credit Memo #"],
        "date": ["Date", "Date of issue", "Invoice date", "Issue date", "Invoice Date", "Tax point date"],
        "date_cn": ["Date", "Date of issue", "Credit note date"],
        "due": ["Due date", "Payment due", "Due", "Pay by", "Due Date"],
        "net": ["Subtotal", "Net amount", "Net total", "Total excl. VAT", "Sub-total"],
        "vat_rate": ["VAT {r}%", "VAT @ {r}%", "VAT ({r}%)", "VAT at {r}%"],
        "vat_total": ["Total VAT", "VAT total", "VAT"],
        "gross": ["Total", "Amount due", "Balance due", "Total due", "Invoice total", "Total (incl. VAT)"],
        "gross_cn": ["Total credit", "Total", "Amount credited"],
        "buyer": ["Bill to", "Billed to", "Customer", "Invoice to", "BILL TO"],
        "seller": ["From", "Supplier"],
        "buyer_vat": ["Customer VAT No.", "Your VAT No.", "VAT No."],
        "buyer_siret": [],
        "vat_id": ["VAT Reg. No.", "VAT No.", "VAT Registration Number", "VAT number", "VAT Reg No"],
        "siret": [],
        "iban": ["IBAN"], "bic": ["BIC", "SWIFT", "SWIFT/BIC"],
        "bank": ["Bank details", "Payment details", "Please pay to", "Remittance"],
        "cust_no": ["Customer ID", "Account No.", "Customer ref"],
        "order": ["PO number", "P.O. #", "Your reference", "Order ref"],
        "delivery": ["Delivery date", "Date of supply", "Ship date"],
        "cols": {
            "pos": ["#", "Item", "No."],
            "desc": ["Description", "Item", "Details", "Service"],
            "qty": ["Qty", "Quantity", "Hours", "Units"],
            "unit": ["Unit", "UoM"],
            "price": ["Unit price", "Rate", "Price", "Unit cost"],
            "rate": ["VAT", "VAT %", "Tax"],
            "amount": ["Amount", "Total", "Line total", "Net"],
        },
        "units": ["pcs", "hrs", "ea", "day", "unit", "box"],
        "page": ["Page {p} of {n}", "Page {p}/{n}", "{p} / {n}"],
        "continued": ["(continued)", "Invoice - continued", "continued"],
        "carried": ["Carried forward", "Subtotal c/f"],
        "brought": ["Brought forward", "Subtotal b/f"],
        "terms": ["Payment terms: Net {d}", "Terms: {d} days", "Payment due within {d} days of invoice date",
                  "Due on receipt"],
        "terms_due": ["Please pay by {due}.", "Payment is due on {due}."],
        "legal": ["Thank you for your business.", "Late payments may be subject to interest under the Late Payment of Commercial Debts (Interest) Act 1998.",
                  "Please quote the invoice number with your payment."],
        "thanks": ["Thank you for your business!", "We appreciate your prompt payment."],
        "cn_ref": ["Credit against invoice {ref} dated {d}", "Relates to invoice {ref}", "Original invoice: {ref}"],
        "cur_note": ["All amounts in {c}", "Currency: {c}", "Amounts shown in {c}"],
        "rate_tbl": ["VAT rate", "Net", "VAT", "Gross", "Total"],
        "phone": "Tel", "email": "Email", "web": "Web",
        "company_no": ["Registered in England and Wales No. {n}", "Company No. {n}", "Company Reg. No. {n}",
                       "Registered in Ireland No. {n}"],
        "colon": [":", ":", ""],
        "greeting": [],
    },
}

US_LAB = {
    "vat_rate": ["Sales Tax ({r}%)", "Tax ({r}%)", "Sales tax {r}%"],
    "net": ["Subtotal", "Sub Total", "Subtotal"],
    "gross": ["Total", "Balance Due", "Total Due", "Amount Due", "TOTAL"],
    "title": ["INVOICE", "Invoice"],
    "cols_rate": ["Tax", "Taxable"],
}

DESC = {
    "fr": ["Prestation de conseil", "Développement logiciel - sprint {n}", "Maintenance annuelle serveur",
           "Cartouches d'encre noire", "Papier A4 80 g (carton de 5 ramettes)", "Frais de déplacement",
           "Formation Excel avancé (1 jour)", "Location nacelle élévatrice", "Installation réseau Wi-Fi",
           "Livres techniques", "Repas d'affaires", "Travaux de rénovation salle de bain",
           "Abonnement logiciel mensuel", "Impression flyers A5 recto-verso", "Audit de sécurité informatique",
           "Transport palette Lyon - Paris", "Main-d'œuvre technicien", "Fournitures de bureau diverses",
           "Conception graphique du logo", "Entretien espaces verts", "Nettoyage des locaux (mois de {m})",
           "Licence antivirus 25 postes", "Câblage baie de brassage", "Rédaction de contenus web",
           "Hébergement site vitrine - 12 mois", "Chaise de bureau ergonomique"],
    "de": ["Beratungsleistung", "Softwareentwicklung Sprint {n}", "Wartungsvertrag Quartal", "Druckerpatronen schwarz",
           "Kopierpapier A4, 500 Blatt", "Fahrtkosten", "Montage vor Ort", "Lebensmittel Catering",
           "Fachbücher", "Schulung Datenschutz (1 Tag)", "Hosting-Paket Business", "Lieferung und Verpackung",
           "Reparatur Heizungsanlage", "Ersatzteile Hydraulik", "Schreibtisch höhenverstellbar",
           "Grafikdesign Flyer", "Gebäudereinigung {m}", "Arbeitszeit Monteur", "Netzwerkkabel Cat.6, 20 m",
           "Lizenz Buchhaltungssoftware", "Übersetzung Deutsch-Englisch", "Transport Hamburg - Köln",
           "Prüfung Elektroanlage nach DGUV V3", "Gartenpflege"],
    "en": ["Consulting services", "Website maintenance ({m})", "Software licence - annual", "Printer toner cartridges",
           "A4 copy paper, box of 5 reams", "Travel expenses", "On-site installation", "Catering - buffet lunch",
           "Training workshop (1 day)", "Cloud hosting - Business plan", "Delivery charge",
           "Graphic design - brochure", "Replacement parts", "Labour", "Children's books", "Office cleaning ({m})",
           "Network switch 24-port", "Copywriting - blog articles", "Data migration project - phase {n}",
           "Security audit", "Van hire (3 days)", "Ergonomic office chair", "Photography session",
           "Translation services"],
}

NAMES = {
    "FR": {
        "a": ["Atelier", "Comptoir", "Maison", "Imprimerie", "Menuiserie", "Cabinet", "Studio", "Transports",
              "Agence", "Garage", "Laboratoire", "Boulangerie", "Ateliers"],
        "b": ["Dubois", "Lefèvre", "du Vieux Port", "des Alpes", "Moreau", "Rivière", "Marchand", "de la Loire",
              "Girard", "Bellerive", "Lumière", "Castel", "Fontaine", "Morvan"],
        "c": ["Conseil", "Services", "Distribution", "Numérique", "Bâtiment", "Logistique"],
        "forms": ["SARL", "SAS", "SA", "SARL", "SAS"],
    },
    "DE": {
        "a": ["Müller", "Schneider", "Bergmann", "Hoffmann", "Krüger", "Weber", "Alpen", "Nordlicht", "Rhein",
              "Elbe", "Schwarzwald", "Becker", "Lindner"],
        "b": ["Technik", "Druck", "Logistik", "Metallbau", "Software", "Elektro", "Bürobedarf", "Holzbau",
              "Haustechnik", "Systeme", "Medien"],
        "c": ["Service", "Handel", "Vertrieb", "Nord", "Süd"],
        "forms": ["GmbH", "GmbH", "AG", "e.K.", "GmbH"],
    },
    "CH": {
        "a": ["Alpstein", "Zürichsee", "Helvetia", "Gotthard", "Rigi", "Aare", "Brunner"],
        "b": ["Technik", "Druck", "Informatik", "Treuhand", "Holzbau", "Consulting"],
        "c": ["Partner", "Service"],
        "forms": ["AG", "GmbH"],
    },
    "GB": {
        "a": ["Riverside", "Thornbury", "Oakfield", "Kestrel", "Blackwood", "Harbour", "Pennine", "Greenway",
              "Ashford", "Millbrook", "Redhill", "Castlegate"],
        "b": ["Consulting", "Supplies", "Print", "Logistics", "Digital", "Engineering", "Catering", "Studio",
              "Joinery", "Analytics"],
        "c": ["Group", "Services", "Solutions", "& Sons"],
        "forms": ["Ltd", "Ltd", "Ltd."],
    },
    "IE": {
        "a": ["Liffey", "Shannon", "Connemara", "Burren", "Wicklow", "Emerald", "Galway Bay"],
        "b": ["Consulting", "Print", "Software", "Logistics", "Design", "Foods"],
        "c": ["Services", "Solutions"],
        "forms": ["Ltd", "Ltd", "Limited"],
    },
    "US": {
        "a": ["Summit", "Redwood", "Lakeshore", "Bluebird", "Granite", "Prairie", "Copperline", "Harbor",
              "Silver Creek", "Evergreen"],
        "b": ["Consulting", "Supply", "Labs", "Media", "Software", "Logistics", "Design", "Staffing"],
        "c": ["Group", "Partners", "Solutions"],
        "forms": ["LLC", "Inc.", "LLC", "Inc"],
    },
}

ADDR = {
    "FR": (["12 rue des Lilas", "45 avenue Jean Jaurès", "3 place de la République", "18 boulevard Voltaire",
            "ZA Les Molières, 7 rue de l'Industrie", "102 route de Lyon", "9 impasse des Tilleuls"],
           [("75011", "Paris"), ("69003", "Lyon"), ("33000", "Bordeaux"), ("31000", "Toulouse"), ("44000", "Nantes"),
            ("67000", "Strasbourg"), ("13008", "Marseille"), ("59000", "Lille"), ("35000", "Rennes")], "France"),
    "DE": (["Hauptstraße 12", "Industriestr. 45", "Am Markt 3", "Lindenallee 18", "Gewerbepark Süd 7",
            "Bahnhofstraße 102", "Schillerweg 9"],
           [("80331", "München"), ("10115", "Berlin"), ("20095", "Hamburg"), ("50667", "Köln"), ("70173", "Stuttgart"),
            ("04109", "Leipzig"), ("60311", "Frankfurt am Main"), ("90402", "Nürnberg")], "Deutschland"),
    "CH": (["Bahnhofstrasse 10", "Seestrasse 44", "Industriestrasse 7", "Dorfplatz 2"],
           [("8001", "Zürich"), ("3011", "Bern"), ("4051", "Basel"), ("6003", "Luzern")], "Schweiz"),
    "GB": (["Unit 4, Riverside Park", "27 High Street", "Suite 3, 10 King's Road", "The Old Mill, Mill Lane",
            "14 Victoria Street", "8 Canal Wharf"],
           [("LS1 4AB", "Leeds"), ("M1 2HF", "Manchester"), ("BS1 5TR", "Bristol"), ("EC1V 9HX", "London"),
            ("EH2 2ER", "Edinburgh"), ("B3 3AA", "Birmingham")], "United Kingdom"),
    "IE": (["14 Merrion Square", "Unit 7, Sandyford Business Park", "22 Shop Street", "3 Patrick Street"],
           [("D02 XY45", "Dublin 2"), ("H91 E2K3", "Galway"), ("T12 R5CP", "Cork"), ("V94 T9PX", "Limerick")], "Ireland"),
    "US": (["1200 Market St, Suite 300", "455 Oak Avenue", "77 Harbor Blvd", "2100 W Lake St, Floor 2",
            "9 Industrial Way"],
           [("CO 80202", "Denver"), ("IL 60601", "Chicago"), ("TX 78701", "Austin"), ("NY 10013", "New York"),
            ("WA 98101", "Seattle"), ("MA 02110", "Boston")], "USA"),
}

PERSONS = {"fr": ["Mme Claire Martin", "M. Julien Petit", "Mme Sophie Laurent", "M. Nicolas Roux"],
           "de": ["Herrn Thomas Wagner", "Frau Anna Schulz", "Herrn Markus Richter", "Frau Julia Koch"],
           "en": ["Attn: Sarah Johnson", "Attn: David Clarke", "Attn: Emily Walsh", "Attn: Michael Brown"]}

BUYERS = {
    "FR": ["Boulangerie Martin SARL", "Hôtel du Parc SAS", "Clinique Saint-Joseph", "Mairie de Villeneuve",
           "Cabinet Roussel Avocats", "Garage Central SARL", "Librairie Les Mots SAS"],
    "DE": ["Stadtwerke Neustadt GmbH", "Praxis Dr. Keller", "Hotel Zur Post GmbH", "Autohaus Brandt KG",
           "Bäckerei Sommer", "Ingenieurbüro Roth"],
    "CH": ["Gemeinde Wil", "Hotel Bellevue AG", "Praxis Dr. Meier"],
    "GB": ["Northgate Dental Practice", "The Crown Inn Ltd", "Brightside Academy Trust", "Fenwick & Hale LLP",
           "Morrison Motors Ltd"],
    "IE": ["Dunmore Hotel Ltd", "St. Brigid's School", "O'Neill Architects"],
    "US": ["Westside Dental Group", "Maple Street Bakery", "Hudson Valley Realty Inc.", "Brightpath Charter School"],
}

BICS = {"FR": ["BNPAFRPPXXX", "SOGEFRPP", "CRLYFRPP", "AGRIFRPP882", "CMCIFRPP"],
        "DE": ["COBADEFFXXX", "DEUTDEMMXXX", "HYVEDEMMXXX", "GENODEF1M01", "SSKMDEMMXXX"],
        "GB": ["NWBKGB2L", "BARCGB22", "LOYDGB21", "HBUKGB4B"],
        "IE": ["AIBKIE2D", "BOFIIE2D"],
        "CH": ["UBSWCHZH80A", "ZKBKCHZZ80A", "POFICHBEXXX"]}

RATES = {"FR": [Decimal("20"), Decimal("10"), Decimal("5.5"), Decimal("2.1")],
         "DE": [Decimal("19"), Decimal("7")],
         "CH": [Decimal("8.1"), Decimal("2.6")],
         "GB": [Decimal("20"), Decimal("5"), Decimal("0")],
         "IE": [Decimal("23"), Decimal("13.5"), Decimal("9"), Decimal("0")],
         "US": [Decimal(x) for x in ("8.875", "6.25", "7", "8.25", "6", "9.5")]}


TRANSLIT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "é": "e", "è": "e", "ê": "e", "à": "a",
                          "ç": "c", "ô": "o", "î": "i", "â": "a", "û": "u"})


def wchoice(rng, pairs):
    items, weights = zip(*pairs)
    return rng.choices(items, weights=weights, k=1)[0]


def rand_date(rng):
    start = dt.date(2024, 6, 1)
    return start + dt.timedelta(days=rng.randint(0, 660))


def make_name(rng, country, avoid=""):
    n = NAMES[country]
    for _ in range(50):
        form = rng.choice(n["forms"])
        core = [rng.choice(n["a"]), rng.choice(n["b"])]
        if rng.random() < 0.3:
            core.append(rng.choice(n["c"]))
        if country == "DE" and form == "e.K." and rng.random() < 0.5:
            core = [rng.choice(n["b"]) + "haus", rng.choice(n["a"])]
        if country == "FR" and rng.random() < 0.3:
            name = form + " " + " ".join(core)
        else:
            name = " ".join(core) + " " + form
        if len(name.split()) <= 5 and (not avoid or core[0] not in avoid):
            return name
    return name


def make_number(rng, lang, d, credit):
    n = rng.randint(1, 9999)
    y, yy, m = d.year, d.year % 100, d.month
    if credit:
        pats = {"fr": ["AV-%d-%03d" % (y, n % 1000), "AV%02d%04d" % (yy, n), "A%d-%04d" % (y, n)],
                "de": ["GS-%d-%04d" % (y, n), "GU%02d%05d" % (yy, n), "G-%d/%03d" % (y, n % 1000)],
                "en": ["CN-%05d" % n, "CR%d-%03d" % (y, n % 1000), "C%05d" % n]}
    else:
        pats = {"fr": ["F%d-%04d" % (y, n), "FA%02d%02d-%03d" % (yy, m, n % 1000), "%d%05d" % (y, n),
                       "FAC-%06d" % n, "%02d/%04d" % (yy, n), "F%06d" % n],
                "de": ["RE-%d-%04d" % (y, n), "R%02d%05d" % (yy, n), "%d/%04d" % (y, n), "RG%06d" % n,
                       "%d" % (10000 + n), "%d-%03d" % (y, n % 1000)],
                "en": ["INV-%05d" % n, "%04d" % n, "INV%d%04d" % (y, n), "SI-%06d" % n, "%d-%04d" % (y, n),
                       "INV/%02d/%04d" % (yy, n)]}
    return rng.choice(pats[lang])


# --------------------------------------------------------------------------------------
# Invoice data model
# --------------------------------------------------------------------------------------

LANGS = ["fr", "de", "en"]


def build_invoice(rng, idx, layout, lang):
    spec = dict(LAYOUTS)[layout]
    if lang == "fr":
        country = "FR"
    elif lang == "de":
        country = wchoice(rng, [("DE", 8), ("CH", 2)])
    else:
        country = wchoice(rng, spec.get("en_countries", [("GB", 5), ("US", 3), ("IE", 2)]))
    cur = {"FR": "EUR", "DE": "EUR", "CH": "CHF", "IE": "EUR", "US": "USD"}.get(country)
    if country == "GB":
        cur = wchoice(rng, [("GBP", 17), ("EUR", 2), ("USD", 1)])
    nf = {"FR": [("fr", 4), ("fr_nbsp", 2), ("fr_nnbsp", 1), ("plain_comma", 2), ("de", 1)],
          "DE": [("de", 6), ("plain_comma", 2), ("fr", 1)],
          "CH": [("ch", 3), ("de", 1), ("plain", 1)]}.get(country, [("en", 5), ("plain", 2)])
    nf = wchoice(rng, nf)
    cur_style = {"FR": [("sym_after", 5), ("code_after", 2), ("none", 2)],
                 "DE": [("sym_after", 5), ("code_after", 2), ("code_before", 1), ("none", 2)],
                 "CH": [("code_before", 3), ("code_after", 2), ("none", 1)]}.get(
        country, [("sym_before", 5), ("code_before", 1), ("code_after", 1), ("none", 2)])
    cur_style = wchoice(rng, cur_style)
    if cur_style == "sym_before" and cur == "CHF":
        cur_style = "code_before"
    date_style = {"FR": [("dmy_slash", 5), ("long", 3), ("iso", 1), ("dmy_dot", 1)],
                  "DE": [("dmy_dot", 6), ("long", 2), ("iso", 1), ("dmy_dot_short", 1)],
                  "CH": [("dmy_dot", 4), ("long", 1)],
                  "US": [("us_long", 3), ("us_slash", 3), ("us_short", 2), ("iso", 1)]}.get(
        country, [("dmy_slash", 4), ("short_mon", 3), ("long", 2), ("iso", 1)])
    date_style = wchoice(rng, date_style)

    credit = rng.random() < 0.13
    neg = credit and rng.random() < 0.5
    L = LAB[lang]

    def pick(key):
        return rng.choice(L[key])

    labels = {
        "title": pick("title_cn" if credit else "title"),
        "number": pick("number_cn" if credit else "number"),
        "date": pick("date_cn" if credit else "date"),
        "due": pick("due"),
        "net": pick("net"),
        "vat_rate": pick("vat_rate"),
        "vat_total": pick("vat_total"),
        "gross": pick("gross_cn" if credit else "gross"),
        "buyer": pick("buyer"),
        "vat_id": pick("vat_id"),
        "siret": pick("siret") if L["siret"] else "SIRET",
        "bic": pick("bic"),
        "bank": pick("bank"),
        "cust_no": pick("cust_no"),
        "order": pick("order"),
        "delivery": pick("delivery"),
        "page": pick("page"),
        "continued": pick("continued"),
        "carried": pick("carried"),
        "brought": pick("brought"),
        "cur_note": pick("cur_note"),
        "colon": pick("colon"),
        "buyer_vat": pick("buyer_vat"),
        "buyer_siret": pick("buyer_siret") if L["buyer_siret"] else "",
    }
    labels["cols"] = {k: rng.choice(v) for k, v in L["cols"].items()}
    if country == "US":
        labels["vat_rate"] = rng.choice(US_LAB["vat_rate"])
        labels["net"] = rng.choice(US_LAB["net"])
        if not credit:
            labels["gross"] = rng.choice(US_LAB["gross"])
            labels["title"] = rng.choice(US_LAB["title"])
        labels["cols"]["rate"] = "Tax"
    if country == "CH":
        labels["vat_rate"] = rng.choice(["MWST {r} %", "MWST {r}%", "zzgl. MWST {r} %"])
        labels["vat_id"] = "MWST-Nr."
    if country == "IE" and labels["title"] == "VAT INVOICE":
        labels["title"] = "INVOICE"
    if labels["date"] == "Tax point date" and country == "US":
        labels["date"] = "Invoice Date"
    if credit and lang == "fr" and labels["gross"] == "Montant à rembourser" and rng.random() < 0.5:
        labels["gross"] = "Total TTC"
    # avoid the same words for the VAT total label and the per-rate label ("TVA" vs "TVA 20 %") being confusing
    # -> fine, real invoices do that.

    # --- supplier
    street = rng.choice(ADDR[country][0])
    zipc, city = rng.choice(ADDR[country][1])
    sname = make_name(rng, country)
    sup = {"name": sname, "street": street, "zip": zipc, "city": city, "country": ADDR[country][2],
           "country_code": country}
    if country == "US":
        sup["city_line"] = "%s, %s" % (city, zipc)
    elif country in ("GB", "IE"):
        sup["city_line"] = "%s %s" % (city, zipc)
    else:
        sup["city_line"] = "%s %s" % (zipc, city)
    slug = re.sub(r"[^a-z]", "", sname.lower().translate(TRANSLIT).split()[0 if not sname.split()[0] in ("SARL", "SAS", "SA") else 1])[:12] or "contact"
    tld = {"FR": "fr", "DE": "de", "CH": "ch", "GB": "co.uk", "IE": "ie", "US": "com"}[country]
    prefixes = {"FR": ["contact", "compta", "facturation", "info"], "DE": ["info", "rechnung", "buchhaltung", "kontakt"],
                "CH": ["info", "buchhaltung", "kontakt"]}.get(country, ["accounts", "billing", "info", "hello"])
    sup["email"] = rng.choice(prefixes) + "@" + slug + "." + tld
    sup["web"] = "www." + slug + "." + tld
    phone = {"FR": "0%d %02d %02d %02d %02d" % (rng.randint(1, 5), rng.randint(10, 99), rng.randint(10, 99), rng.randint(10, 99), rng.randint(10, 99)),
             "DE": "+49 %d %d-%d" % (rng.randint(30, 911), rng.randint(1000, 99999), rng.randint(0, 99)),
             "CH": "+41 44 %03d %02d %02d" % (rng.randint(100, 999), rng.randint(10, 99), rng.randint(10, 99)),
             "GB": "0%d %d %d" % (rng.randint(113, 191), rng.randint(100, 999), rng.randint(1000, 9999)),
             "IE": "+353 1 %d %d" % (rng.randint(100, 999), rng.randint(1000, 9999)),
             "US": "(%d) %d-%d" % (rng.randint(201, 989), rng.randint(200, 999), rng.randint(1000, 9999))}[country]
    sup["phone"] = phone

    vat_id = siret = iban = None
    vat_print = siret_print = iban_print = None
    extra = []  # (text) lines mentioning registrations etc.
    if country == "FR":
        siren = make_siren(rng)
        sup["siren"] = siren
        siren_sp = "%s %s %s" % (siren[:3], siren[3:6], siren[6:])
        if rng.random() < 0.85:
            vat_id = fr_vat(siren)
            vat_print = rng.choice([vat_id, "FR %s %s" % (vat_id[2:4], siren), "FR %s %s" % (vat_id[2:4], siren_sp)])
        if rng.random() < 0.75:
            siret = make_siret(rng, siren)
            siret_print = rng.choice([siret, "%s %s" % (siren_sp, siret[9:]), "%s %s" % (siren, siret[9:])])
        extra.append(rng.choice(LAB["fr"]["rcs"]).format(city=city, siren=siren_sp))
        if rng.random() < 0.6:
            cap = rng.choice(["1 000", "5 000", "7 500", "10 000", "37 000", "50 000", "150 000"])
            form = sname.split()[0] if sname.split()[0] in ("SARL", "SAS", "SA") else sname.split()[-1]
            extra.append("%s au capital de %s €" % (form, cap) if rng.random() < 0.7 else "Capital social : %s €" % cap)
        if rng.random() < 0.5:
            extra.append(rng.choice(LAB["fr"]["naf"]).format(naf="%02d.%02d%s" % (rng.randint(10, 96), rng.randint(10, 99), rng.choice("ABCZ"))))
    elif country == "DE":
        if rng.random() < 0.85:
            vat_id = de_vat(rng)
            vat_print = rng.choice([vat_id, "DE %s %s %s" % (vat_id[2:5], vat_id[5:8], vat_id[8:]), "DE " + vat_id[2:]])
        if rng.random() < 0.5:
            extra.append(rng.choice(LAB["de"]["stnr"]).format(n="%d/%d/%05d" % (rng.randint(100, 299), rng.randint(100, 999), rng.randint(0, 99999))))
        if not sname.endswith("e.K."):
            extra.append(rng.choice(LAB["de"]["hrb"]).format(city=city, n=rng.randint(1000, 250000)))
        gf = LAB["de"]["gf"]
        gf = gf[2:3] if sname.endswith("e.K.") else (gf[3:4] if sname.endswith(" AG") else gf[:2])
        extra.append(rng.choice(gf).format(p=rng.choice(["Dipl.-Ing. Peter Lang", "Sabine Vogel", "Dr. Klaus Fischer", "Martin Schäfer"])))
    elif country == "CH":
        uid = "CHE-%03d.%03d.%03d" % (rng.randint(100, 999), rng.randint(0, 999), rng.randint(0, 999))
        extra.append("UID %s MWST" % uid)  # Swiss VAT number: not an EU VAT id -> truth null
    elif country == "GB":
        if rng.random() < 0.85:
            d9 = digits(rng, 9)
            vat_id = "GB" + d9
            vat_print = rng.choice([vat_id, "GB %s %s %s" % (d9[:3], d9[3:7], d9[7:]), "GB " + d9])
        extra.append(rng.choice(LAB["en"]["company_no"][:3]).format(n="%08d" % rng.randint(1000000, 13999999)))
    elif country == "IE":
        if rng.random() < 0.85:
            vat_id = ie_vat(rng)
            vat_print = rng.choice([vat_id, "IE " + vat_id[2:]])
        extra.append("Registered in Ireland No. %d" % rng.randint(100000, 799999))
    elif country == "US":
        extra.append(rng.choice(["EIN %02d-%07d" % (rng.randint(10, 99), rng.randint(0, 9999999)),
                                 "Tax ID: %02d-%07d" % (rng.randint(10, 99), rng.randint(0, 9999999))]))
    if country != "US" and rng.random() < 0.85:
        iban = make_iban(rng, country)
        if rng.random() < 0.65:
            iban_print = " ".join(iban[i:i + 4] for i in range(0, len(iban), 4))
        else:
            iban_print = iban
        sup["bic"] = rng.choice(BICS[country])
    if country == "GB" and iban:
        sup["sort_code"] = "%s-%s-%s" % (iban[8:10], iban[10:12], iban[12:14])
        sup["account_no"] = iban[14:22]
    if country == "US":
        sup["ach"] = "Routing %s  Account %s" % (rng.choice(["021000021", "026009593", "121000248", "111000025"]), digits(rng, 10))
    sup.update(vat_print=vat_print, siret_print=siret_print, iban_print=iban_print, extra=extra)

    # --- buyer
    bcountry = country
    bname = rng.choice(BUYERS[bcountry])
    bzip, bcity = rng.choice(ADDR[bcountry][1])
    buyer = {"name": bname, "street": rng.choice(ADDR[bcountry][0]),
             "city_line": ("%s, %s" % (bcity, bzip)) if bcountry == "US" else (("%s %s" % (bcity, bzip)) if bcountry in ("GB", "IE") else "%s %s" % (bzip, bcity)),
             "attn": rng.choice(PERSONS[lang]) if rng.random() < 0.35 else None, "vat": None, "siret": None}
    if rng.random() < 0.35 and country in ("FR", "DE", "GB", "IE"):
        if country == "FR":
            bs = make_siren(rng)
            buyer["vat"] = fr_vat(bs)
            if rng.random() < 0.5:
                buyer["siret"] = make_siret(rng, bs)
        elif country == "DE":
            buyer["vat"] = de_vat(rng)
        elif country == "GB":
            buyer["vat"] = "GB" + digits(rng, 9)
        else:
            buyer["vat"] = ie_vat(rng)

    # --- dates
    idate = rand_date(rng)
    due = None
    terms_days = rng.choice([14, 30, 30, 45, 60]) if country != "DE" else rng.choice([7, 14, 14, 30])
    if rng.random() < 0.78:
        due = idate + dt.timedelta(days=terms_days)
        if country == "FR" and rng.random() < 0.3:  # "30 jours fin de mois"
            nm = (due.replace(day=28) + dt.timedelta(days=4))
            due = nm - dt.timedelta(days=nm.day)
    if credit and rng.random() < 0.85:
        due = None
    delivery = idate - dt.timedelta(days=rng.randint(0, 20)) if rng.random() < 0.3 else None

    # --- lines
    lo, hi = spec["lines"]
    if hi > 8 and lo < 9:
        nlines = wchoice(rng, [(k, 4 if k <= 6 else (2 if k <= 9 else 1)) for k in range(lo, hi + 1)])
    else:
        nlines = rng.randint(lo, hi)
    rates_all = RATES[country]
    multi = spec.get("multi_rate") or (rng.random() < 0.35)
    if country == "US" or country == "CH" and not spec.get("multi_rate"):
        multi = multi and country == "CH"
    if country == "US":
        rates = [rng.choice(rates_all)]
    elif multi and nlines >= 2:
        k = min(len(rates_all), nlines, rng.choice([2, 2, 3]))
        rates = [rates_all[0]] + rng.sample(rates_all[1:], k - 1)
    else:
        rates = [rates_all[0]]
    descs = rng.sample(DESC[lang], min(nlines, len(DESC[lang])))
    while len(descs) < nlines:
        descs.append(rng.choice(DESC[lang]))
    month_name = MONTHS[lang][idate.month - 1] if lang != "fr" else MONTHS["fr"][idate.month - 1]
    lines = []
    for i in range(nlines):
        d = descs[i].format(n=rng.randint(1, 9), m=month_name)
        if spec.get("long_desc") and rng.random() < 0.4:
            d += {"fr": " - y compris déplacement, mise en service et documentation technique",
                  "de": " - inkl. Anfahrt, Inbetriebnahme und technischer Dokumentation",
                  "en": " - including travel, commissioning and technical documentation"}[lang]
        unit = rng.choice(L["units"])
        if unit in ("h", "Std.", "hrs", "jour", "Tag", "day") and rng.random() < 0.5:
            qty = Decimal(rng.randint(1, 40)) / 2
        elif unit in ("m", "kg", "m²") and rng.random() < 0.5:
            qty = Decimal(rng.randint(10, 999)) / 10
        else:
            qty = Decimal(rng.choice([1, 1, 1, 2, 3, 4, 5, 6, 10, 12, 20, 25, 50]))
        mag = rng.choice([1, 1, 10, 10, 10, 100, 100, 1000])
        price = q2(Decimal(rng.randint(100, 999)) / 100 * mag * Decimal(rng.choice([1, 1, 1.5, 2.5, 3])))
        if price > 4000 and qty > 4:
            qty = Decimal(1)
        rate = rates[0] if i == 0 else rng.choice(rates)
        net = q2(qty * price)
        lines.append({"desc": d, "unit": unit, "qty": qty, "price": price, "rate": rate, "net": net})
    # make sure every chosen rate is used
    for j, r in enumerate(rates):
        if j < len(lines) and r not in {l["rate"] for l in lines}:
            lines[-1 - j]["rate"] = r
    bases = {}
    for l in lines:
        bases[l["rate"]] = bases.get(l["rate"], Decimal("0")) + l["net"]
    bases = dict(sorted(bases.items(), key=lambda kv: -kv[0]))
    vat_by_rate = {r: q2(b * r / 100) for r, b in bases.items()}
    net_total = sum(bases.values())
    vat_total = sum(vat_by_rate.values())
    gross = net_total + vat_total
    sgn = Decimal(-1) if neg else Decimal(1)
    if neg:
        for l in lines:
            l["qty"] = -l["qty"]
            l["net"] = -l["net"]

    number = make_number(rng, lang, idate, credit)
    orig_ref = make_number(rng, lang, idate - dt.timedelta(days=40), False) if credit else None
    orig_date = idate - dt.timedelta(days=rng.randint(20, 90)) if credit else None

    font = rng.choice(spec.get("fonts", ["sans", "sans", "serif", "lato", "cond"]))
    inv = {
        "idx": idx, "layout": layout, "lang": lang, "country": country, "nf": nf, "cur_style": cur_style,
        "nbsp_cur": rng.random() < 0.5, "date_style": date_style, "credit": credit, "neg": neg, "labels": labels,
        "supplier": sup, "buyer": buyer, "lines": lines, "bases": bases, "vat_by_rate": vat_by_rate,
        "idate": idate, "due": due, "delivery": delivery, "terms_days": terms_days,
        "cust_no": rng.choice(["C%05d" % rng.randint(1, 99999), "%d" % rng.randint(10000, 99999), "CL-%04d" % rng.randint(1, 9999)]),
        "order_ref": rng.choice(["PO-%d" % rng.randint(1000, 99999), "BC%06d" % rng.randint(1, 999999), "%d" % rng.randint(4500000000, 4509999999)]) if rng.random() < 0.4 else None,
        "orig_ref": orig_ref, "orig_date": orig_date, "font": font, "rng_seed": rng.random(),
        "truth": {
            "supplier_name": sname,
            "supplier_vat_id": vat_id,
            "supplier_siret": siret,
            "iban": iban,
            "invoice_number": number,
            "invoice_date": idate.isoformat(),
            "due_date": due.isoformat() if due else None,
            "currency": cur,
            "net_total": str(q2(net_total * sgn)),
            "vat_total": str(q2(vat_total * sgn)),
            "gross_total": str(q2(gross * sgn)),
            "layout": layout,
            "lang": lang,
        },
    }
    inv["show_cur_note"] = cur_style == "none" or rng.random() < 0.2
    inv["meta_extra"] = [k for k in ("cust_no", "order", "delivery") if rng.random() < 0.5]
    if "order" in inv["meta_extra"] and not inv["order_ref"]:
        inv["meta_extra"].remove("order")
    if "delivery" in inv["meta_extra"] and not delivery:
        inv["meta_extra"].remove("delivery")
    inv["layout_seed"] = rng.randint(0, 2**31)
    inv["r"] = random.Random(inv["layout_seed"])  # layout-level randomness
    return inv


# --------------------------------------------------------------------------------------
# Drawing helpers
# --------------------------------------------------------------------------------------

FONT_FILES = {
    "sans": ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    "serif": ("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf"),
    "cond": ("/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed-Bold.ttf"),
    "lato": ("/usr/share/fonts/truetype/lato/Lato-Regular.ttf", "/usr/share/fonts/truetype/lato/Lato-Bold.ttf"),
    "mono": ("/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf"),
}

PT = 0.3528  # mm per point


class Doc(FPDF):
    def __init__(self, inv, fmt="A4"):
        super().__init__(orientation="P", unit="mm", format=fmt)
        self.inv = inv
        self.set_auto_page_break(False)
        self.set_margins(0, 0, 0)
        self.footer_fn = None
        self.header_fn = None
        self.set_title("")
        self.set_creator(inv["r"].choice(["Sage 100", "EBP Facturation", "lexoffice", "sevDesk", "Xero", "QuickBooks",
                                         "Microsoft Word", "LibreOffice", "Odoo", "DATEV"]))
        fam = inv["font"]
        self.fam = fam
        regs = {fam, "mono"} if fam != "mono" else {"mono"}
        ok = True
        for f in regs:
            reg, bold = FONT_FILES[f]
            if os.path.exists(reg) and os.path.exists(bold):
                self.add_font(f, "", reg)
                self.add_font(f, "B", bold)
            else:
                ok = False
        if not ok:  # fall back to core fonts
            self.fam = "helvetica"
            self.core_fonts_encoding = "windows-1252"

    def footer(self):
        if self.footer_fn:
            self.footer_fn(self)

    def header(self):
        if self.header_fn:
            self.header_fn(self)

    def setf(self, size, style="", fam=None):
        self.set_font(fam or self.fam, style, size)

    def t(self, x, y, s, size=9, style="", align="L", fam=None, color=None):
        """Draw s with its top at y. align L: starts at x, R: ends at x, C: centred on x. Returns next y."""
        if s is None or s == "":
            return y + size * PT * 1.3
        self.setf(size, style, fam)
        if color:
            self.set_text_color(*color)
        w = self.get_string_width(s)
        x0 = x - w if align == "R" else (x - w / 2 if align == "C" else x)
        self.text(x0, y + size * PT * 0.82, s)
        if color:
            self.set_text_color(0, 0, 0)
        return y + size * PT * 1.3

    def sw(self, s, size, style="", fam=None):
        self.setf(size, style, fam)
        return self.get_string_width(s)

    def wrap(self, s, width, size, style="", fam=None):
        """Greedy word wrap that never breaks inside a printed identifier (IBAN, VAT id, SIRET...)."""
        self.setf(size, style, fam)
        sup = self.inv["supplier"]
        for keep in (sup.get("vat_print"), sup.get("siret_print"), sup.get("iban_print")):
            if keep and keep in s:
                s = s.replace(keep, keep.replace(" ", "\x01"))
        out, cur = [], ""
        for word in s.split(" "):
            trial = (cur + " " + word).strip()
            if self.get_string_width(trial.replace("\x01", " ")) <= width or not cur:
                cur = trial
            else:
                out.append(cur)
                cur = word
        if cur:
            out.append(cur)
        return [o.replace("\x01", " ") for o in out]

    def para(self, x, y, s, width, size=8, style="", align="L", color=None):
        for ln in self.wrap(s, width, size, style):
            xx = x if align == "L" else (x + width if align == "R" else x + width / 2)
            y = self.t(xx, y, ln, size, style, align, color=color)
        return y

    def hl(self, x1, x2, y, w=0.2, color=(0, 0, 0)):
        self.set_draw_color(*color)
        self.set_line_width(w)
        self.line(x1, y, x2, y)
        self.set_draw_color(0, 0, 0)

    def box(self, x, y, w, h, fill=None, draw=(0, 0, 0), lw=0.2):
        self.set_line_width(lw)
        if fill:
            self.set_fill_color(*fill)
        if draw:
            self.set_draw_color(*draw)
        style = ("F" if fill else "") + ("D" if draw else "")
        self.rect(x, y, w, h, style=style)
        self.set_draw_color(0, 0, 0)


def colon(inv, label):
    c = inv["labels"]["colon"]
    if not c or label.endswith(":") or label.endswith("#"):
        return label if not (label.endswith("#") and c) else label + (c if c != " :" else ":")
    return label + c


def D(inv, d):
    return fmt_date(d, inv["date_style"], inv["lang"]) if d else ""


def meta_items(inv, include_due=True, number_first=True):
    """Ordered (label, value) pairs for the invoice header."""
    L = inv["labels"]
    items = [(L["number"], inv["truth"]["invoice_number"]), (L["date"], D(inv, inv["idate"]))]
    if not number_first:
        items.reverse()
    if include_due and inv["due"]:
        items.append((L["due"], D(inv, inv["due"])))
    for k in inv["meta_extra"]:
        if k == "cust_no":
            items.insert(inv["r"].choice([len(items), 2]), (L["cust_no"], inv["cust_no"]))
        elif k == "order":
            items.append((L["order"], inv["order_ref"]))
        elif k == "delivery":
            items.append((L["delivery"], D(inv, inv["delivery"])))
    return items


def supplier_lines(inv, name=True):
    s = inv["supplier"]
    out = []
    if name:
        out.append(s["name"])
    out += [s["street"], s["city_line"]]
    if inv["r"].random() < 0.3:
        out.append(s["country"])
    lab = LAB[inv["lang"]]
    if inv["r"].random() < 0.8:
        out.append("%s %s" % (lab["phone"], s["phone"]))
    if inv["r"].random() < 0.7:
        out.append(s["email"])
    return out


def buyer_lines(inv, with_ids=True):
    b = inv["buyer"]
    out = [b["name"]]
    if b["attn"]:
        out.append(b["attn"])
    out += [b["street"], b["city_line"]]
    L = inv["labels"]
    if with_ids and b["vat"]:
        out.append("%s %s" % (colon(inv, L["buyer_vat"]), b["vat"]))
    if with_ids and b["siret"]:
        out.append("%s %s" % (colon(inv, L["buyer_siret"] or "SIRET"), b["siret"]))
    return out


def id_lines(inv, compact=False):
    """The supplier's registration / tax / bank identifiers as printed lines."""
    s = inv["supplier"]
    L = inv["labels"]
    lang = inv["lang"]
    out = []
    if s["siret_print"]:
        out.append("%s %s" % (colon(inv, L["siret"]), s["siret_print"]))
    if s["vat_print"]:
        out.append("%s %s" % (colon(inv, L["vat_id"]), s["vat_print"]))
    out += s["extra"]
    bank = []
    if s.get("sort_code") and inv["r"].random() < 0.5:
        bank.append("Sort code %s  Account %s" % (s["sort_code"], s["account_no"]))
    if s["iban_print"]:
        bank.append("IBAN %s" % s["iban_print"] if inv["r"].random() < 0.6 else "IBAN: %s" % s["iban_print"])
        bank.append("%s %s" % (colon(inv, L["bic"]), s["bic"]))
    if s.get("ach"):
        bank.append("ACH: " + s["ach"])
    return out, bank


def totals_rows(inv, per_rate=True, force_vat_total=False):
    """(label, amount string, bold) rows of the totals block."""
    L = inv["labels"]
    t = inv["truth"]
    sg = Decimal(-1) if inv["neg"] else Decimal(1)
    rows = [(L["net"], money(inv, Decimal(t["net_total"])), False)]
    nf = inv["nf"]
    if per_rate:
        for r, v in inv["vat_by_rate"].items():
            rows.append((L["vat_rate"].format(r=fmt_rate(r, nf)), money(inv, v * sg), False))
        if len(inv["vat_by_rate"]) > 1 or force_vat_total:
            rows.append((L["vat_total"], money(inv, Decimal(t["vat_total"])), False))
    else:
        rows.append((L["vat_total"], money(inv, Decimal(t["vat_total"])), False))
    rows.append((L["gross"], money(inv, Decimal(t["gross_total"])), True))
    return rows


def cell_value(inv, line, key, pos):
    nf = inv["nf"]
    if key == "pos":
        return str(pos)
    if key == "desc":
        return line["desc"]
    if key == "qty":
        return fmt_qty(line["qty"], nf)
    if key == "unit":
        return line["unit"]
    if key == "qtyunit":
        return fmt_qty(line["qty"], nf) + " " + line["unit"]
    if key == "price":
        return fmt_num(line["price"], nf)
    if key == "rate":
        return fmt_rate(line["rate"], nf) + (" %" if inv["lang"] != "en" else "%")
    if key == "amount":
        return fmt_num(line["net"], nf)
    if key == "amount_cur":
        return money(inv, line["net"])
    return ""


def col_title(inv, key):
    c = inv["labels"]["cols"]
    if key == "qtyunit":
        return c["qty"]
    if key == "amount_cur":
        return c["amount"]
    t = c.get(key, "")
    if key in ("amount", "price") and inv["cur_style"] == "none" and inv["r"].random() < 0.5:
        t += " (%s)" % (SYMBOL[inv["truth"]["currency"]] if inv["truth"]["currency"] != "CHF" else "CHF")
    return t


def items_table(doc, inv, x, y, cols, y_max, new_page, size=8.5, header_fill=(225, 225, 225), grid=False,
                zebra=None, break_after=None, carry=False, header_color=None, row_pad=1.6, header_bold=True):
    """cols: [(key, width, align)]. Draws the line items, paginating. Returns y after the table."""
    width = sum(w for _, w, _ in cols)
    titles = [col_title(inv, k) for k, _, _ in cols]
    lh = size * PT * 1.3

    def header(y):
        h = lh + 2 * row_pad
        if header_fill:
            doc.box(x, y, width, h, fill=header_fill, draw=(0, 0, 0) if grid else None)
        else:
            doc.hl(x, x + width, y + h, 0.4)
        xx = x
        for (k, w, a), tt in zip(cols, titles):
            tx = xx + 1.2 if a == "L" else (xx + w - 1.2 if a == "R" else xx + w / 2)
            doc.t(tx, y + row_pad, tt, size, "B" if header_bold else "", a, color=header_color)
            xx += w
        return y + h

    y = header(y)
    running = Decimal(0)
    for i, line in enumerate(inv["lines"]):
        vals = [cell_value(inv, line, k, i + 1) for k, _, _ in cols]
        wrapped = []
        for (k, w, a), v in zip(cols, vals):
            wrapped.append(doc.wrap(v, w - 2.4, size) if k == "desc" else [v])
        nl = max(len(wl) for wl in wrapped)
        h = nl * lh + 2 * row_pad
        forced = break_after is not None and i == break_after
        if y + h > y_max or forced:
            if carry:
                doc.t(x + width - 40, y + 1.5, inv["labels"]["carried"], size, "B", "R")
                doc.t(x + width - 1.2, y + 1.5, fmt_num(running, inv["nf"]), size, "B", "R")
            y = new_page()
            if carry:
                doc.t(x + width - 40, y, inv["labels"]["brought"], size, "B", "R")
                doc.t(x + width - 1.2, y, fmt_num(running, inv["nf"]), size, "B", "R")
                y += lh + 2
            y = header(y)
        if zebra and i % 2 == 1:
            doc.box(x, y, width, h, fill=zebra, draw=None)
        xx = x
        for (k, w, a), wl in zip(cols, wrapped):
            yy = y + row_pad
            for ln in wl:
                tx = xx + 1.2 if a == "L" else (xx + w - 1.2 if a == "R" else xx + w / 2)
                yy = doc.t(tx, yy, ln, size, "", a)
            if grid:
                doc.box(xx, y, w, h, draw=(0, 0, 0))
            xx += w
        if not grid:
            doc.hl(x, x + width, y + h, 0.1, (160, 160, 160))
        y += h
        running += line["net"]
    return y


def totals_block(doc, inv, x_label, x_right, y, rows, size=9, lh=5.2, gross_fill=None, line_above=True,
                 label_align="L"):
    if line_above:
        doc.hl(x_label - 2, x_right, y - 1, 0.3)
    for lab, val, bold in rows:
        if bold and gross_fill:
            doc.box(x_label - 2, y - 1, x_right - x_label + 3, lh + 0.6, fill=gross_fill, draw=None)
        if bold and line_above:
            doc.hl(x_label - 2, x_right, y - 1, 0.3)
        if label_align == "R":
            doc.t(x_right - 35, y, lab, size, "B" if bold else "", "R")
        else:
            doc.t(x_label, y, lab, size, "B" if bold else "")
        doc.t(x_right, y, val, size, "B" if bold else "", "R")
        y += lh
    return y


def page_label(inv, p):
    return inv["labels"]["page"].format(p=p, n=inv.get("npages") or 1)


def need_space(doc, inv, y, h, y_max, new_page):
    if y + h > y_max:
        return new_page()
    return y


def credit_ref_line(inv):
    if not inv["credit"]:
        return None
    tmpl = inv["r"].choice(LAB[inv["lang"]]["cn_ref"])
    return tmpl.format(ref=inv["orig_ref"], d=D(inv, inv["orig_date"]))


def terms_line(inv, allow_due=True):
    lab = LAB[inv["lang"]]
    if inv["due"] and allow_due and inv["r"].random() < 0.4:
        return inv["r"].choice(lab["terms_due"]).format(due=D(inv, inv["due"]), d=inv["terms_days"])
    t = inv["r"].choice(lab["terms"])
    return t.format(d=inv["terms_days"])


def cur_note(inv):
    c = inv["truth"]["currency"]
    return inv["labels"]["cur_note"].format(c=c)


# --------------------------------------------------------------------------------------
# Layouts
# --------------------------------------------------------------------------------------

def lay_classic(doc, inv):
    """Supplier top-left, big title top-right with 'label : value' lines, buyer box right,
    items table, totals bottom right, legal footer with identifiers."""
    r = inv["r"]
    L = inv["labels"]
    left, right = 18, 192
    ids, bank = id_lines(inv)
    fsz = 6.8

    def footer(d):
        y = 276 - 3.2 * max(0, len(ids) // 3)
        d.hl(left, right, y - 2, 0.2, (120, 120, 120))
        txt = " - ".join([inv["supplier"]["name"]] + ids)
        y = d.para(left, y, txt, right - left, fsz, align="C", color=(70, 70, 70))
        d.t(right, 287, page_label(inv, d.page_no()), 7, "", "R")

    doc.footer_fn = footer

    def new_page():
        doc.add_page()
        doc.t(left, 15, "%s - %s %s" % (inv["supplier"]["name"], L["number"], inv["truth"]["invoice_number"]), 8)
        doc.t(right, 15, L["continued"], 8, "", "R")
        return 25

    doc.add_page()
    y = 15
    y = doc.t(left, y, inv["supplier"]["name"], 15, "B")
    y += 1
    for ln in supplier_lines(inv, name=False):
        y = doc.t(left, y, ln, 8.5)
    doc.t(right, 15, L["title"], 20, "B", "R", color=(30, 60, 120))
    y2 = 26
    items = meta_items(inv, number_first=r.random() < 0.8)
    lab_x = right - 75
    for lab, val in items:
        doc.t(lab_x, y2, colon(inv, lab), 9)
        doc.t(right, y2, val, 9, "B", "R")
        y2 += 5
    by = max(y, y2) + 8
    bl = buyer_lines(inv)
    bx = 112
    doc.t(bx, by, L["buyer"], 8, "B", color=(90, 90, 90))
    doc.box(bx - 2, by + 4, right - bx + 2, 5 * len(bl) + 4, draw=(150, 150, 150))
    yy = by + 6
    for i, ln in enumerate(bl):
        yy = doc.t(bx, yy, ln, 9, "B" if i == 0 else "")
    y = by + 5 * len(bl) + 16
    cref = credit_ref_line(inv)
    if cref:
        y = doc.t(left, y, cref, 9, "B") + 2
    if inv["show_cur_note"]:
        y = doc.t(left, y, cur_note(inv), 8) + 1
    cols = [("desc", 82, "L"), ("qty", 16, "R"), ("price", 26, "R"), ("rate", 16, "R"), ("amount", 34, "R")]
    if r.random() < 0.4:
        cols = [("pos", 10, "C"), ("desc", 72, "L"), ("qty", 16, "R"), ("price", 26, "R"), ("rate", 16, "R"), ("amount", 34, "R")]
    y = items_table(doc, inv, left, y, cols, 255, new_page, zebra=(245, 245, 245) if r.random() < 0.4 else None)
    rows = totals_rows(inv)
    y = need_space(doc, inv, y + 6, len(rows) * 5.5 + 22, 262, new_page)
    yt = totals_block(doc, inv, 120, right, y, rows, gross_fill=(220, 230, 245))
    yl = y
    yl = doc.para(left, yl, terms_line(inv), 90, 8)
    if bank:
        yl = doc.t(left, yl + 2, L["bank"], 8, "B")
        for b in bank:
            yl = doc.t(left, yl, b, 8)
    if inv["lang"] == "fr":
        doc.para(left, max(yl, yt) + 4, " ".join(LAB["fr"]["legal"][:2]), right - left, 6.5)


def lay_header_grid(doc, inv):
    """Logo square top-left, supplier right-aligned top-right, buyer left, header facts in a boxed
    table (labels row + values row), items grid, VAT breakdown table at left, totals at right."""
    r = inv["r"]
    L = inv["labels"]
    left, right = 15, 195
    s = inv["supplier"]
    doc.add_page()
    initials = "".join(w[0] for w in s["name"].split()[:2] if w[0].isalpha()).upper()[:2]
    doc.box(left, 12, 22, 22, fill=(40, 90, 140), draw=None)
    doc.t(left + 11, 18, initials, 16, "B", "C", color=(255, 255, 255))
    y = 12
    y = doc.t(right, y, s["name"], 12, "B", "R")
    for ln in supplier_lines(inv, name=False):
        y = doc.t(right, y, ln, 8, "", "R")
    ids, bank = id_lines(inv)
    put_ids_top = r.random() < 0.5
    if put_ids_top:
        for ln in ids[:2]:
            y = doc.t(right, y, ln, 7.5, "", "R")
    y = max(y, 40) + 4
    doc.t(left, y, L["title"], 18, "B")
    y += 11
    doc.t(left, y, L["buyer"], 8, "B", color=(40, 90, 140))
    yy = y + 4.5
    for i, ln in enumerate(buyer_lines(inv)):
        yy = doc.t(left, yy, ln, 9, "B" if i == 0 else "")
    y = yy + 6
    # boxed facts
    items = meta_items(inv)
    w = (right - left) / len(items)
    doc.setf(8)
    for i, (lab, val) in enumerate(items):
        cx = left + i * w
        doc.box(cx, y, w, 6, fill=(225, 232, 240))
        doc.box(cx, y + 6, w, 7)
        doc.t(cx + w / 2, y + 1.3, lab, 7.5, "B", "C")
        doc.t(cx + w / 2, y + 7.8, val, 8.5, "", "C")
    y += 18
    cref = credit_ref_line(inv)
    if cref:
        y = doc.t(left, y, cref, 8.5) + 2

    def new_page():
        doc.add_page()
        doc.t(left, 12, s["name"], 9, "B")
        doc.t(right, 12, "%s %s %s" % (L["number"], inv["truth"]["invoice_number"], L["continued"]), 8, "", "R")
        return 22

    def footer(d):
        yb = 280
        if not put_ids_top:
            d.para(left, yb - 6, "  |  ".join(ids), right - left, 6.5, align="C")
        if bank:
            d.t((left + right) / 2, yb, "   ".join(bank), 6.5, "", "C")
        d.t(right, 289, page_label(inv, d.page_no()), 7, "", "R")

    doc.footer_fn = footer
    cols = [("pos", 10, "C"), ("desc", 74, "L"), ("qtyunit", 22, "R"), ("price", 26, "R"), ("rate", 16, "R"), ("amount", 32, "R")]
    y = items_table(doc, inv, left, y, cols, 260, new_page, grid=True, header_fill=(225, 232, 240), size=8)
    # VAT breakdown table
    nb = len(inv["bases"])
    hneed = max(6 + 6 * (nb + 1), 6 * 5) + 10
    y = need_space(doc, inv, y + 6, hneed, 262, new_page)
    rt = LAB[inv["lang"]]["rate_tbl"]
    sg = Decimal(-1) if inv["neg"] else Decimal(1)
    tx = left
    widths = [18, 28, 26]
    hdr = [rt[0], rt[1], rt[2]]
    xx = tx
    for hw, ht in zip(widths, hdr):
        doc.box(xx, y, hw, 6, fill=(225, 232, 240))
        doc.t(xx + hw / 2, y + 1.3, ht, 7.5, "B", "C")
        xx += hw
    yy = y + 6
    for rate, base in inv["bases"].items():
        vals = [fmt_rate(rate, inv["nf"]) + " %", fmt_num(base * sg, inv["nf"]), fmt_num(inv["vat_by_rate"][rate] * sg, inv["nf"])]
        xx = tx
        for hw, v in zip(widths, vals):
            doc.box(xx, yy, hw, 6)
            doc.t(xx + hw - 1.5, yy + 1.3, v, 8, "", "R")
            xx += hw
        yy += 6
    rows = totals_rows(inv, per_rate=r.random() < 0.5)
    totals_block(doc, inv, 128, right, y, rows, size=9, gross_fill=(225, 232, 240))
    yy = max(yy, y + 6 * len(rows)) + 6
    if inv["show_cur_note"]:
        yy = doc.t(left, yy, cur_note(inv), 8)
    doc.para(left, yy + 2, terms_line(inv), 120, 8)


def lay_din5008(doc, inv):
    """German business letter (DIN 5008 form B): sender line above the address window, info block
    at the right, subject line, salutation, table, totals, due date in running text, 4-column footer."""
    r = inv["r"]
    L = inv["labels"]
    s = inv["supplier"]
    left, right = 25, 190
    ids, bank = id_lines(inv)

    def footer(d):
        y0 = 272
        d.hl(left, right, y0 - 2, 0.2, (140, 140, 140))
        cols = [[s["name"], s["street"], s["city_line"]],
                ["%s %s" % (LAB[inv["lang"]]["phone"], s["phone"]), s["email"], s["web"]],
                bank[:] if bank else [],
                ids[:]]
        cols = [c for c in cols if c]
        cw = (right - left) / len(cols)
        for i, c in enumerate(cols):
            yy = y0
            for ln in c:
                for wl in d.wrap(ln, cw - 2, 6.3):
                    yy = d.t(left + i * cw, yy, wl, 6.3, color=(60, 60, 60))
        d.t(right, 38 if d.page_no() == 1 else 12, page_label(inv, d.page_no()), 7.5, "", "R")

    doc.footer_fn = footer

    def new_page():
        doc.add_page()
        doc.t(left, 15, "%s %s" % (L["title"], inv["truth"]["invoice_number"]), 9, "B")
        return 24

    doc.add_page()
    # letterhead: name at the top right
    if r.random() < 0.6:
        doc.t(right, 14, s["name"], 16, "B", "R", color=(20, 70, 40))
        doc.t(right, 22, "%s · %s" % (s["street"], s["city_line"]), 8, "", "R")
    else:
        doc.t(left, 14, s["name"], 16, "B", color=(20, 70, 40))
    # sender line + window
    doc.t(left, 47, "%s · %s · %s" % (s["name"], s["street"], s["city_line"]), 6.5)
    doc.hl(left, left + 85, 50.2, 0.1)
    y = 53
    for i, ln in enumerate(buyer_lines(inv, with_ids=False)):
        y = doc.t(left, y, ln, 10)
    # info block
    items = meta_items(inv, include_due=r.random() < 0.6, number_first=r.random() < 0.7)
    yi = 50
    lx, vx = 125, 163
    for lab, val in items:
        doc.t(lx, yi, colon(inv, lab), 8.5)
        doc.t(vx, yi, val, 8.5)
        yi += 4.6
    if inv["buyer"]["vat"]:
        doc.t(lx, yi, colon(inv, L["buyer_vat"]), 8.5)
        doc.t(vx, yi, inv["buyer"]["vat"], 8.5)
        yi += 4.6
    due_in_block = any(lab == L["due"] for lab, _ in items)
    y = max(y, yi) + 14
    doc.t(left, y, "%s %s" % (L["title"] if L["title"] != L["title"].upper() else L["title"].capitalize(), inv["truth"]["invoice_number"]), 12, "B")
    y += 9
    greet = LAB[inv["lang"]]["greeting"]
    if greet:
        y = doc.t(left, y, greet[0], 9.5)
        y = doc.t(left, y + 1, r.choice(greet[1:]), 9.5) + 3
    cref = credit_ref_line(inv)
    if cref:
        y = doc.t(left, y, cref, 9.5) + 2
    cols = [("pos", 12, "L"), ("qty", 16, "R"), ("unit", 16, "L"), ("desc", 65, "L"), ("price", 27, "R"), ("amount", 29, "R")]
    y = items_table(doc, inv, left, y, cols, 258, new_page, header_fill=None, size=8.8)
    rows = totals_rows(inv)
    y = need_space(doc, inv, y + 4, len(rows) * 5.2 + 22, 262, new_page)
    y = totals_block(doc, inv, 118, right, y, rows, size=9.3, line_above=True)
    y += 5
    if inv["show_cur_note"]:
        y = doc.t(left, y, cur_note(inv), 8.5)
    if inv["due"] and not due_in_block:
        t = r.choice(LAB[inv["lang"]]["terms_due"]).format(due=D(inv, inv["due"]), d=inv["terms_days"])
    else:
        t = terms_line(inv, allow_due=False)
    y = doc.para(left, y + 1, t, right - left, 9)
    if inv["lang"] == "de":
        y = doc.t(left, y + 3, r.choice(LAB["de"]["thanks"]), 9)
        doc.t(left, y + 4, "Mit freundlichen Grüßen", 9)


def lay_stacked_footer(doc, inv):
    """Title top-left, header facts as small grey labels with the value below, buyer below;
    the supplier appears only in the footer (name, address, ids, bank)."""
    r = inv["r"]
    L = inv["labels"]
    s = inv["supplier"]
    left, right = 16, 194
    ids, bank = id_lines(inv)

    def footer(d):
        y0 = 266
        d.hl(left, right, y0 - 3, 0.5, (200, 80, 40))
        y = d.t(left, y0, s["name"], 8, "B")
        y = d.t(left, y, "%s, %s - %s" % (s["street"], s["city_line"], s["email"]), 7)
        y = d.para(left, y, "  ·  ".join(ids), right - left, 7)
        if bank:
            d.t(left, y, "  ·  ".join(bank), 7)
        d.t(right, y0, page_label(inv, d.page_no()), 7, "", "R")

    doc.footer_fn = footer

    def new_page():
        doc.add_page()
        return 20

    doc.add_page()
    doc.t(left, 16, L["title"], 26, "B", color=(200, 80, 40))
    y = 34
    items = meta_items(inv)
    x = left
    for lab, val in items:
        w = max(doc.sw(lab, 7.5), doc.sw(val, 10, "B")) + 9
        doc.t(x, y, lab.upper() if r.random() < 0.5 else lab, 7.5, "", color=(110, 110, 110))
        doc.t(x, y + 4.5, val, 10, "B")
        x += w
    y += 16
    doc.t(left, y, L["buyer"], 7.5, color=(110, 110, 110))
    yy = y + 4.5
    for i, ln in enumerate(buyer_lines(inv)):
        yy = doc.t(left, yy, ln, 9.5, "B" if i == 0 else "")
    y = yy + 8
    cref = credit_ref_line(inv)
    if cref:
        y = doc.t(left, y, cref, 9) + 2
    if inv["show_cur_note"]:
        y = doc.t(left, y, cur_note(inv), 8) + 1
    cols = [("desc", 90, "L"), ("qty", 18, "R"), ("price", 32, "R"), ("amount", 38, "R")]
    if len(inv["bases"]) > 1:
        cols = [("desc", 80, "L"), ("qty", 16, "R"), ("price", 28, "R"), ("rate", 16, "R"), ("amount", 38, "R")]
    y = items_table(doc, inv, left, y, cols, 250, new_page, header_fill=None, size=9)
    rows = totals_rows(inv)
    y = need_space(doc, inv, y + 6, len(rows) * 6 + 10, 258, new_page)
    totals_block(doc, inv, 120, right, y, rows, size=9.5, lh=6, line_above=False)
    doc.para(left, y, terms_line(inv), 90, 8)
    if len(inv["bases"]) == 1 and r.random() < 0.5:
        rt = fmt_rate(next(iter(inv["bases"])), inv["nf"])
        doc.t(left, y + 10, {"fr": "Taux de TVA appliqué : %s %%", "de": "Alle Positionen mit %s %% USt.",
                             "en": "All items at %s%% rate"}[inv["lang"]] % rt, 7.5)


def lay_modern(doc, inv):
    """UK style: huge title top-left, supplier block top-right including its VAT number,
    'Bill to' left and right-aligned labels/values at right, zebra table, 'Amount due' box,
    bank details and company registration at the bottom."""
    r = inv["r"]
    L = inv["labels"]
    s = inv["supplier"]
    left, right = 15, 195
    ids, bank = id_lines(inv)
    accent = r.choice([(0, 120, 110), (90, 40, 140), (200, 60, 60), (30, 30, 30)])
    doc.add_page()
    doc.t(left, 14, L["title"], 28, "B", color=accent)
    y = 14
    y = doc.t(right, y, s["name"], 11, "B", "R")
    for ln in supplier_lines(inv, name=False):
        y = doc.t(right, y, ln, 8, "", "R")
    top_ids = [ln for ln in ids if "VAT" in ln or "TVA" in ln or "USt" in ln or "MWST" in ln]
    rest_ids = [ln for ln in ids if ln not in top_ids]
    for ln in top_ids:
        y = doc.t(right, y, ln, 8, "B", "R")
    y = max(y, 34) + 8
    doc.t(left, y, L["buyer"].upper(), 8, "B", color=accent)
    yy = y + 5
    for i, ln in enumerate(buyer_lines(inv)):
        yy = doc.t(left, yy, ln, 9.5, "B" if i == 0 else "")
    ym = y
    for lab, val in meta_items(inv):
        doc.t(right - 42, ym, lab, 9, "B", "R")
        doc.t(right, ym, val, 9, "", "R")
        ym += 5.2
    y = max(yy, ym) + 8
    cref = credit_ref_line(inv)
    if cref:
        y = doc.t(left, y, cref, 9) + 2

    def new_page():
        doc.add_page()
        doc.t(left, 12, "%s %s" % (L["number"], inv["truth"]["invoice_number"]), 9, "B")
        return 22

    def footer(d):
        y0 = 270
        yb = y0
        if bank:
            yb = d.t(left, y0, L["bank"], 7.5, "B")
            for b in bank:
                yb = d.t(left, yb, b, 7.5)
        yr = y0
        for ln in rest_ids:
            yr = d.t(right, yr, ln, 7, "", "R")
        d.t((left + right) / 2, 289, page_label(inv, d.page_no()), 7, "", "C")

    doc.footer_fn = footer
    cols = [("desc", 92, "L"), ("qty", 18, "R"), ("price", 30, "R"), ("amount_cur" if r.random() < 0.4 else "amount", 40, "R")]
    if len(inv["bases"]) > 1:
        cols = [("desc", 80, "L"), ("qty", 16, "R"), ("price", 28, "R"), ("rate", 16, "R"), ("amount", 40, "R")]
    y = items_table(doc, inv, left, y, cols, 255, new_page, header_fill=accent, header_color=(255, 255, 255),
                    zebra=(242, 242, 242), size=8.8)
    rows = totals_rows(inv)
    y = need_space(doc, inv, y + 5, len(rows) * 5.6 + 18, 262, new_page)
    rows_main = rows[:-1]
    y = totals_block(doc, inv, 125, right, y, rows_main, size=9, lh=5.6, line_above=False)
    lab, val, _ = rows[-1]
    doc.box(123, y, right - 123, 9, fill=accent, draw=None)
    doc.t(126, y + 2.2, lab, 10.5, "B", color=(255, 255, 255))
    doc.t(right - 2, y + 2.2, val, 10.5, "B", "R", color=(255, 255, 255))
    yl = doc.para(left, y - 10, terms_line(inv), 95, 8)
    if inv["show_cur_note"]:
        doc.t(left, yl + 1, cur_note(inv), 8)


def lay_us_centered(doc, inv):
    """US letter: company centred at the top, 'INVOICE' under it, Bill To / Ship To columns,
    boxed two-column facts block at right (shaded labels), items with Qty first, tax and total box."""
    r = inv["r"]
    L = inv["labels"]
    s = inv["supplier"]
    W = doc.w
    left, right = 15, W - 15
    ids, bank = id_lines(inv)
    doc.add_page()
    cx = W / 2
    y = doc.t(cx, 12, s["name"].upper() if r.random() < 0.5 else s["name"], 16, "B", "C")
    y = doc.t(cx, y + 1, "%s, %s" % (s["street"], s["city_line"]), 8.5, "", "C")
    y = doc.t(cx, y, "%s  |  %s" % (s["phone"], s["email"]), 8.5, "", "C")
    ids_top = 0
    if ids and r.random() < 0.6:
        ids_top = min(2, len(ids))
        y = doc.t(cx, y, "   ".join(ids[:ids_top]), 7.5, "", "C")
    doc.hl(left, right, y + 2, 0.6)
    y += 8
    doc.t(left, y, L["title"], 20, "B")
    y0 = y + 12
    doc.t(left, y0, L["buyer"], 9, "B")
    yy = y0 + 5
    for ln in buyer_lines(inv):
        yy = doc.t(left, yy, ln, 9)
    if r.random() < 0.5:
        ship = {"fr": "Livrer à", "de": "Lieferadresse", "en": "Ship To"}[inv["lang"]]
        doc.t(70, y0, ship, 9, "B")
        y3 = y0 + 5
        for ln in [inv["buyer"]["name"], inv["buyer"]["street"], inv["buyer"]["city_line"]]:
            y3 = doc.t(70, y3, ln, 9)
    # facts box
    items = meta_items(inv)
    bw1 = max(38, max(doc.sw(lab, 8.5, "B") for lab, _ in items) + 4)
    bw2 = max(40, max(doc.sw(val, 8.5) for _, val in items) + 4)
    bx = right - bw1 - bw2
    yb = y - 2
    for lab, val in items:
        doc.box(bx, yb, bw1, 6.5, fill=(230, 230, 230))
        doc.box(bx + bw1, yb, bw2, 6.5)
        doc.t(bx + 2, yb + 1.6, lab, 8.5, "B")
        doc.t(bx + bw1 + bw2 - 2, yb + 1.6, val, 8.5, "", "R")
        yb += 6.5
    y = max(yy, yb) + 8
    cref = credit_ref_line(inv)
    if cref:
        y = doc.t(left, y, cref, 9) + 2
    if inv["show_cur_note"]:
        y = doc.t(left, y, cur_note(inv), 8) + 1

    def new_page():
        doc.add_page()
        doc.t(left, 12, "%s  %s %s" % (s["name"], L["number"], inv["truth"]["invoice_number"]), 9, "B")
        return 22

    def footer(d):
        yy = 263
        if bank:
            yy = d.t(cx, yy, "  ·  ".join(bank), 7.5, "", "C")
        for ln in ids[ids_top:]:
            yy = d.t(cx, yy, ln, 7, "", "C")
        d.t(cx, yy + 2, r.choice(LAB[inv["lang"]]["thanks"]), 9, "B", "C")
        d.t(right, 272, page_label(inv, d.page_no()), 7, "", "R")

    doc.footer_fn = footer
    cols = [("qty", 18, "C"), ("desc", (right - left) - 18 - 32 - 37.9, "L"), ("price", 32, "R"), ("amount", 37.9, "R")]
    y = items_table(doc, inv, left, y, cols, 235, new_page, grid=True, header_fill=(200, 200, 200), size=8.8)
    rows = totals_rows(inv)
    if inv["country"] == "US" and r.random() < 0.5 and not inv["credit"]:
        paid = {"fr": "Acompte versé", "de": "Bereits bezahlt", "en": "Payments/Credits"}[inv["lang"]]
        rows = rows[:-1] + [(rows[-1][0] if r.random() < 0.3 else ("Total" if inv["lang"] == "en" else rows[-1][0]), rows[-1][1], True),
                            (paid, money(inv, Decimal(0)), False),
                            ({"fr": "Solde dû", "de": "Offener Betrag", "en": "Balance Due"}[inv["lang"]], rows[-1][1], True)]
    y = need_space(doc, inv, y + 5, len(rows) * 6.5 + 10, 258, new_page)
    xb = right - 77.9
    for lab, val, bold in rows:
        doc.box(xb, y, 40, 6.5, fill=(235, 235, 235) if bold else None)
        doc.box(xb + 40, y, 37.9, 6.5)
        doc.t(xb + 2, y + 1.6, lab, 8.8, "B" if bold else "")
        doc.t(right - 2, y + 1.6, val, 8.8, "B" if bold else "", "R")
        y += 6.5
    doc.para(left, y - 6.5 * len(rows), terms_line(inv), 100, 8.5)


def lay_vat_table(doc, inv):
    """Several VAT rates; supplier top-left with its identifiers printed under the address;
    header facts stacked (label above value) at right; totals as a full table
    (rate / net / VAT / gross rows + total row) followed by an 'amount payable' line."""
    r = inv["r"]
    L = inv["labels"]
    s = inv["supplier"]
    left, right = 18, 192
    ids, bank = id_lines(inv)
    doc.add_page()
    y = doc.t(left, 14, s["name"], 13, "B")
    for ln in supplier_lines(inv, name=False)[:3]:
        y = doc.t(left, y, ln, 8)
    for ln in ids[:3]:
        y = doc.t(left, y, ln, 7.5)
    # facts stacked
    yr = 14
    doc.t(right, yr, L["title"], 18, "B", "R")
    yr += 11
    for lab, val in meta_items(inv):
        doc.t(right, yr, lab, 7.5, "", "R", color=(100, 100, 100))
        doc.t(right, yr + 3.8, val, 9.5, "B", "R")
        yr += 9
    y = max(y, yr) + 6
    doc.t(left, y, L["buyer"], 8, "B")
    doc.hl(left, left + 80, y + 4, 0.2)
    yy = y + 5.5
    for ln in buyer_lines(inv):
        yy = doc.t(left, yy, ln, 9)
    y = yy + 7
    cref = credit_ref_line(inv)
    if cref:
        y = doc.t(left, y, cref, 9) + 2
    if inv["show_cur_note"]:
        y = doc.t(left, y, cur_note(inv), 8) + 1

    def new_page():
        doc.add_page()
        doc.t(left, 12, s["name"], 9, "B")
        doc.t(right, 12, inv["truth"]["invoice_number"], 9, "", "R")
        return 22

    def footer(d):
        yb = 278
        if bank:
            yb = d.t((left + right) / 2, yb, "   ".join(bank), 7, "", "C")
        if len(ids) > 3:
            d.para(left, yb, " · ".join(ids[3:]), right - left, 6.5, align="C")
        d.t(right, 290, page_label(inv, d.page_no()), 7, "", "R")

    doc.footer_fn = footer
    cols = [("desc", 78, "L"), ("qty", 16, "R"), ("price", 26, "R"), ("rate", 18, "C"), ("amount", 36, "R")]
    y = items_table(doc, inv, left, y, cols, 258, new_page, header_fill=(215, 225, 215), size=8.5)
    rt = LAB[inv["lang"]]["rate_tbl"]
    sg = Decimal(-1) if inv["neg"] else Decimal(1)
    nb = len(inv["bases"])
    y = need_space(doc, inv, y + 8, 7 * (nb + 2) + 20, 268, new_page)
    widths = [34, 40, 40, 40]
    x0 = right - sum(widths)
    hdr = [rt[0], rt[1], rt[2], rt[3]]
    if inv["country"] == "US":
        hdr = ["Tax rate", "Taxable", "Tax", "Total"]
    xx = x0
    for w, h in zip(widths, hdr):
        doc.box(xx, y, w, 7, fill=(215, 225, 215))
        doc.t(xx + w - 2, y + 1.8, h, 8, "B", "R")
        xx += w
    y += 7
    for rate, base in inv["bases"].items():
        v = inv["vat_by_rate"][rate]
        vals = [fmt_rate(rate, inv["nf"]) + " %", fmt_num(base * sg, inv["nf"]), fmt_num(v * sg, inv["nf"]),
                fmt_num((base + v) * sg, inv["nf"])]
        xx = x0
        for w, vv in zip(widths, vals):
            doc.box(xx, y, w, 7)
            doc.t(xx + w - 2, y + 1.8, vv, 8.5, "", "R")
            xx += w
        y += 7
    t = inv["truth"]
    vals = [rt[4], money(inv, Decimal(t["net_total"])), money(inv, Decimal(t["vat_total"])), money(inv, Decimal(t["gross_total"]))]
    xx = x0
    for w, vv in zip(widths, vals):
        doc.box(xx, y, w, 7, fill=(240, 240, 240))
        doc.t(xx + w - 2, y + 1.8, vv, 8.5, "B", "R")
        xx += w
    y += 12
    doc.t(right - 45, y, L["gross"], 11, "B", "R")
    doc.t(right, y, money(inv, Decimal(t["gross_total"])), 11, "B", "R")
    doc.para(left, y + 8, terms_line(inv), right - left, 8)


def lay_multipage(doc, inv):
    """Long invoice (11-15 lines) always spread over two pages: header repeated with 'continued',
    optional carried-forward subtotal, page numbers 'Page 1/2', totals only on the last page."""
    r = inv["r"]
    L = inv["labels"]
    s = inv["supplier"]
    left, right = 15, 195
    ids, bank = id_lines(inv)
    sup_right = r.random() < 0.5

    def footer(d):
        y0 = 280
        d.hl(left, right, y0 - 2, 0.2)
        d.para(left, y0, " | ".join([s["name"]] + ids + bank), right - left - 25, 6.3)
        d.t(right, y0, page_label(inv, d.page_no()), 8, "B", "R")

    doc.footer_fn = footer

    def new_page():
        doc.add_page()
        doc.t(left, 12, s["name"], 10, "B")
        doc.t(right, 12, "%s %s - %s" % (L["number"], inv["truth"]["invoice_number"], L["continued"]), 8.5, "", "R")
        doc.t(right, 17, D(inv, inv["idate"]), 8.5, "", "R")
        return 26

    doc.add_page()
    sx, al = (right, "R") if sup_right else (left, "L")
    y = doc.t(sx, 12, s["name"], 13, "B", al)
    for ln in supplier_lines(inv, name=False):
        y = doc.t(sx, y, ln, 8, "", al)
    bx, bal = (left, "L") if sup_right else (right, "R")
    yb = 12
    yb = doc.t(bx, yb, L["buyer"], 8, "B", bal)
    for ln in buyer_lines(inv):
        yb = doc.t(bx, yb, ln, 9, "", bal)
    y = max(y, yb) + 8
    doc.t(left, y, L["title"], 16, "B")
    y += 9
    for lab, val in meta_items(inv):
        doc.t(left, y, colon(inv, lab), 9)
        doc.t(left + 48, y, val, 9, "B")
        y += 5
    y += 4
    cref = credit_ref_line(inv)
    if cref:
        y = doc.t(left, y, cref, 9) + 2
    if inv["show_cur_note"]:
        y = doc.t(left, y, cur_note(inv), 8) + 1
    n = len(inv["lines"])
    brk = n - r.randint(2, 5)
    cols = [("pos", 10, "C"), ("desc", 84, "L"), ("qtyunit", 22, "R"), ("price", 26, "R"), ("rate", 14, "R"), ("amount", 24, "R")]
    y = items_table(doc, inv, left, y, cols, 272, new_page, break_after=brk, carry=r.random() < 0.6, size=8.2)
    rows = totals_rows(inv)
    y = need_space(doc, inv, y + 6, len(rows) * 5.5 + 20, 272, new_page)
    y = totals_block(doc, inv, 125, right, y, rows, size=9.2, gross_fill=(230, 230, 230))
    doc.para(left, y + 4, terms_line(inv), right - left, 8)


def lay_sidebar(doc, inv):
    """Shaded left sidebar holding the supplier: name, address, contacts, VAT id / SIRET / IBAN
    as label-above-value pairs; main column on the right with title, facts, buyer, table, totals."""
    r = inv["r"]
    L = inv["labels"]
    s = inv["supplier"]
    sbw = 58
    left, right = sbw + 8, 198
    shade = r.choice([(236, 240, 246), (240, 236, 228), (232, 242, 236)])

    def sidebar(d):
        d.box(0, 0, sbw, 297, fill=shade, draw=None)
        y = 16
        for wl in d.wrap(s["name"], sbw - 12, 12, "B"):
            y = d.t(6, y, wl, 12, "B")
        y += 3
        for ln in supplier_lines(inv, name=False):
            for wl in d.wrap(ln, sbw - 12, 8):
                y = d.t(6, y, wl, 8)
        y += 5
        pairs = []
        if s["vat_print"]:
            pairs.append((L["vat_id"], s["vat_print"]))
        if s["siret_print"]:
            pairs.append((L["siret"], s["siret_print"]))
        for e in s["extra"]:
            pairs.append(("", e))
        if s["iban_print"]:
            pairs.append(("IBAN", s["iban_print"]))
            pairs.append((L["bic"], s["bic"]))
        if s.get("ach"):
            pairs.append(("ACH", s["ach"]))
        for lab, val in pairs:
            if lab:
                y = d.t(6, y, lab, 7, "B", color=(90, 90, 90))
            for wl in d.wrap(val, sbw - 12, 7.5):
                y = d.t(6, y, wl, 7.5)
            y += 2
        d.t(6, 287, page_label(inv, d.page_no()), 7)

    doc.header_fn = sidebar

    def new_page():
        doc.add_page()
        return 18

    doc.add_page()
    doc.t(right, 16, L["title"], 22, "B", "R")
    y = 32
    for lab, val in meta_items(inv):
        doc.t(right - 50, y, colon(inv, lab), 8.8, "", "R")
        doc.t(right, y, val, 8.8, "B", "R")
        y += 5
    yb = 32
    doc.t(left, yb, L["buyer"], 8, "B", color=(100, 100, 100))
    yb += 4.5
    for i, ln in enumerate(buyer_lines(inv)):
        yb = doc.t(left, yb, ln, 9, "B" if i == 0 else "")
    y = max(y, yb) + 10
    cref = credit_ref_line(inv)
    if cref:
        y = doc.t(left, y, cref, 8.5) + 2
    if inv["show_cur_note"]:
        y = doc.t(left, y, cur_note(inv), 8) + 1
    cols = [("desc", 56, "L"), ("qty", 14, "R"), ("price", 22, "R"), ("rate", 14, "R"), ("amount", 26, "R")]
    y = items_table(doc, inv, left, y, cols, 262, new_page, header_fill=shade, size=8)
    rows = totals_rows(inv)
    y = need_space(doc, inv, y + 6, len(rows) * 5.5 + 16, 275, new_page)
    y = totals_block(doc, inv, 130, right, y, rows, size=9)
    doc.para(left, y + 5, terms_line(inv), right - left, 8)


def lay_mono(doc, inv):
    """ERP / line-printer style: monospaced text, dotted leaders 'Label ....: value',
    dashed rules, fixed-width amount columns, bare numbers and the currency named once."""
    r = inv["r"]
    L = inv["labels"]
    s = inv["supplier"]
    fam = "mono" if doc.fam != "helvetica" else "courier"
    sz = 8.6
    cw = doc.sw("M", sz, "", fam)
    ncols = int((210 - 24) / cw)
    left = 12
    state = {"y": 12}

    def out(line="", style="", size=None):
        doc.t(left, state["y"], line, size or sz, style, fam=fam)
        state["y"] += (size or sz) * PT * 1.35

    ids, bank = id_lines(inv)

    def footer(d):
        d.t(left, 286, ("-" * 20) + " " + page_label(inv, d.page_no()) + " " + ("-" * 20), 7.5, fam=fam)

    doc.footer_fn = footer

    def newp():
        doc.add_page()
        state["y"] = 14
        out("%s  %s %s  %s" % (s["name"], L["number"], inv["truth"]["invoice_number"], L["continued"]))
        out("=" * ncols)

    doc.add_page()
    out(s["name"].upper() if r.random() < 0.6 else s["name"], "B", 11)
    out("%s, %s" % (s["street"], s["city_line"]))
    for ln in ids[:2]:
        out(ln)
    out("=" * ncols)
    out(("*** %s ***" % L["title"].upper()).center(ncols), "B")
    out("=" * ncols)
    meta = meta_items(inv)
    lw = max(len(l) for l, _ in meta) + 3
    buyer = buyer_lines(inv)
    left_col = []
    for lab, val in meta:
        left_col.append((lab + " ").ljust(lw, ".") + ": " + val)
    right_col = [L["buyer"].upper() + ":"] + buyer
    half = ncols // 2
    for i in range(max(len(left_col), len(right_col))):
        a = left_col[i] if i < len(left_col) else ""
        b = right_col[i] if i < len(right_col) else ""
        out(a.ljust(half) + b[: ncols - half])
    out()
    cref = credit_ref_line(inv)
    if cref:
        out(cref)
    out(cur_note(inv))
    out("-" * ncols)
    wq, wp, wr, wa = 8, 12, 7, 14
    wd = ncols - wq - wp - wr - wa - 4
    c = inv["labels"]["cols"]

    def row(d, qn, p, rt, a, style=""):
        out(d[:wd].ljust(wd) + " " + qn.rjust(wq) + " " + p.rjust(wp) + " " + rt.rjust(wr) + " " + a.rjust(wa), style)

    row(c["desc"], c["qty"][:wq], c["price"][:wp], c["rate"][:wr], c["amount"][:wa], "B")
    out("-" * ncols)
    for i, ln in enumerate(inv["lines"]):
        if state["y"] > 262:
            newp()
        d = ln["desc"]
        first = d[:wd]
        row(first, fmt_qty(ln["qty"], inv["nf"]), fmt_num(ln["price"], inv["nf"]),
            fmt_rate(ln["rate"], inv["nf"]) + "%", fmt_num(ln["net"], inv["nf"]))
        if len(d) > wd:
            out("  " + d[wd:wd + wd - 2])
    out("-" * ncols)
    rows = totals_rows(inv)
    if state["y"] + 5 * len(rows) > 270:
        newp()
    for lab, val, bold in rows:
        out((" " * (ncols - 46)) + (lab + " ").ljust(30, ".") + val.rjust(16), "B" if bold else "")
    out("=" * ncols)
    out()
    out(terms_line(inv)[:ncols])
    for b in bank:
        out(b)
    for ln in ids[2:]:
        out(ln[:ncols])


LAYOUTS = [
    ("classic", {"fn": lay_classic, "lines": (1, 12)}),
    ("header_grid", {"fn": lay_header_grid, "lines": (1, 8)}),
    ("din_letter", {"fn": lay_din5008, "lines": (1, 12)}),
    ("stacked_footer", {"fn": lay_stacked_footer, "lines": (1, 8)}),
    ("modern_uk", {"fn": lay_modern, "lines": (1, 8)}),
    ("us_centered", {"fn": lay_us_centered, "lines": (1, 8), "fmt": "Letter",
                     "en_countries": [("US", 7), ("GB", 2), ("IE", 1)]}),
    ("vat_table", {"fn": lay_vat_table, "lines": (2, 8), "multi_rate": True,
                   "en_countries": [("GB", 6), ("IE", 4)]}),
    ("multipage", {"fn": lay_multipage, "lines": (11, 15), "long_desc": True}),
    ("sidebar", {"fn": lay_sidebar, "lines": (1, 8)}),
    ("mono_erp", {"fn": lay_mono, "lines": (1, 10), "fonts": ["mono"]}),
]
LAYOUT_NAMES = [n for n, _ in LAYOUTS]


def mono_fix(inv):
    # the mono layout always names the currency once (cur_note) and prints bare numbers
    if inv["layout"] == "mono_erp":
        inv["cur_style"] = inv["r"].choice(["none", "none", "code_after"]) if inv["truth"]["currency"] != "USD" else "none"


def render(inv, path):
    """Two passes with the same layout randomness: the first counts the pages ('Page 1/2')."""
    inv["r"] = random.Random(inv["layout_seed"] + 1)
    mono_fix(inv)
    spec = dict(LAYOUTS)[inv["layout"]]
    if inv["layout"] == "mono_erp":
        inv["font"] = "mono"
    inv["npages"] = None
    for _ in range(2):
        inv["r"] = random.Random(inv["layout_seed"])
        doc = Doc(inv, spec.get("fmt", "A4") if inv["country"] == "US" else "A4")
        spec["fn"](doc, inv)
        inv["npages"] = doc.page_no()
    doc.output(path)
    return doc.page_no()


# --------------------------------------------------------------------------------------
# Printed forms (for --verify): every truth value must appear on the page
# --------------------------------------------------------------------------------------

def printed_forms(inv):
    t = inv["truth"]
    s = inv["supplier"]
    f = {"supplier_name": [t["supplier_name"]], "invoice_number": [t["invoice_number"]],
         "invoice_date": [D(inv, inv["idate"])]}
    if t["due_date"]:
        f["due_date"] = [D(inv, inv["due"])]
    if t["supplier_vat_id"]:
        f["supplier_vat_id"] = [s["vat_print"]]
    if t["supplier_siret"]:
        f["supplier_siret"] = [s["siret_print"]]
    if t["iban"]:
        f["iban"] = [s["iban_print"]]
    c = t["currency"]
    f["currency"] = [c, SYMBOL[c]]
    for k in ("net_total", "vat_total", "gross_total"):
        f[k] = [fmt_num(abs(Decimal(t[k])), inv["nf"])]
    return f


def norm_ws(s):
    return re.sub(r"[\s\u00a0\u202f]+", " ", s)


def verify(d):
    bad = 0
    n = 0
    man = json.load(open(os.path.join(d, "manifest.json")))
    for stem, info in sorted(man["documents"].items()):
        pdf = os.path.join(d, stem + ".pdf")
        txt = subprocess.run(["pdftotext", "-layout", pdf, "-"], capture_output=True, text=True).stdout
        raw = subprocess.run(["pdftotext", pdf, "-"], capture_output=True, text=True).stdout
        hay = (norm_ws(txt) + " || " + norm_ws(raw)).lower()
        pages = txt.count("\f")
        n += 1
        exact = norm_ws(txt) + " || " + norm_ws(raw)
        for field, forms in info["printed"].items():
            if field == "currency":
                found = any(re.search(r"(?<![A-Za-z])" + re.escape(fm) + r"(?![A-Za-z])", exact) for fm in forms)
            else:
                found = any(norm_ws(fm).lower() in hay for fm in forms)
            if not found:
                bad += 1
                print("MISSING %s %s: none of %r" % (stem, field, forms))
        if pages != info["pages"]:
            print("PAGES %s: pdftotext %d vs %d" % (stem, pages, info["pages"]))
    print("verified %d documents, %d missing printed values" % (n, bad))
    return bad == 0


# --------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------

def generate(out, n, seed):
    os.makedirs(out, exist_ok=True)
    master = random.Random(seed)
    combos = [(l, g) for l in LAYOUT_NAMES for g in LANGS]
    order = []
    manifest = {"seed": seed, "n": n, "documents": {}}
    for i in range(n):
        if i % len(combos) == 0:
            block = combos[:]
            master.shuffle(block)
            order = block
        layout, lang = order[i % len(combos)]
        rng = random.Random("%d-%d" % (seed, i))
        inv = build_invoice(rng, i, layout, lang)
        stem = "doc_%04d" % (i + 1)
        pages = render(inv, os.path.join(out, stem + ".pdf"))
        with open(os.path.join(out, stem + ".json"), "w", encoding="utf-8") as fh:
            json.dump(inv["truth"], fh, ensure_ascii=False, indent=1)
        manifest["documents"][stem] = {
            "layout": layout, "lang": lang, "country": inv["country"], "credit_note": inv["credit"],
            "negative": inv["neg"], "pages": pages, "lines": len(inv["lines"]), "rates": [str(r) for r in inv["bases"]],
            "number_format": inv["nf"], "currency_style": inv["cur_style"], "date_style": inv["date_style"],
            "printed": printed_forms(inv),
        }
    with open(os.path.join(out, "manifest.json"), "w", encoding="utf-8") as fh:
        json.dump(manifest, fh, ensure_ascii=False, indent=1)
    print("wrote %d invoices to %s" % (n, out))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", help="output directory")
    ap.add_argument("--n", type=int, default=120)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--selftest", action="store_true")
    ap.add_argument("--verify", metavar="DIR", help="check that every truth value is printed in DIR's PDFs")
    a = ap.parse_args()
    if a.selftest:
        sys.exit(0 if selftest() else 1)
    if a.verify:
        sys.exit(0 if verify(a.verify) else 1)
    if not a.out:
        ap.error("--out is required")
    generate(a.out, a.n, a.seed)


if __name__ == "__main__":
    main()
