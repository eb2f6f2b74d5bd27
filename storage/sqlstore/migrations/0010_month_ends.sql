-- The month-end figures the daily close records, one row per month end,
-- written once: a report over the store reads them back by day.
CREATE TABLE lendcore_month_ends (
    day      {{DATE}} PRIMARY KEY,
    document TEXT NOT NULL
);
