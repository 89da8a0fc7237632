//! What suppliers sell: item lines in three languages, with price ranges and
//! the VAT category that, per country, gives the rate (which is how one
//! invoice ends up with several rates, as real ones do).

#![allow(clippy::too_many_arguments)]

use rust_decimal::Decimal;

use super::fmt::Lang;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Country {
    Fr,
    De,
    Uk,
    Be,
    Ch,
}

impl Country {
    pub fn name(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Country::Fr, Lang::Fr) => "France",
            (Country::Fr, Lang::De) => "Frankreich",
            (Country::Fr, Lang::En) => "France",
            (Country::De, Lang::Fr) => "Allemagne",
            (Country::De, Lang::De) => "Deutschland",
            (Country::De, Lang::En) => "Germany",
            (Country::Uk, Lang::Fr) => "Royaume-Uni",
            (Country::Uk, Lang::De) => "Vereinigtes Königreich",
            (Country::Uk, Lang::En) => "United Kingdom",
            (Country::Be, Lang::Fr) => "Belgique",
            (Country::Be, Lang::De) => "Belgien",
            (Country::Be, Lang::En) => "Belgium",
            (Country::Ch, Lang::Fr) => "Suisse",
            (Country::Ch, Lang::De) => "Schweiz",
            (Country::Ch, Lang::En) => "Switzerland",
        }
    }
}

/// VAT category of an item; the supplier's country turns it into a rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cat {
    Std,
    /// Accommodation.
    Hotel,
    /// Prepared food, catering.
    Food,
    /// Breakfast and the like served by hotels (19 % in Germany, unlike the room).
    Breakfast,
    /// Water, basic food, books.
    Reduced,
    /// Press, periodicals.
    Press,
    /// Energy supply.
    Energy,
}

pub(crate) fn rate(country: Country, cat: Cat) -> Decimal {
    let pct = match (country, cat) {
        (Country::Fr, Cat::Std | Cat::Energy) => "20",
        (Country::Fr, Cat::Hotel | Cat::Food | Cat::Breakfast) => "10",
        (Country::Fr, Cat::Reduced) => "5.5",
        (Country::Fr, Cat::Press) => "2.1",
        (Country::De, Cat::Std | Cat::Breakfast | Cat::Energy) => "19",
        (Country::De, Cat::Hotel | Cat::Food | Cat::Reduced | Cat::Press) => "7",
        (Country::Uk, Cat::Std | Cat::Hotel | Cat::Food | Cat::Breakfast) => "20",
        (Country::Uk, Cat::Energy) => "5",
        (Country::Uk, Cat::Reduced | Cat::Press) => "0",
        (Country::Be, Cat::Std) => "21",
        (Country::Be, Cat::Food | Cat::Breakfast) => "12",
        (Country::Be, Cat::Hotel | Cat::Reduced | Cat::Press | Cat::Energy) => "6",
        (Country::Ch, Cat::Std | Cat::Breakfast | Cat::Energy) => "8.1",
        (Country::Ch, Cat::Hotel) => "3.8",
        (Country::Ch, Cat::Food | Cat::Reduced | Cat::Press) => "2.6",
    };
    pct.parse().unwrap()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unit {
    Piece,
    Hour,
    Day,
    Month,
    Flat,
    Box,
    Night,
    Kwh,
    Litre,
    Sqm,
}

impl Unit {
    pub fn label(self, lang: Lang, variant: usize) -> &'static str {
        let v: &[&str] = match (self, lang) {
            (Unit::Piece, Lang::Fr) => &["u.", "pce", "unité"],
            (Unit::Piece, Lang::En) => &["pcs", "ea", "unit"],
            (Unit::Piece, Lang::De) => &["Stk.", "St.", "Stück"],
            (Unit::Hour, Lang::Fr) => &["h", "heure", "h"],
            (Unit::Hour, Lang::En) => &["hrs", "hour", "h"],
            (Unit::Hour, Lang::De) => &["Std.", "Stunde", "h"],
            (Unit::Day, Lang::Fr) => &["j", "jour", "jour"],
            (Unit::Day, Lang::En) => &["days", "day", "d"],
            (Unit::Day, Lang::De) => &["PT", "Tag", "Tg."],
            (Unit::Month, Lang::Fr) => &["mois", "mois", "mois"],
            (Unit::Month, Lang::En) => &["month", "mo", "month"],
            (Unit::Month, Lang::De) => &["Monat", "Mon.", "Monat"],
            (Unit::Flat, Lang::Fr) => &["forfait", "fft", "forfait"],
            (Unit::Flat, Lang::En) => &["flat", "item", "lump sum"],
            (Unit::Flat, Lang::De) => &["psch.", "pauschal", "Pausch."],
            (Unit::Box, Lang::Fr) => &["boîte", "lot", "carton"],
            (Unit::Box, Lang::En) => &["box", "pack", "box"],
            (Unit::Box, Lang::De) => &["Pack", "Pkg.", "VE"],
            (Unit::Night, Lang::Fr) => &["nuit", "nuitée", "nuit"],
            (Unit::Night, Lang::En) => &["night", "night", "nts"],
            (Unit::Night, Lang::De) => &["Nacht", "ÜN", "Nacht"],
            (Unit::Kwh, _) => &["kWh", "kWh", "kWh"],
            (Unit::Litre, Lang::Fr) => &["L", "litre", "l"],
            (Unit::Litre, Lang::En) => &["L", "litre", "ltr"],
            (Unit::Litre, Lang::De) => &["l", "Liter", "Ltr."],
            (Unit::Sqm, _) => &["m²", "m²", "m2"],
        };
        v[variant % v.len()]
    }
}

