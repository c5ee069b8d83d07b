-- pprof_top and pprof_top_text: `go tool pprof -top` (also -text), in plain
-- SQL over the relational core (pprof_nodes, pprof_node_stacks) and the
-- option strings of pprof_options (sql/05_options.sql): the same views give
-- the same bytes with the extension and in a database written by
-- pprof_import, opened with no extension.
--
-- pprof_top has one row per node of the report, in pprof's order: flat is the
-- value of the samples whose leaf is the node, cum the value of the samples
-- that contain it (once per sample, even under recursion), sum% the running
-- share of flat. Inlined frames are nodes of their own, as in pprof;
-- '-noinlines' folds them into their callers. The granularity is an option
-- too: '-lines', '-files', '-addresses', '-filefunctions' (default:
-- functions). Trimming follows pprof (report.go newTrimmedGraph): nodes whose
-- |cum| is below -nodefraction (0.005) of the graph's flat sum are dropped,
-- -nodecount keeps the first N in the report's order (-flat, or -cum),
-- ties broken by name, the other value, then sort_key.
--
-- pprof_top_text has the exact lines `go tool pprof -top` prints, header
-- included, in line_no order.
--
-- Both take pprof's report flags through the `options` column:
--   SELECT name, flat, cum FROM pprof_top
--   WHERE profile_id = 1 AND options = '-cum -sample_index=alloc_space' LIMIT 10;
--   SELECT text FROM pprof_top_text WHERE profile_id = 1 AND options = '' ORDER BY line_no;
-- In an imported database, an option string must be in pprof_options first.
--
-- Every step below is a CTE that is NOT MATERIALIZED and whose windows are
-- partitioned by (profile_id, options): that way the query's constraints on
-- them reach pprof_options and the core tables (a materialized step, an
-- aggregate or a join on a computed value would compute every option string).

-- The report's shown nodes with their figures; an internal view. It is a view
-- rather than a CTE because pprof_top_graph reads it twice: SQLite 3.40 pushes
-- no constraint into a CTE used more than once, but into each use of a view.
DROP VIEW IF EXISTS temp._pprof_graph_nodes;
CREATE TEMP VIEW _pprof_graph_nodes AS
WITH
opts AS NOT MATERIALIZED (
  SELECT o.profile_id, o.options, o.report, o.sample_type, o.sample_unit, o.mean, o.granularity, o.inlines, o.cum_sort,
         o.nodecount, o.nodefraction, o.edgefraction, o.output_unit,
         CASE WHEN o.mean THEN t.mean_total ELSE t.total END AS total,
         (SELECT z.type FROM pprof_sample_types z WHERE z.profile_id = o.profile_id AND z.sample_index = 0) AS type0,
         -- (a dummy window keeps SQLite from flattening this step into the
         -- next: the total, summed over the samples, would be read per node)
         row_number() OVER (PARTITION BY o.profile_id, o.options, o.report) AS one
  FROM pprof_report_options o
  JOIN pprof_sample_types t ON t.profile_id = o.profile_id AND t.sample_index = o.sample_index
  WHERE o.report IN ('top', 'peek') AND o.error IS NULL
),
-- The untrimmed nodes; -mean divides by the same node's values of sample type 0.
nodes0 AS NOT MATERIALIZED (
  SELECT o.*, n.node_id, n.name, n.sort_key, n.flat, n.cum,
         -- (a correlated lookup: a LEFT JOIN here keeps the query's
         -- constraints from reaching pprof_options)
         CASE WHEN o.mean THEN (SELECT d.flat || ' ' || d.cum FROM pprof_nodes d
                                WHERE d.profile_id = o.profile_id AND d.granularity = o.granularity
                                  AND d.inlines = o.inlines AND d.sample_type = o.type0 AND d.node_id = n.node_id)
         END AS div
  FROM opts o
  JOIN pprof_nodes n ON n.profile_id = o.profile_id AND n.granularity = o.granularity
                    AND n.inlines = o.inlines AND n.sample_type = o.sample_type
),
nodes AS NOT MATERIALIZED (
  SELECT n.*,
         CASE WHEN CAST(div AS INTEGER) <> 0 THEN flat / CAST(div AS INTEGER) ELSE flat END AS flat_v,
         CASE WHEN CAST(substr(div, instr(div, ' ') + 1) AS INTEGER) <> 0
              THEN cum / CAST(substr(div, instr(div, ' ') + 1) AS INTEGER) ELSE cum END AS cum_v
  FROM nodes0 n
),
flat_total AS NOT MATERIALIZED (
  SELECT n.*, sum(flat) OVER (PARTITION BY profile_id, options, report) AS total_value FROM nodes n
),
cut AS NOT MATERIALIZED (
  SELECT n.*, abs(@go_int64(total_value * nodefraction)) AS node_cutoff,
         abs(@go_int64(total_value * edgefraction)) AS edge_cutoff
  FROM flat_total n
),
kept1 AS NOT MATERIALIZED (
  SELECT c.*, node_cutoff <= 0 OR abs(cum) >= node_cutoff AS kept FROM cut c
),
-- (one window partitioning per step: SQLite pushes a constraint into a step
-- only through the partitioning of its windows when they all agree)
counted AS NOT MATERIALIZED (
  SELECT k.*, sum(NOT kept) OVER w AS dropped_nodes, sum(kept) OVER w AS orig_count
  FROM kept1 k WINDOW w AS (PARTITION BY profile_id, options, report)
),
ordered AS NOT MATERIALIZED (
  SELECT k.*,
         row_number() OVER (PARTITION BY profile_id, options, report, kept
                            ORDER BY CASE WHEN cum_sort THEN abs(cum) ELSE abs(flat) END DESC, name,
                                     CASE WHEN cum_sort THEN abs(flat) ELSE abs(cum) END DESC, sort_key) - 1 AS rank
  FROM counted k
),
shown AS NOT MATERIALIZED (
  SELECT * FROM ordered WHERE kept AND (nodecount <= 0 OR rank < nodecount)
),
sums AS NOT MATERIALIZED (
  SELECT s.*,
         sum(flat_v) OVER (PARTITION BY profile_id, options, report ORDER BY rank ROWS UNBOUNDED PRECEDING) AS running,
         sum(flat_v) OVER w AS flat_sum,
         count(*) OVER w AS shown_count,
         -- selectOutputUnit's smallest value: |flat|, or |cum| when flat is 0.
         min(nullif(CASE WHEN flat_v <> 0 THEN abs(flat_v) ELSE abs(cum_v) END, 0)) OVER w AS min_value
  FROM shown s WINDOW w AS (PARTITION BY profile_id, options, report)
),
-- (The dummy window keeps this step a subquery of its own: flattened into
-- the steps that read out_unit, its large expression would be compiled
-- again at every reference.)
unit AS NOT MATERIALIZED (
  SELECT s.*, @select_output_unit_full(output_unit, 1, sample_unit, coalesce(min_value, 0), total, 1.0, 0) AS out_unit,
         row_number() OVER (PARTITION BY profile_id, options, report) AS unit_keep
  FROM sums s
)
SELECT * FROM unit;

