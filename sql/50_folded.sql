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
-- applied, filtered). Plain SQL (over pprof_traces' frames), so it also reads
-- a database made by pprof_import with no extension.
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
WITH
-- Each sample's frames, named as pprof_traces names them
-- (sql/30_traces.sql), from the root to the leaf joined by ';', on each of
-- its rows (ordered windows: SQLite's group_concat has no ORDER BY).
stacks AS NOT MATERIALIZED (
  SELECT profile_id, options, sample_id, raw_value, depth,
         group_concat(name, ';') OVER (PARTITION BY profile_id, options, sample_id ORDER BY depth DESC
                                       ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS stack
  FROM _pprof_trace_frames
),
-- The sum per stack: a window, not GROUP BY, so that the users' constraints
-- on profile_id and options reach pprof_options; one row per stack is kept.
summed AS NOT MATERIALIZED (
  SELECT profile_id, options, stack, sum(raw_value) OVER s AS value, row_number() OVER s AS n
  FROM stacks WHERE depth = 0
  WINDOW s AS (PARTITION BY profile_id, options, stack)
)
SELECT profile_id, options, stack, value FROM summed WHERE n = 1 AND value <> 0;