/// Quantity drawn for an item.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Qty {
    /// Whole numbers lo..=hi.
    Int(i64, i64),
    /// Halves (hours, days) lo..=hi.
    Half(i64, i64),
    /// Metered, whole units lo..=hi (kWh).
    Meter(i64, i64),
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Item {
    pub fr: &'static str,
    pub en: &'static str,
    pub de: &'static str,
    pub unit: Unit,
    /// Unit price range, cents (or 1/10000 for metered prices, see `price_dp`).
    pub lo: i64,
    pub hi: i64,
    pub price_dp: u32,
    pub qty: Qty,
    pub cat: Cat,
    /// Billing-period item: gets a "period" detail line.
    pub periodic: bool,
}

impl Item {
    pub fn text(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::Fr => self.fr,
            Lang::En => self.en,
            Lang::De => self.de,
        }
    }
}

const fn it(fr: &'static str, en: &'static str, de: &'static str, unit: Unit, lo: i64, hi: i64, qty: Qty, cat: Cat) -> Item {
    Item {
        fr,
        en,
        de,
        unit,
        lo,
        hi,
        price_dp: 2,
        qty,
        cat,
        periodic: false,
    }
}

const fn per(fr: &'static str, en: &'static str, de: &'static str, unit: Unit, lo: i64, hi: i64, cat: Cat) -> Item {
    Item {
        fr,
        en,
        de,
        unit,
        lo,
        hi,
        price_dp: 2,
        qty: Qty::Int(1, 1),
        cat,
        periodic: true,
    }
}

