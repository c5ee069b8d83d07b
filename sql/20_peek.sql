-- pprof_peek and pprof_peek_text: `go tool pprof -peek=RE` (report.go: printTree).
--
-- -peek shows, for every node of the whole (untrimmed) call graph whose
-- printed name matches the regexp RE (unanchored, Go RE2 syntax), its callers
-- (in-edges), the node itself and its callees (out-edges). Edges are ordered
-- as pprof orders them: by |weight| descending, then caller name, then callee
-- name. calls% is the edge weight as a share of the node's cum (not of the
-- Total); sum% is the running share of flat over the matched nodes only. An
-- edge is marked (inline) when every call along it was inlined.
--
-- pprof_peek has the numbers: one row per matched node ('self') and per edge
-- around it ('caller', 'callee'). pprof_peek_text has the exact lines
-- `go tool pprof -peek=RE` prints, in line_no order. Both take pprof's report
-- flags through `options` and the regexp through `symbol` (the text after
-- -peek=, without shell quoting); both push down as constraints:
--   SELECT relation, name, weight, calls_pct FROM pprof_peek
--   WHERE profile_id = 1 AND options = '' AND symbol = '^main\.labelled\.func1$';
--   SELECT text FROM pprof_peek_text
--   WHERE profile_id = 1 AND options = '-sample_index=alloc_space' AND symbol = 'Parse$'
--   ORDER BY line_no;
-- An edge is listed under a node when that node's name matches `symbol`
-- (pprof_match: the test pprof_graph.matched makes); joining pprof_graph
-- instead would rescan the whole graph for every edge.
-- Without a symbol constraint every node matches (a -tree without trimming).
-- Filters (-focus, -hide, ...) are pprof_prepare's: run the view on the
-- profile it returns, as for the other reports.
-- pprof also reports "no matches found for regexp: RE" as an error after
-- printing when nothing matches; these views just have no node rows then.
DROP VIEW IF EXISTS temp.pprof_peek;
CREATE TEMP VIEW pprof_peek(
  -- The profile (pprof_load's id).
  profile_id,
  -- pprof's report flags, e.g. '-lines -sample_index=1' ('' for the defaults).
  options,
  -- The regexp of -peek= that selects the nodes.
  symbol,
  -- The matched node's rank in pprof_graph (the report's order).
  rank,
  -- The matched node's printed name.
  node,
  -- 'caller' (an in-edge), 'self' (the node's own line) or 'callee' (an out-edge).
  relation,
  -- Position among the node's callers or callees as pprof prints them (0 for 'self').
  position,
  -- The caller's or callee's printed name; the node's own name for 'self'.
  name,
  -- 'self': the node's flat value, its share of the Total, and the running
  -- share over the matched nodes (sum%); NULL for edges.
  flat, flat_pct, sum_pct,
  -- 'self': the node's cum value and its share of the Total; NULL for edges.
  cum, cum_pct,
  -- Edges: the edge's weight, and as a share of the node's cum (calls%); NULL for 'self'.
  weight, calls_pct,
  -- Edges: 1 if every call along the edge was inlined; NULL for 'self'.
  is_inline,
  -- flat (for 'self') or weight (for edges) as the report prints it.
  value_text
) AS
SELECT e.profile_id, e.options, e.symbol, e.callee_rank, e.callee, 'caller', e.in_order, e.caller,
       NULL, NULL, NULL, NULL, NULL, e.weight, e.callee_pct, e.is_inline, e.weight_text
FROM pprof_graph_edges e
WHERE e.report = 'peek' AND pprof_match(e.symbol, e.callee)
UNION ALL
SELECT profile_id, options, symbol, rank, name, 'self', 0, name,
       flat, flat_pct, matched_sum_pct, cum, cum_pct, NULL, NULL, NULL, flat_text
FROM pprof_graph
WHERE report = 'peek' AND matched = 1
UNION ALL
SELECT e.profile_id, e.options, e.symbol, e.caller_rank, e.caller, 'callee', e.out_order, e.callee,
       NULL, NULL, NULL, NULL, NULL, e.weight, e.caller_pct, e.is_inline, e.weight_text
FROM pprof_graph_edges e
WHERE e.report = 'peek' AND pprof_match(e.symbol, e.caller);

-- line_no orders the lines but is sparse: the header lines are 0..n, the
-- table's separator and legend 1000000 and 1000001, node blocks start at
-- (rank + 1) * 4194304, and the closing separator is the largest integer.
DROP VIEW IF EXISTS temp.pprof_peek_text;
CREATE TEMP VIEW pprof_peek_text(
  -- The profile (pprof_load's id).
  profile_id,
  -- pprof's report flags ('' for the defaults).
  options,
  -- The regexp of -peek=.
  symbol,
  -- Order of the lines (sparse).
  line_no,
  -- One line of the report, as `go tool pprof -peek=RE` prints it.
  text
) AS
-- The header: File:, Type:, ..., Showing nodes accounting for ...
SELECT profile_id, options, symbol, line_no, text
FROM pprof_report_labels WHERE report = 'peek'
UNION ALL
SELECT profile_id, options, symbol, 1000000,
       '----------------------------------------------------------+-------------'
FROM pprof_report_labels WHERE report = 'peek' AND line_no = 0
UNION ALL
SELECT profile_id, options, symbol, 1000001,
       '      flat  flat%   sum%        cum   cum%   calls calls% + context ' || char(9) || ' ' || char(9) || ' '
FROM pprof_report_labels WHERE report = 'peek' AND line_no = 0
UNION ALL
-- Each matched node: a separator, its callers, itself, its callees.
SELECT profile_id, options, symbol, (rank + 1) * 4194304,
       '----------------------------------------------------------+-------------'
FROM pprof_graph WHERE report = 'peek' AND matched = 1
UNION ALL
SELECT e.profile_id, e.options, e.symbol, (e.callee_rank + 1) * 4194304 + 1 + e.in_order,
       printf('%*s', max(0, 50 - CASE WHEN instr(CAST(e.weight_text AS BLOB), x'00') THEN length(CAST(e.weight_text AS BLOB)) ELSE length(e.weight_text) END), '') || e.weight_text || ' ' || e.callee_pct || ' |   ' || e.caller ||
       CASE WHEN e.is_inline THEN ' (inline)' ELSE '' END
FROM pprof_graph_edges e
WHERE e.report = 'peek' AND pprof_match(e.symbol, e.callee)
UNION ALL
SELECT profile_id, options, symbol, (rank + 1) * 4194304 + 2097152,
       printf('%*s', max(0, 10 - CASE WHEN instr(CAST(flat_text AS BLOB), x'00') THEN length(CAST(flat_text AS BLOB)) ELSE length(flat_text) END), '') || flat_text || ' ' || flat_pct || ' ' || matched_sum_pct || ' ' ||
       printf('%*s', max(0, 10 - CASE WHEN instr(CAST(cum_text AS BLOB), x'00') THEN length(CAST(cum_text AS BLOB)) ELSE length(cum_text) END), '') || cum_text || ' ' || cum_pct || '                | ' || name
FROM pprof_graph WHERE report = 'peek' AND matched = 1
UNION ALL
SELECT e.profile_id, e.options, e.symbol, (e.caller_rank + 1) * 4194304 + 2097153 + e.out_order,
       printf('%*s', max(0, 50 - CASE WHEN instr(CAST(e.weight_text AS BLOB), x'00') THEN length(CAST(e.weight_text AS BLOB)) ELSE length(e.weight_text) END), '') || e.weight_text || ' ' || e.caller_pct || ' |   ' || e.callee ||
       CASE WHEN e.is_inline THEN ' (inline)' ELSE '' END
FROM pprof_graph_edges e
WHERE e.report = 'peek' AND pprof_match(e.symbol, e.caller)
UNION ALL
-- The closing separator, when the graph has nodes.
SELECT profile_id, options, symbol, 9223372036854775807,
       '----------------------------------------------------------+-------------'
FROM pprof_graph WHERE report = 'peek' AND rank = 0;
