-- dim_date: one row per calendar day from the first to the last invoice date.
-- key: date_key (yyyymmdd). invariant: no gaps between min and max date.
CREATE TABLE IF NOT EXISTS dim_date (
    date_key      INTEGER PRIMARY KEY,    -- the day as yyyymmdd (20101201)
    date          DATE NOT NULL UNIQUE,   -- the day
    year          INTEGER NOT NULL,       -- calendar year
    quarter       INTEGER NOT NULL,       -- 1..4
    month         INTEGER NOT NULL,       -- 1..12
    month_name    VARCHAR NOT NULL,       -- English name ('December')
    iso_week      INTEGER NOT NULL,       -- ISO 8601 week of the year, 1..53
    day_of_month  INTEGER NOT NULL,       -- 1..31
    day_of_week   INTEGER NOT NULL,       -- ISO: 1 = Monday .. 7 = Sunday
    day_name      VARCHAR NOT NULL,       -- English name ('Monday')
    is_weekend    BOOLEAN NOT NULL        -- Saturday or Sunday
);
