//! A pool of fictional suppliers. Each one keeps the same identifiers and
//! the same "house style" (layout, wording, number and date formats, PDF
//! producer habits) on every document, as real suppliers do: identifiers
//! and style are seeded by the supplier, never by the run.

use super::catalog::{Activity, Country};
use super::fmt::{CurPos, Currency, DateFmt, Lang, Money, NegStyle, NumFmt};
use super::ids;
use super::metrics::Font;
use super::pdf::{Rgb, TextMode, TextOpts};
use super::rng::Rng;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LayoutKind {
    /// French software style: blocks left/right, full-grid item frame, VAT table + totals.
    Classic,
    /// English style: colour band, "Bill to", ruled table, totals box at the right.
    Modern,
    /// DIN 5008 business letter: address window, boxed info table, 4-column footer.
    Din,
    /// One-column utility bill: amount due first, detail with leaders, direct debit.
    Utility,
    /// Serif letter of a professional firm: prose, two-column list, inline totals.
    Letter,
    /// Coloured sidebar carrying the supplier block; labels above values.
    Sidebar,
}

impl LayoutKind {
    pub const ALL: [LayoutKind; 6] = [
        LayoutKind::Classic,
        LayoutKind::Modern,
        LayoutKind::Din,
        LayoutKind::Utility,
        LayoutKind::Letter,
        LayoutKind::Sidebar,
    ];
    pub fn name(self) -> &'static str {
        match self {
            LayoutKind::Classic => "classic",
            LayoutKind::Modern => "modern",
            LayoutKind::Din => "din",
            LayoutKind::Utility => "utility",
            LayoutKind::Letter => "letter",
            LayoutKind::Sidebar => "sidebar",
        }
    }
}

pub(crate) struct SupplierDef {
    pub name: &'static str,
    /// Logo text when it differs from the legal name.
    pub brand: Option<&'static str>,
    pub street: &'static str,
    pub city: &'static str,
    pub country: Country,
    pub lang: Lang,
    pub currency: Currency,
    pub activity: Activity,
    pub layout: LayoutKind,
    /// Cross-border B2B services: no VAT charged, a legal note instead.
    pub reverse_charge: bool,
    /// Legal form and capital, FR/BE style, or the register court, DE style.
    pub legal: &'static str,
    pub manager: &'static str,
    /// Invoice number pattern: {Y} year, {y} 2-digit year, {M} month, {N4} zero-padded sequence.
    pub number: &'static str,
    pub domain: &'static str,
}

use Activity as A;
use Country as C;
use Currency as Cu;
use Lang as L;
use LayoutKind as K;

#[allow(clippy::too_many_arguments)]
const fn s(
    name: &'static str,
    brand: Option<&'static str>,
    street: &'static str,
    city: &'static str,
    country: Country,
    lang: Lang,
    currency: Currency,
    activity: Activity,
    layout: LayoutKind,
    legal: &'static str,
    manager: &'static str,
    number: &'static str,
    domain: &'static str,
) -> SupplierDef {
    SupplierDef {
        name,
        brand,
        street,
        city,
        country,
        lang,
        currency,
        activity,
        layout,
        reverse_charge: false,
        legal,
        manager,
        number,
        domain,
    }
}

const fn rc(mut d: SupplierDef) -> SupplierDef {
    d.reverse_charge = true;
    d
}

