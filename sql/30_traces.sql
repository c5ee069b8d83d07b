-- pprof_traces and pprof_traces_text: `go tool pprof -traces` (report.go: printTraces).
--
-- -traces prints every sample on its own, in profile order: its labels, its
-- value for the selected sample type and its stack, leaf first, with inlined
-- frames as frames of their own (marked " (inline)"). Samples with an empty
-- stack are skipped; zero values are printed. Frames are named as pprof
-- names them at its default (functions) granularity: the function name, else
-- "[binary]" (the base name of the location's mapping file), else
-- "<unknown>" (graph.go: NameComponents).
--
-- Options: -sample_index (also -alloc_space, -total_delay and the other
-- legacy flags), -mean (the value divided by value 0 when that is not 0),
-- -unit and -divide_by are honoured. Other report flags are accepted but not
-- applied here yet: -lines/-files/-addresses naming, -noinlines, and the
-- filters (-focus, -tagfocus, ...). The views read the profile as loaded:
-- pprof first merges identical samples, drops all-zero ones and applies
-- the profile's drop_frames, which these views do not do yet.
--
-- pprof_traces has one row per frame of each printed sample; pprof_traces_text
-- the exact lines `go tool pprof -traces` prints, in line_no order:
--   SELECT sample_id, value, name FROM pprof_traces
--   WHERE profile_id = 1 AND options = '' AND depth = 0 ORDER BY value DESC LIMIT 10;
--   SELECT text FROM pprof_traces_text WHERE profile_id = 1 AND options = '' ORDER BY line_no;

-- Internal: the sample type, -mean and output unit a report shows, per profile
-- and options string, resolved as pprof's SampleIndexByName does. One row per
-- (profile_id, report, options) for which pprof_report_labels has a header.
DROP VIEW IF EXISTS temp._pprof_selection;
CREATE TEMP VIEW _pprof_selection AS
SELECT r.profile_id, r.report, r.options, r.symbol,
       CASE
         WHEN r.si = '' THEN
           (SELECT t.sample_index FROM pprof_sample_types t WHERE t.profile_id = r.profile_id AND t.is_default)
         -- Go's strconv.Atoi: an optional sign, then decimal digits.
         WHEN CASE WHEN substr(r.si, 1, 1) IN ('+', '-') THEN substr(r.si, 2) ELSE r.si END
                NOT GLOB '*[^0-9]*'
              AND length(r.si) > (substr(r.si, 1, 1) IN ('+', '-'))
              AND length(r.si) - (substr(r.si, 1, 1) IN ('+', '-')) < 19 THEN CAST(r.si AS INTEGER)
         ELSE
           (SELECT min(t.sample_index) FROM pprof_sample_types t
            WHERE t.profile_id = r.profile_id
              AND (t.type = r.si OR t.type = CASE WHEN substr(r.si, 1, 6) = 'inuse_' THEN substr(r.si, 7) ELSE r.si END))
       END AS sample_index,
       pprof_option(r.options, 'mean') AS mean,
       pprof_option(r.options, 'unit') AS output_unit,
       1.0 / pprof_option(r.options, 'divide_by') AS ratio
FROM (SELECT profile_id, report, options, symbol, pprof_option(options, 'sample_index') AS si
      FROM pprof_report_labels WHERE line_no = 0) r
-- GROUP BY (one row per group anyway) keeps this view from being flattened
-- into its users' joins: it is computed once, not once per sample row.
GROUP BY r.profile_id, r.report, r.options, r.symbol;

-- Internal: pprof_frames with each frame's name at the default granularity.
DROP VIEW IF EXISTS temp._pprof_frame_names;
CREATE TEMP VIEW _pprof_frame_names AS
SELECT f.profile_id, f.sample_id, f.depth, f.location_id, f.is_inline,
       CASE WHEN f.function_name <> '' THEN f.function_name
            ELSE coalesce(
              -- '[' + Go's filepath.Base of the mapping's file + ']'.
              (SELECT '[' || CASE WHEN b.t = '' THEN '/'
                                  ELSE substr(b.t, length(rtrim(b.t, replace(b.t, '/', ''))) + 1) END || ']'
               FROM (SELECT rtrim(m.filename, '/') AS t FROM pprof_mappings m
                     WHERE m.profile_id = f.profile_id AND m.mapping_id = f.mapping_id AND m.filename <> '') b),
              '<unknown>')
       END AS name
FROM pprof_frames f;

-- Internal: the samples -traces prints (non-empty stack) and the value it
-- prints for each: the selected value, divided by value 0 with -mean.
DROP VIEW IF EXISTS temp._pprof_traces_samples;
CREATE TEMP VIEW _pprof_traces_samples AS
SELECT profile_id, options, sample_id, value,
       pprof_format(CASE WHEN ratio > 0 AND ratio <> 1 THEN CAST(value * ratio AS INTEGER) ELSE value END,
                    unit, output_unit) AS value_text
FROM (
  SELECT r.profile_id, r.options, s.sample_id, r.ratio, r.output_unit, s.unit,
         CASE WHEN r.mean THEN
           coalesce(s.value / nullif((SELECT d.value FROM pprof_samples d
                                      WHERE d.profile_id = s.profile_id AND d.sample_id = s.sample_id
                                        AND d.sample_index = 0), 0), s.value)
           ELSE s.value END AS value
  FROM _pprof_selection r
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
  -- The frame's name (function, [binary] or <unknown>).
  name,
  -- 1 if the frame was inlined into the next one (printed with " (inline)").
  is_inline
) AS
SELECT v.profile_id, v.options, v.sample_id, v.value, v.value_text, f.depth, f.name, f.is_inline
FROM _pprof_traces_samples v
JOIN _pprof_frame_names f ON f.profile_id = v.profile_id AND f.sample_id = v.sample_id;

-- Internal: the label lines -traces prints for a sample: one per key and kind
-- (string or numeric), "%10s:  %s" with the key and its values in label order
-- joined by one space; numbers formatted in the key's unit (profile.go:
-- NumLabelUnits: the first unit recorded for the key, else bytes for
-- "alignment" and "request", else the key itself). `position` orders the lines
-- of one kind as pprof sorts them (as whole strings, which the padded key
-- decides, since keys of one kind differ).
DROP VIEW IF EXISTS temp._pprof_label_units;
CREATE TEMP VIEW _pprof_label_units AS
SELECT profile_id, key,
       CASE WHEN first_unit IS NOT NULL THEN unit
            WHEN key IN ('alignment', 'request') THEN 'bytes' ELSE key END AS unit