-- The report's nodes with everything the text needs; an internal view.
DROP VIEW IF EXISTS temp.pprof_top_graph;
CREATE TEMP VIEW pprof_top_graph AS
WITH
-- -top's inline label comes from the edges into the node of the graph it
-- prints: pprof rebuilds them from the samples with only the shown nodes
-- (an edge may jump over dropped ones), then drops edges below the edge
-- cutoff. Per stack of pprof_node_stacks: each shown frame's caller is the
-- next shown frame towards the root; an edge counts once per stack, with
-- the flags of its occurrence nearest the root; no edge joins a node to itself.
-- (pprof_node_stacks is looked up by node_id: only the shown nodes' frames
-- are read. With -noinlines no frame is inlined, so no node has a label and
-- the walk is skipped: an import stores the stacks of inlines = 1 only.)
frames AS NOT MATERIALIZED (
  SELECT n.profile_id, n.options, n.edge_cutoff, f.stack_id, f.depth, f.node_id, f.is_inline, f.value
  FROM _pprof_graph_nodes n
  JOIN pprof_node_stacks f ON f.profile_id = n.profile_id AND f.granularity = n.granularity
                          AND f.inlines = n.inlines AND f.sample_type = n.sample_type AND f.node_id = n.node_id
  WHERE n.report = 'top' AND n.inlines
),
links AS NOT MATERIALIZED (
  SELECT profile_id, options, edge_cutoff, stack_id, depth, node_id AS callee, is_inline, value,
         lead(node_id) OVER (PARTITION BY profile_id, options, stack_id ORDER BY depth) AS caller
  FROM frames
),
firsts AS NOT MATERIALIZED (
  SELECT l.*, row_number() OVER (PARTITION BY profile_id, options, stack_id, caller, callee ORDER BY depth DESC) AS nth
  FROM links l WHERE caller IS NOT NULL AND caller <> callee
),
edges AS NOT MATERIALIZED (
  SELECT profile_id, options, caller, callee, edge_cutoff,
         sum(value) OVER (PARTITION BY profile_id, options, caller, callee) AS weight,
         min(is_inline) OVER (PARTITION BY profile_id, options, caller, callee) AS all_inline,
         row_number() OVER (PARTITION BY profile_id, options, caller, callee) AS one
  FROM firsts WHERE nth = 1
),
labels AS NOT MATERIALIZED (
  SELECT profile_id, options, callee,
         max(all_inline) OVER w AS some_inline, min(all_inline) OVER w AS only_inline,
         row_number() OVER w AS one
  FROM edges WHERE one = 1 AND abs(weight) >= edge_cutoff
  WINDOW w AS (PARTITION BY profile_id, options, callee)
),
text1 AS NOT MATERIALIZED (
  SELECT u.*, @scaled_label(flat_v, sample_unit, out_unit) AS flat_text FROM _pprof_graph_nodes u
  WHERE report = 'top'
),
text2 AS NOT MATERIALIZED (
  SELECT t.*, @scaled_label(cum_v, sample_unit, out_unit) AS cum_text FROM text1 t
),
text3 AS NOT MATERIALIZED (
  SELECT t.*, @percentage(flat_v, total) AS flat_pct FROM text2 t
),
text4 AS NOT MATERIALIZED (
  SELECT t.*, @percentage(running, total) AS sum_pct FROM text3 t
),
text5 AS NOT MATERIALIZED (
  SELECT t.*, @percentage(cum_v, total) AS cum_pct FROM text4 t
),
-- The shown nodes with their labels: the label rows are appended to the
-- node rows and a window hands each node its label (a LEFT JOIN would keep
-- the query's constraint on options from reaching the label rows' step).
tagged AS NOT MATERIALIZED (
  SELECT profile_id, options, node_id, NULL AS label, rank, name, flat_v, flat_text, flat_pct, sum_pct,
         cum_v, cum_text, cum_pct, mean, sample_type, sample_unit, out_unit, total, flat_sum, dropped_nodes,
         orig_count, shown_count, nodefraction
  FROM text5
  UNION ALL
  SELECT profile_id, options, callee, CASE WHEN only_inline THEN '(inline)' ELSE '(partial-inline)' END,
         NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
         NULL, NULL, NULL
  FROM labels WHERE one = 1 AND some_inline
),
picked AS NOT MATERIALIZED (
  SELECT t.*, coalesce(max(label) OVER (PARTITION BY profile_id, options, node_id), '') AS inline_label
  FROM tagged t
)
SELECT * FROM picked WHERE rank IS NOT NULL;

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
  -- The report's sample type, e.g. inuse_space (mean_... with -mean).
  sample_type
) AS
SELECT profile_id, options, rank, name, flat_v, flat_text, flat_pct, sum_pct, cum_v, cum_text, cum_pct,
       inline_label, CASE WHEN mean THEN 'mean_' ELSE '' END || sample_type