const fn meter(fr: &'static str, en: &'static str, de: &'static str, lo: i64, hi: i64, qlo: i64, qhi: i64, cat: Cat) -> Item {
    Item {
        fr,
        en,
        de,
        unit: Unit::Kwh,
        lo,
        hi,
        price_dp: 4,
        qty: Qty::Meter(qlo, qhi),
        cat,
        periodic: true,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Activity {
    It,
    Office,
    Catering,
    Books,
    Hotel,
    Telecom,
    Energy,
    Cleaning,
    Fees,
    Garage,
    Printing,
    Freight,
    Saas,
    Fair,
}

use Cat::*;
use Qty::*;
use Unit::*;

pub(crate) fn items(a: Activity) -> &'static [Item] {
    match a {
        Activity::It => {
            const V: &[Item] = &[
                it(
                    "Prestation de développement logiciel",
                    "Software development services",
                    "Softwareentwicklung",
                    Day,
                    45000,
                    85000,
                    Half(1, 15),
                    Std,
                ),
                per(
                    "Maintenance applicative mensuelle",
                    "Monthly application maintenance",
                    "Monatliche Anwendungswartung",
                    Month,
                    15000,
                    90000,
                    Std,
                ),
                per(
                    "Hébergement serveur dédié",
                    "Dedicated server hosting",
                    "Hosting dedizierter Server",
                    Month,
                    8900,
                    34900,
                    Std,
                ),
                it(
                    "Licence logicielle annuelle",
                    "Annual software licence",
                    "Jährliche Softwarelizenz",
                    Piece,
                    12000,
                    48000,
                    Int(1, 25),
                    Std,
                ),
                it(
                    "Formation des utilisateurs",
                    "User training session",
                    "Anwenderschulung",
                    Day,
                    90000,
                    140000,
                    Int(1, 3),
                    Std,
                ),
                it(
                    "Support technique",
                    "Technical support",
                    "Technischer Support",
                    Hour,
                    6500,
                    12000,
                    Half(1, 12),
                    Std,
                ),
                it(
                    "Renouvellement nom de domaine",
                    "Domain name renewal",
                    "Verlängerung Domain",
                    Piece,
                    1200,
                    2500,
                    Int(1, 4),
                    Std,
                ),
                it(
                    "Audit de sécurité du système d'information",
                    "Information security audit",
                    "Sicherheitsaudit der IT-Infrastruktur",
                    Flat,
                    180000,
                    650000,
                    Int(1, 1),
                    Std,
                ),
            ];
            V
        }
        Activity::Office => {
            const V: &[Item] = &[
                it(
                    "Ramette papier A4 80 g (500 feuilles)",
                    "A4 copy paper 80gsm, ream of 500",
                    "Kopierpapier A4 80 g/m², 500 Blatt",
                    Box,
                    420,
                    690,
                    Int(5, 50),
                    Std,
                ),
                it(
                    "Cartouche de toner noir",
                    "Black toner cartridge",
                    "Tonerkartusche schwarz",
                    Piece,
                    3900,
                    18900,
                    Int(1, 6),
                    Std,
                ),
                it(
                    "Stylos à bille bleus (boîte de 50)",
                    "Blue ballpoint pens (box of 50)",
                    "Kugelschreiber blau (50 Stück)",
                    Box,
                    990,
                    2450,
                    Int(1, 5),
                    Std,
                ),
                it(
                    "Classeur à levier A4 dos 80 mm",
                    "Lever arch file A4, 80 mm",
                    "Ordner A4, 80 mm Rücken",
                    Piece,
                    210,
                    490,
                    Int(10, 60),
                    Std,
                ),
                it(
                    "Fauteuil de bureau ergonomique",
                    "Ergonomic office chair",
                    "Ergonomischer Bürostuhl",
                    Piece,
                    18900,
                    79000,
                    Int(1, 4),
                    Std,
                ),
                it(
                    "Notes repositionnables 76x76 (lot de 12)",
                    "Sticky notes 76x76 (pack of 12)",
                    "Haftnotizen 76x76 (12er-Pack)",
                    Box,
                    650,
                    1490,
                    Int(1, 10),
                    Std,
                ),
                it(
                    "Enveloppes C4 auto-adhésives (x250)",
                    "C4 self-seal envelopes (x250)",
                    "Versandtaschen C4 selbstklebend (250 Stk.)",
                    Box,
                    1890,
                    3990,
                    Int(1, 4),
                    Std,
                ),
                it("Frais de livraison", "Delivery charge", "Versandkosten", Flat, 690, 1990, Int(1, 1), Std),
            ];
            V
        }
        Activity::Catering => {
            const V: &[Item] = &[
                it("Plateaux-repas", "Packed lunch trays", "Lunch-Boxen", Piece, 1450, 3200, Int(5, 40), Food),
                it(
                    "Café et viennoiseries",
                    "Coffee and pastries",
                    "Kaffee und Gebäck",
                    Piece,
                    450,
                    950,
                    Int(10, 60),
                    Food,
                ),
                it(
                    "Eau minérale (pack de 6)",
                    "Mineral water (6-pack)",
                    "Mineralwasser (6er-Pack)",
                    Box,
                    280,
                    690,
                    Int(2, 20),
                    Reduced,
                ),
                it(
                    "Vin rouge AOC (bouteille)",
                    "Red wine (bottle)",
                    "Rotwein (Flasche)",
                    Piece,
                    890,
                    2600,
                    Int(2, 24),
                    Std,
                ),
                it("Personnel de service", "Service staff", "Servicepersonal", Hour, 3200, 4800, Int(2, 16), Std),
                it("Location de vaisselle", "Tableware hire", "Geschirrverleih", Flat, 4500, 18000, Int(1, 1), Std),
                it(
                    "Buffet froid (par personne)",
                    "Cold buffet (per guest)",
                    "Kaltes Buffet (pro Person)",
                    Piece,
                    1800,
                    4200,
                    Int(8, 60),
                    Food,
                ),
            ];
            V
        }
        Activity::Books => {
            const V: &[Item] = &[
                it(
                    "Ouvrage : Code de commerce 2026",
                    "Book: Company Law Handbook 2026",
                    "Fachbuch: Handelsgesetzbuch 2026",
                    Piece,
                    3500,
                    12000,
                    Int(1, 5),
                    Reduced,
                ),
                it(
                    "Ouvrage : Mémento fiscal 2026",
                    "Book: Tax Guide 2026",
                    "Fachbuch: Steuerrecht kompakt 2026",
                    Piece,
                    4200,
                    16900,
                    Int(1, 5),
                    Reduced,
                ),
                per(
                    "Abonnement presse quotidienne (12 mois)",
                    "Daily newspaper subscription (12 months)",
                    "Tageszeitung Abonnement (12 Monate)",
                    Flat,
                    18000,
                    42000,
                    Press,
                ),
                per(
                    "Revue fiscale mensuelle",
                    "Monthly tax journal",
                    "Steuerfachzeitschrift (monatlich)",
                    Flat,
                    2900,
                    8900,
                    Press,
                ),
                it("Frais de port", "Postage and packing", "Porto und Verpackung", Flat, 490, 1590, Int(1, 1), Std),
                per(
                    "Accès base documentaire en ligne",
                    "Online research database access",
                    "Zugang Online-Datenbank",
                    Month,
                    4900,
                    19900,
                    Std,
                ),
            ];
            V
        }
        Activity::Hotel => {
            const V: &[Item] = &[
                it(
                    "Nuitée chambre double",
                    "Double room, per night",
                    "Übernachtung Doppelzimmer",
                    Night,
                    8900,
                    24000,
                    Int(1, 4),
                    Hotel,
                ),
                it(
                    "Nuitée chambre simple",
                    "Single room, per night",
                    "Übernachtung Einzelzimmer",
                    Night,
                    7400,
                    18900,
                    Int(1, 5),
                    Hotel,
                ),
                it("Petit-déjeuner", "Breakfast", "Frühstück", Piece, 1200, 2800, Int(1, 8), Breakfast),
                it("Parking", "Car park", "Parkplatz", Piece, 1500, 3200, Int(1, 4), Std),
                it(
                    "Location salle de réunion (journée)",
                    "Meeting room hire (full day)",
                    "Tagungsraum (ganztägig)",
                    Day,
                    25000,
                    90000,
                    Int(1, 2),
                    Std,
                ),
                it(
                    "Dîner au restaurant",
                    "Dinner, restaurant",
                    "Abendessen Restaurant",
                    Piece,
                    2800,
                    7500,
                    Int(1, 6),
                    Food,
                ),
                it("Minibar", "Minibar", "Minibar", Flat, 600, 3800, Int(1, 1), Std),
            ];
            V
        }
        Activity::Telecom => {
            const V: &[Item] = &[
                per(
                    "Forfait mobile pro 100 Go",
                    "Business mobile plan 100 GB",
                    "Mobilfunktarif Business 100 GB",
                    Month,
                    1999,
                    4999,
                    Std,
                ),
                per(
                    "Abonnement fibre professionnelle",
                    "Business fibre broadband",
                    "Glasfaser Business",
                    Month,
                    3900,
                    8900,
                    Std,
                ),
                per(
                    "Location box et téléphone",
                    "Router and handset rental",
                    "Miete Router und Endgerät",
                    Month,
                    500,
                    1500,
                    Std,
                ),
                it(
                    "Communications hors forfait",
                    "Out-of-bundle calls",
                    "Verbindungen außerhalb des Tarifs",
                    Flat,
                    120,
                    4800,
                    Int(1, 1),
                    Std,
                ),
                per("Option international", "International calling option", "Auslandsoption", Month, 500, 1500, Std),
                per(
                    "Numéro SVA et standard virtuel",
                    "Virtual switchboard",
                    "Virtuelle Telefonanlage",
                    Month,
                    1500,
                    6000,
                    Std,
                ),
            ];
            V
        }
        Activity::Energy => {
            const V: &[Item] = &[
                per(
                    "Abonnement électricité",
                    "Electricity standing charge",
                    "Grundpreis Strom",
                    Month,
                    1500,
                    9500,
                    Energy,
                ),
                meter(
                    "Consommation électricité heures pleines",
                    "Electricity usage, day rate",
                    "Arbeitspreis Strom HT",
                    1820,
                    2490,
                    250,
                    4200,
                    Energy,
                ),
                meter(
                    "Consommation électricité heures creuses",
                    "Electricity usage, night rate",
                    "Arbeitspreis Strom NT",
                    1350,
                    1890,
                    120,
                    2600,
                    Energy,
                ),
                meter("Accise sur l'électricité", "Climate change levy", "Stromsteuer", 205, 250, 370, 6800, Std),
                per("Contribution tarifaire d'acheminement", "Network charge", "Netzentgelt", Flat, 800, 4500, Std),
                per("Location compteur", "Meter rental", "Messstellenbetrieb", Month, 200, 900, Std),
            ];
            V
        }
        Activity::Cleaning => {
            const V: &[Item] = &[
                per("Nettoyage des bureaux", "Office cleaning", "Büroreinigung", Month, 38000, 190000, Std),
                it("Nettoyage des vitres", "Window cleaning", "Fensterreinigung", Flat, 9000, 45000, Int(1, 1), Std),
                it(
                    "Produits d'entretien et consommables",
                    "Cleaning supplies",
                    "Reinigungsmittel und Verbrauchsmaterial",
                    Flat,
                    2500,
                    12000,
                    Int(1, 1),
                    Std,
                ),
                it(
                    "Intervention exceptionnelle",
                    "Additional call-out",
                    "Sondereinsatz",
                    Hour,
                    2800,
                    4500,
                    Half(2, 10),
                    Std,
                ),
                it("Shampooing moquette", "Carpet shampooing", "Teppichreinigung", Sqm, 350, 900, Int(40, 400), Std),
            ];
            V
        }
        Activity::Fees => {
            const V: &[Item] = &[
                per(
                    "Honoraires de tenue comptable",
                    "Bookkeeping fees",
                    "Honorar laufende Buchhaltung",
                    Month,
                    25000,
                    120000,
                    Std,
                ),
                it(
                    "Établissement des comptes annuels",
                    "Preparation of annual accounts",
                    "Erstellung des Jahresabschlusses",
                    Flat,
                    120000,
                    480000,
                    Int(1, 1),
                    Std,
                ),
                it("Consultation juridique", "Legal advice", "Rechtsberatung", Hour, 15000, 38000, Half(1, 12), Std),
                it("Déclarations fiscales", "Tax returns", "Steuererklärungen", Flat, 35000, 150000, Int(1, 1), Std),
                it(
                    "Frais de dossier et débours",
                    "Filing fees and disbursements",
                    "Auslagenpauschale",
                    Flat,
                    2000,
                    9000,
                    Int(1, 1),
                    Std,
                ),
                it(
                    "Rédaction d'un procès-verbal d'assemblée",
                    "Drafting of board minutes",
                    "Entwurf Gesellschafterbeschluss",
                    Flat,
                    30000,
                    90000,
                    Int(1, 1),
                    Std,
                ),
            ];
            V
        }
        Activity::Garage => {
            const V: &[Item] = &[
                it(
                    "Révision constructeur 30 000 km",
                    "Manufacturer service, 30,000 miles",
                    "Inspektion 30.000 km",
                    Flat,
                    18000,
                    42000,
                    Int(1, 1),
                    Std,
                ),
                it(
                    "Pneumatique 205/55 R16 91V",
                    "Tyre 205/55 R16 91V",
                    "Reifen 205/55 R16 91V",
                    Piece,
                    7500,
                    14000,
                    Int(2, 4),
                    Std,
                ),
                it(
                    "Main-d'œuvre atelier",
                    "Workshop labour",
                    "Arbeitslohn Werkstatt",
                    Hour,
                    5500,
                    9500,
                    Half(1, 8),
                    Std,
                ),
                it("Huile moteur 5W30", "Engine oil 5W30", "Motoröl 5W30", Litre, 1200, 2400, Int(4, 6), Std),
                it(
                    "Plaquettes de frein avant",
                    "Front brake pads",
                    "Bremsbeläge vorne",
                    Piece,
                    4500,
                    11000,
                    Int(1, 2),
                    Std,
                ),
                it("Contrôle technique", "MOT test", "Hauptuntersuchung", Flat, 7800, 9900, Int(1, 1), Std),
            ];
            V
        }
        Activity::Printing => {
            const V: &[Item] = &[
                it(
                    "Cartes de visite quadri (x500)",
                    "Business cards, full colour (x500)",
                    "Visitenkarten 4/4-farbig (500 Stk.)",
                    Piece,
                    3900,
                    8900,
                    Int(1, 6),
                    Std,
                ),
                it(
                    "Flyers A5 recto-verso (x2000)",
                    "A5 flyers double-sided (x2000)",
                    "Flyer A5 beidseitig (2.000 Stk.)",
                    Piece,
                    9500,
                    26000,
                    Int(1, 3),
                    Std,
                ),
                it(
                    "Brochure 16 pages agrafée (x250)",
                    "16-page stapled brochure (x250)",
                    "Broschüre 16 Seiten geheftet (250 Stk.)",
                    Piece,
                    38000,
                    95000,
                    Int(1, 2),
                    Std,
                ),
                it(
                    "Kakémono 85 x 200 cm",
                    "Roll-up banner 85 x 200 cm",
                    "Roll-up-Banner 85 x 200 cm",
                    Piece,
                    8900,
                    19000,
                    Int(1, 4),
                    Std,
                ),
                it(
                    "Frais de PAO",
                    "Artwork and typesetting",
                    "Satz- und Gestaltungskosten",
                    Hour,
                    4500,
                    7500,
                    Half(1, 6),
                    Std,
                ),
                it(
                    "Papier en-tête (x1000)",
                    "Letterheads (x1000)",
                    "Briefpapier (1.000 Stk.)",
                    Piece,
                    12000,
                    26000,
                    Int(1, 2),
                    Std,
                ),
            ];
            V
        }
        Activity::Freight => {
            const V: &[Item] = &[
                it(
                    "Transport messagerie Paris > Lyon",
                    "Courier Paris > Lyon",
                    "Kurierdienst Paris > Lyon",
                    Piece,
                    2800,
                    9500,
                    Int(1, 12),
                    Std,
                ),
                it(
                    "Palette 120 x 80 (affrètement)",
                    "Pallet 120 x 80 (chartered)",
                    "Palette 120 x 80 (Charter)",
                    Piece,
                    9000,
                    26000,
                    Int(1, 8),
                    Std,
                ),
                it("Surcharge carburant", "Fuel surcharge", "Dieselzuschlag", Flat, 1200, 9000, Int(1, 1), Std),
                it(
                    "Assurance ad valorem",
                    "Cargo insurance",
                    "Transportversicherung",
                    Flat,
                    1500,
                    6000,
                    Int(1, 1),
                    Std,
                ),
                it("Enlèvement express", "Express pick-up", "Expressabholung", Piece, 3500, 7500, Int(1, 3), Std),
                it(
                    "Stockage (palette/semaine)",
                    "Storage (pallet/week)",
                    "Lagerung (Palette/Woche)",
                    Piece,
                    450,
                    1200,
                    Int(4, 60),
                    Std,
                ),
            ];
            V
        }
        Activity::Saas => {
            const V: &[Item] = &[
                per(
                    "Abonnement Pro – 25 utilisateurs",
                    "Pro plan – 25 seats",
                    "Pro-Tarif – 25 Nutzer",
                    Month,
                    24900,
                    99900,
                    Std,
                ),
                per(
                    "Stockage supplémentaire 1 To",
                    "Additional storage 1 TB",
                    "Zusätzlicher Speicher 1 TB",
                    Month,
                    1900,
                    4900,
                    Std,
                ),
                it(
                    "Utilisateurs supplémentaires",
                    "Additional seats",
                    "Zusätzliche Nutzer",
                    Piece,
                    900,
                    2900,
                    Int(1, 30),
                    Std,
                ),
                it(
                    "Accompagnement au démarrage",
                    "Onboarding package",
                    "Onboarding-Paket",
                    Flat,
                    90000,
                    250000,
                    Int(1, 1),
                    Std,
                ),
                per("Support premium", "Premium support", "Premium-Support", Month, 9900, 29900, Std),
            ];
            V
        }
        Activity::Fair => {
            const V: &[Item] = &[
                it("Surface de stand (m²)", "Stand space (m²)", "Standfläche", Sqm, 18000, 39000, Int(9, 48), Std),
                it(
                    "Montage et démontage du stand",
                    "Stand construction and dismantling",
                    "Standbau und Abbau",
                    Flat,
                    150000,
                    620000,
                    Int(1, 1),
                    Std,
                ),
                it("Badges exposants", "Exhibitor passes", "Ausstellerausweise", Piece, 4500, 9500, Int(2, 10), Std),
                it(
                    "Branchement électrique 3 kW",
                    "Power connection 3 kW",
                    "Stromanschluss 3 kW",
                    Flat,
                    28000,
                    52000,
                    Int(1, 1),
                    Std,
                ),
                it(
                    "Forfait médias et catalogue",
                    "Media and catalogue package",
                    "Medienpaket und Katalogeintrag",
                    Flat,
                    39000,
                    89000,
                    Int(1, 1),
                    Std,
                ),
                it(
                    "Restauration sur stand (par jour)",
                    "Stand catering (per day)",
                    "Standcatering (pro Tag)",
                    Day,
                    32000,
                    98000,
                    Int(1, 4),
                    Food,
                ),
            ];
            V
        }
    }
}
