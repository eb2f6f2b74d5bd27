-- Loan products: one row per version, written once. A change to a
-- product is its next version; the primary key makes two writers of one
-- version collide, and the second gets ErrConflict.
CREATE TABLE lendcore_products (
    name     TEXT NOT NULL,
    version  BIGINT NOT NULL,
    document TEXT NOT NULL,
    PRIMARY KEY (name, version)
);

-- Loans moved to another product version: one row per move, written
-- once; the n-th move of a loan is seq n, so two writers of one move
-- collide on the primary key.
CREATE TABLE lendcore_product_moves (
    loan_id  {{UUID}} NOT NULL,
    seq      BIGINT NOT NULL,
    day      {{DATE}} NOT NULL,
    document TEXT NOT NULL,
    PRIMARY KEY (loan_id, seq)
);
