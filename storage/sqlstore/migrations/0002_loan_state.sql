-- The Engine's derived state of a loan (LoanIndex.State): a JSON document
-- stored beside the index columns, NULL when none.

ALTER TABLE lendcore_loans ADD COLUMN state TEXT;
