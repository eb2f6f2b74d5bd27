-- lendcore schema, version 9: a cash account's running balance.
--
-- Until now an account's balance was the sum of all its entries, read on
-- every Get and every post that takes from it: a cost growing with the
-- account's history. The account row now holds the sums of its folded
-- entries; a post that takes from the account already holds its row (it
-- compares-and-sets the version), and once the account has 64 entries or
-- more not folded it marks them folded and adds them to the row in its
-- unit of work. Credits still only insert an entry, so replicas paying into
-- one account never wait for each other; a read is the row plus the
-- entries not folded yet — exact, and short. Entries written before this
-- version start unfolded and are folded by their account's next takes.
ALTER TABLE lendcore_accounts ADD COLUMN balance_minor BIGINT NOT NULL DEFAULT 0;

ALTER TABLE lendcore_accounts ADD COLUMN frozen_minor BIGINT NOT NULL DEFAULT 0;

ALTER TABLE lendcore_accounts ADD COLUMN entries BIGINT NOT NULL DEFAULT 0;

ALTER TABLE lendcore_account_entries ADD COLUMN folded INTEGER NOT NULL DEFAULT 0;

CREATE INDEX lendcore_account_entries_unfolded ON lendcore_account_entries (account_id) WHERE folded = 0;
