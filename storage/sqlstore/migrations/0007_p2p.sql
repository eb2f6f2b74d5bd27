-- lendcore schema, version 7: a P2P platform's cash accounts and loan
-- listings.
--
-- A cash account is its entries: the row of lendcore_accounts holds who the
-- account is and the version that a post taking money from it (a
-- withdrawal, a freeze, a release, a transfer out) compares-and-sets; a
-- credit (a deposit, a distribution) only inserts an entry, so replicas
-- crediting one account never conflict. Balances are sums of BIGINT minor
-- units, exact on every database.
CREATE TABLE lendcore_accounts (
    id       {{UUID}} PRIMARY KEY,
    version  BIGINT NOT NULL,
    role     TEXT NOT NULL,
    currency TEXT NOT NULL,
    opened   {{DATE}} NOT NULL
);

CREATE INDEX lendcore_accounts_role ON lendcore_accounts (role, id);

CREATE TABLE lendcore_account_entries (
    seq          {{SERIAL}},
    entry_key    TEXT NOT NULL UNIQUE,
    account_id   {{UUID}} NOT NULL REFERENCES lendcore_accounts (id),
    kind         TEXT NOT NULL,
    ref          TEXT NOT NULL,
    day          {{DATE}} NOT NULL,
    amount_minor BIGINT NOT NULL,
    frozen_minor BIGINT NOT NULL
);

CREATE INDEX lendcore_account_entries_account ON lendcore_account_entries (account_id, seq);

CREATE INDEX lendcore_account_entries_ref ON lendcore_account_entries (ref, seq);

CREATE INDEX lendcore_account_entries_day ON lendcore_account_entries (day, seq);

-- Loan listings: the terms as a document; the state and closing day as
-- columns for the deadline sweep and the home page; the sum and count of
-- the bids, which a bid compares-and-sets with the version. The bids are
-- rows of their own, appended, so a bid does not rewrite those before it.
CREATE TABLE lendcore_listings (
    id              {{UUID}} PRIMARY KEY,
    version         BIGINT NOT NULL,
    state           TEXT NOT NULL,
    borrower        {{UUID}} NOT NULL,
    closes          {{DATE}} NOT NULL,
    currency        TEXT NOT NULL,
    committed_minor BIGINT NOT NULL,
    bids            BIGINT NOT NULL,
    document        TEXT NOT NULL
);

CREATE INDEX lendcore_listings_state ON lendcore_listings (state, id);

CREATE INDEX lendcore_listings_borrower ON lendcore_listings (borrower, id);

CREATE TABLE lendcore_listing_bids (
    listing_id   {{UUID}} NOT NULL REFERENCES lendcore_listings (id),
    seq          BIGINT NOT NULL,
    bid_key      TEXT NOT NULL,
    investor     {{UUID}} NOT NULL,
    amount_minor BIGINT NOT NULL,
    day          {{DATE}} NOT NULL,
    PRIMARY KEY (listing_id, seq),
    UNIQUE (listing_id, bid_key)
);

CREATE INDEX lendcore_listing_bids_investor ON lendcore_listing_bids (listing_id, investor, seq);
