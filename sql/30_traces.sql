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
-- Both views are plain SQL over the profile's tables (pprof_samples,
-- pprof_stacks, pprof_lines, pprof_locations, pprof_mappings, pprof_labels),
-- the option string parsed by pprof_report_options (sql/05_options.sql: a
-- bad string gives no rows, its `error` says why) and the header lines of
-- pprof_report_header (sql/06_header.sql), so they also read a database made
-- by pprof_import with no extension (insert an option string it lacks into
-- pprof_options first). pprof-sql -traces reads the C++ table
-- pprof_traces_blocks instead, which gives the same bytes faster.

-- pprof_traces has one row per frame of each printed sample;
-- pprof_traces_text the report's text in blocks: one row per header line,
-- one row per printed sample holding its whole block (the separator, the
-- label lines and the frame lines, joined by '\n', with no final newline),
-- and the closing separator. Printing each row's text followed by a newline,
-- in line_no order, gives exactly what `go tool pprof -traces` prints:
--   SELECT sample_id, value, name FROM pprof_traces
--   WHERE profile_id = 1 AND options = '' AND depth = 0 ORDER BY value DESC LIMIT 10;
--   SELECT text FROM pprof_traces_text WHERE profile_id = 1 AND options = '' ORDER BY line_no;

-- Internal views of the SQL reports (sql/40_tags.sql, sql/50_folded.sql).
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