pub(crate) static POOL: [SupplierDef; 33] = [
    // France
    s(
        "Bureau Plus Distribution SAS",
        Some("BUREAU PLUS"),
        "14 avenue Jean Jaurès",
        "69007 Lyon",
        C::Fr,
        L::Fr,
        Cu::Eur,
        A::Office,
        K::Classic,
        "SAS au capital de 150 000 €",
        "Nathalie Girard",
        "FC{Y}{N6}",
        "bureauplus-distribution.fr",
    ),
    s(
        "Imprimerie Lumière SARL",
        Some("Lumière"),
        "8 rue des Tanneurs",
        "67000 Strasbourg",
        C::Fr,
        L::Fr,
        Cu::Eur,
        A::Printing,
        K::Classic,
        "SARL au capital de 20 000 €",
        "Paul Weiss",
        "F{Y}-{N4}",
        "imprimerie-lumiere.fr",
    ),
    s(
        "Nexa Conseil Informatique SAS",
        Some("nexa"),
        "27 boulevard Haussmann",
        "75009 Paris",
        C::Fr,
        L::Fr,
        Cu::Eur,
        A::It,
        K::Modern,
        "SAS au capital de 80 000 €",
        "Karim Benali",
        "NX-{Y}-{N4}",
        "nexa-conseil.fr",
    ),
    s(
        "Les Saveurs d'Armand SARL",
        Some("Les Saveurs d'Armand"),
        "5 place du Marché",
        "33000 Bordeaux",
        C::Fr,
        L::Fr,
        Cu::Eur,
        A::Catering,
        K::Sidebar,
        "SARL au capital de 7 500 €",
        "Armand Laffont",
        "{Y}{M}-{N3}",
        "saveurs-armand.fr",
    ),
    s(
        "Librairie Juridique Delorme SA",
        Some("Librairie Delorme"),
        "31 rue Soufflot",
        "75005 Paris",
        C::Fr,
        L::Fr,
        Cu::Eur,
        A::Books,
        K::Classic,
        "SA au capital de 240 000 €",
        "Hélène Delorme",
        "FA{N6}",
        "librairie-delorme.fr",
    ),
    s(
        "Hôtel du Parc Beauséjour SAS",
        Some("Hôtel du Parc"),
        "2 allée des Tilleuls",
        "06000 Nice",
        C::Fr,
        L::Fr,
        Cu::Eur,
        A::Hotel,
        K::Sidebar,
        "SAS au capital de 500 000 €",
        "Julien Rossi",
        "H-{N5}",
        "hotelduparc-nice.fr",
    ),
    s(
        "Énergie Verte du Sud SA",
        Some("ÉNERGIE VERTE"),
        "120 avenue de la Mer",
        "34000 Montpellier",
        C::Fr,
        L::Fr,
        Cu::Eur,
        A::Energy,
        K::Utility,
        "SA au capital de 2 400 000 €",
        "Sophie Marchand",
        "10{N8}",
        "energieverte-sud.fr",
    ),
    s(
        "Télécom Hexagone SAS",
        Some("Hexatel"),
        "3 rue La Boétie",
        "75008 Paris",
        C::Fr,
        L::Fr,
        Cu::Eur,
        A::Telecom,
        K::Utility,
        "SAS au capital de 1 000 000 €",
        "Marc Lefèvre",
        "TH{y}{M}{N6}",
        "hexatel.fr",
    ),
    s(
        "Propreté Service Nettoyage SARL",
        Some("PSN Propreté"),
        "ZI des Glaises, 4 rue Ampère",
        "91120 Palaiseau",
        C::Fr,
        L::Fr,
        Cu::Eur,
        A::Cleaning,
        K::Sidebar,
        "SARL au capital de 30 000 €",
        "Fatima Ouali",
        "PSN-{Y}/{N3}",
        "psn-proprete.fr",
    ),
    s(
        "Cabinet Martin & Associés",
        None,
        "18 cours Mirabeau",
        "13100 Aix-en-Provence",
        C::Fr,
        L::Fr,
        Cu::Eur,
        A::Fees,
        K::Letter,
        "SELARL d'expertise comptable au capital de 60 000 €",
        "Jean-Luc Martin",
        "H{Y}-{N3}",
        "cabinet-martin.fr",
    ),
    s(
        "Maître Claire Fontaine",
        None,
        "64 rue de Rivoli",
        "75004 Paris",
        C::Fr,
        L::Fr,
        Cu::Eur,
        A::Fees,
        K::Letter,
        "Avocat au Barreau de Paris",
        "Claire Fontaine",
        "CF/{Y}/{N3}",
        "fontaine-avocat.fr",
    ),
    s(
        "Garage de la Gare SARL",
        None,
        "45 route de Vannes",
        "44100 Nantes",
        C::Fr,
        L::Fr,
        Cu::Eur,
        A::Garage,
        K::Classic,
        "SARL au capital de 15 000 €",
        "Yannick Le Goff",
        "{N5}",
        "garage-delagare.fr",
    ),
    s(
        "Transports Rapides Lemoine SAS",
        Some("TRL Transports"),
        "9 rue de l'Industrie",
        "59000 Lille",
        C::Fr,
        L::Fr,
        Cu::Eur,
        A::Freight,
        K::Din,
        "SAS au capital de 300 000 €",
        "Bruno Lemoine",
        "TRL{y}{N5}",
        "trl-transports.fr",
    ),
    // Germany
    s(
        "Müller Bürobedarf GmbH",
        Some("müller"),
        "Hauptstraße 5",
        "80331 München",
        C::De,
        L::De,
        Cu::Eur,
        A::Office,
        K::Din,
        "Amtsgericht München HRB 184522",
        "Thomas Müller",
        "RE-{Y}-{N5}",
        "mueller-buerobedarf.de",
    ),
    s(
        "Hotel Am Stadtpark GmbH & Co. KG",
        Some("Hotel Am Stadtpark"),
        "Parkstraße 12",
        "60322 Frankfurt am Main",
        C::De,
        L::De,
        Cu::Eur,
        A::Hotel,
        K::Din,
        "Amtsgericht Frankfurt am Main HRA 50231",
        "Katrin Hoffmann",
        "{N6}",
        "hotel-stadtpark-ffm.de",
    ),
    rc(s(
        "Datenwerk IT-Services GmbH",
        Some("DATENWERK"),
        "Friedrichstraße 88",
        "10117 Berlin",
        C::De,
        L::De,
        Cu::Eur,
        A::It,
        K::Modern,
        "Amtsgericht Berlin-Charlottenburg HRB 201877 B",
        "Jan Becker",
        "DW{Y}{N4}",
        "datenwerk.de",
    )),
    s(
        "Schneider & Partner Steuerberatungsgesellschaft mbH",
        Some("Schneider & Partner"),
        "Königsallee 60",
        "40212 Düsseldorf",
        C::De,
        L::De,
        Cu::Eur,
        A::Fees,
        K::Letter,
        "Amtsgericht Düsseldorf HRB 77310",
        "Dr. Eva Schneider",
        "{Y}/{N4}",
        "schneider-partner-stb.de",
    ),
    s(
        "Messe Service Nord GmbH",
        Some("MSN Messe Service Nord"),
        "Am Messeplatz 1",
        "30521 Hannover",
        C::De,
        L::En,
        Cu::Eur,
        A::Fair,
        K::Din,
        "Amtsgericht Hannover HRB 61204",
        "Stefan Krüger",
        "MSN-{y}-{N5}",
        "messe-service-nord.de",
    ),
    s(
        "Fachbuchhandlung Weber KG",
        Some("Weber Fachbuch"),
        "Mönckebergstraße 3",
        "20095 Hamburg",
        C::De,
        L::De,
        Cu::Eur,
        A::Books,
        K::Classic,
        "Amtsgericht Hamburg HRA 99812",
        "Ulrike Weber",
        "R{N6}",
        "weber-fachbuch.de",
    ),
    s(
        "Stadtwerke Lindenau GmbH",
        Some("Stadtwerke Lindenau"),
        "Werkstraße 2",
        "04177 Leipzig",
        C::De,
        L::De,
        Cu::Eur,
        A::Energy,
        K::Utility,
        "Amtsgericht Leipzig HRB 30115",
        "Dirk Neumann",
        "{N4}{N6}",
        "sw-lindenau.de",
    ),
    s(
        "Kaffeerösterei Brandt GmbH",
        Some("Brandt Kaffee"),
        "Schlachte 21",
        "28195 Bremen",
        C::De,
        L::De,
        Cu::Eur,
        A::Catering,
        K::Sidebar,
        "Amtsgericht Bremen HRB 33971 HB",
        "Lena Brandt",
        "KR{Y}-{N4}",
        "brandt-kaffee.de",
    ),
    // United Kingdom
    s(
        "Brightline Software Ltd",
        Some("brightline"),
        "40 Old Street",
        "London EC1V 9AX",
        C::Uk,
        L::En,
        Cu::Usd,
        A::Saas,
        K::Modern,
        "Registered in England and Wales No. 09876543",
        "Oliver Grant",
        "INV-{N5}",
        "brightline.io",
    ),
    s(
        "Harbour View Hotel Ltd",
        Some("The Harbour View"),
        "1 Quay Street",
        "Bristol BS1 4DJ",
        C::Uk,
        L::En,
        Cu::Gbp,
        A::Hotel,
        K::Modern,
        "Registered in England and Wales No. 04455667",
        "Emma Clarke",
        "HV{N6}",
        "harbourviewhotel.co.uk",
    ),
    s(
        "Pennyworth Stationers Ltd",
        Some("Pennyworth"),
        "12 High Street",
        "Oxford OX1 4AB",
        C::Uk,
        L::En,
        Cu::Gbp,
        A::Office,
        K::Sidebar,
        "Registered in England and Wales No. 02233445",
        "George Pennyworth",
        "PS-{N5}",
        "pennyworth.co.uk",
    ),
    rc(s(
        "Cobalt Analytics Ltd",
        Some("COBALT ANALYTICS"),
        "5 Deansgate",
        "Manchester M3 2BW",
        C::Uk,
        L::En,
        Cu::Eur,
        A::It,
        K::Modern,
        "Registered in England and Wales No. 11223344",
        "Priya Shah",
        "CA-{Y}-{N3}",
        "cobalt-analytics.co.uk",
    )),
    s(
        "Thameside Energy Ltd",
        Some("Thameside Energy"),
        "88 Southwark Street",
        "London SE1 0HX",
        C::Uk,
        L::En,
        Cu::Gbp,
        A::Energy,
        K::Utility,
        "Registered in England and Wales No. 07788990",
        "David Hughes",
        "TE{N6}{N3}",
        "thameside-energy.co.uk",
    ),
    s(
        "Albion Books Ltd",
        Some("Albion Books"),
        "22 Cockburn Street",
        "Edinburgh EH1 1YZ",
        C::Uk,
        L::En,
        Cu::Gbp,
        A::Books,
        K::Sidebar,
        "Registered in Scotland No. SC512345",
        "Fiona MacLeod",
        "ALB{N5}",
        "albionbooks.co.uk",
    ),
    s(
        "Pemberton & Hale LLP",
        None,
        "7 Lincoln's Inn Fields",
        "London WC2A 3BP",
        C::Uk,
        L::En,
        Cu::Gbp,
        A::Fees,
        K::Letter,
        "Limited liability partnership registered in England and Wales No. OC301122",
        "Richard Pemberton",
        "PH/{Y}/{N4}",
        "pembertonhale.co.uk",
    ),
    // Belgium
    s(
        "Imprimerie Vandenberghe SRL",
        Some("Vandenberghe"),
        "Rue Royale 45",
        "1000 Bruxelles",
        C::Be,
        L::Fr,
        Cu::Eur,
        A::Printing,
        K::Classic,
        "SRL - RPM Bruxelles",
        "Luc Vandenberghe",
        "V{Y}-{N4}",
        "vandenberghe-print.be",
    ),
    s(
        "Brasserie-Traiteur Le Sablon SA",
        Some("Le Sablon"),
        "Place du Grand Sablon 10",
        "1000 Bruxelles",
        C::Be,
        L::Fr,
        Cu::Eur,
        A::Catering,
        K::Sidebar,
        "SA - RPM Bruxelles",
        "Chantal Dubois",
        "F{y}{N5}",
        "lesablon-traiteur.be",
    ),
    s(
        "Flanders Logistics NV",
        Some("FLANDERS LOGISTICS"),
        "Havenlaan 12",
        "2000 Antwerpen",
        C::Be,
        L::En,
        Cu::Eur,
        A::Freight,
        K::Classic,
        "NV - RPR Antwerpen",
        "Pieter Janssens",
        "FL{Y}{N6}",
        "flanderslogistics.be",
    ),
    // Switzerland
    rc(s(
        "Alpin Software AG",
        Some("alpin"),
        "Bahnhofstrasse 21",
        "8001 Zürich",
        C::Ch,
        L::De,
        Cu::Chf,
        A::Saas,
        K::Modern,
        "Handelsregister des Kantons Zürich",
        "Reto Baumann",
        "ALP-{Y}-{N4}",
        "alpin-software.ch",
    )),
    s(
        "Hôtel Lac Léman SA",
        Some("Hôtel Lac Léman"),
        "Quai du Mont-Blanc 11",
        "1201 Genève",
        C::Ch,
        L::Fr,
        Cu::Chf,
        A::Hotel,
        K::Sidebar,
        "Registre du commerce de Genève",
        "Isabelle Favre",
        "LL-{N5}",
        "hotel-lacleman.ch",
    ),
];

