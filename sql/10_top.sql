-- pprof_top and pprof_top_text: `go tool pprof -top` (also -text).
--
-- pprof_top has one row per node of the report, in pprof's order: flat is the
-- value of the samples whose leaf frame is the node, cum the value of the
-- samples that contain it (once per sample, even under recursion), sum% the
-- running share of flat. Inlined frames count as nodes of their own, as in
-- pprof; options '-noinlines' folds them into their callers. The granularity
-- is an option too: '-lines', '-files', '-addresses', '-filefunctions'
-- (default: functions). Trimming follows pprof: nodes whose cum is below
-- -nodefraction (0.005) of the total are dropped, -nodecount keeps the top N.
--
-- pprof_top_text has the exact lines `go tool pprof -top` prints, header
-- included, in line_no order.
--
-- Both take pprof's report flags through the `options` column:
--   SELECT name, flat, cum FROM pprof_top
--   WHERE profile_id = 1 AND options = '-cum -sample_index=alloc_space' LIMIT 10;
--   SELECT text FROM pprof_top_text WHERE profile_id = 1 AND options = '' ORDER BY line_no;
DROP VIEW IF EXISTS temp.pprof_top;
CREATE TEMP VIEW pprof_top(
  -- The profile (pprof_load's id).
  profile_id,
  -- pprof's report flags, e.g. '-cum -lines' ('' for the defaults).
  options,
  -- 0-based position in the report.
  rank,
  -- The node's name as pprof prints it.
  name,
  -- The flat value, and as pprof prints it, and its share of the total.
  flat, flat_text, flat_pct,
  -- Running share of flat, in report order (sum%).
  sum_pct,
  -- The cumulative value, as pprof prints it, and its share.
  cum, cum_text, cum_pct,
  -- '(inline)' or '(partial-inline)' when callers inlined this node, else ''.
  inline_label,
  -- The report's sample type, e.g. inuse_space.
  sample_type
) AS
SELECT profile_id, options, rank, name, flat, flat_text, flat_pct, sum_pct, cum, cum_text, cum_pct,
       inline_label, sample_type
FROM pprof_graph
WHERE report = 'top';

DROP VIEW IF EXISTS temp.pprof_top_text;
CREATE TEMP VIEW pprof_top_text(
  -- The profile (pprof_load's id).
  profile_id,
  -- pprof's report flags ('' for the defaults).
  options,
  -- Order of the lines.
  line_no,
  -- One line of the report, as `go tool pprof -top` prints it.
  text
) AS
SELECT profile_id, options, line_no, text
FROM pprof_report_labels WHERE report = 'top'
UNION ALL
SELECT profile_id, options, 1000000, '      flat  flat%   sum%        cum   cum%'
FROM pprof_report_labels WHERE report = 'top' AND line_no = 0
UNION ALL
SELECT profile_id, options, 1000001 + rank,
       -- Built with || rather than printf's %s, which stops at a NUL byte: names
       -- and units are profile strings of any bytes, printed whole as pprof does.
       -- Widths count characters, as Go's %10s counts runes (bytes after a NUL).
       printf('%*s', max(0, 10 - CASE WHEN instr(CAST(flat_text AS BLOB), x'00') THEN length(CAST(flat_text AS BLOB)) ELSE length(flat_text) END), '') || flat_text || ' ' || flat_pct || ' ' || sum_pct || ' ' ||
       printf('%*s', max(0, 10 - CASE WHEN instr(CAST(cum_text AS BLOB), x'00') THEN length(CAST(cum_text AS BLOB)) ELSE length(cum_text) END), '') || cum_text || ' ' || cum_pct || '  ' || name ||
       CASE WHEN inline_label = '' THEN '' ELSE ' ' || inline_label END
FROM pprof_graph WHERE report = 'top';
