-- A loan's documents leave its row: the terms and policies (written when the
-- loan is created or restructured) and the Engine's derived state (written
-- when it changes) each get a table of their own, keyed by the loan. What
-- stays in lendcore_loans is the narrow, indexed header the daily close
-- rewrites for every loan every day: without the documents a page holds some
-- thirty loans instead of four, so a day's close writes an eighth of the
-- pages, and on PostgreSQL an update that leaves the indexed columns as they
-- were (a quiet loan: only as_of moves) is a heap-only (HOT) update that
-- touches none of the table's ten indexes.

CREATE TABLE lendcore_loan_documents (
    loan_id  {{UUID}} PRIMARY KEY REFERENCES lendcore_loans (id),
    document TEXT NOT NULL
);

CREATE TABLE lendcore_loan_states (
    loan_id {{UUID}} PRIMARY KEY REFERENCES lendcore_loans (id),
    state   TEXT NOT NULL
);

INSERT INTO lendcore_loan_documents (loan_id, document) SELECT id, document FROM lendcore_loans;

INSERT INTO lendcore_loan_states (loan_id, state) SELECT id, state FROM lendcore_loans WHERE state IS NOT NULL;

ALTER TABLE lendcore_loans DROP COLUMN document;

ALTER TABLE lendcore_loans DROP COLUMN state;

-- Room on each page for the next version of its rows, so that the daily
-- update of a quiet loan stays on its page (HOT). PostgreSQL only: SQLite
-- rewrites rows in place; CockroachDB accepts and ignores the setting.
{{POSTGRES}}ALTER TABLE lendcore_loans SET (fillfactor = 70);
