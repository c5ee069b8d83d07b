-- pprof_list and pprof_list_text: `go tool pprof -list=REGEXP`, the
-- annotated source listing.
--
-- The nodes come from pprof_graph with report = 'list' (lines granularity, no
-- trimming); `symbol` is the -list regexp, matched (unanchored, Go RE2
-- syntax) against function names. For each matching function and each of
-- its source files, the listing covers one block of lines: from the
-- function's start line (else 5 lines before its first sampled line, at
-- least line 1) to 5 lines after its last sampled line, cut at the end of
-- the file. The source text comes from pprof_source, which finds files
-- through pprof_config('source_path') and ('trim_path') as pprof's
-- -source_path and -trim_path do.
--
-- pprof_list: one row per listed source line, with its flat and cum.
--   SELECT line, flat, cum, text FROM pprof_list
--   WHERE profile_id = 1 AND options = '' AND symbol = '^main\.main$';
-- Both use only standard SQL over tables, so they also work in a database
-- made by pprof_import, where pprof_graph and pprof_source are plain tables.
--
-- pprof_list_text: the exact lines pprof prints (Total:, ROUTINE ...,
-- (flat, cum) ..., the listing with '.' for zero, or ' Error: ...' when the
-- file cannot be found), in line_no order.
--   SELECT text FROM pprof_list_text
--   WHERE profile_id = 1 AND options = '' AND symbol = 'Mul$' ORDER BY line_no;
DROP VIEW IF EXISTS temp.pprof_list;
CREATE TEMP VIEW pprof_list(
  -- The profile (pprof_load's id).
  profile_id,
  -- pprof's report flags, e.g. '-sample_index=alloc_space -noinlines'.
  options,
  -- The -list regexp.
  symbol,
  -- The function, and the source file (after -trim_path) the lines are from.
  function, file,
  -- The line number and its text.
  line, text,
  -- Value of the samples whose leaf frame is on this line of this function.
  flat,
  -- Value of the samples with a frame on this line of this function, once per sample.
  cum,
  -- flat and cum as -list prints them ('.' for 0).
  flat_text, cum_text,
  -- The unit of flat and cum.
  unit
) AS
SELECT g.profile_id, g.options, g.symbol, g.function, g.file, s.line, s.text,
       sum(CASE WHEN g.line = s.line THEN g.raw_flat ELSE 0 END),
       sum(CASE WHEN g.line = s.line THEN g.raw_cum ELSE 0 END),
       coalesce(max(CASE WHEN g.line = s.line THEN g.line_flat_text END), '.'),
       coalesce(max(CASE WHEN g.line = s.line THEN g.line_cum_text END), '.'),
       g.sample_unit
FROM pprof_graph g
JOIN pprof_source s ON s.file = g.file AND s.line BETWEEN g.list_first_line AND g.list_last_line
WHERE g.report = 'list' AND g.matched AND g.file IS NOT NULL
GROUP BY g.profile_id, g.options, g.symbol, g.function, g.file, s.line;

DROP VIEW IF EXISTS temp.pprof_list_text;
CREATE TEMP VIEW pprof_list_text(
  -- The profile (pprof_load's id).
  profile_id,
  -- pprof's report flags.
  options,
  -- The -list regexp.
  symbol,
  -- Order of the lines.
  line_no,
  -- The function a line belongs to (NULL for the Total: line).
  function,
  -- One line as `go tool pprof -list` prints it.
  text
) AS
WITH lines AS NOT MATERIALIZED (
  -- Total:, printed once when some function matches.
  SELECT 0 AS part, profile_id, options, symbol, NULL AS function, NULL AS file, 0 AS sub, 0 AS line, text
  FROM pprof_report_labels l
  WHERE report = 'list'
    AND EXISTS (SELECT 1 FROM pprof_graph g WHERE g.report = 'list' AND g.matched AND g.profile_id = l.profile_id
                AND g.options = l.options AND g.symbol = l.symbol)
  UNION ALL
  -- Per function and file: the ROUTINE line, the (flat, cum) line, and the
  -- error when the file cannot be found. (Each arm reads pprof_graph
  -- directly, so the outer WHERE reaches its parameters.)
  SELECT 1, g.profile_id, g.options, g.symbol, g.function, g.file, k.sub, 0,
         CASE k.sub
           WHEN 0 THEN 'ROUTINE ======================== ' || g.function || ' in ' || g.file
           WHEN 1 THEN printf('%*s', max(0, 10 - CASE WHEN instr(CAST(max(g.routine_flat_text) AS BLOB), x'00') THEN length(CAST(max(g.routine_flat_text) AS BLOB)) ELSE length(max(g.routine_flat_text)) END), '') || max(g.routine_flat_text) || ' ' ||
                       printf('%*s', max(0, 10 - CASE WHEN instr(CAST(max(g.routine_cum_text) AS BLOB), x'00') THEN length(CAST(max(g.routine_cum_text) AS BLOB)) ELSE length(max(g.routine_cum_text)) END), '') || max(g.routine_cum_text) || ' (flat, cum) ' || max(g.routine_cum_pct) || ' of Total'
           ELSE ' Error: ' || max(g.source_error)
         END
  FROM pprof_graph g, (SELECT 0 AS sub UNION ALL SELECT 1 UNION ALL SELECT 2) k
  WHERE g.report = 'list' AND g.matched AND g.file IS NOT NULL
  GROUP BY g.profile_id, g.options, g.symbol, g.function, g.file, k.sub
  HAVING k.sub < 2 OR max(g.source_error) IS NOT NULL
  UNION ALL
  SELECT 1, profile_id, options, symbol, coalesce(function, ''), '', 0, 0,
         'No source information for ' || coalesce(function, '')
  FROM pprof_graph
  WHERE report = 'list' AND matched
  GROUP BY profile_id, options, symbol, coalesce(function, '')
  HAVING count(file) = 0
  UNION ALL
  SELECT 1, profile_id, options, symbol, function, file, 3, line,
         -- || keeps a source line's bytes after a NUL (printf's %s would stop there);
         -- widths count characters as Go's %10s counts runes.
         printf('%*s', max(0, 10 - CASE WHEN instr(CAST(flat_text AS BLOB), x'00') THEN length(CAST(flat_text AS BLOB)) ELSE length(flat_text) END), '') || flat_text || ' ' || printf('%*s', max(0, 10 - CASE WHEN instr(CAST(cum_text AS BLOB), x'00') THEN length(CAST(cum_text AS BLOB)) ELSE length(cum_text) END), '') || cum_text || printf(' %6d:', line) || coalesce(text, '')
  FROM pprof_list
)
SELECT profile_id, options, symbol,
       row_number() OVER (PARTITION BY profile_id, options, symbol ORDER BY part, function, file, sub, line),
       function, text
FROM lines;
