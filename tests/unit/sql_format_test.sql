-- The formatting macros of sql/00_format.sql over tables of cases that
-- sql_format_test.cc fills; expanded at build time by extension/embed_sql.py
-- (the same expansion the bundled views get) and run in a connection with no
-- extension loaded.
CREATE TEMP TABLE scale_cases(id INTEGER PRIMARY KEY, value INTEGER, from_unit TEXT, to_unit TEXT);
CREATE TEMP TABLE pct_cases(id INTEGER PRIMARY KEY, value INTEGER, total INTEGER);
CREATE TEMP TABLE real_cases(id INTEGER PRIMARY KEY, x REAL);
CREATE TEMP TABLE unit_cases(id INTEGER PRIMARY KEY, output_unit TEXT, has_nodes INTEGER, sample_unit TEXT,
                             min_value INTEGER, total INTEGER, ratio REAL, callgrind INTEGER, duration INTEGER);

CREATE TEMP VIEW scale_out AS
SELECT id, @scaled_label(value, from_unit, to_unit) AS label, @scale_value(value, from_unit, to_unit) AS x,
       @scale_unit(value, from_unit, to_unit) AS unit, @unit(from_unit) AS canonical,
       @is_time_unit(from_unit) AS is_time, @label(value, from_unit) AS auto_label
FROM scale_cases;

CREATE TEMP VIEW pct_out AS
SELECT id, @percentage(value, total) AS text FROM pct_cases;

-- Go's %.2f and %.2g (the latter for x in [1e-17, 1)), and int64(x).
CREATE TEMP VIEW real_out AS
SELECT id, @format_fixed2(x) AS fixed2,
       CASE WHEN x >= 1.0 / 100000000000000000 AND x < 1 THEN @fixed_g2(x) END AS g2,
       @go_int64(x) AS i64
FROM real_cases;

CREATE TEMP VIEW unit_out AS
SELECT id,
       @select_output_unit_full(output_unit, has_nodes, sample_unit, min_value, total, ratio, callgrind) AS full_unit,
       @select_output_unit(sample_unit, min_value, total) AS unit,
       @duration_ratio(total, sample_unit, duration) AS duration_ratio,
       @apply_ratio(min_value, ratio) AS applied
FROM unit_cases;

-- Headroom: SQLite's parser has a fixed stack (100 entries in Debian's
-- build); each macro uses part of it, and a view nests calls in its own
-- subqueries. Two levels of nested subqueries around the deepest macros must
-- still parse in a view (sql/00_format.sql's header says how much room is left).
CREATE TEMP VIEW depth_out AS
SELECT id,
       (SELECT (SELECT @select_output_unit_full(output_unit, has_nodes, sample_unit, min_value, total, ratio, callgrind)
                FROM (SELECT 1)) FROM (SELECT 1)) AS full_unit,
       (SELECT (SELECT @duration_ratio(total, sample_unit, duration) FROM (SELECT 1)) FROM (SELECT 1)) AS duration_ratio,
       (SELECT (SELECT @scaled_label(min_value, sample_unit, output_unit) FROM (SELECT 1)) FROM (SELECT 1)) AS label
FROM unit_cases;
