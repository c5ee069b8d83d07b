-- pprof_report_header: the lines pprof prints above a report (-top, -peek,
-- -traces, ...; report.go ProfileLabels): File: (the first mapping's file,
-- its base name), Build ID: (if any), the profile's comments (but those
-- starting with '#'), Type: (mean_ with -mean), Time: and Duration: ...,
-- Total samples = ... (the Total, as a share of the duration for time
-- units) when the profile has them.
--
-- One row per line, per profile, option string (pprof_options, see
-- sql/05_options.sql) and report, in line_no order (below 1,000,000: the
-- reports number their own lines after these).
--
-- Time: is Go's "Jan 2, 2006 at 3:04pm (MST)" in the local time zone, as
-- SQLite's 'localtime' sees it. Plain SQL knows no zone names: the zone
-- prints as (UTC) when local time is UTC (as on the machines that recorded
-- the goldens), else as its offset, e.g. (+0100), where pprof prints the
-- zone's abbreviation (CET).
--
-- The Total on the Duration: line is formatted in the unit pprof chooses
-- when nothing picks one (each value scaled on its own, as -traces does);
-- -top and -peek print it in their report's unit: they build the line from
-- `total`, `duration_label` and `duration_ratio`.
DROP VIEW IF EXISTS temp.pprof_report_header;
CREATE TEMP VIEW pprof_report_header(
  -- The profile (pprof_load's id).
  profile_id,
  -- pprof's report flags ('' for the defaults).
  options,
  -- Whose defaults apply (pprof_report_options.report).
  report,
  -- Order of the lines (sparse, below 1,000,000).
  line_no,
  -- One line, as pprof prints it.
  text,
  -- The Duration: line's parts: the Total (mean_total with -mean), the
  -- sample unit, the duration as pprof prints it and the '(142.30%)' after
  -- the Total (or ''); NULL on the other lines.
  total, sample_unit, duration_label, duration_ratio
) AS
WITH
-- Each report's option string with the profile's fields the header needs.
base AS NOT MATERIALIZED (
  SELECT o.profile_id, o.options, o.report, o.mean, o.sample_type, o.sample_unit,
         CASE WHEN o.mean THEN t.mean_total ELSE t.total END AS total,
         p.time_nanos, p.duration_nanos, p.comments
  FROM pprof_report_options o
  JOIN pprof_profiles p ON p.profile_id = o.profile_id
  JOIN pprof_sample_types t ON t.profile_id = o.profile_id AND t.sample_index = o.sample_index
  WHERE o.error IS NULL
),
-- The first mapping's file, trailing slashes cut, and build id. (Two
-- lookups rather than one: names may hold NUL bytes and newlines, so the two
-- cannot be packed in one string and split again.)
mapping AS NOT MATERIALIZED (
  SELECT b.*,
         (SELECT nullif(m.filename, '') FROM pprof_mappings m WHERE m.profile_id = b.profile_id LIMIT 1) AS name,
         (SELECT nullif(m.build_id, '') FROM pprof_mappings m WHERE m.profile_id = b.profile_id LIMIT 1) AS build_id
  FROM base b
),
-- filepath.Base of the file: what follows the last '/'. SQLite's replace()
-- and rtrim() stop at a NUL in their pattern, so the cut is found in the
-- name as json_quote() writes it (NUL-free), and taken off the name as
-- bytes: the base's length is the quoted tail's, less what the escapes add
-- (\uXXXX: 5 bytes, other \ escapes: 1; \\ first becomes two char(1), which
-- json_quote never leaves bare).
base1 AS NOT MATERIALIZED (
  SELECT m.*, rtrim(name, '/') AS trimmed, replace(json_quote(rtrim(name, '/')), '\\', char(1) || char(1)) AS q
  FROM mapping m
),
base2 AS NOT MATERIALIZED (
  SELECT b.*, substr(q, length(rtrim(q, replace(q, '/', ''))) + 1) AS tail FROM base1 b
),
base3 AS NOT MATERIALIZED (
  SELECT b.*, (length(tail) - length(replace(tail, '\u', ''))) / 2 AS u,
         length(tail) - length(replace(tail, '\', '')) AS bs,
         (length(tail) - length(replace(tail, char(1), ''))) / 2 AS e
  FROM base2 b
),
files AS NOT MATERIALIZED (
  SELECT b.*,
         CASE WHEN name IS NULL THEN NULL
              WHEN trimmed = '' THEN '/'
              WHEN instr(q, '/') = 0 THEN trimmed
              ELSE CAST(substr(CAST(trimmed AS BLOB), -(length(CAST(tail AS BLOB)) - 1 - 5 * u - (bs - u) - e)) AS TEXT)
         END AS file
  FROM base3 b
),
-- Go's time.Unix(0, ns): seconds rounded down.
-- (One row per report with every line's text, then one arm that turns it
-- into lines: each arm of a UNION ALL compiles the steps it reads again, and
-- the option parsing and number formatting they hold are large programs.)
times AS NOT MATERIALIZED (
  SELECT f.*,
         CASE WHEN f.time_nanos <> 0
              THEN (f.time_nanos / 1000000000) - (f.time_nanos % 1000000000 < 0) END AS secs
  FROM files f
),
local AS NOT MATERIALIZED (
  SELECT t.*,
         datetime(t.secs, 'unixepoch', 'localtime') AS lt,
         (julianday(datetime(t.secs, 'unixepoch', 'localtime')) - julianday(datetime(t.secs, 'unixepoch')))
           * 1440 AS offset_minutes
  FROM times t
),
dur1 AS NOT MATERIALIZED (
  SELECT l.*,
         CASE WHEN duration_nanos <> 0 THEN @label(duration_nanos, 'nanoseconds') END AS duration_label
  FROM local l
),
dur2 AS NOT MATERIALIZED (
  SELECT d.*,
         CASE WHEN duration_nanos <> 0 THEN @duration_ratio(total, sample_unit, duration_nanos) END AS duration_ratio
  FROM dur1 d
),
dur3 AS NOT MATERIALIZED (
  SELECT d.*,
         CASE WHEN duration_nanos <> 0 THEN @scaled_label(total, sample_unit, 'minimum') END AS total_text,
         row_number() OVER (PARTITION BY profile_id, options, report) AS dur_keep
  FROM dur2 d
),
lines AS NOT MATERIALIZED (
  SELECT d.profile_id, d.options, d.report, k.line_no,
         CASE k.line_no
           WHEN 1 THEN 'File: ' || file
           WHEN 2 THEN 'Build ID: ' || build_id
           WHEN 999900 THEN CASE WHEN sample_type <> '' THEN 'Type: ' || CASE WHEN mean THEN 'mean_' ELSE '' END || sample_type END
           WHEN 999901 THEN
             'Time: ' || substr('JanFebMarAprMayJunJulAugSepOctNovDec', 3 * CAST(strftime('%m', lt) AS INTEGER) - 2, 3) || ' '
             || CAST(strftime('%d', lt) AS INTEGER) || ', ' || strftime('%Y', lt) || ' at '
             || CASE WHEN CAST(strftime('%H', lt) AS INTEGER) % 12 = 0 THEN 12
                     ELSE CAST(strftime('%H', lt) AS INTEGER) % 12 END
             || ':' || strftime('%M', lt) || CASE WHEN CAST(strftime('%H', lt) AS INTEGER) < 12 THEN 'am' ELSE 'pm' END
             || ' (' || CASE WHEN round(offset_minutes) = 0 THEN 'UTC'
                             ELSE CASE WHEN offset_minutes < 0 THEN '-' ELSE '+' END
                                  || printf('%02d%02d', abs(round(offset_minutes)) / 60, abs(round(offset_minutes)) % 60) END
             || ')'
           ELSE 'Duration: ' || duration_label || ', Total samples = ' || total_text || ' ' || duration_ratio
         END AS text,
         CASE WHEN k.line_no = 999902 THEN total END AS total,
         CASE WHEN k.line_no = 999902 THEN sample_unit END AS sample_unit,
         CASE WHEN k.line_no = 999902 THEN duration_label END AS duration_label,
         CASE WHEN k.line_no = 999902 THEN duration_ratio END AS duration_ratio
  FROM dur3 d
  JOIN (SELECT 1 AS line_no UNION ALL SELECT 2 UNION ALL SELECT 999900 UNION ALL SELECT 999901
        UNION ALL SELECT 999902) k
)
SELECT profile_id, options, report, line_no, text, total, sample_unit, duration_label, duration_ratio
FROM lines WHERE text IS NOT NULL
UNION ALL
-- Comments, one line each (a newline or a NUL inside prints as it is), but
-- those starting with '#' (compared as bytes: text may start with a NUL).
SELECT b.profile_id, b.options, b.report, 10 + c.comment_index, c.text, NULL, NULL, NULL, NULL
FROM base b JOIN pprof_comments c ON c.profile_id = b.profile_id
WHERE instr(CAST(c.text AS BLOB), x'23') <> 1;