FROM (-- SQLite takes the bare column `unit` from the row min() picks.
      SELECT profile_id, key, num_unit AS unit,
             min(CASE WHEN num_unit <> '' THEN sample_id * 4294967296 + label_index END) AS first_unit
      FROM pprof_labels WHERE num IS NOT NULL GROUP BY profile_id, key);

DROP VIEW IF EXISTS temp._pprof_sample_label_lines;
CREATE TEMP VIEW _pprof_sample_label_lines AS
SELECT profile_id, sample_id, is_num,
       row_number() OVER (PARTITION BY profile_id, sample_id, is_num ORDER BY printf('%!10s:', key)) - 1 AS position,
       printf('%!10s:  %s', key, vals) AS text
FROM (
  SELECT profile_id, sample_id, is_num, key,
         row_number() OVER w AS nth,
         group_concat(val, ' ') OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS vals
  FROM (SELECT l.profile_id, l.sample_id, l.label_index, l.key, l.str IS NULL AS is_num,
               coalesce(l.str, pprof_format(l.num, u.unit)) AS val
        FROM pprof_labels l
        LEFT JOIN _pprof_label_units u ON l.str IS NULL AND u.profile_id = l.profile_id AND u.key = l.key)
  WINDOW w AS (PARTITION BY profile_id, sample_id, is_num, key ORDER BY label_index)
)
WHERE nth = 1;

-- line_no orders the lines but is sparse: the header lines are 0..n, sample
-- s's block starts at s * 4194304 (its separator), then its string label
-- lines, its numeric label lines (+ 1048576) and its frames (+ 2097152); the
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
SELECT profile_id, options, sample_id * 4194304,
       '-----------+-------------------------------------------------------'
FROM _pprof_traces_samples
UNION ALL
SELECT v.profile_id, v.options, v.sample_id * 4194304 + 1 + l.is_num * 1048576 + l.position, l.text
FROM _pprof_traces_samples v
JOIN _pprof_sample_label_lines l ON l.profile_id = v.profile_id AND l.sample_id = v.sample_id
UNION ALL
SELECT profile_id, options, sample_id * 4194304 + 2097152 + depth,
       printf('%10s   %s%s', CASE WHEN depth = 0 THEN value_text ELSE '' END, name,
              CASE WHEN is_inline THEN ' (inline)' ELSE '' END)
FROM pprof_traces
UNION ALL
SELECT profile_id, options, 9223372036854775807,
       '-----------+-------------------------------------------------------'
FROM pprof_report_labels WHERE report = 'traces' AND line_no = 0;
