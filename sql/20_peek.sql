-- pprof_peek and pprof_peek_text: `go tool pprof -peek=RE` (report.go: printTree).
--
-- -peek shows, for every node of the whole (untrimmed) call graph whose
-- printed name matches the regexp RE (unanchored, Go RE2 syntax), its callers
-- (in-edges), the node itself and its callees (out-edges). Edges are ordered
-- as pprof orders them: by |weight| descending, then caller name, then callee
-- name. calls% is the edge weight as a share of the node's cum (not of the
-- Total); sum% is the running share of flat over the matched nodes only. An
-- edge is marked (inline) when every call along it was inlined. With -mean
-- the nodes' values are means but the edges print their raw weight, as
-- printTree does.
--
-- Plain SQL over the relational core: the report's nodes (_pprof_graph_nodes,
-- sql/10_top.sql, with report = 'peek': -peek never trims), the untrimmed
-- edges (pprof_node_edges) and the names the regexp selects
-- (pprof_symbol_matches with the report's granularity: with the extension
-- computed from the regexp; in an imported database the names you insert
-- under `symbol`, docs/SCHEMA.md "Reports in a plain database").
--
-- pprof_peek has the numbers: one row per matched node ('self') and per edge
-- around it ('caller', 'callee'). pprof_peek_text has the exact lines
-- `go tool pprof -peek=RE` prints, in line_no order. Both take pprof's report
-- flags through `options` and the regexp through `symbol` (the text after
-- -peek=, without shell quoting):
--   SELECT relation, name, weight, calls_pct FROM pprof_peek
--   WHERE profile_id = 1 AND options = '' AND symbol = '^main\.labelled\.func1$';
--   SELECT text FROM pprof_peek_text
--   WHERE profile_id = 1 AND options = '-sample_index=alloc_space' AND symbol = 'Parse$'
--   ORDER BY line_no;
-- Filters (-focus, -hide, ...) are pprof_prepare's: run the view on the
-- profile it returns, as for the other reports.
-- pprof also reports "no matches found for regexp: RE" as an error after
-- printing when nothing matches; these views just have no node rows then.

