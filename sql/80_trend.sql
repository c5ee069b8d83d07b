-- pprof_trend: one function (or any node) across many profiles, in time order.
--
-- For every loaded profile, each node of its untrimmed call graph (as -peek
-- builds it: _pprof_graph_nodes, sql/10_top.sql) with its flat and cum, and the profile's time: trend a function
-- over a fleet's hourly profiles or a CI's benchmark runs. Options pick the
-- sample type and granularity, as in pprof_top ('-sample_index=alloc_space',
-- '-lines', ...; '' for the defaults).
--
--   SELECT time, flat, cum FROM pprof_trend
--   WHERE name = 'goapp/mathx.(*Matrix).Mul' AND options = '' ORDER BY time_nanos;
DROP VIEW IF EXISTS temp.pprof_trend;
CREATE TEMP VIEW pprof_trend(
  -- The node's name (the function, at the default granularity).
  name,
  -- The profile, and when it was taken (ns since the epoch, and as UTC text).
  profile_id, time_nanos, time,
  -- pprof's report flags.
  options,
  -- The sample type reported.
  sample_type,
  -- The node's flat and cum in that profile, and the profile's total.
  flat, cum, total
) AS
SELECT n.name, p.profile_id, p.time_nanos,
       strftime('%Y-%m-%d %H:%M:%S', p.time_nanos / 1000000000, 'unixepoch'),
       n.options, CASE WHEN n.mean THEN 'mean_' ELSE '' END || n.sample_type, n.flat_v, n.cum_v, n.total
FROM pprof_profiles p
JOIN _pprof_graph_nodes n ON n.profile_id = p.profile_id AND n.report = 'peek';
