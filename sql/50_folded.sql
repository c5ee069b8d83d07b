-- pprof_folded: folded stacks, the input of flamegraph.pl, inferno and
-- speedscope ("root;caller;leaf 1234" per line). pprof itself has no such
-- report.
--
-- One row per distinct stack: the frames from the root to the leaf joined by
-- ';', named as -traces names them (at the default granularity the function,
-- else "[binary]", else "<unknown>"; "function file:line" with -lines),
-- inlined frames included as frames of their own (not with -noinlines); and
-- the summed value of the samples with that stack for the selected sample
-- type. Samples with an empty stack, and stacks whose values sum to
-- 0, are left out. Frame names are not escaped: a ';' inside a name reads as
-- a frame boundary to those tools.
--
-- Options: -sample_index (and the legacy flags such as -alloc_space), the
-- granularity (-lines, -files, ...) and -noinlines; other report flags are
-- accepted but not applied (values are plain sums: -mean does not divide).
-- pprof_prepare gives the profile pprof would report on (merged, drop_frames
-- applied, filtered).
--
-- Example, a file flamegraph.pl reads:
--   SELECT stack || ' ' || value FROM pprof_folded
--   WHERE profile_id = 1 AND options = '-sample_index=alloc_space' ORDER BY stack;
DROP VIEW IF EXISTS temp.pprof_folded;
CREATE TEMP VIEW pprof_folded(
  -- The profile (pprof_load's id).
  profile_id,
  -- pprof's report flags, e.g. '-sample_index=alloc_space' ('' for the defaults).
  options,
  -- The frames from the root to the leaf, joined by ';'.
  stack,
  -- Sum of the selected value over the samples with this stack.
  value
) AS
SELECT profile_id, options, stack, value
FROM (
  -- A window, not GROUP BY: SQLite pushes constraints on PARTITION BY
  -- columns into it, down to pprof_report_labels, and _pprof_selection_once
  -- is then computed once rather than once per frame.
  SELECT profile_id, options, stack,
         sum(value) OVER w AS value,
         row_number() OVER w AS n
  FROM (
    SELECT r.profile_id, r.options, s.value,
           (SELECT pprof_concat_ordered(
                     -- As pprof_traces names frames (sql/30_traces.sql).
                     pprof_node_name(r.granularity,
                                     CASE WHEN r.granularity = 'addresses' THEN f.address ELSE 0 END, f.function_name,
                                     CASE WHEN r.granularity <> 'functions' THEN f.filename END,
                                     CASE WHEN r.granularity IN ('lines', 'addresses') THEN f.line ELSE 0 END,
                                     CASE WHEN coalesce(f.function_name, '') = '' OR r.granularity = 'files' THEN
                                       (SELECT m.filename FROM pprof_mappings m
                                        WHERE m.profile_id = f.profile_id AND m.mapping_id = f.mapping_id) END),
                     -f.depth, ';')
            FROM pprof_frames f
            WHERE f.profile_id = s.profile_id AND f.sample_id = s.sample_id
              AND NOT (r.noinlines AND f.is_inline)) AS stack
    FROM _pprof_selection_once r
    JOIN pprof_samples s ON s.profile_id = r.profile_id AND s.sample_index = r.sample_index
    WHERE r.report = 'traces' AND s.stack_depth > 0
  )
  WINDOW w AS (PARTITION BY profile_id, options, stack)
)
WHERE n = 1 AND value <> 0;
