-- lendcore schema, version 3: every aggregate in its own tables, versioned.
--
-- Like every migration, this one runs in one transaction that first claims
-- its row of lendcore_schema, so a second Migrate skips it and two processes
-- migrating at once apply it once (the second waits for the first's claim
-- and then skips). Nothing here is PostgreSQL-only: the same statements run
-- on SQLite and CockroachDB, with {{UUID}}, {{DATE}}, {{NUMERIC}} and
-- {{SERIAL}} filled in per dialect.
--
-- Conventions: every table is prefixed lendcore_; a record that is
-- rewritten carries a version (1 after its first write, +1 per write) that
-- writers compare-and-set; a list that is only appended to is a child table
-- keyed by (parent, seq) with a key unique per parent for idempotency; the
-- loans a record is linked to are a link table with the position of each
-- link, indexed by loan for "the records of this loan". Points in time
-- (contact attempts, leases) are TEXT in one fixed-width UTC form to the
-- microsecond (2006-01-02T15:04:05.000000Z): the same on every database,
-- and text order is time order. Reserve amounts are BIGINT minor units, so
-- their sum is exact on SQLite too.

-- Loans: the borrower (the key of the debtor-level queries) and the back
-- office's index columns. Loans stored before this version have no borrower
-- (NULL) and empty bucket and collection stage until their next close.
ALTER TABLE lendcore_loans ADD COLUMN borrower {{UUID}};

ALTER TABLE lendcore_loans ADD COLUMN bucket TEXT NOT NULL DEFAULT '';

ALTER TABLE lendcore_loans ADD COLUMN collection TEXT NOT NULL DEFAULT '';

ALTER TABLE lendcore_loans ADD COLUMN inspection_due {{DATE}};

ALTER TABLE lendcore_loans ADD COLUMN final BOOLEAN NOT NULL DEFAULT FALSE;

-- Each filter of LoanFilter has an index ending in id, so a filtered scan
-- reads its keyset-paginated batches (ORDER BY id) in index order. The
-- daily close's partitions of ids (id >= $1 AND id < $2) are ranges of the
-- primary key, and its scan of the closed loans it is not done with
-- (status = 'closed' AND final = FALSE AND id in a partition) is a range of
-- lendcore_loans_unfinished: it does not read the closed loans of past
-- years.
CREATE INDEX lendcore_loans_borrower ON lendcore_loans (borrower, id);

CREATE INDEX lendcore_loans_classification ON lendcore_loans (classification, id);

CREATE INDEX lendcore_loans_bucket ON lendcore_loans (bucket, id);

CREATE INDEX lendcore_loans_collection ON lendcore_loans (collection, id);

CREATE INDEX lendcore_loans_inspection_due ON lendcore_loans (inspection_due, id);

CREATE INDEX lendcore_loans_unfinished ON lendcore_loans (status, final, id);

-- Investor books: the opening, the operations appended since, and the
-- investors holding a part now (replaced by each append that names them).
CREATE TABLE lendcore_books (
    loan_id  {{UUID}} PRIMARY KEY,
    version  BIGINT NOT NULL,
    last_seq BIGINT NOT NULL,
    currency TEXT NOT NULL,
    opened   {{DATE}} NOT NULL,
    document TEXT NOT NULL
);

CREATE TABLE lendcore_book_ops (
    loan_id {{UUID}} NOT NULL REFERENCES lendcore_books (loan_id),
    seq     BIGINT NOT NULL,
    version BIGINT NOT NULL,
    op_key  TEXT NOT NULL,
    day     {{DATE}} NOT NULL,
    kind    TEXT NOT NULL,
    payload TEXT NOT NULL,
    PRIMARY KEY (loan_id, seq),
    UNIQUE (loan_id, op_key)
);

CREATE TABLE lendcore_book_holders (
    loan_id {{UUID}} NOT NULL REFERENCES lendcore_books (loan_id),
    pos     INTEGER NOT NULL,
    holder  {{UUID}} NOT NULL,
    PRIMARY KEY (loan_id, pos)
);

CREATE INDEX lendcore_book_holders_holder ON lendcore_book_holders (holder, loan_id);

-- Collection records, one per loan, with the two dates the close looks for.
CREATE TABLE lendcore_collections (
    loan_id       {{UUID}} PRIMARY KEY,
    version       BIGINT NOT NULL,
    next_deadline {{DATE}},
    unfed         {{DATE}},
    document      TEXT NOT NULL
);

CREATE INDEX lendcore_collections_next_deadline ON lendcore_collections (next_deadline, loan_id);

CREATE INDEX lendcore_collections_unfed ON lendcore_collections (unfed, loan_id);

-- Debtors: the contact state, and the contact log appended to it.
CREATE TABLE lendcore_debtors (
    id       {{UUID}} PRIMARY KEY,
    version  BIGINT NOT NULL,
    last_seq BIGINT NOT NULL,
    state    TEXT
);

CREATE TABLE lendcore_debtor_contacts (
    debtor_id   {{UUID}} NOT NULL REFERENCES lendcore_debtors (id),
    seq         BIGINT NOT NULL,
    contact_key TEXT NOT NULL,
    loan_id     {{UUID}} NOT NULL,
    at          TEXT NOT NULL,
    payload     TEXT NOT NULL,
    PRIMARY KEY (debtor_id, seq),
    UNIQUE (debtor_id, contact_key)
);

CREATE INDEX lendcore_debtor_contacts_at ON lendcore_debtor_contacts (debtor_id, at);

