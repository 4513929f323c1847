-- dim_date: one row per calendar day from the first to the last invoice date.
-- key: date_key (yyyymmdd). invariant: no gaps between min and max date.
CREATE TABLE IF NOT EXISTS dim_date (
    date_key      INTEGER PRIMARY KEY,
    date          DATE NOT NULL UNIQUE,
    year          INTEGER NOT NULL,
    quarter       INTEGER NOT NULL,
    month         INTEGER NOT NULL,
    month_name    VARCHAR NOT NULL,
    iso_week      INTEGER NOT NULL,
    day_of_month  INTEGER NOT NULL,
    day_of_week   INTEGER NOT NULL,       -- ISO: 1 = Monday .. 7 = Sunday
    day_name      VARCHAR NOT NULL,
    is_weekend    BOOLEAN NOT NULL
);
