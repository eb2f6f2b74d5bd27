-- lendcore schema, version 1. {{UUID}}, {{DATE}}, {{NUMERIC}} and {{SERIAL}}
-- are replaced per dialect (see dialect.go); everything else is portable
-- SQL that PostgreSQL, SQLite and CockroachDB accept.

CREATE TABLE lendcore_loans (
    id             {{UUID}} PRIMARY KEY,
    version        BIGINT NOT NULL,
    last_seq       BIGINT NOT NULL,
    status         TEXT NOT NULL,
    currency       TEXT NOT NULL,
    document       TEXT NOT NULL,
    next_due       {{DATE}},
    days_past_due  INTEGER NOT NULL,
    classification TEXT NOT NULL,
    as_of          {{DATE}}
);

CREATE INDEX lendcore_loans_status ON lendcore_loans (status, id);

CREATE INDEX lendcore_loans_next_due ON lendcore_loans (next_due, id);

CREATE INDEX lendcore_loans_dpd ON lendcore_loans (days_past_due, id);

-- The journal is append-only: rows are inserted, never updated or deleted.
-- The primary key (loan_id, seq) is what makes two racing writers unable to
-- both win; the unique idempotency key per loan makes retries safe.
CREATE TABLE lendcore_loan_entries (
    loan_id         {{UUID}} NOT NULL REFERENCES lendcore_loans (id),
    seq             BIGINT NOT NULL,
    version         BIGINT NOT NULL,
    entry_id        {{UUID}} NOT NULL,
    idempotency_key TEXT NOT NULL,
    value_date      {{DATE}} NOT NULL,
    kind            TEXT NOT NULL,
    amount          {{NUMERIC}},
    payload         TEXT NOT NULL,
    PRIMARY KEY (loan_id, seq),
    UNIQUE (loan_id, idempotency_key)
);

CREATE TABLE lendcore_applications (
    id           {{UUID}} PRIMARY KEY,
    version      BIGINT NOT NULL,
    status       TEXT NOT NULL,
    submitted_on {{DATE}} NOT NULL,
    loan_id      {{UUID}},
    document     TEXT NOT NULL
);

CREATE INDEX lendcore_applications_status ON lendcore_applications (status, id);

CREATE TABLE lendcore_outbox (
    seq       {{SERIAL}},
    msg_key   TEXT NOT NULL UNIQUE,
    topic     TEXT NOT NULL,
    loan_id   {{UUID}},
    day       {{DATE}} NOT NULL,
    payload   TEXT NOT NULL,
    delivered BOOLEAN NOT NULL
);

CREATE INDEX lendcore_outbox_pending ON lendcore_outbox (delivered, seq);

CREATE TABLE lendcore_checkpoints (
    scope   TEXT NOT NULL,
    ckey    TEXT NOT NULL,
    day     {{DATE}} NOT NULL,
    payload TEXT,
    PRIMARY KEY (scope, ckey)
);
