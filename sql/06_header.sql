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
-- The comments as a JSON array of strings, one per line, escaped a few
-- characters a step (deeply nested calls overflow SQLite's parser stack).
esc0 AS NOT MATERIALIZED (
  SELECT profile_id, options, report, replace(replace(comments, '\', '\\'), '"', '\"') AS c FROM base WHERE comments IS NOT NULL
),
esc1 AS NOT MATERIALIZED (SELECT profile_id, options, report, replace(replace(replace(replace(replace(replace(replace(replace(c, char(0), '\u0000'), char(1), '\u0001'), char(2), '\u0002'), char(3), '\u0003'), char(4), '\u0004'), char(5), '\u0005'), char(6), '\u0006'), char(7), '\u0007') AS c FROM esc0),
esc2 AS NOT MATERIALIZED (SELECT profile_id, options, report, replace(replace(replace(replace(replace(replace(replace(replace(c, char(8), '\u0008'), char(9), '\u0009'), char(11), '\u000b'), char(12), '\u000c'), char(13), '\u000d'), char(14), '\u000e'), char(15), '\u000f'), char(16), '\u0010') AS c FROM esc1),
esc3 AS NOT MATERIALIZED (SELECT profile_id, options, report, replace(replace(replace(replace(replace(replace(replace(replace(c, char(17), '\u0011'), char(18), '\u0012'), char(19), '\u0013'), char(20), '\u0014'), char(21), '\u0015'), char(22), '\u0016'), char(23), '\u0017'), char(24), '\u0018') AS c FROM esc2),
esc4 AS NOT MATERIALIZED (SELECT profile_id, options, report, replace(replace(replace(replace(replace(replace(replace(c, char(25), '\u0019'), char(26), '\u001a'), char(27), '\u001b'), char(28), '\u001c'), char(29), '\u001d'), char(30), '\u001e'), char(31), '\u001f') AS c FROM esc3),
comments_json AS NOT MATERIALIZED (
  SELECT profile_id, options, report, '["' || replace(c, char(10), '","') || '"]' AS json FROM esc4
),
-- The first mapping (filepath.Base of its file; trailing slashes ignored).
mapping AS NOT MATERIALIZED (
  SELECT b.profile_id, b.options, b.report,
         (SELECT CASE WHEN m.filename IS NULL OR m.filename = '' THEN NULL
                      WHEN rtrim(m.filename, '/') = '' THEN '/'
                      ELSE replace(rtrim(m.filename, '/'),
                                   rtrim(rtrim(m.filename, '/'), replace(rtrim(m.filename, '/'), '/', '')), '')
                 END || '' || char(10) || coalesce(nullif(m.build_id, ''), '')
          FROM pprof_mappings m WHERE m.profile_id = b.profile_id LIMIT 1) AS file_and_build
  FROM base b
),
-- Go's time.Unix(0, ns): seconds rounded down.
times AS NOT MATERIALIZED (
  SELECT b.profile_id, b.options, b.report,
         (b.time_nanos / 1000000000) - (b.time_nanos % 1000000000 < 0) AS secs
  FROM base b WHERE b.time_nanos <> 0
),
local AS NOT MATERIALIZED (
  SELECT t.profile_id, t.options, t.report,
         datetime(t.secs, 'unixepoch', 'localtime') AS lt,
         (julianday(datetime(t.secs, 'unixepoch', 'localtime')) - julianday(datetime(t.secs, 'unixepoch')))
           * 1440 AS offset_minutes
  FROM times t
),
-- The Duration: line's parts, one macro a step (they nest deep).
dur1 AS NOT MATERIALIZED (
  SELECT profile_id, options, report, total, sample_unit, duration_nanos,
         @label(duration_nanos, 'nanoseconds') AS duration_label
  FROM base WHERE duration_nanos <> 0
),
dur2 AS NOT MATERIALIZED (
  SELECT d.*, @duration_ratio(total, sample_unit, duration_nanos) AS duration_ratio FROM dur1 d
),
dur3 AS NOT MATERIALIZED (
  SELECT d.*, @scaled_label(total, sample_unit, 'minimum') AS total_text FROM dur2 d
)
SELECT profile_id, options, report, 1, 'File: ' || substr(file_and_build, 1, instr(file_and_build, char(10)) - 1),
       NULL, NULL, NULL, NULL
FROM mapping WHERE file_and_build IS NOT NULL AND instr(file_and_build, char(10)) > 1
UNION ALL
SELECT profile_id, options, report, 2, 'Build ID: ' || substr(file_and_build, instr(file_and_build, char(10)) + 1),
       NULL, NULL, NULL, NULL
FROM mapping WHERE file_and_build IS NOT NULL AND substr(file_and_build, instr(file_and_build, char(10)) + 1) <> ''
UNION ALL
-- Comments: pprof_profiles joins them with newlines; split as JSON.
SELECT b.profile_id, b.options, b.report, 10 + c.key, c.value, NULL, NULL, NULL, NULL
FROM comments_json b, json_each(b.json) c
WHERE c.value NOT LIKE '#%'
UNION ALL
SELECT profile_id, options, report, 999900, 'Type: ' || CASE WHEN mean THEN 'mean_' ELSE '' END || sample_type,
       NULL, NULL, NULL, NULL
FROM base WHERE sample_type <> ''
UNION ALL
SELECT profile_id, options, report, 999901,
       'Time: ' || substr('JanFebMarAprMayJunJulAugSepOctNovDec', 3 * CAST(strftime('%m', lt) AS INTEGER) - 2, 3) || ' '
       || CAST(strftime('%d', lt) AS INTEGER) || ', ' || strftime('%Y', lt) || ' at '
       || CASE WHEN CAST(strftime('%H', lt) AS INTEGER) % 12 = 0 THEN 12
               ELSE CAST(strftime('%H', lt) AS INTEGER) % 12 END
       || ':' || strftime('%M', lt) || CASE WHEN CAST(strftime('%H', lt) AS INTEGER) < 12 THEN 'am' ELSE 'pm' END
       || ' (' || CASE WHEN round(offset_minutes) = 0 THEN 'UTC'
                       ELSE CASE WHEN offset_minutes < 0 THEN '-' ELSE '+' END
                            || printf('%02d%02d', abs(round(offset_minutes)) / 60, abs(round(offset_minutes)) % 60) END
       || ')',
       NULL, NULL, NULL, NULL
FROM local WHERE lt IS NOT NULL
UNION ALL
SELECT profile_id, options, report, 999902,
       'Duration: ' || duration_label || ', Total samples = ' || total_text || ' ' || duration_ratio,
       total, sample_unit, duration_label, duration_ratio
FROM dur3;