-- Internal: the name of every location line as -traces prints it, at each
-- granularity (a few rows per location, not per frame: sql/50_folded.sql
-- names frames with it too). What Profile.Aggregate keeps at the
-- granularity: the function name (not with -files), the file (not with
-- -functions), the line (-lines, -addresses), the address (-addresses);
-- then NodeInfo.NameComponents joined by spaces: the address ("%016x"), the
-- function name, then "file:line", else the file, else nothing when there
-- is a function name, else "[binary]" (the base name of the mapping's
-- file), else "<unknown>". is_last marks a location's last line (the caller
-- of its inlined frames, what -noinlines keeps).
DROP VIEW IF EXISTS temp._pprof_frame_names;
CREATE TEMP VIEW _pprof_frame_names(profile_id, location_id, line_index, is_last, is_inline, granularity, name) AS
WITH
-- Every location line once: the function name, the file as nodeInfo keeps it
-- (filepath.Clean'ed, in SQL only for the names that need it; not
-- -trim_path'ed), the line, the address and the mapping file's base name. A
-- location without lines has one unnamed line.
location_lines AS MATERIALIZED (
  SELECT loc.profile_id, loc.location_id, coalesce(n.line_index, 0) AS line_index,
         coalesce(n.line_index, 0) = max(loc.line_count - 1, 0) AS is_last,
         coalesce(n.is_inline, 0) AS is_inline, n.function_id IS NOT NULL AS has_function,
         coalesce(n.function_name, '') AS fn,
         CASE WHEN coalesce(n.filename, '') = '' OR NOT (n.filename GLOB '*//*' OR n.filename GLOB '*/'
                   OR n.filename GLOB '.' OR n.filename GLOB '..' OR n.filename GLOB './*' OR n.filename GLOB '../*'
                   OR n.filename GLOB '*/.' OR n.filename GLOB '*/..' OR n.filename GLOB '*/./*' OR n.filename GLOB '*/../*')
              THEN coalesce(n.filename, '') ELSE @clean_path(n.filename) END AS file,
         coalesce(n.line, 0) AS line, loc.address,
         CASE WHEN coalesce(m.filename, '') = '' THEN ''
              WHEN rtrim(m.filename, '/') = '' THEN '/'
              ELSE substr(rtrim(m.filename, '/'),
                          length(rtrim(rtrim(m.filename, '/'), replace(rtrim(m.filename, '/'), '/', ''))) + 1) END AS objbase
  FROM pprof_locations loc
  LEFT JOIN pprof_lines n ON n.profile_id = loc.profile_id AND n.location_id = loc.location_id
  LEFT JOIN pprof_mappings m ON m.profile_id = loc.profile_id AND m.mapping_id = loc.mapping_id
),
parts AS (
  SELECT l.profile_id, l.location_id, l.line_index, l.is_last, l.is_inline, l.objbase, g.granularity,
         CASE WHEN g.granularity = 'addresses' THEN l.address ELSE 0 END AS address,
         CASE WHEN l.has_function AND g.granularity <> 'files' THEN l.fn ELSE '' END AS fn,
         CASE WHEN l.has_function AND g.granularity <> 'functions' THEN l.file ELSE '' END AS file,
         CASE WHEN l.has_function AND g.granularity IN ('lines', 'addresses') THEN l.line ELSE 0 END AS line
  FROM location_lines l,
       (SELECT 'functions' AS granularity UNION ALL SELECT 'filefunctions' UNION ALL SELECT 'files'
        UNION ALL SELECT 'lines' UNION ALL SELECT 'addresses') g
),
-- MATERIALIZED: each name built once, not once per frame of a sample.
named AS MATERIALIZED (
  SELECT profile_id, location_id, line_index, is_last, is_inline, granularity,
         CASE WHEN address <> 0 THEN printf('%016x', address) || ' ' ELSE '' END ||
         fn ||
         CASE WHEN line <> 0 THEN CASE WHEN fn <> '' THEN ' ' ELSE '' END || file || ':' || line
              WHEN file <> '' THEN CASE WHEN fn <> '' THEN ' ' ELSE '' END || file
              WHEN fn <> '' THEN ''
              WHEN objbase <> '' THEN '[' || objbase || ']'
              ELSE '<unknown>' END AS name
  FROM parts
)
SELECT profile_id, location_id, line_index, is_last, is_inline, granularity, name FROM named;

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
  -- The frame's name as pprof prints it at the report's granularity:
  -- 'main.f', 'main.f a.go:12', '[binary]', '<unknown>'.
  name,
  -- 1 if the frame was inlined into the next one (printed with " (inline)").
  is_inline
) AS
WITH
-- The selected value of each sample with a stack, divided as -mean asks
-- (by value 0 when that is not 0), then as -divide_by asks for printing.
-- (The -mean divisor is a subquery on the base table, not a LEFT JOIN: the
-- users' constraints on profile_id and options must reach pprof_options.)
vals AS NOT MATERIALIZED (
  SELECT o.profile_id, o.options, s.sample_id, o.sample_unit, o.output_unit, 1.0 / o.divide_by AS ratio,
         o.granularity, 1 - o.inlines AS noinlines,
         CASE WHEN o.mean THEN
           coalesce(s.value / nullif((SELECT d.value FROM pprof_samples d
                                      WHERE d.profile_id = s.profile_id AND d.sample_id = s.sample_id
                                        AND d.sample_index = 0), 0), s.value)
         ELSE s.value END AS value
  FROM pprof_report_options o
  JOIN pprof_samples s ON s.profile_id = o.profile_id AND s.sample_index = o.sample_index
  WHERE o.report = 'traces' AND o.error IS NULL AND s.stack_depth > 0
),
ratioed AS NOT MATERIALIZED (
  SELECT profile_id, options, sample_id, sample_unit, output_unit, granularity, noinlines, value,
         @apply_ratio(value, ratio) AS printed
  FROM vals
),
-- Each frame of each sample: its location's lines, the leaf's first, only
-- the last line (the caller) with -noinlines, named at the granularity.
-- (CROSS JOIN: samples first, then their stacks, then the names; the
-- planner would otherwise look names up by granularity alone.)
cleaned AS (
  SELECT v.profile_id, v.options, v.sample_id, v.value, st.depth, f.line_index, f.name,
         -- The printed value, formatted for the leaf frame only (a macro per
         -- frame would cost more than the rest of the view).
         CASE WHEN st.depth = 0 AND (f.line_index = 0 OR v.noinlines)
              THEN @scaled_label(v.printed, v.sample_unit, v.output_unit) END AS leaf_text,
         CASE WHEN v.noinlines THEN 0 ELSE f.is_inline END AS is_inline
  FROM ratioed v
  CROSS JOIN pprof_stacks st ON st.profile_id = v.profile_id AND st.sample_id = v.sample_id
  CROSS JOIN _pprof_frame_names f
    ON f.profile_id = st.profile_id AND f.location_id = st.location_id AND f.granularity = v.granularity
  WHERE NOT v.noinlines OR f.is_last
)
SELECT profile_id, options, sample_id, value, first_value(leaf_text) OVER w, row_number() OVER w - 1,
       name, is_inline
FROM cleaned
WINDOW w AS (PARTITION BY profile_id, options, sample_id ORDER BY depth, line_index
             ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING);


DROP VIEW IF EXISTS temp.pprof_traces_text;
CREATE TEMP VIEW pprof_traces_text(
  -- The profile (pprof_load's id).
  profile_id,
  -- pprof's report flags ('' for the defaults).
  options,
  -- Order of the rows: 0, 1, 2, ... (the header lines, the samples' blocks,
  -- the closing separator).
  line_no,
  -- One header line, one sample's block of lines joined by '\n', or the
  -- closing separator, as `go tool pprof -traces` prints them.
  text
) AS
WITH
-- Go's "%10s:  %s" per label key of a sample: the key padded to 10
-- characters (as Go counts runes; bytes after a NUL, where length() stops),
-- its values in order joined by spaces: strings as they are, numbers as
-- measurement.Label prints them in the key's unit.
label_values AS (
  SELECT l.profile_id, l.sample_id, l.label_index, l.key, l.str IS NULL AS is_num,
         coalesce(l.str, @label(l.num, u.unit)) AS v
  FROM pprof_labels l
  LEFT JOIN _pprof_label_units u ON l.str IS NULL AND u.profile_id = l.profile_id AND u.key = l.key
),
label_keys AS (
  SELECT profile_id, sample_id, is_num, label_index, min(label_index) OVER k AS first_index, key,
         group_concat(v, ' ') OVER (k ORDER BY label_index ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS vs
  FROM label_values
  WINDOW k AS (PARTITION BY profile_id, sample_id, is_num, key)
),
label_lines AS (
  SELECT profile_id, sample_id, is_num,
         printf('%*s', max(0, 10 - CASE WHEN instr(CAST(key AS BLOB), x'00') THEN length(CAST(key AS BLOB)) ELSE length(key) END), '')
           || key || ':  ' || vs AS line
  FROM label_keys WHERE label_index = first_index
),
-- The samples -traces prints (those with a stack), per profile and options.
printed AS NOT MATERIALIZED (
  SELECT o.profile_id, o.options, s.sample_id
  FROM pprof_report_options o
  JOIN pprof_samples s ON s.profile_id = o.profile_id AND s.sample_index = o.sample_index
  WHERE o.report = 'traces' AND o.error IS NULL AND s.stack_depth > 0
),
-- The pieces of each sample's block: the separator, the string labels'
-- lines sorted, the numeric labels' lines sorted, then the frames.
pieces AS (
  SELECT profile_id, options, sample_id, 0 AS part, '' AS k, 0 AS depth,
         '-----------+-------------------------------------------------------' AS piece
  FROM printed
  UNION ALL
  SELECT p.profile_id, p.options, p.sample_id, 1 + l.is_num, l.line, 0, l.line
  FROM printed p JOIN label_lines l ON l.profile_id = p.profile_id AND l.sample_id = p.sample_id
  UNION ALL
  SELECT profile_id, options, sample_id, 3, '', depth,
         printf('%10s', CASE WHEN depth = 0 THEN value_text ELSE '' END) || '   ' || name
           || CASE WHEN is_inline THEN ' (inline)' ELSE '' END
  FROM pprof_traces
),
blocks AS (
  SELECT profile_id, options, sample_id, part,
         group_concat(piece, char(10)) OVER (PARTITION BY profile_id, options, sample_id ORDER BY part, k, depth
                                             ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS text
  FROM pieces
),
-- The header lines (sql/06_header.sql), the Duration: line's Total printed
-- as -traces prints values: divided as -divide_by asks, in the -unit.
header AS NOT MATERIALIZED (
  SELECT h.profile_id, h.options, h.line_no,
         CASE WHEN h.total IS NULL OR (o.divide_by = 1 AND o.output_unit = 'minimum') THEN h.text
              ELSE 'Duration: ' || h.duration_label || ', Total samples = '
                   || @scaled_label(@apply_ratio(h.total, 1.0 / o.divide_by), h.sample_unit, o.output_unit)
                   || ' ' || h.duration_ratio END AS text
  FROM pprof_report_header h
  JOIN pprof_report_options o ON o.profile_id = h.profile_id AND o.options = h.options AND o.report = 'traces'
  WHERE h.report = 'traces'
),
-- Every row in order: the header lines, a block per sample, the closing
-- separator (numbered over the whole compound: a window in an arm would stop
-- the users' constraints at the UNION ALL).
all_rows AS NOT MATERIALIZED (
  SELECT profile_id, options, 0 AS section, line_no AS k, text FROM header
  UNION ALL
  SELECT profile_id, options, 1, sample_id, text FROM blocks WHERE part = 0
  UNION ALL
  SELECT profile_id, options, 2, 0, '-----------+-------------------------------------------------------'
  FROM pprof_report_options WHERE report = 'traces' AND error IS NULL
)
SELECT profile_id, options, row_number() OVER (PARTITION BY profile_id, options ORDER BY section, k) - 1, text
FROM all_rows;
