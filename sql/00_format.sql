-- pprof's number formatting in plain SQL: unit scaling (`2.50MB`, `1.20s`),
-- percentages (`39.78%`, ` 0.9%`, `1e-05%`) and the choice of a report's
-- output unit, exactly as `go tool pprof` prints them, in SQLite 3.40 SQL with
-- no extension functions. The report views use these definitions, so the same
-- view gives the same bytes in a database with no extension loaded.
--
-- HOW THE VIEWS USE THEM: SQLite cannot define SQL functions in SQL, so this
-- file holds build-time MACROS, not statements (it is not itself installed).
-- A view in sql/*.sql writes a call such as
--     @percentage(flat, total)          @scaled_label(flat, unit, 'auto')
-- and extension/embed_sql.py, run by CMake, replaces it with the macro's SQL
-- expression: the views the extension installs, and the views `pprof-sql
-- import` writes into a database, hold plain SQL. A definition is a line
-- `-- @define name(p1, p2)`, a body naming its parameters `$p1`, `$p2`, and a
-- line `-- @end`. Why macros and not lookup tables: the rules need the
-- value's own bits (below), which a join cannot give; a unit table would only
-- replace the small CASEs of @unit_factor.
--
-- ARGUMENTS are evaluated once, inside a subquery that binds them to names
-- (`(SELECT ... FROM (SELECT arg AS pf_v))`); so they may be columns or any
-- scalar expression, but not aggregates: `@percentage(sum(flat), total)` is
-- "misuse of aggregate"; sum in a CTE first. The names pf_* are reserved.
-- NULL arguments give NULL. Values are integers (int64), as in profile.proto.
--
-- NESTING: SQLite's parser stack is fixed (100 entries in Debian's build)
-- and a macro call uses much of it. Measured in a CREATE VIEW on 3.40.1:
-- around @duration_ratio two more levels of nested subqueries fit, around
-- @select_output_unit(_full) four, around @scaled_label and @percentage five.
-- Build views as a chain of CTEs (which do not nest) rather than subqueries
-- in subqueries. Past the limit SQLite says "parser stack overflow" when the
-- view is installed (tests/unit/sql_format_test.sql checks two levels).
-- Inside the macros the steps are CTE chains for the same reason.
-- Each step ends in `LIMIT -1 OFFSET 0` (no limit, no offset): SQLite does
-- not flatten a subquery that has an OFFSET into the step using it, which
-- would copy its expression into every use (@scale_value's program was 14
-- times larger and twice as slow flattened).
--
-- EXACTNESS: pprof formats a float64 with Go's %.2f and %5.2g, which round
-- the binary value exactly (half to even on exact ties). SQLite's printf()
-- does not (printf('%.2f', 2.675) is 2.68, Go prints 2.67; it also prints at
-- most 16 significant digits). So nothing here rounds with printf: the
-- float64 is computed with the same IEEE operations as Go (SQLite's REAL
-- arithmetic is IEEE double), then its digits are found by integer
-- arithmetic on its exact value (@fixed2), by an error-free product
-- (@fixed_g2), or by long multiplication for values of 2^63 and more
-- (@big_integer_text). Constants that are not integers are written as exact
-- quotients (1.0 / 1000 is the double nearest 0.001, as Go's constant 1e-3)
-- rather than decimal literals. Checked against pprof's Go code through
-- report/measure.cc in tests/unit/sql_format_test.cc.
--
-- COST (Debian's sqlite3 3.40.1, 1,000,000 rows, CPU time on a shared 2-core
-- machine; the bare scan is 0.1 s): @percentage 1.4 s, @scaled_label 2.2 s
-- (the same with the units in columns or constant), @format_fixed2 0.8 s.
-- Report views format thousands of rows, where this is milliseconds; for
-- millions prefer the extension's pprof_format / pprof_percentage.
--
-- Nothing needs C++: every rule of pprof's internal/measurement is expressed.
--
-- PUBLIC MACROS (the building blocks of the report views):
--   @unit(u)                         canonical unit ('B','kB',..,'ns',..,'hrs','n*GCU',..) or NULL
--   @is_time_unit(u)                 1 when u is a time unit (ns/us/ms/s/hrs family), else 0
--   @scaled_label(value, from_unit, to_unit)   measurement.ScaledLabel: '2.50MB', '1s', '0'
--   @label(value, unit)              measurement.Label = @scaled_label(value, unit, 'auto')
--   @scale_value(value, from_unit, to_unit)    measurement.Scale's number (REAL)
--   @scale_unit(value, from_unit, to_unit)     measurement.Scale's unit ('' for counts)
--   @percentage(value, total)        measurement.Percentage: '39.78%', '  100%', ' 0.9%', '1e-05%'
--   @select_output_unit(sample_unit, min_value, total)   report.selectOutputUnit, default case
--   @select_output_unit_full(output_unit, has_nodes, sample_unit, min_value, total, ratio, callgrind)
--   @apply_ratio(value, ratio)       -divide_by: int64(float64(value) * ratio) when ratio > 0, != 1
--   @go_int64(real)                  Go's int64(f) on amd64 (out of range or NaN: INT64_MIN)
--   @duration_ratio(total, sample_unit, duration_nanos)  '(142.30%)' of the Duration: header, or ''
--   @format_fixed2(real)             Go's fmt.Sprintf("%.2f", f), exact
--   @format_fixed1(real)             Go's fmt.Sprintf("%.1f", f), exact
--   @tag_label(value, from_unit, to_unit)    -tags' values: Scale, then "%.1f" and the unit: '2.2s'
--   @clean_path(path)                Go's filepath.Clean: '/src/./a//b.go' -> '/src/a/b.go'
--   @go_duration(nanos)              Go's time.Duration.String(): '1.644453071s', '4h35m0s'
--   @go_time(nanos)                  Go's time.Time.String() in the local zone (see its zone caveat)


-- ---------------------------------------------------------------- units

-- measurement's sniffUnit over its three unit families: Go lower-cases the
-- name (strings.ToLower), drops one trailing 's' when the name is longer than
-- two bytes, and looks the result up among the aliases. Below, every name
-- that survives those steps is listed as it looks after lower-casing
-- ('bytes', 'kbs', 'hrs', but neither 'bs' nor 'μs', which sniffing turns
-- into 'bs' and 'μ'), each after its canonical unit padded to 5 characters:
-- one instr() finds it. SQLite's lower() folds ASCII only; the three
-- non-ASCII letters whose Go lower case matters are mapped after it, in this
-- order: U+0130 'İ' (capital I with dot) -> 'i', U+212A 'K' (KELVIN SIGN,
-- not the letter K) -> 'k', U+039C 'Μ' (capital mu, not the letter M) ->
-- U+03BC 'μ'. Other letters cannot lower-case into an alias. A name
-- holding '=' could match across two entries: no unit has one.
-- The names profiles and reports use most are answered first by one
-- CASE, which is several times faster than the general lookup (string
-- functions dominate the cost); the general lookup gives the same answers.
-- @define unit(u)
CASE $u
  WHEN 'nanoseconds' THEN 'ns' WHEN 'bytes' THEN 'B' WHEN 'count' THEN NULL WHEN 'auto' THEN NULL
  WHEN 'minimum' THEN NULL WHEN 's' THEN 's' WHEN 'ms' THEN 'ms' WHEN 'us' THEN 'us' WHEN 'ns' THEN 'ns'
  WHEN 'hrs' THEN 'hrs' WHEN 'B' THEN 'B' WHEN 'kB' THEN 'kB' WHEN 'MB' THEN 'MB' WHEN 'GB' THEN 'GB'
  WHEN 'TB' THEN 'TB' WHEN 'PB' THEN 'PB' WHEN 'objects' THEN NULL WHEN 'microseconds' THEN 'us'
  WHEN 'milliseconds' THEN 'ms' WHEN 'seconds' THEN 's' WHEN 'cycles' THEN NULL
ELSE @unit_lookup($u) END
-- @end

-- The general lookup for @unit.
-- @define unit_lookup(u)
CASE WHEN instr($u, '=') THEN NULL ELSE nullif(rtrim(substr(
  '|B    =b|B    =byte|B    =bytes|'
  || 'kB   =kb|kB   =kbs|kB   =kbyte|kB   =kbytes|kB   =kilobyte|kB   =kilobytes|'
  || 'MB   =mb|MB   =mbs|MB   =mbyte|MB   =mbytes|MB   =megabyte|MB   =megabytes|'
  || 'GB   =gb|GB   =gbs|GB   =gbyte|GB   =gbytes|GB   =gigabyte|GB   =gigabytes|'
  || 'TB   =tb|TB   =tbs|TB   =tbyte|TB   =tbytes|TB   =terabyte|TB   =terabytes|'
  || 'PB   =pb|PB   =pbs|PB   =pbyte|PB   =pbytes|PB   =petabyte|PB   =petabytes|'
  || 'ns   =ns|ns   =nss|ns   =nanosecond|ns   =nanoseconds|'
  || 'us   =μss|us   =us|us   =uss|us   =microsecond|us   =microseconds|'
  || 'ms   =ms|ms   =mss|ms   =millisecond|ms   =milliseconds|'
  || 's    =s|s    =sec|s    =secs|s    =second|s    =seconds|'
  || 'hrs  =hour|hrs  =hours|hrs  =hr|hrs  =hrs|'
  || 'n*GCU=nanogcu|n*GCU=nanogcus|u*GCU=microgcu|u*GCU=microgcus|m*GCU=milligcu|m*GCU=milligcus|'
  || 'GCU  =gcu|GCU  =gcus|k*GCU=kilogcu|k*GCU=kilogcus|M*GCU=megagcu|M*GCU=megagcus|'
  || 'G*GCU=gigagcu|G*GCU=gigagcus|T*GCU=teragcu|T*GCU=teragcus|P*GCU=petagcu|P*GCU=petagcus|'
  -- Not found: instr() is 0 and substr(.., -5, 5) reads these five spaces.
  || '     ',
  instr('|B    =b|B    =byte|B    =bytes|'
  || 'kB   =kb|kB   =kbs|kB   =kbyte|kB   =kbytes|kB   =kilobyte|kB   =kilobytes|'
  || 'MB   =mb|MB   =mbs|MB   =mbyte|MB   =mbytes|MB   =megabyte|MB   =megabytes|'
  || 'GB   =gb|GB   =gbs|GB   =gbyte|GB   =gbytes|GB   =gigabyte|GB   =gigabytes|'
  || 'TB   =tb|TB   =tbs|TB   =tbyte|TB   =tbytes|TB   =terabyte|TB   =terabytes|'
  || 'PB   =pb|PB   =pbs|PB   =pbyte|PB   =pbytes|PB   =petabyte|PB   =petabytes|'
  || 'ns   =ns|ns   =nss|ns   =nanosecond|ns   =nanoseconds|'
  || 'us   =μss|us   =us|us   =uss|us   =microsecond|us   =microseconds|'
  || 'ms   =ms|ms   =mss|ms   =millisecond|ms   =milliseconds|'
  || 's    =s|s    =sec|s    =secs|s    =second|s    =seconds|'
  || 'hrs  =hour|hrs  =hours|hrs  =hr|hrs  =hrs|'
  || 'n*GCU=nanogcu|n*GCU=nanogcus|u*GCU=microgcu|u*GCU=microgcus|m*GCU=milligcu|m*GCU=milligcus|'
  || 'GCU  =gcu|GCU  =gcus|k*GCU=kilogcu|k*GCU=kilogcus|M*GCU=megagcu|M*GCU=megagcus|'
  || 'G*GCU=gigagcu|G*GCU=gigagcus|T*GCU=teragcu|T*GCU=teragcus|P*GCU=petagcu|P*GCU=petagcus|',
    '=' || replace(replace(replace(lower($u), 'İ', 'i'), 'K', 'k'), 'Μ', 'μ')
    || '|') - 5, 5)), '') END
-- @end

-- The factor of a canonical unit: multiply by it to get the family's base
-- unit (B, ns, GCU), as measurement's unit tables.
-- @define unit_factor(c)
CASE $c
  WHEN 'B' THEN 1 WHEN 'kB' THEN 1024 WHEN 'MB' THEN 1048576 WHEN 'GB' THEN 1073741824
  WHEN 'TB' THEN 1099511627776 WHEN 'PB' THEN 1125899906842624
  WHEN 'ns' THEN 1 WHEN 'us' THEN 1000 WHEN 'ms' THEN 1000000 WHEN 's' THEN 1000000000
  WHEN 'hrs' THEN 3600000000000
  WHEN 'n*GCU' THEN 1.0 / 1000000000 WHEN 'u*GCU' THEN 1.0 / 1000000 WHEN 'm*GCU' THEN 1.0 / 1000
  WHEN 'GCU' THEN 1 WHEN 'k*GCU' THEN 1000 WHEN 'M*GCU' THEN 1000000 WHEN 'G*GCU' THEN 1000000000
  WHEN 'T*GCU' THEN 1000000000000 WHEN 'P*GCU' THEN 1000000000000000
END
-- @end

-- The family of a canonical unit, named by its default unit (the unit of an
-- auto-scaled value below 1, and of an unknown target unit): 'B', 's' or
-- 'GCU'; NULL for NULL.
-- @define unit_family(c)
CASE WHEN $c IN ('B', 'kB', 'MB', 'GB', 'TB', 'PB') THEN 'B'
     WHEN $c IN ('ns', 'us', 'ms', 's', 'hrs') THEN 's'
     WHEN $c IS NOT NULL THEN 'GCU' END
-- @end

-- unitType.autoScale: the largest unit of the family in which the REAL $w
-- (in base units) is at least 1 (Go tests w / factor >= 1, so do we), else
-- the family's default unit.
-- @define auto_unit(w, family)
CASE $family
  WHEN 'B' THEN CASE
    WHEN $w / 1125899906842624 >= 1.0 THEN 'PB' WHEN $w / 1099511627776 >= 1.0 THEN 'TB'
    WHEN $w / 1073741824 >= 1.0 THEN 'GB' WHEN $w / 1048576 >= 1.0 THEN 'MB'
    WHEN $w / 1024 >= 1.0 THEN 'kB' ELSE 'B' END
  WHEN 's' THEN CASE
    WHEN $w / 3600000000000 >= 1.0 THEN 'hrs' WHEN $w / 1000000000 >= 1.0 THEN 's'
    WHEN $w / 1000000 >= 1.0 THEN 'ms' WHEN $w / 1000 >= 1.0 THEN 'us'
    WHEN $w >= 1.0 THEN 'ns' ELSE 's' END
  ELSE CASE
    WHEN $w / 1000000000000000 >= 1.0 THEN 'P*GCU' WHEN $w / 1000000000000 >= 1.0 THEN 'T*GCU'
    WHEN $w / 1000000000 >= 1.0 THEN 'G*GCU' WHEN $w / 1000000 >= 1.0 THEN 'M*GCU'
    WHEN $w / 1000 >= 1.0 THEN 'k*GCU' WHEN $w >= 1.0 THEN 'GCU'
    WHEN $w / (1.0 / 1000) >= 1.0 THEN 'm*GCU' WHEN $w / (1.0 / 1000000) >= 1.0 THEN 'u*GCU'
    WHEN $w / (1.0 / 1000000000) >= 1.0 THEN 'n*GCU' ELSE 'GCU' END
END
-- @end

-- @define is_time_unit(u)
coalesce(@unit_family(@unit($u)) = 's', 0)
-- @end


-- ---------------------------------------------------------------- Scale

-- measurement.Scale(value, from_unit, to_unit), as a subquery whose result
-- is $result, an expression over pf_x (the scaled value, REAL) and pf_unit
-- (the unit name). The shared core of @scaled_label, @scale_value and
-- @scale_unit. Steps, as Go: a negative value scales its negation (but
-- INT64_MIN, which has none, is scaled as it is); the family that knows
-- from_unit converts: w = float64(|value|) * from factor, then w / factor of
-- the target (the largest unit >= 1 for 'minimum'/'auto', to_unit when the
-- family knows it, else the family default); when no family knows
-- from_unit, the value itself with unit '' (to_unit count, sample, unit,
-- minimum or auto) or to_unit verbatim.
-- @define with_scaled(value, from_unit, to_unit, result)
(WITH
  pf_in AS (SELECT $value AS pf_v, $from_unit AS pf_fu, $to_unit AS pf_tu LIMIT -1 OFFSET 0),
  pf_units AS (
    SELECT pf_v, pf_tu, pf_v < 0 AND pf_v <> -9223372036854775807 - 1 AS pf_neg,
           @unit(pf_fu) AS pf_fc, @unit(pf_tu) AS pf_tc
    FROM pf_in WHERE pf_v IS NOT NULL LIMIT -1 OFFSET 0),
  pf_base AS (
    SELECT pf_v, pf_tu, pf_neg, pf_tc, @unit_family(pf_fc) AS pf_fam,
           CAST(CASE WHEN pf_neg THEN -pf_v ELSE pf_v END AS REAL) * @unit_factor(pf_fc) AS pf_w
    FROM pf_units LIMIT -1 OFFSET 0),
  pf_target AS (
    SELECT pf_v, pf_neg, pf_fam, pf_w,
           CASE WHEN pf_fam IS NULL THEN
                  CASE WHEN pf_tu IN ('count', 'sample', 'unit', 'minimum', 'auto') THEN '' ELSE pf_tu END
                WHEN pf_tu IN ('minimum', 'auto') THEN @auto_unit(pf_w, pf_fam)
                WHEN @unit_family(pf_tc) = pf_fam THEN pf_tc
                ELSE pf_fam END AS pf_unit
    FROM pf_base LIMIT -1 OFFSET 0),
  pf_scaled AS (
    SELECT CASE WHEN pf_fam IS NULL THEN CAST(pf_v AS REAL)
                WHEN pf_neg THEN -(pf_w / @unit_factor(pf_unit)) ELSE pf_w / @unit_factor(pf_unit) END AS pf_x,
           pf_unit
    FROM pf_target LIMIT -1 OFFSET 0)
 SELECT $result FROM pf_scaled)
-- @end

-- @define scale_value(value, from_unit, to_unit)
@with_scaled($value, $from_unit, $to_unit, pf_x)
-- @end

-- @define scale_unit(value, from_unit, to_unit)
@with_scaled($value, $from_unit, $to_unit, pf_unit)
-- @end

-- measurement.ScaledLabel: Scale, "%.2f", a trailing ".00" dropped; "0"
-- with no unit when that leaves "0" or "-0".
-- @define scaled_label(value, from_unit, to_unit)
@with_scaled($value, $from_unit, $to_unit, @label_text(pf_x, pf_unit))
-- @end

-- @define label(value, unit)
@scaled_label($value, $unit, 'auto')
-- @end

-- ScaledLabel's text from the scaled REAL and the unit.
-- @define label_text(x, unit)
(WITH
  pf_f AS (SELECT @format_fixed2($x) AS pf_f, $unit AS pf_u LIMIT -1 OFFSET 0),
  pf_s AS (SELECT CASE WHEN substr(pf_f, -3) = '.00' THEN substr(pf_f, 1, length(pf_f) - 3) ELSE pf_f END AS pf_s,
                  pf_u FROM pf_f LIMIT -1 OFFSET 0)
 SELECT CASE WHEN pf_s IN ('0', '-0') THEN '0' ELSE pf_s || pf_u END FROM pf_s)
-- @end


-- ---------------------------------------------------------------- digits

-- Go's %.2f of a REAL, exact: the sign, then the magnitude a rounded to
-- hundredths, half to even, on a's exact binary value. Fast path: m = a * 100
-- in double is within m * 2^-53 of the exact product, so when m's fraction is
-- farther than m * 2^-52 from one half, rounding m to the nearest integer
-- gives the right hundredths (for a < 2^43, m's integer part and fraction are
-- exact). Otherwise, near a tie, @fixed2 decides on the exact value.
-- @define format_fixed2(x)
(WITH pf_in AS (SELECT $x AS pf_x LIMIT -1 OFFSET 0),
  pf_abs AS (SELECT pf_x, abs(pf_x) AS pf_a, abs(pf_x) * 100 AS pf_m FROM pf_in WHERE pf_x IS NOT NULL LIMIT -1 OFFSET 0),
  pf_fast AS (SELECT pf_x, pf_a,
                     CASE WHEN pf_a < 8796093022208 AND abs(pf_m - CAST(pf_m AS INTEGER) - 0.5) > pf_m / 4503599627370496
                          THEN CAST(pf_m AS INTEGER) + (pf_m - CAST(pf_m AS INTEGER) > 0.5) END AS pf_n
              FROM pf_abs LIMIT -1 OFFSET 0)
 SELECT CASE WHEN pf_x < 0 THEN '-' ELSE '' END
        || CASE WHEN pf_n IS NOT NULL THEN (pf_n / 100) || '.' || substr('0' || (pf_n % 100), -2)
                WHEN pf_a < 0.00390625 THEN '0.00'                    -- below 2^-8: rounds to 0
                WHEN pf_a < 9007199254740992 THEN @fixed2(pf_a)         -- below 2^53
                WHEN pf_a < 4611686018427387904 * 2.0 THEN CAST(CAST(pf_a AS INTEGER) AS TEXT) || '.00'
                ELSE @big_integer_text(pf_a) || '.00' END              -- 2^63 and more
 FROM pf_fast)
-- @end

-- %.2f of a REAL a in [2^-8, 2^53). a = i + f exactly, i its integer part;
-- f's bits lie at 2^-60 or above (a >= 2^-8 has 52 bits below its leading
-- one), so g = f * 2^60 is an exact integer below 2^60. The hundredths are
-- q = floor(g * 100 / 2^60) with remainder r; g * 100 overflows int64, so it
-- is taken in two 30-bit halves: g * 100 = t * 2^30 + low, t = gh * 100 +
-- (gl * 100 >> 30). Round up when r > 2^59, or r = 2^59 (an exact tie) and q
-- is odd.
-- @define fixed2(a)
(WITH
  pf_ig AS (SELECT CAST($a AS INTEGER) AS pf_i, CAST(($a - CAST($a AS INTEGER)) * (1 << 60) AS INTEGER) AS pf_g LIMIT -1 OFFSET 0),
  pf_t AS (SELECT pf_i, (pf_g >> 30) * 100 + (((pf_g & 1073741823) * 100) >> 30) AS pf_t,
                  ((pf_g & 1073741823) * 100) & 1073741823 AS pf_low FROM pf_ig LIMIT -1 OFFSET 0),
  pf_qr AS (SELECT pf_i, pf_t >> 30 AS pf_q, ((pf_t & 1073741823) << 30) | pf_low AS pf_r FROM pf_t LIMIT -1 OFFSET 0),
  pf_n AS (SELECT pf_i * 100 + pf_q + (pf_r > (1 << 59) OR (pf_r = (1 << 59) AND pf_q % 2 = 1)) AS pf_n FROM pf_qr LIMIT -1 OFFSET 0)
 SELECT (pf_n / 100) || '.' || printf('%02d', pf_n % 100) FROM pf_n)
-- @end

-- The decimal digits of an integer-valued REAL a >= 2^63 (Scale can reach
-- 2^63 * 1e24 < 2^143 going from petagcu to nanogcu). a = A * 2^s with A
-- < 2^63 an integer, s a multiple of 8 up to 80 (division by a power of two
-- is exact); A's digits are then multiplied by 2^s1 and 2^s2 (s1 + s2 = s,
-- each <= 40) by long multiplication in base 10^6 (a limb times 2^40 plus
-- the carry fits int64), in two recursive CTEs. Only such huge values pay
-- for it. NULL beyond 2^143.
-- @define big_integer_text(a)
(WITH RECURSIVE
  pf_in AS (SELECT $a AS pf_a LIMIT -1 OFFSET 0),
  pf_shift AS (SELECT pf_a, CASE WHEN pf_a / (1 << 8) < 4611686018427387904 * 2.0 THEN 8
                             WHEN pf_a / (1 << 16) < 4611686018427387904 * 2.0 THEN 16
                             WHEN pf_a / (1 << 24) < 4611686018427387904 * 2.0 THEN 24
                             WHEN pf_a / (1 << 32) < 4611686018427387904 * 2.0 THEN 32
                             WHEN pf_a / (1 << 40) < 4611686018427387904 * 2.0 THEN 40
                             WHEN pf_a / (1 << 48) < 4611686018427387904 * 2.0 THEN 48
                             WHEN pf_a / (1 << 56) < 4611686018427387904 * 2.0 THEN 56
                             WHEN pf_a / (1 << 40) / (1 << 24) < 4611686018427387904 * 2.0 THEN 64
                             WHEN pf_a / (1 << 40) / (1 << 32) < 4611686018427387904 * 2.0 THEN 72
                             WHEN pf_a / (1 << 40) / (1 << 40) < 4611686018427387904 * 2.0 THEN 80
                        END AS pf_s FROM pf_in LIMIT -1 OFFSET 0),
  pf_split AS (SELECT pf_a, min(pf_s, 40) AS pf_s1, pf_s - min(pf_s, 40) AS pf_s2 FROM pf_shift WHERE pf_s IS NOT NULL LIMIT -1 OFFSET 0),
  pf_t0 AS (SELECT CAST(CAST(pf_a / (1 << pf_s1) / (1 << pf_s2) AS INTEGER) AS TEXT) AS pf_t0, pf_s1, pf_s2 FROM pf_split LIMIT -1 OFFSET 0),
  pf_m1(i, c, o) AS (
    SELECT 0, 0, ''
    UNION ALL
    SELECT i + 1,
           (CAST(substr(pf_t0, -6 * i - 6, 6) AS INTEGER) * (1 << pf_s1) + c) / 1000000,
           printf('%06d', (CAST(substr(pf_t0, -6 * i - 6, 6) AS INTEGER) * (1 << pf_s1) + c) % 1000000) || o
    FROM pf_m1, pf_t0 WHERE 6 * i < length(pf_t0) OR c > 0),
  pf_t1(t) AS (SELECT o FROM pf_m1 ORDER BY i DESC LIMIT 1),
  pf_m2(i, c, o) AS (
    SELECT 0, 0, ''
    UNION ALL
    SELECT i + 1,
           (CAST(substr(t, -6 * i - 6, 6) AS INTEGER) * (1 << pf_s2) + c) / 1000000,
           printf('%06d', (CAST(substr(t, -6 * i - 6, 6) AS INTEGER) * (1 << pf_s2) + c) % 1000000) || o
    FROM pf_m2, pf_t1, pf_t0 WHERE 6 * i < length(t) OR c > 0)
 SELECT ltrim(o, '0') FROM pf_m2 WHERE EXISTS (SELECT 1 FROM pf_t0) ORDER BY i DESC LIMIT 1)
-- @end

-- Go's %.2g of a REAL r in (0, 1) that is at least 1e-17 (the smallest
-- nonzero |value / total| * 100 of two int64s is 100 / 2^63 ~ 1.08e-17).
-- k = 1 - e, e the decimal exponent (10^e <= r < 10^(e+1)), found by
-- comparing with the doubles nearest 10^-1 .. 10^-17; a comparison can only
-- err by one when r is that double and lies just below the power of ten,
-- and then r * 10^k is just below 10, which rounds to 10 both ways. The two
-- digits are round-half-even(r * 10^k): p = r * 10^k rounded, plus its exact
-- error e (Dekker's product with Veltkamp's split, exact in IEEE double), so
-- a tie is decided on the exact product. 100 becomes 10 with e + 1.
-- %g's layout: exponent form when e < -4 ('1e-05', '1.5e-05'), else fixed
-- ('0.12', '0.012', '0.1', '1'); trailing zeros dropped.
-- @define fixed_g2(r)
(WITH
  pf_in AS (SELECT $r AS pf_r LIMIT -1 OFFSET 0),
  pf_k AS (SELECT pf_r, CASE WHEN pf_r >= 1.0 / 10 THEN 2 WHEN pf_r >= 1.0 / 100 THEN 3
                             WHEN pf_r >= 1.0 / 1000 THEN 4 WHEN pf_r >= 1.0 / 10000 THEN 5
                             WHEN pf_r >= 1.0 / 100000 THEN 6 WHEN pf_r >= 1.0 / 1000000 THEN 7
                             WHEN pf_r >= 1.0 / 10000000 THEN 8 WHEN pf_r >= 1.0 / 100000000 THEN 9
                             WHEN pf_r >= 1.0 / 1000000000 THEN 10 WHEN pf_r >= 1.0 / 10000000000 THEN 11
                             WHEN pf_r >= 1.0 / 100000000000 THEN 12 WHEN pf_r >= 1.0 / 1000000000000 THEN 13
                             WHEN pf_r >= 1.0 / 10000000000000 THEN 14
                             WHEN pf_r >= 1.0 / 100000000000000 THEN 15
                             WHEN pf_r >= 1.0 / 1000000000000000 THEN 16
                             WHEN pf_r >= 1.0 / 10000000000000000 THEN 17 ELSE 18 END AS pf_k
           FROM pf_in LIMIT -1 OFFSET 0),
  pf_b AS (SELECT pf_r, pf_k, CAST(CAST(substr('1000000000000000000', 1, pf_k + 1) AS INTEGER) AS REAL) AS pf_b
           FROM pf_k LIMIT -1 OFFSET 0),
  pf_split AS (SELECT pf_k, pf_r, pf_b, pf_r * pf_b AS pf_p,
                      134217729.0 * pf_r - (134217729.0 * pf_r - pf_r) AS pf_rh,
                      134217729.0 * pf_b - (134217729.0 * pf_b - pf_b) AS pf_bh
               FROM pf_b LIMIT -1 OFFSET 0),
  pf_err AS (SELECT pf_k, pf_p, CAST(pf_p AS INTEGER) AS pf_i,
                    (((pf_rh * pf_bh - pf_p) + pf_rh * (pf_b - pf_bh)) + (pf_r - pf_rh) * pf_bh)
                    + (pf_r - pf_rh) * (pf_b - pf_bh) AS pf_err
             FROM pf_split LIMIT -1 OFFSET 0),
  pf_round AS (SELECT pf_k, pf_i + (pf_p - pf_i > 0.5 OR (pf_p - pf_i = 0.5
                                      AND (pf_err > 0 OR (pf_err = 0 AND pf_i % 2 = 1)))) AS pf_n
               FROM pf_err LIMIT -1 OFFSET 0),
  pf_digits AS (SELECT CASE WHEN pf_n = 100 THEN 10 ELSE pf_n END AS pf_n,
                       CASE WHEN pf_n = 100 THEN 2 - pf_k ELSE 1 - pf_k END AS pf_e
                FROM pf_round LIMIT -1 OFFSET 0)
 SELECT CASE WHEN pf_e < -4
             THEN (pf_n / 10) || CASE WHEN pf_n % 10 = 0 THEN '' ELSE '.' || (pf_n % 10) END
                  || 'e-' || printf('%02d', -pf_e)
             WHEN pf_e = 0 THEN '1'
             ELSE '0.' || substr('000', 1, -pf_e - 1)
                  || CASE WHEN pf_n % 10 = 0 THEN pf_n / 10 ELSE pf_n END END
 FROM pf_digits)
-- @end


-- ---------------------------------------------------------------- Percentage

-- measurement.Percentage: ratio = |value / total| * 100 in float64 (0 when
-- total is 0: SQLite's division by 0.0 is NULL); '  100%' for ratios in
-- [99.95, 100.05]; %5.2f at 1 and above; %5.2g below.
-- @define percentage(value, total)
(WITH
  pf_in AS (SELECT $value AS pf_v, $total AS pf_t LIMIT -1 OFFSET 0),
  pf_ratio AS (SELECT coalesce(abs(CAST(pf_v AS REAL) / CAST(pf_t AS REAL)) * 100, 0.0) AS pf_r
               FROM pf_in WHERE pf_v IS NOT NULL AND pf_t IS NOT NULL LIMIT -1 OFFSET 0)
 SELECT CASE WHEN pf_r >= 9995.0 / 100 AND pf_r <= 10005.0 / 100 THEN '  100%'
             WHEN pf_r >= 1.0 THEN printf('%5s', @format_fixed2(pf_r)) || '%'
             WHEN pf_r = 0 THEN '    0%'
             ELSE printf('%5s', @fixed_g2(pf_r)) || '%' END
 FROM pf_ratio)
-- @end


-- ---------------------------------------------------------------- report units

-- Go's int64(f) on amd64: truncation toward zero; NaN (SQLite's NULL) and
-- values outside [-2^63, 2^63) give INT64_MIN (SQLite's CAST would clamp).
-- @define go_int64(f)
(SELECT CASE WHEN pf_f IS NULL OR pf_f >= 4611686018427387904 * 2.0 OR pf_f < -4611686018427387904 * 2.0
             THEN -9223372036854775807 - 1 ELSE CAST(pf_f AS INTEGER) END
 FROM (SELECT $f AS pf_f))
-- @end

-- The report formatter's value adjustment for -divide_by (ratio = 1 / divisor).
-- @define apply_ratio(value, ratio)
(SELECT CASE WHEN pf_ra > 0 AND pf_ra <> 1 THEN @go_int64(pf_v * pf_ra) ELSE pf_v END
 FROM (SELECT $value AS pf_v, CAST($ratio AS REAL) AS pf_ra))
-- @end

-- Go's int64 x * 100, wrapping on overflow like Go (SQLite would turn an
-- overflowing product into a REAL): x = xh * 2^32 + xl, the low 32 bits of
-- xl * 100 kept, the rest carried into the high half, whose shift wraps.
-- @define wrap_mul100(x)
(SELECT (((pf_x >> 32) * 100 + (((pf_x & 4294967295) * 100) >> 32)) << 32)
        | (((pf_x & 4294967295) * 100) & 4294967295)
 FROM (SELECT $x AS pf_x))
-- @end

-- report.selectOutputUnit: the unit every value of a -top/-peek report is
-- printed in. output_unit is -unit ('minimum' by default: any other value is
-- returned as is, as when the graph has no nodes); min_value the smallest
-- nonzero |flat| (|cum| for a node with flat 0) of the final graph, 0 if
-- none; total the report total; ratio 1 / -divide_by (1 without it);
-- callgrind 1 for callgrind output. The unit of the smallest value, or,
-- when the smallest and the total scale to different units and the total is
-- over 100 times the smallest, the unit in which the smallest reads 0.01 or
-- more; a sample unit no family knows is returned itself ('count', 'cycles').
-- @define select_output_unit_full(output_unit, has_nodes, sample_unit, min_value, total, ratio, callgrind)
(WITH
  pf_in AS (SELECT $output_unit AS pf_ou, $has_nodes AS pf_hn, $sample_unit AS pf_su, $min_value AS pf_mv,
                   $total AS pf_t, $ratio AS pf_ra, $callgrind AS pf_cg LIMIT -1 OFFSET 0),
  pf_minmax AS (SELECT pf_ou, pf_hn, pf_su, pf_cg,
                       @apply_ratio(CASE WHEN pf_mv = 0 THEN pf_t ELSE pf_mv END, pf_ra) AS pf_min,
                       @apply_ratio(pf_t, pf_ra) AS pf_max
                FROM pf_in LIMIT -1 OFFSET 0),
  pf_min100 AS (SELECT pf_ou, pf_hn, pf_su, pf_cg, pf_min, pf_max, @wrap_mul100(pf_min) AS pf_min100
                FROM pf_minmax LIMIT -1 OFFSET 0),
  pf_units AS (SELECT pf_ou, pf_hn, pf_su, pf_min100 < pf_max AND NOT pf_cg AS pf_wide,
                      @scale_unit(pf_min, pf_su, 'minimum') AS pf_minu, @scale_unit(pf_max, pf_su, 'minimum') AS pf_maxu,
                      @scale_unit(pf_min100, pf_su, 'minimum') AS pf_min100u
               FROM pf_min100 LIMIT -1 OFFSET 0)
 SELECT CASE WHEN pf_ou IS NOT 'minimum' OR NOT pf_hn THEN pf_ou
             WHEN pf_minu <> pf_maxu AND pf_wide THEN coalesce(nullif(pf_min100u, ''), pf_su)
             ELSE coalesce(nullif(pf_minu, ''), pf_su) END
 FROM pf_units)
-- @end

-- @define select_output_unit(sample_unit, min_value, total)
@select_output_unit_full('minimum', 1, $sample_unit, $min_value, $total, 1, 0)
-- @end

-- The ratio of the "Duration: ..., Total samples = ..." header: '(' and the
-- Percentage of the total in nanoseconds (truncated to int64 as Go does) of
-- the duration and ')', when the sample unit is a time unit and that total
-- is not 0; else ''.
-- @define duration_ratio(total, sample_unit, duration_nanos)
(WITH
  pf_in AS (SELECT $total AS pf_t, $sample_unit AS pf_su, $duration_nanos AS pf_d LIMIT -1 OFFSET 0),
  pf_ns AS (SELECT @scale_value(pf_t, pf_su, 'nanoseconds') AS pf_nx, @scale_unit(pf_t, pf_su, 'nanoseconds') AS pf_nu,
                   pf_d FROM pf_in LIMIT -1 OFFSET 0),
  pf_int AS (SELECT pf_nu, pf_nx, @go_int64(pf_nx) AS pf_n, pf_d FROM pf_ns LIMIT -1 OFFSET 0)
 SELECT CASE WHEN pf_nu IS NOT 'ns' OR pf_nx = 0 THEN '' ELSE '(' || @percentage(pf_n, pf_d) || ')' END
 FROM pf_int)
-- @end


-- ---------------------------------------------------------------- Go's time and duration

-- The digits after the point of Go's time formats: '.ddd' for frac (0 <=
-- frac < 10^digits) written with `digits` digits, trailing zeros dropped;
-- '' when frac is 0 (time.fmtFrac and the .999999999 layout element).
-- @define go_fraction(frac, digits)
(SELECT CASE WHEN pf_fr = 0 THEN '' ELSE '.' || rtrim(printf('%0*d', pf_dg, pf_fr), '0') END
 FROM (SELECT $frac AS pf_fr, $digits AS pf_dg))
-- @end

-- Go's time.Duration.String(): '1.644453071s', '4h35m0s', '1.5µs' (U+00B5),
-- '0s'. pprof's -raw prints its first four characters (%.4v). INT64_MIN,
-- which has no int64 negation, is written out.
-- @define go_duration(d)
(WITH pf_in AS (SELECT $d AS pf_d LIMIT -1 OFFSET 0),
  pf_abs AS (SELECT pf_d, CASE WHEN pf_d < 0 THEN -pf_d ELSE pf_d END AS pf_u
             FROM pf_in WHERE pf_d IS NOT NULL AND pf_d <> -9223372036854775807 - 1 LIMIT -1 OFFSET 0)
 SELECT CASE WHEN pf_d = 0 THEN '0s' ELSE
          CASE WHEN pf_d < 0 THEN '-' ELSE '' END ||
          CASE WHEN pf_u < 1000 THEN pf_u || 'ns'
               WHEN pf_u < 1000000 THEN (pf_u / 1000) || @go_fraction(pf_u % 1000, 3) || 'µs'
               WHEN pf_u < 1000000000 THEN (pf_u / 1000000) || @go_fraction(pf_u % 1000000, 6) || 'ms'
               ELSE CASE WHEN pf_u >= 3600000000000 THEN (pf_u / 3600000000000) || 'h' ELSE '' END
                    || CASE WHEN pf_u >= 60000000000 THEN (pf_u / 60000000000 % 60) || 'm' ELSE '' END
                    || (pf_u / 1000000000 % 60) || @go_fraction(pf_u % 1000000000, 9) || 's' END
        END
 FROM pf_abs
 UNION ALL
 SELECT '-2562047h47m16.854775808s' FROM pf_in WHERE pf_d = -9223372036854775807 - 1)
-- @end

-- Go's time.Time.String() of time.Unix(0, nanos), in the local time zone:
-- '2017-02-17 17:15:31.621578004 +0000 UTC' (layout 2006-01-02
-- 15:04:05.999999999 -0700 MST). SQLite knows the local offset ('localtime')
-- but not the zone's abbreviation: it is 'UTC' at offset 0, else the offset
-- in Go's form for zones without one ('+01', '-0330'), where Go would print a
-- named zone's abbreviation (CET). NULL outside SQLite's dates (years 0 to 9999).
-- @define go_time(nanos)
(WITH pf_in AS (SELECT $nanos AS pf_n LIMIT -1 OFFSET 0),
  -- Floor division: the fraction printed is always the positive part.
  -- (pf_s * 10^9 could overflow: the fraction is taken from the remainder.)
  pf_sec AS (SELECT pf_n / 1000000000 - (pf_n % 1000000000 < 0) AS pf_s,
                    pf_n % 1000000000 + CASE WHEN pf_n % 1000000000 < 0 THEN 1000000000 ELSE 0 END AS pf_f
             FROM pf_in LIMIT -1 OFFSET 0),
  pf_local AS (SELECT pf_s, pf_f, datetime(pf_s, 'unixepoch', 'localtime') AS pf_l FROM pf_sec LIMIT -1 OFFSET 0),
  pf_off AS (SELECT pf_l, pf_f, CAST(strftime('%s', pf_l) AS INTEGER) - pf_s AS pf_o FROM pf_local LIMIT -1 OFFSET 0)
 SELECT pf_l || @go_fraction(pf_f, 9) || ' '
        || CASE WHEN pf_o < 0 THEN '-' ELSE '+' END || printf('%02d%02d', abs(pf_o) / 3600, abs(pf_o) / 60 % 60) || ' '
        || CASE WHEN pf_o = 0 THEN 'UTC'
                ELSE CASE WHEN pf_o < 0 THEN '-' ELSE '+' END || printf('%02d', abs(pf_o) / 3600)
                     || CASE WHEN abs(pf_o) % 3600 = 0 THEN '' ELSE printf('%02d', abs(pf_o) / 60 % 60) END END
 FROM pf_off)
-- @end

-- Go's fmt.Sprintf("%.1f", f), exact (what -tags prints), as @format_fixed2
-- with tenths: fast path away from ties, else @fixed1 on the exact value.
-- @define format_fixed1(x)
(WITH pf_in AS (SELECT $x AS pf_x LIMIT -1 OFFSET 0),
  pf_abs AS (SELECT pf_x, abs(pf_x) AS pf_a, abs(pf_x) * 10 AS pf_m FROM pf_in WHERE pf_x IS NOT NULL LIMIT -1 OFFSET 0),
  pf_fast AS (SELECT pf_x, pf_a,
                     CASE WHEN pf_a < 8796093022208 AND abs(pf_m - CAST(pf_m AS INTEGER) - 0.5) > pf_m / 4503599627370496
                          THEN CAST(pf_m AS INTEGER) + (pf_m - CAST(pf_m AS INTEGER) > 0.5) END AS pf_n
              FROM pf_abs LIMIT -1 OFFSET 0)
 SELECT CASE WHEN pf_x < 0 THEN '-' ELSE '' END
        || CASE WHEN pf_n IS NOT NULL THEN (pf_n / 10) || '.' || (pf_n % 10)
                WHEN pf_a < 0.00390625 THEN '0.0'                     -- below 2^-8: rounds to 0
                WHEN pf_a < 9007199254740992 THEN @fixed1(pf_a)         -- below 2^53
                WHEN pf_a < 4611686018427387904 * 2.0 THEN CAST(CAST(pf_a AS INTEGER) AS TEXT) || '.0'
                ELSE @big_integer_text(pf_a) || '.0' END               -- 2^63 and more
 FROM pf_fast)
-- @end

-- %.1f of a REAL a in [2^-8, 2^53), as @fixed2 with 10 for 100.
-- @define fixed1(a)
(WITH
  pf_ig AS (SELECT CAST($a AS INTEGER) AS pf_i, CAST(($a - CAST($a AS INTEGER)) * (1 << 60) AS INTEGER) AS pf_g LIMIT -1 OFFSET 0),
  pf_t AS (SELECT pf_i, (pf_g >> 30) * 10 + (((pf_g & 1073741823) * 10) >> 30) AS pf_t,
                  ((pf_g & 1073741823) * 10) & 1073741823 AS pf_low FROM pf_ig LIMIT -1 OFFSET 0),
  pf_qr AS (SELECT pf_i, pf_t >> 30 AS pf_q, ((pf_t & 1073741823) << 30) | pf_low AS pf_r FROM pf_t LIMIT -1 OFFSET 0),
  pf_n AS (SELECT pf_i * 10 + pf_q + (pf_r > (1 << 59) OR (pf_r = (1 << 59) AND pf_q % 2 = 1)) AS pf_n FROM pf_qr LIMIT -1 OFFSET 0)
 SELECT (pf_n / 10) || '.' || (pf_n % 10) FROM pf_n)
-- @end

-- What -tags prints for a value: measurement.Scale, then "%.1f" and the
-- unit ('2.2s', '190.0ms', '0.0B', '3.0').
-- @define tag_label(value, from_unit, to_unit)
@with_scaled($value, $from_unit, $to_unit, @format_fixed1(pf_x) || pf_unit)
-- @end

-- Go's filepath.Clean on a Unix path: '//' and '.' elements dropped, an
-- element followed by '..' removed with it ('..' kept at the start of a
-- relative path, dropped at the root), no trailing '/', '.' for nothing.
-- One element per step of a recursive CTE; `out` holds the kept elements
-- joined by '/' (rtrim(out, <out without '/'>) is out up to its last '/').
-- @define clean_path(p)
(WITH RECURSIVE
  pf_in AS (SELECT $p AS pf_p LIMIT -1 OFFSET 0),
  pf_walk(rooted, rest, out) AS (
    SELECT substr(pf_p, 1, 1) = '/', CASE WHEN substr(pf_p, 1, 1) = '/' THEN substr(pf_p, 2) ELSE pf_p END, ''
    FROM pf_in WHERE pf_p IS NOT NULL
    UNION ALL
    SELECT rooted, substr(rest, instr(rest || '/', '/') + 1),
           CASE WHEN substr(rest, 1, instr(rest || '/', '/') - 1) IN ('', '.') THEN out
                WHEN substr(rest, 1, instr(rest || '/', '/') - 1) = '..' THEN
                  CASE WHEN out <> '' AND substr(out, length(rtrim(out, replace(out, '/', ''))) + 1) <> '..'
                         THEN rtrim(rtrim(out, replace(out, '/', '')), '/')
                       WHEN rooted THEN out
                       ELSE out || CASE WHEN out = '' THEN '' ELSE '/' END || '..' END
                ELSE out || CASE WHEN out = '' THEN '' ELSE '/' END || substr(rest, 1, instr(rest || '/', '/') - 1) END
    FROM pf_walk WHERE rest <> '')
 SELECT CASE WHEN rooted THEN '/' || out WHEN out = '' THEN '.' ELSE out END FROM pf_walk WHERE rest = '')
-- @end