CREATE INDEX lendcore_debtor_contacts_loan ON lendcore_debtor_contacts (loan_id, debtor_id, seq);

-- The risk reserve: movements are only inserted (a contribution writes
-- nothing else), and the one row of lendcore_reserve holds the currency of
-- the movements and the version a payout compares-and-sets, so two payouts
-- cannot both spend one balance.
CREATE TABLE lendcore_reserve (
    id       INTEGER PRIMARY KEY,
    version  BIGINT NOT NULL,
    currency TEXT
);

INSERT INTO lendcore_reserve (id, version) VALUES (1, 0);

CREATE TABLE lendcore_reserve_movements (
    seq          {{SERIAL}},
    mv_key       TEXT NOT NULL UNIQUE,
    kind         TEXT NOT NULL,
    loan_id      {{UUID}},
    day          {{DATE}} NOT NULL,
    currency     TEXT NOT NULL,
    amount_minor BIGINT NOT NULL,
    payload      TEXT
);

CREATE INDEX lendcore_reserve_movements_loan ON lendcore_reserve_movements (loan_id, seq);

CREATE INDEX lendcore_reserve_movements_day ON lendcore_reserve_movements (day, seq);

-- Post-loan inspections: every one kept.
CREATE TABLE lendcore_inspections (
    id       {{UUID}} PRIMARY KEY,
    loan_id  {{UUID}} NOT NULL,
    version  BIGINT NOT NULL,
    day      {{DATE}} NOT NULL,
    status   TEXT NOT NULL,
    document TEXT NOT NULL
);

CREATE INDEX lendcore_inspections_loan ON lendcore_inspections (loan_id, day, id);

-- The collateral register: items and the loans they secure, each loan's
-- cover, guarantors and the loans they guarantee.
CREATE TABLE lendcore_items (
    id              {{UUID}} PRIMARY KEY,
    version         BIGINT NOT NULL,
    status          TEXT NOT NULL,
    revaluation_due {{DATE}},
    document_out    {{DATE}},
    document        TEXT NOT NULL
);

CREATE INDEX lendcore_items_status ON lendcore_items (status, id);

CREATE INDEX lendcore_items_revaluation_due ON lendcore_items (revaluation_due, id);

CREATE INDEX lendcore_items_document_out ON lendcore_items (document_out, id);

CREATE TABLE lendcore_item_loans (
    item_id {{UUID}} NOT NULL REFERENCES lendcore_items (id),
    pos     INTEGER NOT NULL,
    loan_id {{UUID}} NOT NULL,
    PRIMARY KEY (item_id, pos)
);

CREATE INDEX lendcore_item_loans_loan ON lendcore_item_loans (loan_id, item_id);

CREATE TABLE lendcore_covers (
    loan_id     {{UUID}} PRIMARY KEY,
    version     BIGINT NOT NULL,
    call_status TEXT NOT NULL,
    document    TEXT NOT NULL
);

CREATE INDEX lendcore_covers_call ON lendcore_covers (call_status, loan_id);

CREATE TABLE lendcore_guarantors (
    id         {{UUID}} PRIMARY KEY,
    version    BIGINT NOT NULL,
    period_end {{DATE}},
    document   TEXT NOT NULL
);

CREATE INDEX lendcore_guarantors_period_end ON lendcore_guarantors (period_end, id);

CREATE TABLE lendcore_guarantor_loans (
    guarantor_id {{UUID}} NOT NULL REFERENCES lendcore_guarantors (id),
    pos          INTEGER NOT NULL,
    loan_id      {{UUID}} NOT NULL,
    PRIMARY KEY (guarantor_id, pos)
);

CREATE INDEX lendcore_guarantor_loans_loan ON lendcore_guarantor_loans (loan_id, guarantor_id);

-- The daily close: each planned day with the number of loan partitions it
-- was planned with (the first plan of a day wins, and its partitions copy
-- the number), the partitions replicas claim with leases, and the last day closed (one row, compared-and-set
-- by Finish; day is NULL until the first close).
CREATE TABLE lendcore_close_days (
    day   {{DATE}} PRIMARY KEY,
    parts INTEGER NOT NULL
);

CREATE TABLE lendcore_close_parts (
    day         {{DATE}} NOT NULL REFERENCES lendcore_close_days (day),
    part        INTEGER NOT NULL,
    parts       INTEGER NOT NULL,
    version     BIGINT NOT NULL,
    owner       TEXT NOT NULL,
    lease_until TEXT,
    done        BOOLEAN NOT NULL,
    report      TEXT,
    PRIMARY KEY (day, part)
);

CREATE TABLE lendcore_close_last (
    id  INTEGER PRIMARY KEY,
    day {{DATE}}
);

-- The last closed day moves out of lendcore_checkpoints, where the close
-- kept it under scope 'close', key 'last-day'. No release of lendcore ever
-- stored any other document in that table, so nothing else needs moving
-- and the table goes.
INSERT INTO lendcore_close_last (id, day) VALUES (1, NULL);

UPDATE lendcore_close_last SET day = (SELECT day FROM lendcore_checkpoints WHERE scope = 'close' AND ckey = 'last-day') WHERE id = 1;

DROP TABLE lendcore_checkpoints;

-- The outbox is queried by loan, topic and day (each in seq order), and
-- purged by day.
CREATE INDEX lendcore_outbox_loan ON lendcore_outbox (loan_id, seq);

CREATE INDEX lendcore_outbox_topic ON lendcore_outbox (topic, seq);

CREATE INDEX lendcore_outbox_day ON lendcore_outbox (day, seq);
