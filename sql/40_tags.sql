-- pprof_tags and pprof_tags_text: `go tool pprof -tags` (report.go: printTags).
--
-- -tags sums, per label key and value, the selected value of the samples that
-- carry that label (a sample with two values for one key counts for both, so
-- twice in the key's total). Numeric labels are grouped by their formatted
-- value (e.g. 192kB) in the key's unit (profile.go: NumLabelUnits). Keys are
-- printed by name; within a key, values by |weight| descending, then by value.
-- Values print as Go's "%.1f" plus the unit (2.2s, 190.0ms, 0.0B, 3.0) and
-- percentages are shares of the key's total, not of the profile's.
--
-- Options: the report flags that change -tags are honoured: -sample_index
-- (and the legacy flags such as -alloc_space) and -unit. -mean does not
-- divide -tags' values, as in pprof; other report flags (-cum, -lines, ...)
-- are accepted and change nothing. As pprof does, samples with an empty stack
-- are left out. The views read the profile they are given: `go tool pprof`
-- first merges identical samples, drops all-zero ones, applies the profile's
-- drop_frames and the filters (-focus, -tagfocus, -tagshow, ...);
-- pprof_prepare makes that profile, and the views are byte-exact on it.
--
-- pprof_tags has the numbers; pprof_tags_text the exact lines
-- `go tool pprof -tags` prints (Go's text/tabwriter, right-aligned), in line_no order:
--   SELECT key, value, weight, pct FROM pprof_tags
--   WHERE profile_id = 1 AND options = '' ORDER BY key_rank, position;
--   SELECT text FROM pprof_tags_text WHERE profile_id = 1 AND options = '' ORDER BY line_no;

DROP VIEW IF EXISTS temp.pprof_tags;
CREATE TEMP VIEW pprof_tags(
  -- The profile (pprof_load's id).
  profile_id,
  -- pprof's report flags, e.g. '-sample_index=alloc_space' ('' for the defaults).
  options,
  -- The label key.
  key,
  -- 0-based position of the key in the report (keys sorted by name).
  key_rank,
  -- The label value: the string, or the number formatted in the key's unit.
  value,
  -- 0-based position of the value within its key, as pprof prints them.
  position,
  -- Sum of the selected value over the samples with this label.
  weight,
  -- weight as -tags prints it ("%.1f" and the unit).
  weight_text,
  -- weight as a share of the key's total.
  pct,
  -- Sum of weight over the key's values, and as -tags prints it.
  key_total, key_total_text
) AS
WITH
-- Per profile, sample type and label (the key with a string or a number):
-- the summed value of the samples with a stack that carry it (pprof leaves
-- out the others). A GROUP BY under no pprof_options: the users'
-- constraints reach it through the join below.
label_sums AS NOT MATERIALIZED (
  SELECT s.profile_id, s.sample_index, l.key, l.str, l.num, sum(s.value) AS value
  FROM pprof_samples s
  JOIN pprof_labels l ON l.profile_id = s.profile_id AND l.sample_id = s.sample_id
  WHERE s.stack_depth > 0
  GROUP BY s.profile_id, s.sample_index, l.key, l.str, l.num
),
-- The sums of the selected sample type, with the label's value as printed
-- (numbers in the key's unit, scaled as -unit asks).
tagged AS NOT MATERIALIZED (
  SELECT o.profile_id, o.options, o.sample_unit, o.output_unit, w.key, w.value,
         coalesce(w.str, @scaled_label(w.num, u.unit, o.output_unit)) AS value_text
  FROM pprof_report_options o
  JOIN label_sums w ON w.profile_id = o.profile_id AND w.sample_index = o.sample_index
  LEFT JOIN _pprof_label_units u ON w.str IS NULL AND u.profile_id = w.profile_id AND u.key = w.key
  WHERE o.report = 'tags' AND o.error IS NULL
),
-- The sum per key and printed value (numbers that print alike are one
-- value): a window, not GROUP BY, so that the users' constraints on
-- profile_id and options reach pprof_options (one row of each partition is
-- kept in the next step).
summed AS NOT MATERIALIZED (
  SELECT profile_id, options, sample_unit, output_unit, key, value_text,
         sum(value) OVER v AS weight, row_number() OVER v AS n
  FROM tagged
  WINDOW v AS (PARTITION BY profile_id, options, key, value_text)
),
-- Every window has the same PARTITION BY, so that constraints on
-- profile_id and options are pushed down through it.
ranked AS NOT MATERIALIZED (
  SELECT profile_id, options, sample_unit, output_unit, key, value_text, weight,
         sum(weight) OVER (PARTITION BY profile_id, options ORDER BY key
                           RANGE BETWEEN CURRENT ROW AND CURRENT ROW) AS key_total,
         dense_rank() OVER (PARTITION BY profile_id, options ORDER BY key) - 1 AS key_rank,
         row_number() OVER (PARTITION BY profile_id, options ORDER BY key, abs(weight) DESC, value_text)
           - rank() OVER (PARTITION BY profile_id, options ORDER BY key) AS position
  FROM summed WHERE n = 1
)
SELECT profile_id, options, key, key_rank, value_text, position, weight,
       @tag_label(weight, sample_unit, output_unit),
       @percentage(weight, key_total),
       key_total, @tag_label(key_total, sample_unit, output_unit)
FROM ranked;

-- line_no orders the lines but is sparse: key k's block starts at
-- k * 4194304 (its "key: Total" line), then its values, then an empty line.
-- Column widths follow text/tabwriter: the first column is as wide as
-- "key:" plus one, the second as its longest "weight (pct):" plus one,
-- counted in characters as tabwriter counts runes (in bytes after a NUL,
-- where SQLite's length() stops).
DROP VIEW IF EXISTS temp.pprof_tags_text;
CREATE TEMP VIEW pprof_tags_text(
  -- The profile (pprof_load's id).
  profile_id,
  -- pprof's report flags ('' for the defaults).
  options,
  -- Order of the lines (sparse).
  line_no,
  -- One line of the report, as `go tool pprof -tags` prints it.
  text
) AS
SELECT profile_id, options,
       key_rank * 4194304 + CASE part WHEN 0 THEN 0 WHEN 1 THEN 1 + position ELSE 4194303 END,
       CASE part
         WHEN 0 THEN ' ' || key || ': Total ' || key_total_text
         -- || rather than printf's %s, which stops at a NUL byte in a key or value.
         WHEN 1 THEN printf('%*s', CASE WHEN instr(CAST(key AS BLOB), x'00') THEN length(CAST(key AS BLOB)) ELSE length(key) END + 2, '') ||
                     printf('%*s', cell_width + 1 - cell_chars, '') || cell || ' ' || value
         ELSE ''
       END
FROM (SELECT *, max(cell_chars) OVER (PARTITION BY profile_id, options ORDER BY key
                                      RANGE BETWEEN CURRENT ROW AND CURRENT ROW) AS cell_width
      FROM (SELECT *, CASE WHEN instr(CAST(cell AS BLOB), x'00') THEN length(CAST(cell AS BLOB)) ELSE length(cell) END AS cell_chars
            FROM (SELECT *, weight_text || CASE WHEN key_total > 0 THEN ' (' || pct || ')' ELSE '' END || ':' AS cell
                  FROM pprof_tags))),
     -- Each value gives its line (part 1); a key's first value also gives
     -- the key's line (0) and the empty line after the key (2). One pass, no
     -- UNION ALL, so that pprof_tags is computed once.
     (SELECT 0 AS part UNION ALL SELECT 1 UNION ALL SELECT 2)
WHERE part = 1 OR position = 0;
