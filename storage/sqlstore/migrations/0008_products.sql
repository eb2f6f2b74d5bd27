-- Loan products: one row per version, written once. A change to a
-- product is its next version; the primary key makes two writers of one
-- version collide, and the second gets ErrConflict.
CREATE TABLE lendcore_products (
    name     TEXT NOT NULL,
    version  BIGINT NOT NULL,
    document TEXT NOT NULL,
    PRIMARY KEY (name, version)
);
