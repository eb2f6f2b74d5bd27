-- Credit lines (授信额度): each line a versioned document with the columns
-- its queries need, and the loans drawn under it in a link table, so a
-- loan's line is found by its id.
CREATE TABLE lendcore_lines (
    id          {{UUID}} PRIMARY KEY,
    version     BIGINT NOT NULL,
    borrower    {{UUID}} NOT NULL,
    status      TEXT NOT NULL,
    valid_until {{DATE}} NOT NULL,
    document    TEXT NOT NULL
);

CREATE INDEX lendcore_lines_borrower ON lendcore_lines (borrower, id);

CREATE INDEX lendcore_lines_status ON lendcore_lines (status, id);

CREATE INDEX lendcore_lines_valid_until ON lendcore_lines (valid_until, id);

CREATE TABLE lendcore_line_loans (
    line_id {{UUID}} NOT NULL REFERENCES lendcore_lines (id),
    pos     INTEGER NOT NULL,
    loan_id {{UUID}} NOT NULL,
    PRIMARY KEY (line_id, pos)
);

CREATE INDEX lendcore_line_loans_loan ON lendcore_line_loans (loan_id, line_id);