/// Identifiers of a supplier, as printed and as the truth file writes them.
#[derive(Debug, Clone)]
pub(crate) struct Ids {
    pub siren: Option<String>,
    pub siret: Option<String>,
    /// Normalized: uppercase, no spaces.
    pub vat: String,
    /// As printed: "FR 32 812345678", "DE 123 456 789", "CHE-123.456.789 MWST".
    pub vat_printed: String,
    pub iban: String,
    pub bic: String,
    pub phone: String,
    pub email: String,
    pub web: String,
    pub company_no: String,
    pub ape: String,
    /// ICS, the SEPA creditor id direct-debiting suppliers print: looks like a VAT id.
    pub creditor_id: String,
    /// DE Steuernummer.
    pub tax_no: String,
}

/// How this supplier's software prints: fixed per supplier.
#[derive(Debug, Clone)]
pub(crate) struct House {
    pub money: Money,
    /// Currency on every amount, or on totals only.
    pub cur_on_lines: bool,
    pub date: DateFmt,
    pub rate_dp: u32,
    pub text: TextOpts,
    pub shuffle: bool,
    pub compress: bool,
    pub body: Font,
    pub accent: Rgb,
    pub unit_variant: usize,
    pub label_seed: u64,
    pub terms_days: u32,
    pub end_of_month: bool,
    pub print_due: bool,
    pub show_buyer_vat: bool,
    pub show_buyer_siret: bool,
    /// Layout sub-variants (bit flags interpreted by each layout).
    pub variant: u32,
    /// One VAT line per rate in the totals, or a single "Total VAT".
    pub vat_per_rate: bool,
    pub breakdown_table: bool,
    pub iban_spaced: bool,
    pub credit_prefix: &'static str,
}