FROM pprof_top_graph;

-- The report's figures, one row per profile and option string; an internal
-- view. A view rather than a CTE: pprof_top_text reads it in several arms, and
-- SQLite 3.40 pushes the query's constraints into a windowed CTE only when it
-- is read once (each read of a view gets them).
DROP VIEW IF EXISTS temp._pprof_graph_stats;
CREATE TEMP VIEW _pprof_graph_stats AS
-- The report's figures, from its first node (every node carries them; the
-- nodes without their labels: the label walk costs most).
-- (A report with no node, e.g. after -ignore, still prints its figures: the
-- row of every option string with zeros, used when no node comes first.)
WITH
stats0 AS NOT MATERIALIZED (
  SELECT profile_id, options, report, granularity, 0 AS fallback, sample_unit, out_unit, total, flat_sum, dropped_nodes, orig_count,
         shown_count, nodefraction
  FROM _pprof_graph_nodes WHERE rank = 0
  UNION ALL
  SELECT o.profile_id, o.options, o.report, o.granularity, 1, o.sample_unit, o.output_unit, CASE WHEN o.mean THEN t.mean_total ELSE t.total END,
         0, 0, 0, 0, o.nodefraction
  FROM pprof_report_options o
  JOIN pprof_sample_types t ON t.profile_id = o.profile_id AND t.sample_index = o.sample_index
  WHERE o.report IN ('top', 'peek') AND o.error IS NULL
),
stats1 AS NOT MATERIALIZED (
  SELECT s.*, row_number() OVER (PARTITION BY profile_id, options, report ORDER BY fallback) AS pick FROM stats0 s
)
SELECT profile_id, options, report, granularity, sample_unit,
       CASE WHEN fallback THEN @select_output_unit_full(out_unit, 1, sample_unit, 0, total, 1.0, 0) ELSE out_unit END
         AS out_unit,
       total, flat_sum, dropped_nodes, orig_count, shown_count, nodefraction
FROM stats1 WHERE pick = 1;

