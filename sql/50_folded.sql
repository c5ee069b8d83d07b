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
-- applied, filtered). Plain SQL (the frames named by _pprof_frame_names of
-- sql/30_traces.sql), so it also reads a database made by pprof_import with
-- no extension.
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
-- The selected value of each sample with a stack.
vals AS NOT MATERIALIZED (
  SELECT o.profile_id, o.options, s.sample_id, s.value, o.granularity, 1 - o.inlines AS noinlines
  FROM pprof_report_options o
  JOIN pprof_samples s ON s.profile_id = o.profile_id AND s.sample_index = o.sample_index
  WHERE o.report = 'traces' AND o.error IS NULL AND s.stack_depth > 0
),
-- Each frame, named as pprof_traces names it (sql/30_traces.sql), from the
-- root to the leaf: deepest location first, within a location its last line
-- (the caller) first. SQLite's group_concat has no ORDER BY, so ordered
-- windows join the names, growing row by row; in two steps, as a row's
-- window value is a copy of all the names before it: first chunks of 8
-- locations (the row of a chunk's leafmost frame holds the chunk), then the
-- chunks (the row of the leaf holds the stack).
chunks AS NOT MATERIALIZED (
  SELECT v.profile_id, v.options, v.sample_id, v.value, st.depth,
         group_concat(f.name, ';') OVER (c ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS chunk,
         row_number() OVER c = count(*) OVER (c ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS is_last
  FROM vals v
  CROSS JOIN pprof_stacks st ON st.profile_id = v.profile_id AND st.sample_id = v.sample_id
  CROSS JOIN _pprof_frame_names f
    ON f.profile_id = st.profile_id AND f.location_id = st.location_id AND f.granularity = v.granularity
  WHERE NOT v.noinlines OR f.is_last
  WINDOW c AS (PARTITION BY v.profile_id, v.options, v.sample_id, st.depth / 8
               ORDER BY st.depth DESC, f.line_index DESC)
),
stacks AS NOT MATERIALIZED (
  SELECT profile_id, options, sample_id, value, depth,
         group_concat(chunk, ';')
           OVER (PARTITION BY profile_id, options, sample_id ORDER BY depth DESC
                 ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS stack
  FROM chunks WHERE is_last
),
-- The sum per stack: a window, not GROUP BY, so that the users' constraints
-- on profile_id and options reach pprof_options; one row per stack is kept.
summed AS NOT MATERIALIZED (
  SELECT profile_id, options, stack, sum(value) OVER s AS value, row_number() OVER s AS n
  FROM stacks WHERE depth = 0
  WINDOW s AS (PARTITION BY profile_id, options, stack)
)
SELECT profile_id, options, stack, value FROM summed WHERE n = 1 AND value <> 0;
