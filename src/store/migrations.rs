//! Versioned schema migrations. A migration is never edited once released:
//! a change to the schema is a new entry at the end of `MIGRATIONS`.

pub struct Migration {
    pub version: i32,
    pub name: &'static str,
    pub sql: &'static str,
}

pub const MIGRATIONS: &[Migration] = &[
Migration {
    version: 1,
    name: "documents, events, fields, entries, lines",
    sql: r#"
CREATE SEQUENCE seq_sources START 1;
CREATE SEQUENCE seq_documents START 1;
CREATE SEQUENCE seq_events START 1;
CREATE SEQUENCE seq_entries START 1;

-- A file as it arrived: one per claim, whatever became of it.
CREATE TABLE sources (
    id            BIGINT PRIMARY KEY DEFAULT nextval('seq_sources'),
    sha256        VARCHAR NOT NULL,
    original_name VARCHAR NOT NULL,
    inbox         VARCHAR NOT NULL,
    company       VARCHAR NOT NULL,
    size_bytes    BIGINT NOT NULL,
    received_at   TIMESTAMP NOT NULL,
    spool_name    VARCHAR NOT NULL,
    state         VARCHAR NOT NULL,          -- processed | failed | duplicate
    stored_path   VARCHAR NOT NULL,          -- where the file was moved after commit
    reason        VARCHAR,                   -- why it failed
    duplicate_of  BIGINT,
    page_count    INTEGER
);
CREATE INDEX sources_sha ON sources(sha256);

-- A document cut out of a source (a page range).
CREATE TABLE documents (
    id              BIGINT PRIMARY KEY DEFAULT nextval('seq_documents'),
    source_id       BIGINT NOT NULL,
    pages           VARCHAR NOT NULL,        -- JSON list of 1-based pages of the source
    company         VARCHAR NOT NULL,
    pipeline        VARCHAR NOT NULL,
    category        VARCHAR NOT NULL,
    category_reason VARCHAR NOT NULL,
    state           VARCHAR NOT NULL,        -- posted | review
    review_reasons  VARCHAR,                 -- JSON list
    checks          VARCHAR NOT NULL,        -- JSON list of validation checks
    created_at      TIMESTAMP NOT NULL
);

-- Every recognized value with where it came from.
CREATE TABLE fields (
    document_id BIGINT NOT NULL,
    name        VARCHAR NOT NULL,
    value       VARCHAR NOT NULL,
    page        INTEGER NOT NULL,
    x0 DOUBLE, y0 DOUBLE, x1 DOUBLE, y1 DOUBLE,
    source      VARCHAR NOT NULL,
    confidence  DOUBLE NOT NULL,
    PRIMARY KEY (document_id, name)
);

CREATE TABLE vat_lines (
    document_id BIGINT NOT NULL,
    rate        DECIMAL(7,3) NOT NULL,
    base        DECIMAL(18,2) NOT NULL,
    amount      DECIMAL(18,2) NOT NULL
);

-- The history: every action on a source, document or entry.
CREATE TABLE events (
    id          BIGINT PRIMARY KEY DEFAULT nextval('seq_events'),
    happened_at TIMESTAMP NOT NULL,
    actor       VARCHAR NOT NULL,
    source_id   BIGINT,
    document_id BIGINT,
    entry_id    BIGINT,
    kind        VARCHAR NOT NULL,
    detail      VARCHAR NOT NULL
);

-- Posted entries; never updated: corrections are new entries.
CREATE TABLE entries (
    id           BIGINT PRIMARY KEY DEFAULT nextval('seq_entries'),
    company      VARCHAR NOT NULL,
    journal      VARCHAR NOT NULL,
    journal_label VARCHAR NOT NULL,
    fiscal_year  INTEGER NOT NULL,
    fy_start     DATE NOT NULL,
    fy_end       DATE NOT NULL,
    number       INTEGER NOT NULL,           -- gap-free per company, journal and fiscal year
    entry_date   DATE NOT NULL,
    piece_ref    VARCHAR NOT NULL,
    piece_date   DATE NOT NULL,
    label        VARCHAR NOT NULL,
    currency     VARCHAR NOT NULL,
    document_id  BIGINT,
    validated_at TIMESTAMP NOT NULL,
    UNIQUE (company, journal, fiscal_year, number)
);

CREATE TABLE entry_lines (
    entry_id      BIGINT NOT NULL,
    line_no       INTEGER NOT NULL,
    account       VARCHAR NOT NULL,
    account_label VARCHAR NOT NULL,
    aux_account   VARCHAR,
    aux_label     VARCHAR,
    label         VARCHAR NOT NULL,
    debit         DECIMAL(18,2) NOT NULL,
    credit        DECIMAL(18,2) NOT NULL,
    due_date      DATE,
    PRIMARY KEY (entry_id, line_no)
);
"#,
},
Migration {
    version: 2,
    name: "batches, numbering at posting, hash chain, hard locks",
    sql: r#"
CREATE SEQUENCE seq_batches START 1;

-- Named counters (batch numbers); incremented inside the writing transaction.
CREATE TABLE numbering (name VARCHAR PRIMARY KEY, next BIGINT NOT NULL);

-- Entries grouped by company, journal, fiscal year, currency (and period).
CREATE TABLE batches (
    id            BIGINT PRIMARY KEY DEFAULT nextval('seq_batches'),
    number        VARCHAR NOT NULL,
    company       VARCHAR NOT NULL,
    journal       VARCHAR NOT NULL,
    fiscal_year   INTEGER NOT NULL,
    fy_start      DATE NOT NULL,
    fy_end        DATE NOT NULL,
    period        VARCHAR,                  -- YYYY-MM when grouped by period
    currency      VARCHAR NOT NULL,
    kind          VARCHAR NOT NULL,         -- normal | change | reversal | adjusting | generated
    parent_id     BIGINT,                   -- the batch a change/reversal/adjustment is attached to
    status        VARCHAR NOT NULL,         -- on-hold | balanced | scheduled | unposted | posted | void
    export_state  VARCHAR NOT NULL,         -- in-progress | exported | export-failed
    export_error  VARCHAR,
    control_total DECIMAL(18,2),
    schedule      VARCHAR,                  -- day | week | month (scheduled templates)
    next_run      DATE,
    schedule_runs INTEGER NOT NULL DEFAULT 0,
    created_at    TIMESTAMP NOT NULL,
    released_at   TIMESTAMP,
    posted_at     TIMESTAMP,
    exported_at   TIMESTAMP
);

-- Entries are now numbered when their batch is posted (number and
-- validated_at NULL before), and sealed in a hash chain. Entries written
-- by version 1 (posted at once) join one Balanced batch per company,
-- journal, year and currency and are numbered again when posted.
CREATE TABLE entries_v2 (
    id           BIGINT PRIMARY KEY DEFAULT nextval('seq_entries'),
    company      VARCHAR NOT NULL,
    journal      VARCHAR NOT NULL,
    journal_label VARCHAR NOT NULL,
    fiscal_year  INTEGER NOT NULL,
    fy_start     DATE NOT NULL,
    fy_end       DATE NOT NULL,
    number       INTEGER,                   -- gap-free per company, journal and fiscal year, at posting
    entry_date   DATE NOT NULL,
    piece_ref    VARCHAR NOT NULL,
    piece_date   DATE NOT NULL,
    label        VARCHAR NOT NULL,
    currency     VARCHAR NOT NULL,
    document_id  BIGINT,
    validated_at TIMESTAMP,                 -- when posted (FEC ValidDate)
    batch_id     BIGINT NOT NULL,
    reverses_id  BIGINT,                    -- the entry this one reverses
    chain_seq    BIGINT,                    -- position in the company's chain of posted entries
    prev_hash    VARCHAR,
    hash         VARCHAR
);

INSERT INTO batches (number, company, journal, fiscal_year, fy_start, fy_end, currency, kind, status, export_state, created_at)
SELECT 'B' || lpad(CAST(row_number() OVER (ORDER BY company, journal, fiscal_year, currency) AS VARCHAR), 6, '0'),
       company, journal, fiscal_year, min(fy_start), min(fy_end), currency, 'normal', 'balanced', 'in-progress', CAST(now() AS TIMESTAMP)
FROM entries GROUP BY company, journal, fiscal_year, currency;

INSERT INTO entries_v2 (id, company, journal, journal_label, fiscal_year, fy_start, fy_end, number, entry_date, piece_ref, piece_date, label, currency, document_id, validated_at, batch_id)
SELECT e.id, e.company, e.journal, e.journal_label, e.fiscal_year, e.fy_start, e.fy_end, NULL, e.entry_date, e.piece_ref, e.piece_date, e.label, e.currency, e.document_id, NULL, b.id
FROM entries e JOIN batches b USING (company, journal, fiscal_year, currency);

INSERT INTO numbering SELECT 'batch', count(*) + 1 FROM batches;

DROP TABLE entries;
ALTER TABLE entries_v2 RENAME TO entries;

ALTER TABLE events ADD COLUMN batch_id BIGINT;

-- The hard lock of each company: it only moves forward.
CREATE TABLE hard_locks (company VARCHAR PRIMARY KEY, locked_through DATE NOT NULL, recorded_at TIMESTAMP NOT NULL);
"#,
},
Migration {
    version: 3,
    name: "schedule runs, mail outbox, notices",
    sql: r#"
CREATE SEQUENCE seq_runs START 1;
-- Every scheduled run: when it was due, when it ran, how it ended.
CREATE TABLE schedule_runs (
    id          BIGINT PRIMARY KEY DEFAULT nextval('seq_runs'),
    schedule    VARCHAR NOT NULL,
    job         VARCHAR NOT NULL,
    due_at      TIMESTAMP NOT NULL,           -- UTC
    started_at  TIMESTAMP NOT NULL,           -- UTC
    finished_at TIMESTAMP,
    outcome     VARCHAR NOT NULL,             -- running | ok | failed | skipped
    detail      VARCHAR,                      -- JSON
    catch_up    BOOLEAN NOT NULL
);

CREATE SEQUENCE seq_outbox START 1;
-- Mail to send; kept until sent, retried with backoff: never lost.
CREATE TABLE outbox (
    id              BIGINT PRIMARY KEY DEFAULT nextval('seq_outbox'),
    created_at      TIMESTAMP NOT NULL,       -- UTC
    recipients      VARCHAR NOT NULL,         -- JSON list
    subject         VARCHAR NOT NULL,
    text_body       VARCHAR NOT NULL,
    html_body       VARCHAR NOT NULL,
    attachments     VARCHAR NOT NULL,         -- JSON list of file paths
    attempts        INTEGER NOT NULL,
    next_attempt_at TIMESTAMP NOT NULL,       -- UTC
    last_error      VARCHAR,
    sent_at         TIMESTAMP
);

CREATE SEQUENCE seq_notices START 1;
-- Things the next report must tell (a configuration reload refused, …).
CREATE TABLE notices (
    id          BIGINT PRIMARY KEY DEFAULT nextval('seq_notices'),
    happened_at TIMESTAMP NOT NULL,
    kind        VARCHAR NOT NULL,
    message     VARCHAR NOT NULL,
    reported_at TIMESTAMP
);
"#,
},
Migration {
    version: 4,
    name: "bank statements, statement lines, matching groups",
    sql: r#"
CREATE SEQUENCE seq_statements START 1;
-- One bank statement as read from a file (a file may hold several).
CREATE TABLE statements (
    id            BIGINT PRIMARY KEY DEFAULT nextval('seq_statements'),
    source_id     BIGINT NOT NULL,
    document_id   BIGINT NOT NULL,
    company       VARCHAR NOT NULL,
    format        VARCHAR NOT NULL,
    statement_ref VARCHAR NOT NULL,
    iban          VARCHAR,
    account_ref   VARCHAR,
    currency      VARCHAR NOT NULL,
    opening       DECIMAL(18,2),
    closing       DECIMAL(18,2),
    opening_date  DATE,
    closing_date  DATE,
    journal       VARCHAR NOT NULL,          -- bank journal the lines are booked to
    account       VARCHAR NOT NULL,          -- bank account (512…)
    line_count    INTEGER NOT NULL,
    new_lines     INTEGER NOT NULL,          -- lines not imported before
    imported_at   TIMESTAMP NOT NULL
);

CREATE SEQUENCE seq_statement_lines START 1;
-- Every bank line once: line_key makes a second import of the same line a no-op.
CREATE TABLE statement_lines (
    id                BIGINT PRIMARY KEY DEFAULT nextval('seq_statement_lines'),
    statement_id      BIGINT NOT NULL,
    company           VARCHAR NOT NULL,
    line_key          VARCHAR NOT NULL,
    position          INTEGER NOT NULL,      -- 1-based, in the statement
    booking_date      DATE NOT NULL,
    value_date        DATE,
    amount            DECIMAL(18,2) NOT NULL, -- + money in, - money out
    currency          VARCHAR NOT NULL,
    counterparty      VARCHAR,
    counterparty_iban VARCHAR,
    reference         VARCHAR,
    text              VARCHAR NOT NULL,
    bank_ref          VARCHAR,
    code              VARCHAR,
    entry_id          BIGINT,                -- the bank entry it became
    outcome           VARCHAR NOT NULL,      -- matched | unmatched
    explanation       VARCHAR NOT NULL,      -- why: rule, tokens, amounts; or why not
    UNIQUE (company, line_key)
);

CREATE SEQUENCE seq_match_groups START 1;
-- A matching group (lettrage): lines of one third-party account that settle
-- each other. Never deleted: unmatching sets undone_at.
CREATE TABLE match_groups (
    id          BIGINT PRIMARY KEY DEFAULT nextval('seq_match_groups'),
    company     VARCHAR NOT NULL,
    account     VARCHAR NOT NULL,
    aux_account VARCHAR,
    code        VARCHAR NOT NULL,            -- AA, AB, … per account; lower case while partial
    complete    BOOLEAN NOT NULL,
    matched_on  DATE NOT NULL,               -- FEC DateLet
    created_at  TIMESTAMP NOT NULL,
    undone_at   TIMESTAMP,
    undone_by   VARCHAR,
    merged_into BIGINT
);

-- The part of a line a group settles (signed like the line's balance).
CREATE TABLE match_lines (
    group_id  BIGINT NOT NULL,
    entry_id  BIGINT NOT NULL,
    line_no   INTEGER NOT NULL,
    amount    DECIMAL(18,2) NOT NULL,
    rule      VARCHAR NOT NULL,
    reason    VARCHAR NOT NULL
);
"#,
},
Migration {
    version: 5,
    name: "document words for the classifier",
    sql: r#"
-- The words a document was classified on (folded, alphabetic, each once,
-- space-separated): what the classifier learns from once people validated
-- the document's category.
CREATE TABLE document_words (
    document_id BIGINT PRIMARY KEY,
    words       VARCHAR NOT NULL
);
"#,
},
];
