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
SELECT r.profile_id, r.options,
       (SELECT pprof_concat_ordered(
                 -- As pprof_traces names frames (sql/30_traces.sql).
                 coalesce(pprof_node_name(r.options, f.address, f.function_name, f.filename, f.line, NULL),
                          pprof_node_name(r.options, f.address, f.function_name, f.filename, f.line,
                                          coalesce((SELECT m.filename FROM pprof_mappings m
                                                    WHERE m.profile_id = f.profile_id
                                                      AND m.mapping_id = f.mapping_id), ''))),
                 -f.depth, ';')
        FROM pprof_frames f
        WHERE f.profile_id = s.profile_id AND f.sample_id = s.sample_id
          AND NOT (f.is_inline AND r.noinlines)) AS stack,
       sum(s.value)
-- _pprof_selection, not _pprof_selection_once: SQLite moves the users'
-- constraints into this aggregate's WHERE too late to push them into a
-- materialized subquery.
FROM _pprof_selection r
JOIN pprof_samples s ON s.profile_id = r.profile_id AND s.sample_index = r.sample_index
WHERE r.report = 'traces' AND s.stack_depth > 0
GROUP BY r.profile_id, r.options, 3
HAVING sum(s.value) <> 0;
