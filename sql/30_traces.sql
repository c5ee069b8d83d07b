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
-- Both views are computed in C++ (extension/src/tables/traces_table.cc:
-- pprof_traces_frames and pprof_traces_blocks), from profiles in memory
-- (pprof_load, pprof_prepare), so that a report of millions of lines is
-- produced at the speed of writing it, in little memory.
--
-- pprof_traces has one row per frame of each printed sample;
-- pprof_traces_text the report's text in blocks: one row per header line,
-- one row per printed sample holding its whole block (the separator, the
-- label lines and the frame lines, joined by '\n', with no final newline),
-- and the closing separator. Printing each row's text followed by a newline,
-- in line_no order, gives exactly what `go tool pprof -traces` prints; a
-- plain scan (no ORDER BY) already returns the rows in that order, so the
-- report can be streamed without sorting it:
--   SELECT sample_id, value, name FROM pprof_traces
--   WHERE profile_id = 1 AND options = '' AND depth = 0 ORDER BY value DESC LIMIT 10;
--   SELECT text FROM pprof_traces_text WHERE profile_id = 1 AND options = '' ORDER BY line_no;

-- Internal views of the SQL reports (sql/40_tags.sql, sql/50_folded.sql).

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
SELECT profile_id, options, sample_id, value, value_text, depth, name, is_inline
FROM pprof_traces_frames;

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
SELECT profile_id, options, line_no, text
FROM pprof_traces_blocks;