pub(crate) struct Supplier {
    pub def: &'static SupplierDef,
    pub ids: Ids,
    pub house: House,
}

impl Supplier {
    pub fn display_name(&self) -> &'static str {
        self.def.brand.unwrap_or(self.def.name)
    }
}

const FONT_NAMES: [[&str; 6]; 4] = [
    ["F1", "F2", "F3", "F4", "F5", "F6"],
    ["Helv", "HeBo", "TiRo", "TiBo", "Cour", "CoBo"],
    ["T1_0", "T1_1", "T1_2", "T1_3", "T1_4", "T1_5"],
    ["R7", "R9", "R11", "R13", "R15", "R17"],
];

pub(crate) fn supplier(idx: usize) -> Supplier {
    let def = &POOL[idx];
    let mut r = Rng::derive(0x5EED_0F5A_11E5, idx as u64);
    let ids = make_ids(def, &mut r);
    let house = make_house(def, &mut r);
    Supplier { def, ids, house }
}

fn make_ids(def: &SupplierDef, r: &mut Rng) -> Ids {
    let (mut siren, mut siret) = (None, None);
    let (vat, vat_printed, iban, bic, phone, company_no);
    match def.country {
        Country::Fr => {
            let sn = ids::random_siren(r);
            let st = ids::siret(&sn, r.range(1, 95) as u32 * 10 + 1);
            vat = ids::fr_vat(&sn);
            vat_printed = match r.below(3) {
                0 => vat.clone(),
                1 => format!("FR {} {}", &vat[2..4], &sn),
                _ => format!("FR{} {} {} {}", &vat[2..4], &sn[0..3], &sn[3..6], &sn[6..9]),
            };
            iban = ids::iban("FR", &ids::fr_bban(r));
            bic = r
                .pick(&["BNPAFRPPXXX", "CEPAFRPP751", "AGRIFRPP882", "SOGEFRPPXXX", "CMCIFR2A", "CCBPFRPPLYO"])
                .to_string();
            phone = format!("0{} {} {} {} {}", r.range(1, 5), r.digits(2), r.digits(2), r.digits(2), r.digits(2));
            company_no = format!("{} {} {}", &sn[0..3], &sn[3..6], &sn[6..9]);
            siren = Some(sn);
            siret = Some(st);
        }
        Country::De => {
            vat = ids::de_vat(r);
            vat_printed = if r.chance(50) {
                vat.clone()
            } else {
                format!("DE {} {} {}", &vat[2..5], &vat[5..8], &vat[8..11])
            };
            iban = ids::iban("DE", &ids::de_bban(r));
            bic = r.pick(&["COBADEFFXXX", "DEUTDEMMXXX", "HYVEDEMMXXX", "GENODEM1GLS", "BYLADEM1001"]).to_string();
            phone = format!("+49 {} {}", r.range(30, 899), r.digits(6));
            company_no = String::new();
        }
        Country::Uk => {
            vat = ids::gb_vat(r);
            vat_printed = format!("GB {} {} {}", &vat[2..5], &vat[5..9], &vat[9..11]);
            iban = ids::iban("GB", &ids::gb_bban(r));
            bic = format!("{}GB2L", &iban[4..8]);
            phone = format!("+44 {} {} {}", r.range(20, 199), r.digits(4), r.digits(4));
            company_no = String::new();
        }
        Country::Be => {
            vat = ids::be_vat(r);
            vat_printed = format!("BE {}.{}.{}", &vat[2..6], &vat[6..9], &vat[9..12]);
            iban = ids::iban("BE", &ids::be_bban(r));
            bic = r.pick(&["GEBABEBB", "BBRUBEBB", "KREDBEBB"]).to_string();
            phone = format!("+32 2 {} {} {}", r.digits(3), r.digits(2), r.digits(2));
            company_no = format!("{}.{}.{}", &vat[2..6], &vat[6..9], &vat[9..12]);
        }
        Country::Ch => {
            let uid = ids::ch_uid(r);
            vat = uid.clone();
            let suffix = if def.lang == Lang::Fr { "TVA" } else { "MWST" };
            vat_printed = format!("CHE-{}.{}.{} {}", &uid[3..6], &uid[6..9], &uid[9..12], suffix);
            iban = ids::iban("CH", &ids::ch_bban(r));
            bic = r.pick(&["UBSWCHZH80A", "ZKBKCHZZ80A", "POFICHBEXXX"]).to_string();
            phone = format!("+41 {} {} {} {}", r.range(21, 91), r.digits(3), r.digits(2), r.digits(2));
            company_no = format!("CHE-{}.{}.{}", &uid[3..6], &uid[6..9], &uid[9..12]);
        }
    }
    let local = *r.pick(&["comptabilite", "facturation", "contact", "accounts", "billing"]);
    let local = match def.lang {
        Lang::De => *r.pick(&["buchhaltung", "rechnung", "info"]),
        Lang::En => *r.pick(&["accounts", "billing", "hello"]),
        Lang::Fr => local,
    };
    let ape = format!("{}{}Z", r.range(10, 96), r.digits(2));
    let creditor_id = format!("FR{:02}ZZZ{}", r.range(10, 99), r.digits(6));
    let tax_no = format!("{}/{}/{}", r.range(100, 299), r.digits(3), r.digits(5));
    Ids {
        siren,
        siret,
        vat,
        vat_printed,
        iban,
        bic,
        phone,
        email: format!("{local}@{}", def.domain),
        web: format!("www.{}", def.domain),
        company_no,
        ape,
        creditor_id,
        tax_no,
    }
}