-- The lines above a graph report's table (-top, -peek; report.go
-- reportLabels): the profile's header with its Duration: line in the
-- report's unit, the Active filters:, and Showing nodes accounting for ...,
-- Dropped ... and Showing top ..., then -top's legend; an internal view,
-- per report.
DROP VIEW IF EXISTS temp._pprof_graph_header;
CREATE TEMP VIEW _pprof_graph_header(profile_id, options, report, granularity, line_no, text) AS
WITH
-- pprof_prepare's filters, listed as pprof lists them (cut at 80 bytes).
filters AS NOT MATERIALIZED (
  SELECT o.profile_id, o.options, o.report, o.granularity, f.key, f.value AS filter
  FROM pprof_report_options o JOIN pprof_profiles p ON p.profile_id = o.profile_id, json_each(p.active_filters) f
  WHERE o.report IN ('top', 'peek') AND o.error IS NULL
),
stat1 AS NOT MATERIALIZED (
  SELECT s.*, @scaled_label(flat_sum, sample_unit, out_unit) AS flat_sum_text FROM _pprof_graph_stats s
),
stat2 AS NOT MATERIALIZED (
  SELECT s.*, @scaled_label(total, sample_unit, out_unit) AS total_text FROM stat1 s
),
stat3 AS NOT MATERIALIZED (
  SELECT s.*, ltrim(@percentage(flat_sum, total)) AS flat_sum_pct FROM stat2 s
),
stat4 AS NOT MATERIALIZED (
  SELECT s.*, @scaled_label(abs(@go_int64(total * nodefraction)), sample_unit, out_unit) AS cutoff_text FROM stat3 s
)
-- The profile's header; its Duration: line in the report's unit.
SELECT h.profile_id, h.options, h.report, s.granularity, h.line_no,
       CASE WHEN h.total IS NULL THEN h.text
            ELSE 'Duration: ' || h.duration_label || ', Total samples = ' || s.total_text || ' ' || h.duration_ratio END
FROM pprof_report_header h
JOIN stat4 s ON s.profile_id = h.profile_id AND s.options = h.options AND s.report = h.report
UNION ALL
SELECT profile_id, options, report, granularity, 999903, 'Active filters:' FROM filters WHERE key = 0
UNION ALL
SELECT profile_id, options, report, granularity, 999904 + key,
       '   ' || CASE WHEN length(CAST(filter AS BLOB)) > 80 THEN CAST(substr(CAST(filter AS BLOB), 1, 80) AS TEXT) || char(8230)
                     ELSE filter END
FROM filters
UNION ALL
-- The lines below the header, from one read of the figures (each read
-- computes the report's nodes again).
SELECT s.profile_id, s.options, s.report, s.granularity, k.line_no,
       CASE k.line_no
         WHEN 999950 THEN 'Showing nodes accounting for ' || flat_sum_text || ', ' || flat_sum_pct || ' of '
                          || total_text || ' total'
         WHEN 999951 THEN 'Dropped ' || dropped_nodes || ' node' || CASE WHEN dropped_nodes > 1 THEN 's' ELSE '' END
                          || ' (cum <= ' || cutoff_text || ')'
         WHEN 999952 THEN 'Showing top ' || shown_count || ' nodes out of ' || orig_count
         ELSE '      flat  flat%   sum%        cum   cum%'
       END
FROM stat4 s
JOIN (SELECT 999950 AS line_no UNION ALL SELECT 999951 UNION ALL SELECT 999952 UNION ALL SELECT 1000000) k
WHERE (k.line_no <> 999951 OR (total <> 0 AND dropped_nodes > 0))
  AND (k.line_no <> 999952 OR (total <> 0 AND shown_count < orig_count))
  -- -top's legend (-peek's follows its separator: sql/20_peek.sql).
  AND (k.line_no <> 1000000 OR s.report = 'top');

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
SELECT profile_id, options, line_no, text FROM _pprof_graph_header WHERE report = 'top'
UNION ALL
SELECT profile_id, options, 1000001 + rank,
       -- Built with || rather than printf's %s, which stops at a NUL byte: names
       -- and units are profile strings of any bytes, printed whole as pprof does.
       -- Widths count characters, as Go's %10s counts runes (bytes after a NUL).
       printf('%*s', max(0, 10 - CASE WHEN instr(CAST(flat_text AS BLOB), x'00') THEN length(CAST(flat_text AS BLOB)) ELSE length(flat_text) END), '') || flat_text || ' ' || flat_pct || ' ' || sum_pct || ' ' ||
       printf('%*s', max(0, 10 - CASE WHEN instr(CAST(cum_text AS BLOB), x'00') THEN length(CAST(cum_text AS BLOB)) ELSE length(cum_text) END), '') || cum_text || ' ' || cum_pct || '  ' || name ||
       CASE WHEN inline_label = '' THEN '' ELSE ' ' || inline_label END
FROM pprof_top_graph;
