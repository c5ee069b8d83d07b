-- pprof_list and pprof_list_text: `go tool pprof -list=REGEXP`, the
-- annotated source listing, in plain SQL over relations that exist both with
-- the extension and in a database written by pprof_import (no extension):
--
--   pprof_report_options  the option string's sample type, inlining, -mean
--                         and -unit, with -list's overrides (lines
--                         granularity, no trimming; sql/05_options.sql);
--   pprof_nodes           the core's nodes at lines granularity: per node its
--                         function, file, line, flat, cum, the function's
--                         start line and its creation order (node_id);
--   pprof_symbol_matches  the function names `symbol` selects: with the
--                         extension the -list regexp's matches (Go RE2,
--                         unanchored); in an imported database the names the
--                         user inserted under that symbol;
--   pprof_source          the source lines; pprof_source_files per profile
--                         and file pprof's error when the text is not at hand.
--
-- pprof's rules (report/source.go printSource, getSourceFromFile): the
-- functions in name order, each function's files in name order. A file's
-- block of lines starts at the first node's function start line (else 5
-- lines before its line) and ends 5 lines after its line; then, node by node
-- in creation order, a start below the block's lowers the start, and
-- *otherwise* an end past the block's raises the end. The block is cut at
-- line 1 and at the file's end. Values are the raw sums (no -mean: pprof
-- sums Node.Flat and Node.Cum), formatted in -unit (default: each value
-- scaled on its own), '.' for zero. pprof opens a file when it reads a
-- block's first line (an empty block reads none) and remembers a failure:
-- the ' Error: ...' line is printed for a file from the first routine (in
-- print order) with a non-empty block on.
--
-- pprof_list: one row per listed line, with its flat and cum; `text` is
-- NULL when the file's text is not at hand (then the rows are the block's
-- lines that have samples).
--   SELECT line, flat, cum, text FROM pprof_list
--   WHERE profile_id = 1 AND options = '' AND symbol = '^main\.main$';
--
-- pprof_list_text: the exact lines pprof prints (Total:, ROUTINE ...,
-- (flat, cum) ..., the listing, or ' Error: ...'), in line_no order.
--   SELECT text FROM pprof_list_text
--   WHERE profile_id = 1 AND options = '' AND symbol = 'Mul$' ORDER BY line_no;
-- In an imported database, first say which functions the symbol selects
-- (and add the option string if it is not there yet):
--   INSERT OR IGNORE INTO pprof_symbol_matches
--     SELECT DISTINCT 1, 'Mul$', name FROM pprof_functions WHERE profile_id = 1 AND name LIKE '%Mul';
--
-- The steps follow sql/05_options.sql's push-down rules, so that the query's
-- profile_id, options and symbol reach pprof_options and
-- pprof_symbol_matches: CTEs NOT MATERIALIZED, windows instead of GROUP BY,
-- partitioned by (a superset of) profile_id, options, symbol.
DROP VIEW IF EXISTS temp.pprof_list;
CREATE TEMP VIEW pprof_list(
  -- The profile (pprof_load's id).
  profile_id,
  -- pprof's report flags, e.g. '-sample_index=alloc_space -noinlines'.
  options,
  -- The -list regexp (pprof_symbol_matches.symbol).
  symbol,
  -- The function, and the source file (after -trim_path) the lines are from.
  function, file,
  -- The line number and its text (NULL when the file's text is not at hand).
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
WITH
-- The report's nodes of the selected functions that have a file, each with
-- the block of lines it asks for.
nodes AS NOT MATERIALIZED (
  SELECT o.profile_id, o.options, m.symbol, m.function, n.file, n.line, n.node_id, n.flat, n.cum,
         o.sample_unit, o.output_unit,
         CASE WHEN n.function_start_line <> 0 THEN n.function_start_line ELSE n.line - 5 END AS node_first,
         n.line + 5 AS node_last
  FROM pprof_report_options o
  JOIN pprof_symbol_matches m ON m.profile_id = o.profile_id AND m.granularity = ''
  JOIN pprof_nodes n ON n.profile_id = o.profile_id AND n.granularity = 'lines' AND n.inlines = o.inlines
                    AND n.sample_type = o.sample_type AND coalesce(n.function, '') = m.function
  WHERE o.report = 'list' AND o.error IS NULL AND n.file IS NOT NULL
),
-- The lowest start of the nodes created before each node.
ordered AS NOT MATERIALIZED (
  SELECT n.*,
         min(node_first) OVER (PARTITION BY profile_id, options, symbol, function, file ORDER BY node_id
                               ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS first_before
  FROM nodes n
),
-- Per routine (function and file): its block, and its flat and cum.
routines AS NOT MATERIALIZED (
  SELECT o.*,
         max(1, min(node_first) OVER r) AS block_first,
         max(CASE WHEN first_before IS NULL OR node_first >= first_before THEN node_last END) OVER r AS block_last,
         row_number() OVER r AS routine_row
  FROM ordered o
  WINDOW r AS (PARTITION BY profile_id, options, symbol, function, file)
),
-- Per line of a routine: the sums of its nodes on that line.
line_sums AS NOT MATERIALIZED (
  SELECT r.*, sum(flat) OVER l AS line_flat, sum(cum) OVER l AS line_cum, row_number() OVER l AS line_row
  FROM routines r
  WINDOW l AS (PARTITION BY profile_id, options, symbol, function, file, line)
),
-- Per routine, its sampled lines in the block: as a list, and their sums
-- as a JSON object keyed by line. (No UNION ALL of the source's lines and
-- the sampled ones: SQLite 3.40 does not push the query's constraints into
-- a compound whose arms read window steps.)
routine_sums AS NOT MATERIALIZED (
  SELECT s.*,
         group_concat(CASE WHEN line_row = 1 AND line BETWEEN block_first AND block_last THEN line END, ',')
           OVER r AS sampled,
         group_concat(CASE WHEN line_row = 1 AND line BETWEEN block_first AND block_last
                           THEN '"' || line || '":[' || line_flat || ',' || line_cum || ']' END, ',')
           OVER r AS sums,
         row_number() OVER r AS sums_row
  FROM line_sums s
  WINDOW r AS (PARTITION BY profile_id, options, symbol, function, file)
),
-- Per routine: whether its file's text is at hand, and where it ends.
blocks AS NOT MATERIALIZED (
  SELECT profile_id, options, symbol, function, file, block_first, block_last, sampled,
         '{' || coalesce(sums, '') || '}' AS sums, sample_unit, output_unit,
         (SELECT f.error FROM pprof_source_files f WHERE f.profile_id = s.profile_id AND f.file = s.file) AS error,
         (SELECT max(src.line) FROM pprof_source src WHERE src.file = s.file) AS file_end
  FROM routine_sums s WHERE sums_row = 1
),
-- The lines to list, as a JSON array: the block's lines up to the file's
-- end (their offsets from block_first: zeros, made without a recursive
-- CTE), or without the text, the block's sampled lines.
spans AS NOT MATERIALIZED (
  SELECT b.*,
         CASE WHEN error IS NULL
              THEN '[' || substr(replace(hex(zeroblob(max(0, min(block_last, coalesce(file_end, 0)) - block_first + 1))),
                                         '00', ',0'), 2) || ']'
              ELSE '[' || coalesce(sampled, '') || ']' END AS line_list
  FROM blocks b
),
listed AS NOT MATERIALIZED (
  SELECT b.profile_id, b.options, b.symbol, b.function, b.file, b.sums, b.error, b.sample_unit, b.output_unit,
         CASE WHEN b.error IS NULL THEN b.block_first + j.key ELSE j.value END AS line
  FROM spans b, json_each(b.line_list) j
),
lines AS NOT MATERIALIZED (
  SELECT l.profile_id, l.options, l.symbol, l.function, l.file, l.line, l.sample_unit, l.output_unit,
         CASE WHEN l.error IS NULL THEN (SELECT src.text FROM pprof_source src WHERE src.file = l.file AND src.line = l.line) END
           AS text,
         coalesce(json_extract(l.sums, '$."' || l.line || '"[0]'), 0) AS flat,
         coalesce(json_extract(l.sums, '$."' || l.line || '"[1]'), 0) AS cum
  FROM listed l
),
flat_labels AS NOT MATERIALIZED (
  SELECT l.*, @scaled_label(flat, sample_unit, output_unit) AS flat_label FROM lines l
),
labels AS NOT MATERIALIZED (
  SELECT l.*, @scaled_label(cum, sample_unit, output_unit) AS cum_label FROM flat_labels l
)
SELECT profile_id, options, symbol, function, file, line, text, flat, cum,
       CASE WHEN flat = 0 THEN '.' ELSE flat_label END, CASE WHEN cum = 0 THEN '.' ELSE cum_label END,
       sample_unit
FROM labels;

DROP VIEW IF EXISTS temp.pprof_list_text;
CREATE TEMP VIEW pprof_list_text(
  -- The profile (pprof_load's id).
  profile_id,
  -- pprof's report flags.
  options,
  -- The -list regexp (pprof_symbol_matches.symbol).
  symbol,
  -- Order of the lines.
  line_no,
  -- The function a line belongs to (NULL for the Total: line).
  function,
  -- One line as `go tool pprof -list` prints it.
  text
) AS
WITH
-- Every node of the selected functions (also those without a file).
nodes AS NOT MATERIALIZED (
  SELECT o.profile_id, o.options, m.symbol, m.function, n.file, n.line, n.node_id, n.flat, n.cum,
         o.sample_unit, o.output_unit, CASE WHEN o.mean THEN t.mean_total ELSE t.total END AS total,
         CASE WHEN n.function_start_line <> 0 THEN n.function_start_line ELSE n.line - 5 END AS node_first,
         n.line + 5 AS node_last
  FROM pprof_report_options o
  JOIN pprof_sample_types t ON t.profile_id = o.profile_id AND t.sample_index = o.sample_index
  JOIN pprof_symbol_matches m ON m.profile_id = o.profile_id AND m.granularity = ''
  JOIN pprof_nodes n ON n.profile_id = o.profile_id AND n.granularity = 'lines' AND n.inlines = o.inlines
                    AND n.sample_type = o.sample_type AND coalesce(n.function, '') = m.function
  WHERE o.report = 'list' AND o.error IS NULL
),
-- The Total: line, once per report with a selected node.
total AS NOT MATERIALIZED (
  SELECT profile_id, options, symbol, total, sample_unit, output_unit,
         row_number() OVER (PARTITION BY profile_id, options, symbol) AS report_row
  FROM nodes
),
total_label AS NOT MATERIALIZED (
  SELECT t.*, @scaled_label(total, sample_unit, output_unit) AS total_text FROM total t WHERE report_row = 1
),
-- Functions none of whose nodes has a file.
functions AS NOT MATERIALIZED (
  SELECT profile_id, options, symbol, function,
         count(file) OVER f AS files, row_number() OVER f AS function_row
  FROM nodes
  WINDOW f AS (PARTITION BY profile_id, options, symbol, function)
),
-- As in pprof_list: the lowest start of the nodes created before each node.
ordered AS NOT MATERIALIZED (
  SELECT n.*,
         min(node_first) OVER (PARTITION BY profile_id, options, symbol, function, file ORDER BY node_id
                               ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS first_before
  FROM nodes n WHERE file IS NOT NULL
),
-- Per routine: its block (empty when first > last), flat and cum.
routine_rows AS NOT MATERIALIZED (
  SELECT o.profile_id, o.options, o.symbol, o.function, o.file, o.total, o.sample_unit, o.output_unit,
         max(1, min(node_first) OVER r) AS block_first,
         max(CASE WHEN first_before IS NULL OR node_first >= first_before THEN node_last END) OVER r AS block_last,
         sum(flat) OVER r AS flat, sum(cum) OVER r AS cum,
         row_number() OVER r AS routine_row
  FROM ordered o
  WINDOW r AS (PARTITION BY profile_id, options, symbol, function, file)
),
-- Whether pprof has tried to open the routine's file by the time it prints
-- it: some routine of that file up to this one has a non-empty block.
routines AS NOT MATERIALIZED (
  SELECT r.*,
         max(block_first <= block_last) OVER (PARTITION BY profile_id, options, symbol, file ORDER BY function
                                              ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS opened
  FROM routine_rows r WHERE routine_row = 1
),
routine_flat AS NOT MATERIALIZED (
  SELECT r.*, @scaled_label(flat, sample_unit, output_unit) AS flat_text FROM routines r
),
routine_cum AS NOT MATERIALIZED (
  SELECT r.*, @scaled_label(cum, sample_unit, output_unit) AS cum_text FROM routine_flat r
),
routine_text AS NOT MATERIALIZED (
  SELECT r.*, @percentage(cum, total) AS cum_pct,
         CASE WHEN opened THEN (SELECT f.error FROM pprof_source_files f
                                WHERE f.profile_id = r.profile_id AND f.file = r.file) END AS error
  FROM routine_cum r
),
printed AS NOT MATERIALIZED (
  SELECT 0 AS part, profile_id, options, symbol, NULL AS function, NULL AS file, 0 AS sub, 0 AS line,
         'Total: ' || total_text AS text
  FROM total_label
  UNION ALL
  SELECT 1, profile_id, options, symbol, function, '', 0, 0, 'No source information for ' || function
  FROM functions WHERE function_row = 1 AND files = 0
  UNION ALL
  SELECT 1, r.profile_id, r.options, r.symbol, r.function, r.file, k.sub, 0,
         CASE k.sub
           WHEN 0 THEN 'ROUTINE ======================== ' || r.function || ' in ' || r.file
           -- || keeps bytes after a NUL (printf's %s stops there); widths
           -- count characters as Go's %10s counts runes.
           WHEN 1 THEN printf('%*s', max(0, 10 - CASE WHEN instr(CAST(r.flat_text AS BLOB), x'00') THEN length(CAST(r.flat_text AS BLOB)) ELSE length(r.flat_text) END), '') || r.flat_text || ' ' ||
                       printf('%*s', max(0, 10 - CASE WHEN instr(CAST(r.cum_text AS BLOB), x'00') THEN length(CAST(r.cum_text AS BLOB)) ELSE length(r.cum_text) END), '') || r.cum_text || ' (flat, cum) ' || r.cum_pct || ' of Total'
           ELSE ' Error: ' || r.error
         END
  FROM routine_text r, (SELECT 0 AS sub UNION ALL SELECT 1 UNION ALL SELECT 2) k
  WHERE k.sub < 2 OR r.error IS NOT NULL
  UNION ALL
  SELECT 1, profile_id, options, symbol, function, file, 3, line,
         printf('%*s', max(0, 10 - CASE WHEN instr(CAST(flat_text AS BLOB), x'00') THEN length(CAST(flat_text AS BLOB)) ELSE length(flat_text) END), '') || flat_text || ' ' || printf('%*s', max(0, 10 - CASE WHEN instr(CAST(cum_text AS BLOB), x'00') THEN length(CAST(cum_text AS BLOB)) ELSE length(cum_text) END), '') || cum_text || printf(' %6d:', line) || text
  FROM pprof_list WHERE text IS NOT NULL
)
SELECT profile_id, options, symbol,
       row_number() OVER (PARTITION BY profile_id, options, symbol ORDER BY part, function, file, sub, line),
       function, text
FROM printed;