fn make_house(def: &SupplierDef, r: &mut Rng) -> House {
    let lang = def.lang;
    let num = match (def.country, lang) {
        (Country::Ch, _) => r.weighted(&[(NumFmt::Ch, 70), (NumFmt::Plain, 30)]),
        (Country::Be, Lang::Fr) => r.weighted(&[(NumFmt::De, 50), (NumFmt::FrSpace, 30), (NumFmt::FrPlain, 20)]),
        (_, Lang::Fr) => r.weighted(&[
            (NumFmt::FrSpace, 30),
            (NumFmt::FrNbsp, 25),
            (NumFmt::FrNarrow, 20),
            (NumFmt::FrPlain, 15),
            (NumFmt::De, 10),
        ]),
        (_, Lang::De) => r.weighted(&[(NumFmt::De, 75), (NumFmt::FrPlain, 25)]),
        (_, Lang::En) => r.weighted(&[(NumFmt::En, 65), (NumFmt::Plain, 35)]),
    };
    let pos = match (def.currency, lang) {
        (Currency::Chf, _) => r.weighted(&[(CurPos::CodeBefore, 50), (CurPos::CodeAfter, 30), (CurPos::Elsewhere, 20)]),
        (_, Lang::Fr) => r.weighted(&[(CurPos::SymbolAfter, 50), (CurPos::CodeAfter, 25), (CurPos::Elsewhere, 25)]),
        (_, Lang::De) => r.weighted(&[(CurPos::SymbolAfter, 50), (CurPos::CodeAfter, 30), (CurPos::Elsewhere, 20)]),
        (_, Lang::En) => r.weighted(&[
            (CurPos::SymbolBefore, 55),
            (CurPos::CodeBefore, 20),
            (CurPos::CodeAfter, 10),
            (CurPos::Elsewhere, 15),
        ]),
    };
    let neg = match lang {
        Lang::Fr => r.weighted(&[(NegStyle::Positive, 55), (NegStyle::Minus, 35), (NegStyle::Dash, 10)]),
        Lang::En => r.weighted(&[(NegStyle::Parens, 40), (NegStyle::Minus, 35), (NegStyle::Positive, 25)]),
        Lang::De => r.weighted(&[(NegStyle::Minus, 45), (NegStyle::Trailing, 25), (NegStyle::Positive, 30)]),
    };
    let gap = if matches!(num, NumFmt::FrNbsp | NumFmt::FrNarrow) { '\u{a0}' } else { ' ' };
    let money = Money {
        num,
        pos,
        neg,
        currency: def.currency,
        gap,
    };
    let date = match (def.country, lang) {
        (Country::Uk, _) => r.weighted(&[(DateFmt::Long, 35), (DateFmt::DmySlash, 35), (DateFmt::DMonY, 15), (DateFmt::Iso, 15)]),
        (_, Lang::Fr) => r.weighted(&[
            (DateFmt::DmySlash, 55),
            (DateFmt::Long, 20),
            (DateFmt::DmyDot, 10),
            (DateFmt::Iso, 10),
            (DateFmt::DmyDash, 5),
        ]),
        (_, Lang::De) => r.weighted(&[(DateFmt::DmyDot, 70), (DateFmt::Long, 20), (DateFmt::Iso, 10)]),
        (_, Lang::En) => r.weighted(&[(DateFmt::LongUs, 35), (DateFmt::Long, 25), (DateFmt::Iso, 25), (DateFmt::DmySlash, 15)]),
    };
    let mode = r.weighted(&[(TextMode::Lines, 35), (TextMode::Words, 25), (TextMode::Kerned, 25), (TextMode::Glyphs, 15)]);
    let names = r.pick(&FONT_NAMES);
    let text = TextOpts {
        mode,
        use_tm: r.chance(40),
        drop_spaces: r.chance(50),
        flip_y: r.chance(15),
        font_names: names.map(|s| s.to_string()),
    };
    let body = match def.layout {
        LayoutKind::Letter => Font::Times,
        LayoutKind::Utility => *r.pick(&[Font::Courier, Font::Helv]),
        _ => r.weighted(&[(Font::Helv, 80), (Font::Times, 20)]),
    };
    let accent = *r.pick(&[
        Rgb(0.11, 0.30, 0.55),
        Rgb(0.55, 0.12, 0.15),
        Rgb(0.10, 0.45, 0.35),
        Rgb(0.85, 0.45, 0.05),
        Rgb(0.30, 0.30, 0.35),
        Rgb(0.40, 0.20, 0.55),
    ]);
    let credit_prefix = match lang {
        Lang::Fr => *r.pick(&["AV-{Y}-{N4}", "A{Y}{N4}", "AV{N5}"]),
        Lang::En => *r.pick(&["CN-{N5}", "CR{Y}-{N4}", "CN{N6}"]),
        Lang::De => *r.pick(&["GS-{Y}-{N4}", "RK{Y}{N4}", "G{N6}"]),
    };
    House {
        money,
        cur_on_lines: r.chance(40),
        date,
        rate_dp: r.weighted(&[(0, 60), (1, 15), (2, 25)]),
        text,
        shuffle: r.chance(35),
        compress: r.chance(75),
        body,
        accent,
        unit_variant: r.below(3),
        label_seed: r.next_u64(),
        terms_days: *r.pick(&[0, 14, 30, 30, 45, 60]),
        end_of_month: r.chance(25),
        print_due: r.chance(85),
        show_buyer_vat: r.chance(60),
        show_buyer_siret: r.chance(30),
        variant: r.next_u64() as u32,
        vat_per_rate: r.chance(60),
        breakdown_table: r.chance(60),
        iban_spaced: r.chance(75),
        credit_prefix,
    }
}
