-- pprof_report_options: pprof's report flags, parsed in SQL, per profile,
-- option string and report.
--
-- A view takes no parameters, so the report views join the relation
-- pprof_options(profile_id, options) and report on each option string it
-- holds for the profile. With the extension pprof_options is a table whose
-- `options` holds exactly what the query constrains it to ('' when
-- unconstrained: pprof's defaults), so
--   SELECT text FROM pprof_top_text WHERE profile_id = 1 AND options = '-cum -nodecount=5'
-- just works (the extension also checks the string: a bad flag is an SQL
-- error). In a database written by pprof_import, pprof_options is a real
-- table, pre-filled with the defaults and the common strings; to ask for any
-- other, insert it first:
--   INSERT INTO pprof_options(profile_id, options) VALUES (1, '-nodecount=7');
--
-- Flags are words separated by spaces (a word may be wrapped in double
-- quotes, as pprof-sql passes them); the last of conflicting flags wins, as
-- on pprof's command line. The views understand: -cum -flat -functions
-- -filefunctions -files -lines -addresses -noinlines -nodecount=N
-- -nodefraction=F -edgefraction=F -trim=false -sample_index=NAME|N (and the
-- legacy -inuse_space, -alloc_objects, -total_delay, -mean_delay, ...)
-- -unit=U -mean -divide_by=F. Filters (-focus, -hide, -tagfocus, ...) and
-- -base/-diff_base make another profile: pprof_prepare's, with the extension.
--
-- Each report applies its own defaults on top (report/options.cc,
-- ApplyOverrides): -top keeps every node unless -nodecount is given and
-- trims below -nodefraction (0.005 of the total); -peek, -list and -raw
-- never trim; -list reports lines, -raw addresses with inlines.
--
-- Writing a view over pprof_options: SQLite 3.40 must be able to push the
-- query's `profile_id` and `options` constraints down to pprof_options through
-- every step, or the view silently reports on the default '' (or on nothing).
-- Found by testing: make every CTE NOT MATERIALIZED; use windows
-- (PARTITION BY profile_id, options) instead of GROUP BY, one partitioning per
-- step; no LEFT JOIN between steps; no recursive CTE; correlated subqueries
-- on the base tables are fine; a dummy row_number() OVER (PARTITION BY
-- profile_id, options) keeps SQLite from flattening a step without losing the
-- constraint. Test every view with a non-default option string.
--
-- `error` says what pprof would refuse (a flag it does not know, a sample
-- type the profile lacks, a profile without sample types), else NULL; the
-- report views have no rows for such an option string.
DROP VIEW IF EXISTS temp.pprof_report_options;
CREATE TEMP VIEW pprof_report_options(
  -- The profile (pprof_load's id).
  profile_id,
  -- The option string, as given.
  options,
  -- Which report's defaults apply: top, peek, list, traces, tags, raw, tree.
  report,
  -- Why pprof would refuse this, or NULL.
  error,
  -- The sample type reported on: its position, name and unit.
  sample_index, sample_type, sample_unit,
  -- 1 with -mean: values divided by those of sample type 0.
  mean,
  -- functions, filefunctions, files, lines or addresses.
  granularity,
  -- 1: inlined calls are nodes of their own; 0: -noinlines.
  inlines,
  -- 1 with -cum: nodes ordered by cum first.
  cum_sort,
  -- The trimming the report applies: keep at most nodecount nodes (0: all),
  -- drop nodes whose |cum| is at most nodefraction of the total and edges
  -- below edgefraction of it.
  nodecount, nodefraction, edgefraction,
  -- -unit: the unit values are printed in ('minimum': pprof's choice).
  output_unit,
  -- -divide_by: printed values are divided by this (1.0 by default; -traces
  -- and the header's Total apply it as pprof's ratio, 1 / divide_by).
  divide_by
) AS
WITH
-- The words of each option string as a JSON array (json_each splits it
-- without a recursive CTE, which would keep the query's constraints on
-- profile_id and options from reaching pprof_options).
words AS NOT MATERIALIZED (
  SELECT profile_id, options,
         '["' || replace(replace(replace(replace(replace(replace(options, '\', '\\'), '"', '\"'),
                                                 char(9), ' '), char(10), ' '), char(13), ' '), ' ', '","') || '"]'
           AS words
  FROM pprof_options
),
-- Each flag as [name, value] (value null for a bare -flag), in order;
-- '--name' is '-name'; a word in double quotes loses them.
flags AS NOT MATERIALIZED (
  SELECT profile_id, options,
         (SELECT json_group_array(json_array(
                   CASE WHEN i THEN substr(b, 1, i - 1) ELSE b END,
                   CASE WHEN i THEN substr(b, i + 1) END))
          FROM (SELECT key, b, instr(b, '=') AS i
                FROM (SELECT key, CASE WHEN w LIKE '--%' THEN substr(w, 3)
                                       WHEN w LIKE '-%' THEN substr(w, 2)
                                       ELSE '?' || w END AS b
                      FROM (SELECT key,
                                   CASE WHEN length(value) >= 2 AND value LIKE '"%"'
                                        THEN replace(replace(substr(value, 2, length(value) - 2), '\"', '"'), '\\', '\')
                                        ELSE value END AS w
                            FROM json_each(words) WHERE value <> ''))
                ORDER BY key)) AS flags,
         -- A window partitioned by the keys keeps SQLite from copying this
         -- step into its uses (flattening) while still pushing the query's
         -- constraints on profile_id and options through it.
         row_number() OVER (PARTITION BY profile_id, options) AS pf_keep
  FROM words
),
parsed AS NOT MATERIALIZED (
  SELECT profile_id, options,
    (SELECT CASE value ->> 0 WHEN 'sample_index' THEN value ->> 1
                             WHEN 'total_delay' THEN 'delay' WHEN 'mean_delay' THEN 'delay'
                             ELSE value ->> 0 END
     FROM json_each(flags)
     WHERE value ->> 0 = 'sample_index'
        OR (value ->> 0 IN ('inuse_space', 'inuse_objects', 'alloc_space', 'alloc_objects', 'total_delay',
                            'contentions', 'mean_delay') AND value ->> 1 IS NULL)
     ORDER BY key DESC LIMIT 1) AS sample_index,
    coalesce((SELECT value ->> 0 = 'mean_delay' OR value ->> 1 IS NULL
                     OR value ->> 1 IN ('true', '1', 't', 'T', 'TRUE', 'True')
              FROM json_each(flags)
              WHERE value ->> 0 = 'mean' OR (value ->> 0 = 'mean_delay' AND value ->> 1 IS NULL)
              ORDER BY key DESC LIMIT 1), 0) AS mean,
    coalesce((SELECT value ->> 0 FROM json_each(flags)
              WHERE value ->> 0 IN ('functions', 'filefunctions', 'files', 'lines', 'addresses')
                AND (value ->> 1 IS NULL OR value ->> 1 IN ('true', '1', 't', 'T', 'TRUE', 'True'))
              ORDER BY key DESC LIMIT 1), 'functions') AS granularity,
    coalesce((SELECT value ->> 1 IS NULL OR value ->> 1 IN ('true', '1', 't', 'T', 'TRUE', 'True')
              FROM json_each(flags) WHERE value ->> 0 = 'noinlines'
              ORDER BY key DESC LIMIT 1), 0) AS noinlines,
    coalesce((SELECT value ->> 0 = 'cum' FROM json_each(flags)
              WHERE value ->> 0 IN ('cum', 'flat')
                AND (value ->> 1 IS NULL OR value ->> 1 IN ('true', '1', 't', 'T', 'TRUE', 'True'))
              ORDER BY key DESC LIMIT 1), 0) AS cum_sort,
    coalesce((SELECT value ->> 1 IS NULL OR value ->> 1 IN ('true', '1', 't', 'T', 'TRUE', 'True')
              FROM json_each(flags) WHERE value ->> 0 = 'trim'
              ORDER BY key DESC LIMIT 1), 1) AS trim,
    (SELECT CAST(value ->> 1 AS INTEGER) FROM json_each(flags) WHERE value ->> 0 = 'nodecount'
     ORDER BY key DESC LIMIT 1) AS nodecount,
    (SELECT CAST(value ->> 1 AS REAL) FROM json_each(flags) WHERE value ->> 0 = 'nodefraction'
     ORDER BY key DESC LIMIT 1) AS nodefraction,
    (SELECT CAST(value ->> 1 AS REAL) FROM json_each(flags) WHERE value ->> 0 = 'edgefraction'
     ORDER BY key DESC LIMIT 1) AS edgefraction,
    (SELECT value ->> 1 FROM json_each(flags) WHERE value ->> 0 = 'unit'
     ORDER BY key DESC LIMIT 1) AS output_unit,
    (SELECT CAST(value ->> 1 AS REAL) FROM json_each(flags) WHERE value ->> 0 = 'divide_by'
     ORDER BY key DESC LIMIT 1) AS divide_by,
    -- The first word that is no report flag pprof knows (report/options.cc).
    (SELECT 'unknown report option ''-' || (value ->> 0) || coalesce('=' || (value ->> 1), '') || ''''
     FROM json_each(flags)
     WHERE value ->> 0 NOT IN ('sample_index', 'inuse_space', 'inuse_objects', 'alloc_space', 'alloc_objects',
                               'total_delay', 'contentions', 'mean_delay', 'mean', 'functions', 'filefunctions',
                               'files', 'lines', 'addresses', 'noinlines', 'cum', 'flat', 'trim', 'drop_negative',
                               'compact_labels', 'relative_percentages', 'nodecount', 'nodefraction',
                               'edgefraction', 'divide_by', 'unit')
     ORDER BY key LIMIT 1) AS flag_error,
    row_number() OVER (PARTITION BY profile_id, options) AS pf_keep2
  FROM flags
),
-- The sample type, as pprof's SampleIndexByName: the default type (the
-- profile's default_sample_type, else the last: is_default), a number in
-- range, or the first type named so (also without an 'inuse_' prefix).
resolved AS NOT MATERIALIZED (
  SELECT p.profile_id, p.options, p.sample_index, p.mean, p.granularity, p.noinlines, p.cum_sort, p.trim,
    p.nodecount, p.nodefraction, p.edgefraction, p.output_unit, p.divide_by, p.flag_error,
    (SELECT count(*) FROM pprof_sample_types t WHERE t.profile_id = p.profile_id) AS type_count,
    CASE
      WHEN p.sample_index IS NULL OR p.sample_index = '' THEN
        (SELECT t.sample_index FROM pprof_sample_types t WHERE t.profile_id = p.profile_id AND t.is_default)
      WHEN p.sample_index GLOB '[0-9]*' AND NOT p.sample_index GLOB '*[^0-9]*' AND length(p.sample_index) < 19
        OR p.sample_index GLOB '[+-][0-9]*' AND NOT substr(p.sample_index, 2) GLOB '*[^0-9]*'
           AND length(p.sample_index) < 20 THEN
        (SELECT t.sample_index FROM pprof_sample_types t
         WHERE t.profile_id = p.profile_id AND t.sample_index = CAST(p.sample_index AS INTEGER))
      ELSE
        (SELECT min(t.sample_index) FROM pprof_sample_types t
         WHERE t.profile_id = p.profile_id
           AND (t.type = p.sample_index
                OR (p.sample_index LIKE 'inuse!_%' ESCAPE '!' AND t.type = substr(p.sample_index, 7))))
    END AS index_found
  FROM parsed p
),
typed AS NOT MATERIALIZED (
  SELECT r.*,
    CASE
      WHEN flag_error IS NOT NULL THEN flag_error
      -- As report/options.cc refuses it (pprof would divide by zero).
      WHEN divide_by = 0 THEN 'zero divisor specified'
      WHEN type_count = 0 THEN 'profile has no samples'
      WHEN index_found IS NOT NULL THEN NULL
      WHEN r.sample_index GLOB '[0-9]*' AND NOT r.sample_index GLOB '*[^0-9]*'
        OR r.sample_index GLOB '[+-][0-9]*' AND NOT substr(r.sample_index, 2) GLOB '*[^0-9]*' THEN
        'sample_index ' || r.sample_index || ' is outside the range [0..' || (type_count - 1) || ']'
      ELSE 'sample_index "' || r.sample_index || '" must be one of: ['
           || (SELECT group_concat(type, ' ') FROM (SELECT t.type FROM pprof_sample_types t
                                                    WHERE t.profile_id = r.profile_id ORDER BY t.sample_index))
           || ']'
    END AS error,
    (SELECT t.type FROM pprof_sample_types t WHERE t.profile_id = r.profile_id AND t.sample_index = index_found)
      AS sample_type,
    (SELECT t.unit FROM pprof_sample_types t WHERE t.profile_id = r.profile_id AND t.sample_index = index_found)
      AS sample_unit,
    row_number() OVER (PARTITION BY profile_id, options) AS pf_keep3
  FROM resolved r
)
SELECT t.profile_id, t.options, k.report, t.error,
       CASE WHEN t.error IS NULL THEN t.index_found END, t.sample_type, t.sample_unit,
       t.mean,
       CASE k.report WHEN 'list' THEN 'lines' WHEN 'raw' THEN 'addresses' ELSE t.granularity END,
       CASE WHEN k.report = 'raw' THEN 1 ELSE 1 - t.noinlines END,
       t.cum_sort,
       CASE WHEN NOT t.trim OR k.report IN ('peek', 'list', 'raw') THEN 0
            WHEN t.nodecount IS NOT NULL AND t.nodecount <> -1 THEN t.nodecount
            WHEN k.report = 'top' THEN 0 ELSE 80 END,
       CASE WHEN NOT t.trim OR k.report IN ('peek', 'list', 'raw') THEN 0.0 ELSE coalesce(t.nodefraction, 1.0 / 200) END,
       CASE WHEN NOT t.trim OR k.report IN ('peek', 'list', 'raw') THEN 0.0 ELSE coalesce(t.edgefraction, 1.0 / 1000) END,
       coalesce(t.output_unit, 'minimum'),
       coalesce(t.divide_by, 1.0)
FROM typed t,
     (SELECT 'top' AS report UNION ALL SELECT 'peek' UNION ALL SELECT 'list' UNION ALL SELECT 'traces'
      UNION ALL SELECT 'tags' UNION ALL SELECT 'raw' UNION ALL SELECT 'tree') k;
