-- pprof_traces and pprof_traces_text: `go tool pprof -traces` (report.go: printTraces).
--
-- -traces prints every sample on its own, in profile order: its labels, its
-- value for the selected sample type and its stack, leaf first, with inlined
-- frames as frames of their own (marked " (inline)"). Samples with an empty
-- stack are skipped; zero values are printed. Frames are named as pprof
-- names them at the report's granularity (graph.go: NameComponents): at the
-- default one the function name, else "[binary]" (the base name of the
-- location's mapping file), else "<unknown>"; with -lines "function file:line"
-- (the file cleaned but, unlike -top, not -trim_path'ed), and so on.
--
-- Options: every report flag that changes -traces is honoured: -sample_index
-- (also -alloc_space, -total_delay and the other legacy flags), -mean (the
-- value divided by value 0 when that is not 0), -unit, -divide_by,
-- -functions/-filefunctions/-files/-lines/-addresses and -noinlines. Flags
-- that only shape graphs (-cum, -nodecount, ...) are accepted and have no
-- effect. The views read the profile they are given: `go tool pprof` first
-- merges identical samples, drops all-zero ones, applies the profile's
-- drop_frames and the filters (-focus, -tagfocus, ...); pprof_prepare makes
-- that profile, and the views are byte-exact on it.
--
-- pprof_traces has one row per frame of each printed sample; pprof_traces_text
-- the exact lines `go tool pprof -traces` prints, in line_no order:
--   SELECT sample_id, value, name FROM pprof_traces
--   WHERE profile_id = 1 AND options = '' AND depth = 0 ORDER BY value DESC LIMIT 10;
--   SELECT text FROM pprof_traces_text WHERE profile_id = 1 AND options = '' ORDER BY line_no;

-- Internal: the sample type and the report flags a report uses, per
-- profile and options string: one row per (profile_id, report, options,
-- symbol) that pprof_report_labels has a header for, joined with the sample
-- type pprof's SampleIndexByName picks ('' -> the default type; a number ->
-- that index; a name, or the name without "inuse_" -> the first type so
-- named). Flattenable (no GROUP BY, no window), so that the users' constraints
-- on profile_id and options reach pprof_report_labels.
DROP VIEW IF EXISTS temp._pprof_selection;
CREATE TEMP VIEW _pprof_selection AS
SELECT r.profile_id, r.report, r.options, r.symbol,
       t.sample_index, t.type AS sample_type, t.unit AS sample_unit,
       pprof_option(r.options, 'mean') AS mean,
       pprof_option(r.options, 'unit') AS output_unit,
       1.0 / pprof_option(r.options, 'divide_by') AS ratio,
       pprof_option(r.options, 'granularity') AS granularity,
       pprof_option(r.options, 'noinlines') AS noinlines
FROM (SELECT profile_id, report, options, symbol, pprof_option(options, 'sample_index') AS si,
             CASE WHEN substr(pprof_option(options, 'sample_index'), 1, 6) = 'inuse_'
                  THEN substr(pprof_option(options, 'sample_index'), 7)
                  ELSE pprof_option(options, 'sample_index') END AS si_name
      FROM pprof_report_labels WHERE line_no = 0) r
JOIN pprof_sample_types t ON t.profile_id = r.profile_id
WHERE CASE
        WHEN r.si = '' THEN t.is_default
        -- Go's strconv.Atoi: an optional sign, then decimal digits.
        WHEN CASE WHEN substr(r.si, 1, 1) IN ('+', '-') THEN substr(r.si, 2) ELSE r.si END NOT GLOB '*[^0-9]*'
             AND length(r.si) > (substr(r.si, 1, 1) IN ('+', '-'))
             AND length(r.si) - (substr(r.si, 1, 1) IN ('+', '-')) < 19 THEN t.sample_index = CAST(r.si AS INTEGER)
        ELSE t.type IN (r.si, r.si_name)
             AND NOT EXISTS (SELECT 1 FROM pprof_sample_types e
                             WHERE e.profile_id = t.profile_id AND e.sample_index < t.sample_index
                               AND e.type IN (r.si, r.si_name))
      END;

-- Internal: _pprof_selection computed once per query: its columns are then
-- stored values, not expressions re-evaluated for every frame row. (GROUP BY
-- keeps SQLite from flattening it into the query that uses it; constraints
-- on profile_id and options are still pushed down into it.)
DROP VIEW IF EXISTS temp._pprof_selection_once;
CREATE TEMP VIEW _pprof_selection_once AS
SELECT * FROM _pprof_selection GROUP BY profile_id, report, options, symbol;

-- Internal: the samples -traces prints (non-empty stack) and the value it
-- prints for each: the selected value, divided by value 0 with -mean.
DROP VIEW IF EXISTS temp._pprof_traces_samples;
CREATE TEMP VIEW _pprof_traces_samples AS
SELECT profile_id, options, sample_id, value,
       pprof_format(CASE WHEN ratio > 0 AND ratio <> 1 THEN CAST(value * ratio AS INTEGER) ELSE value END,
                    unit, output_unit) AS value_text,
       granularity, noinlines
FROM (
  SELECT r.profile_id, r.options, s.sample_id, r.ratio, r.output_unit, r.sample_unit AS unit,
         r.granularity, r.noinlines,
         CASE WHEN r.mean THEN
           coalesce(s.value / nullif((SELECT d.value FROM pprof_samples d
                                      WHERE d.profile_id = s.profile_id AND d.sample_id = s.sample_id
                                        AND d.sample_index = 0), 0), s.value)
           ELSE s.value END AS value
  FROM _pprof_selection_once r
  JOIN pprof_samples s ON s.profile_id = r.profile_id AND s.sample_index = r.sample_index
  WHERE r.report = 'traces' AND s.stack_depth > 0
);

DROP VIEW IF EXISTS temp.pprof_traces;
CREATE TEMP VIEW pprof_traces(
  -- The profile (pprof_load's id).
  profile_id,
  -- pprof's report flags, e.g. '-sample_index=alloc_space' ('' for the defaults).
  options,
  -- The sample (1-based position in the profile).
  sample_id,
  -- The sample's value for the selected sample type (divided as -mean asks).
  value,
  -- The value as -traces prints it (each value scaled on its own: 10ms, 1.50MB).
  value_text,
  -- Position of the frame: 0 is the leaf.
  depth,
  -- The frame's name as pprof prints it at the report's granularity
  -- (pprof_node_name): 'main.f', 'main.f a.go:12', '[binary]', '<unknown>'.
  name,
  -- 1 if the frame was inlined into the next one (printed with " (inline)").
  is_inline
) AS
SELECT v.profile_id, v.options, v.sample_id, v.value, v.value_text,
       CASE WHEN v.noinlines THEN f.stack_depth ELSE f.depth END,
       -- The mapping is looked up only for frames named after their binary.
       coalesce(pprof_node_name(v.options, f.address, f.function_name, f.filename, f.line, NULL),
                pprof_node_name(v.options, f.address, f.function_name, f.filename, f.line,
                                coalesce((SELECT m.filename FROM pprof_mappings m
                                          WHERE m.profile_id = f.profile_id AND m.mapping_id = f.mapping_id), ''))),
       f.is_inline
FROM _pprof_traces_samples v
JOIN pprof_frames f ON f.profile_id = v.profile_id AND f.sample_id = v.sample_id
-- -noinlines keeps each location's last (out-of-line) line only.
WHERE NOT (f.is_inline AND v.noinlines);

-- Internal: the unit of each numeric label key (profile.go: NumLabelUnits):
-- the first unit recorded for the key, in sample order, else bytes for the
-- keys "alignment" and "request", else the key itself.
DROP VIEW IF EXISTS temp._pprof_label_units;
CREATE TEMP VIEW _pprof_label_units AS
SELECT profile_id, key,
       CASE WHEN first_unit IS NOT NULL THEN unit
            WHEN key IN ('alignment', 'request') THEN 'bytes' ELSE key END AS unit
FROM (-- SQLite takes the bare column `unit` from the row min() picks.
      SELECT profile_id, key, num_unit AS unit,
             min(CASE WHEN num_unit <> '' THEN sample_id * 4294967296 + label_index END) AS first_unit
      FROM pprof_labels WHERE num IS NOT NULL GROUP BY profile_id, key);

-- line_no orders the lines but is sparse: the header lines are 0..n, sample
-- s's block starts at s * 4194304 (its separator), then its string label
-- lines, its numeric label lines and its frames (+ 2097152); the
-- closing separator is the largest integer.
DROP VIEW IF EXISTS temp.pprof_traces_text;
CREATE TEMP VIEW pprof_traces_text(
  -- The profile (pprof_load's id).
  profile_id,
  -- pprof's report flags ('' for the defaults).
  options,
  -- Order of the lines (sparse).
  line_no,
  -- One line of the report, as `go tool pprof -traces` prints it.
  text
) AS
-- The header: File:, Type:, Time:, Duration: (pprof's ProfileLabels).
SELECT profile_id, options, line_no, text
FROM pprof_report_labels WHERE report = 'traces'
UNION ALL
-- Each printed sample: a separator, ...
SELECT profile_id, options, sample_id * 4194304,
       '-----------+-------------------------------------------------------'
FROM _pprof_traces_samples
UNION ALL
-- Its label lines: one per key, string labels first, each group sorted
-- (pprof_label_lines; numbers in their key's unit).
SELECT v.profile_id, v.options, v.sample_id * 4194304 + 1 + j.key, j.value
FROM _pprof_traces_samples v,
     json_each((SELECT pprof_label_lines(w.key, coalesce(w.str, pprof_format(w.num, u.unit)), w.label_index,
                                         w.str IS NULL)
                FROM pprof_labels w
                LEFT JOIN _pprof_label_units u ON w.str IS NULL AND u.profile_id = w.profile_id AND u.key = w.key
                WHERE w.profile_id = v.profile_id AND w.sample_id = v.sample_id)) j
UNION ALL
-- Its frames, leaf first, the value on the first.
SELECT profile_id, options, sample_id * 4194304 + 2097152 + depth,
       CASE WHEN depth = 0 THEN printf('%10s', value_text) ELSE '          ' END || '   ' || name
         || CASE WHEN is_inline THEN ' (inline)' ELSE '' END
FROM pprof_traces
UNION ALL
SELECT profile_id, options, 9223372036854775807,
       '-----------+-------------------------------------------------------'
FROM pprof_report_labels WHERE report = 'traces' AND line_no = 0;
