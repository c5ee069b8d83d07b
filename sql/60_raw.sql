-- pprof_raw_text: `go tool pprof -raw`, line by line (pprof's Profile.String).
--
-- The layout: the header (`Comment:` per comment, `PeriodType:`, `Period:`,
-- `Time:` in the local time zone and `Duration:` cut to 4 characters, both
-- only when nonzero), then `Samples:` with the sample types (`type/unit`,
-- `[dflt]` on the default one), one line per sample (its values, ` %10d`
-- each, `: ` and its location ids, leaf first), followed by a line of its
-- string labels and one of its numeric labels (`key:[v1 v2]`, sorted; a
-- numeric value with a unit prints as `n unit`), then `Locations` (id,
-- address, `M=` mapping, `[F]` if folded, one line per inlined frame:
-- `name file:line s=start_line`, plus `(system_name)` when it differs) and
-- `Mappings` (`id: start/limit/offset file build_id [FN][FL][LN][IN]`). A
-- profile without mappings gets pprof's fake mapping `1: 0x0/0x0/0x0`, and
-- every location `M=1`.
--
-- pprof never prints a file as it is: it first merges it (identical samples
-- added, all-zero samples dropped, ids renumbered 1..n in order of first use)
-- and applies the profile's drop_frames. This view prints the profile it is
-- given, in id order; to get exactly what `go tool pprof -raw` prints, give
-- it the prepared profile, made in a statement of its own (a profile that
-- pprof_prepare creates while this view is being read is not seen by it):
--   SELECT pprof_prepare(1);  -- say it returns 2
--   SELECT text FROM pprof_raw_text WHERE profile_id = 2 ORDER BY line_no;
-- Plain SQL (sql/00_format.sql's @go_time and @go_duration for the Time: and
-- Duration: lines), so it reads an imported database with no extension too.
-- On a file that this clean-up leaves as it is (samples distinct and nonzero,
-- location and mapping ids in first-use order, every mapping used, nothing
-- for drop_frames to remove), the file's own id gives the same text.
DROP VIEW IF EXISTS temp.pprof_raw_text;
CREATE TEMP VIEW pprof_raw_text(
  -- The profile (pprof_load's or pprof_prepare's id).
  profile_id,
  -- 0-based position of the line in the output.
  line_no,
  -- One line of the output, without its newline.
  text
) AS
WITH
-- Profile.comment entries, one per row, n from 1 (a comment holding a
-- newline prints on two lines, the second unprefixed, as in pprof).
comment_lines(profile_id, n, line) AS (
  SELECT profile_id, comment_index + 1, text FROM pprof_comments
),
-- The sample type header: 'type/unit[dflt] ' per type (untrimmed), on the
-- row of a leading '' piece, so that a profile without types gets '' too.
type_header AS (
  SELECT profile_id, header FROM (
    SELECT profile_id, pos, group_concat(piece, '')
             OVER (PARTITION BY profile_id ORDER BY pos
                   ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS header
    FROM (SELECT profile_id, -1 AS pos, '' AS piece FROM pprof_profiles
          UNION ALL
          SELECT profile_id, sample_index, type || '/' || unit ||
                 CASE WHEN type = coalesce((SELECT default_sample_type FROM pprof_profiles p
                                            WHERE p.profile_id = t.profile_id), '')
                      THEN '[dflt]' ELSE '' END || ' '
          FROM pprof_sample_types t))
  WHERE pos = -1
),
-- Per sample: ' %10d' per value in sample type order, ': ', then 'id ' per
-- location, leaf first. SQLite's group_concat has no ORDER BY: an ordered
-- window over the sample's pieces builds the line, growing row by row (a
-- whole-partition frame would hand every row the whole line); the row of
-- the closing '' piece holds it.
sample_pieces(profile_id, sample_id, part, pos, piece) AS (
  SELECT profile_id, sample_id, 0, sample_index, printf(' %10d', value) FROM pprof_samples
  UNION ALL
  SELECT profile_id, sample_id, 1, 0, ': ' FROM pprof_samples WHERE sample_index = 0
  UNION ALL
  SELECT profile_id, sample_id, 2, depth, location_id || ' ' FROM pprof_stacks
  UNION ALL
  SELECT profile_id, sample_id, 3, 0, '' FROM pprof_samples WHERE sample_index = 0
),
sample_lines AS (
  SELECT profile_id, sample_id, line FROM (
    SELECT profile_id, sample_id, part,
           group_concat(piece, '') OVER (PARTITION BY profile_id, sample_id ORDER BY part, pos
                                         ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS line
    FROM sample_pieces)
  WHERE part = 3
),
-- 'key:[v1 v2]' per sample, kind (string or numeric) and key, the values
-- in label order: strings as they are, numbers as numbers, or as 'number
-- unit' when any value of that key in the sample has a unit (pprof pads the
-- others with ''). One window builds both forms of a key's numbers.
label_entries AS (
  SELECT profile_id, sample_id, is_str,
         key || ':[' || CASE WHEN with_unit THEN vs_unit ELSE vs END || ']' AS entry
  FROM (
    SELECT profile_id, sample_id, str IS NOT NULL AS is_str, key,
           group_concat(coalesce(str, CAST(num AS TEXT)), ' ') OVER e AS vs,
           group_concat(coalesce(str, num || ' ' || coalesce(num_unit, '')), ' ') OVER e AS vs_unit,
           max(num_unit IS NOT NULL) OVER e AS with_unit,
           row_number() OVER e AS n
    FROM pprof_labels
    WINDOW e AS (PARTITION BY profile_id, sample_id, str IS NOT NULL, key ORDER BY label_index
                 ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING))
  WHERE n = 1
),
-- One line per sample and kind: the entries sorted as strings.
label_lines AS (
  SELECT profile_id, sample_id, is_str, line FROM (
    SELECT profile_id, sample_id, is_str, group_concat(entry, ' ') OVER l AS line, row_number() OVER l AS n
    FROM label_entries
    WINDOW l AS (PARTITION BY profile_id, sample_id, is_str ORDER BY entry
                 ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING))
  WHERE n = 1
),
-- Every output line, ordered by (section, item, sub-line).
lines(profile_id, section, item, sub, text) AS (
  SELECT profile_id, 0, n, 0, 'Comment: ' || line FROM comment_lines WHERE n > 0
  UNION ALL
  SELECT profile_id, 1, 0, 0, 'PeriodType: ' || coalesce(period_type, '') || ' ' || coalesce(period_unit, '')
  FROM pprof_profiles
  UNION ALL
  SELECT profile_id, 2, 0, 0, 'Period: ' || period FROM pprof_profiles
  UNION ALL
  SELECT profile_id, 3, 0, 0, 'Time: ' || @go_time(time_nanos) FROM pprof_profiles WHERE time_nanos <> 0
  UNION ALL
  SELECT profile_id, 4, 0, 0, 'Duration: ' || substr(@go_duration(duration_nanos), 1, 4)
  FROM pprof_profiles WHERE duration_nanos <> 0
  UNION ALL
  SELECT profile_id, 5, 0, 0, 'Samples:' FROM pprof_profiles
  UNION ALL
  SELECT profile_id, 6, 0, 0, trim(header, ' ' || char(9, 10, 11, 12, 13)) FROM type_header
  UNION ALL
  SELECT profile_id, 7, sample_id, 0, line FROM sample_lines
  UNION ALL
  SELECT profile_id, 7, sample_id, 2 - is_str, '                ' || line FROM label_lines
  UNION ALL
  SELECT profile_id, 8, 0, 0, 'Locations' FROM pprof_profiles
  UNION ALL
  SELECT l.profile_id, 9, l.location_id, coalesce(n.line_index, 0),
         CASE WHEN n.line_index > 0 THEN '             '
              ELSE printf('%6d: ', l.location_id) ||
                   CASE WHEN l.address = 0 THEN '0x0' ELSE printf('%#x', l.address) END || ' ' ||
                   CASE WHEN l.mapping_id IS NOT NULL THEN 'M=' || l.mapping_id || ' '
                        WHEN p.mapping_count = 0 THEN 'M=1 '
                        ELSE '' END ||
                   CASE WHEN l.is_folded THEN '[F] ' ELSE '' END
         END ||
         CASE WHEN n.line_index IS NULL THEN ''
              WHEN f.function_id IS NULL THEN '??'
              ELSE f.name || ' ' || f.filename || ':' || n.line || ' s=' || f.start_line ||
                   CASE WHEN f.name <> f.system_name THEN '(' || f.system_name || ')' ELSE '' END
         END
  FROM pprof_locations l
  JOIN pprof_profiles p ON p.profile_id = l.profile_id
  LEFT JOIN pprof_lines n ON n.profile_id = l.profile_id AND n.location_id = l.location_id
  LEFT JOIN pprof_functions f ON f.profile_id = n.profile_id AND f.function_id = n.function_id
  UNION ALL
  SELECT profile_id, 10, 0, 0, 'Mappings' FROM pprof_profiles
  UNION ALL
  SELECT profile_id, 11, mapping_id, 0,
         mapping_id || ': ' ||
         CASE WHEN memory_start = 0 THEN '0x0' ELSE printf('%#x', memory_start) END || '/' ||
         CASE WHEN memory_limit = 0 THEN '0x0' ELSE printf('%#x', memory_limit) END || '/' ||
         CASE WHEN file_offset = 0 THEN '0x0' ELSE printf('%#x', file_offset) END || ' ' ||
         filename || ' ' || coalesce(build_id, '') || ' ' ||
         CASE WHEN has_functions THEN '[FN]' ELSE '' END ||
         CASE WHEN has_filenames THEN '[FL]' ELSE '' END ||
         CASE WHEN has_line_numbers THEN '[LN]' ELSE '' END ||
         CASE WHEN has_inline_frames THEN '[IN]' ELSE '' END
  FROM pprof_mappings
  UNION ALL
  -- pprof's fake mapping for a profile without any.
  SELECT profile_id, 11, 1, 0, '1: 0x0/0x0/0x0   ' FROM pprof_profiles WHERE mapping_count = 0
)
SELECT profile_id,
       row_number() OVER (PARTITION BY profile_id ORDER BY section, item, sub) - 1 AS line_no,
       text
FROM lines;
