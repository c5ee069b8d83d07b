-- The top 10 allocation sites of the bundled Go heap profile by in-use
-- bytes: the functions whose frames are the leaf of the most live memory.
-- The same numbers as `go tool pprof -top -sample_index=inuse_space`.
SELECT pprof_load('samples/go1.heap.pb.gz') AS profile_id;

SELECT f.function_name                    AS function,
       pprof_format(sum(s.value), 'bytes', 'MB') AS inuse,
       pprof_percentage(sum(s.value),
         (SELECT sum(value) FROM pprof_samples WHERE sample_type = 'inuse_space')) AS "inuse%"
FROM pprof_samples s
JOIN pprof_frames f USING (profile_id, sample_id)
WHERE s.sample_type = 'inuse_space' AND f.depth = 0
GROUP BY f.function_name
ORDER BY sum(s.value) DESC
LIMIT 10;