-- The matched nodes with their figures; an internal view (read by both
-- views below, and twice by pprof_peek: as a view, each read gets the
-- query's constraints).
DROP VIEW IF EXISTS temp._pprof_peek_nodes;
CREATE TEMP VIEW _pprof_peek_nodes AS
WITH
matched AS NOT MATERIALIZED (
  SELECT n.profile_id, n.options, m.symbol, n.granularity, n.inlines, n.sample_type, n.node_id, n.rank, n.name,
         n.flat_v, n.cum_v, n.total, n.sample_unit, n.out_unit
  FROM _pprof_graph_nodes n
  JOIN pprof_symbol_matches m ON m.profile_id = n.profile_id AND m.granularity = n.granularity AND m.function = n.name
  WHERE n.report = 'peek'
),
summed AS NOT MATERIALIZED (
  SELECT m.*, sum(flat_v) OVER w AS running, row_number() OVER w AS nth
  FROM matched m
  WINDOW w AS (PARTITION BY profile_id, options, symbol ORDER BY rank ROWS UNBOUNDED PRECEDING)
),
text1 AS NOT MATERIALIZED (
  SELECT s.*, @scaled_label(flat_v, sample_unit, out_unit) AS flat_text FROM summed s
),
text2 AS NOT MATERIALIZED (
  SELECT t.*, @scaled_label(cum_v, sample_unit, out_unit) AS cum_text FROM text1 t
),
text3 AS NOT MATERIALIZED (
  SELECT t.*, @percentage(flat_v, total) AS flat_pct FROM text2 t
),
text4 AS NOT MATERIALIZED (
  SELECT t.*, @percentage(running, total) AS sum_pct FROM text3 t
)
SELECT t.*, @percentage(cum_v, total) AS cum_pct,
       -- (keeps the step a subquery: the text views read the formatted
       -- values several times each, which would compile their formatting again)
       row_number() OVER (PARTITION BY profile_id, options, symbol) AS peek_keep
FROM text4 t;

-- The edges around the matched nodes, in pprof's order; an internal view.
DROP VIEW IF EXISTS temp._pprof_peek_edges;
CREATE TEMP VIEW _pprof_peek_edges AS
WITH
-- The edges into the node (its callers) and out of it (its callees), from one
-- read of the matched nodes.
around AS NOT MATERIALIZED (
  SELECT m.profile_id, m.options, m.symbol, m.rank, m.name AS node,
         CASE WHEN e.callee_id = m.node_id THEN 'caller' ELSE 'callee' END AS relation, m.cum_v,
         m.sample_unit, m.out_unit, e.weight, e.is_inline, e.caller_id, e.callee_id,
         m.granularity, m.inlines, m.sample_type
  FROM _pprof_peek_nodes m
  JOIN pprof_node_edges e ON e.profile_id = m.profile_id AND e.granularity = m.granularity AND e.inlines = m.inlines
                         AND e.sample_type = m.sample_type AND (e.callee_id = m.node_id OR e.caller_id = m.node_id)
),
named AS NOT MATERIALIZED (
  SELECT a.*,
         (SELECT n.name FROM pprof_nodes n
          WHERE n.profile_id = a.profile_id AND n.granularity = a.granularity AND n.inlines = a.inlines
            AND n.sample_type = a.sample_type AND n.node_id = a.caller_id) AS caller_name,
         (SELECT n.name FROM pprof_nodes n
          WHERE n.profile_id = a.profile_id AND n.granularity = a.granularity AND n.inlines = a.inlines
            AND n.sample_type = a.sample_type AND n.node_id = a.callee_id) AS callee_name
  FROM around a
),
-- report.go's edgeList order: |weight| descending, then the caller's name,
-- then the callee's.
ordered AS NOT MATERIALIZED (
  SELECT e.*,
         row_number() OVER (PARTITION BY profile_id, options, symbol, rank, relation
                            ORDER BY abs(weight) DESC, caller_name, callee_name) - 1 AS position
  FROM named e
)
SELECT o.*, CASE relation WHEN 'caller' THEN caller_name ELSE callee_name END AS name,
       @scaled_label(weight, sample_unit, out_unit) AS weight_text
FROM ordered o;

DROP VIEW IF EXISTS temp.pprof_peek;
CREATE TEMP VIEW pprof_peek(
  -- The profile (pprof_load's id).
  profile_id,
  -- pprof's report flags, e.g. '-lines -sample_index=1' ('' for the defaults).
  options,
  -- The regexp of -peek= that selects the nodes.
  symbol,
  -- The matched node's rank in the report (pprof's order of the graph's nodes).
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
SELECT profile_id, options, symbol, rank, name, 'self', 0, name, flat_v, flat_pct, sum_pct, cum_v, cum_pct,
       NULL, NULL, NULL, flat_text
FROM _pprof_peek_nodes
UNION ALL
SELECT profile_id, options, symbol, rank, node, relation, position, name, NULL, NULL, NULL, NULL, NULL,
       weight, @percentage(weight, cum_v), is_inline, weight_text
FROM _pprof_peek_edges;

-- line_no orders the lines but is sparse: the header lines are below
-- 1000000, the table's separator and legend 1000000 and 1000001, node blocks
-- start at (rank + 1) * 4194304, and the closing separator is the largest
-- integer.
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
-- The header (File:, Type:, ..., Showing nodes accounting for ...), the
-- separator and the legend, once per symbol that selects a node (from its
-- first node: a view learns the symbol only from the names it selects).
-- pprof prints them when nothing matches too.
SELECT h.profile_id, h.options, m.symbol, h.line_no, h.text
FROM _pprof_graph_header h
JOIN _pprof_peek_nodes m ON m.profile_id = h.profile_id AND m.options = h.options AND m.nth = 1
WHERE h.report = 'peek'
UNION ALL
-- From one read of the matched nodes: each one's separator and own line,
-- and with the first, the table's separator and legend and the closing
-- separator.
SELECT m.profile_id, m.options, m.symbol,
       CASE k.line WHEN 0 THEN (m.rank + 1) * 4194304 WHEN 1 THEN (m.rank + 1) * 4194304 + 2097152
                   WHEN 2 THEN 1000000 WHEN 3 THEN 1000001 ELSE 9223372036854775807 END,
       CASE k.line
         WHEN 1 THEN
       printf('%*s', max(0, 10 - CASE WHEN instr(CAST(flat_text AS BLOB), x'00') THEN length(CAST(flat_text AS BLOB)) ELSE length(flat_text) END), '') || flat_text || ' ' || flat_pct || ' ' || sum_pct || ' ' ||
       printf('%*s', max(0, 10 - CASE WHEN instr(CAST(cum_text AS BLOB), x'00') THEN length(CAST(cum_text AS BLOB)) ELSE length(cum_text) END), '') || cum_text || ' ' || cum_pct || '                | ' || name
         WHEN 3 THEN '      flat  flat%   sum%        cum   cum%   calls calls% + context ' || char(9) || ' ' || char(9) || ' '
         ELSE '----------------------------------------------------------+-------------'
       END
FROM _pprof_peek_nodes m
JOIN (SELECT 0 AS line UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4) k
WHERE k.line < 2 OR m.nth = 1
UNION ALL
SELECT profile_id, options, symbol,
       (rank + 1) * 4194304 + CASE relation WHEN 'caller' THEN 1 ELSE 2097153 END + position,
       printf('%*s', max(0, 50 - CASE WHEN instr(CAST(weight_text AS BLOB), x'00') THEN length(CAST(weight_text AS BLOB)) ELSE length(weight_text) END), '') || weight_text || ' ' || @percentage(weight, cum_v) || ' |   ' || name ||
       CASE WHEN is_inline THEN ' (inline)' ELSE '' END
FROM _pprof_peek_edges;
