-- lendcore schema, version 5: the facts journals (bankruptcy notices,
-- fraud findings, credit-bureau refreshes, inspection findings and their
-- withdrawals) the daily close grades by. A journal is a header compared
-- and set by version, and its facts, only ever inserted, keyed by
-- (subject, seq) with a key unique per subject for idempotency.
CREATE TABLE lendcore_fact_journals (
    subject  {{UUID}} PRIMARY KEY,
    version  BIGINT NOT NULL,
    last_seq BIGINT NOT NULL
);

CREATE TABLE lendcore_facts (
    subject  {{UUID}} NOT NULL REFERENCES lendcore_fact_journals (subject),
    seq      BIGINT NOT NULL,
    fact_key TEXT NOT NULL,
    loan_id  {{UUID}},
    day      {{DATE}} NOT NULL,
    kind     TEXT NOT NULL,
    payload  TEXT NOT NULL,
    PRIMARY KEY (subject, seq),
    UNIQUE (subject, fact_key)
);

-- The daily close reads the facts in force on a day across every subject.
CREATE INDEX lendcore_facts_day ON lendcore_facts (day, subject, seq);
