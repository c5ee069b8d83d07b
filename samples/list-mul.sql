-- The annotated source listing of goapp/mathx.(*Matrix).Mul in the bundled Go
-- CPU profile: the lines `go tool pprof -list` prints, from a SQL view.
-- Same as: pprof-sql '-list=goapp/mathx\.\(\*Matrix\)\.Mul$' \
--            -source_path=samples/src/go -trim_path=/home/build samples/go1.cpu.pb.gz
SELECT pprof_config('source_path', 'samples/src/go'),  -- where the sources are
       pprof_config('trim_path', '/home/build'),        -- the prefix the profile recorded
       pprof_load('samples/go1.cpu.pb.gz');

SELECT text FROM pprof_list_text
WHERE profile_id = 1 AND symbol = 'goapp/mathx\.\(\*Matrix\)\.Mul$'
ORDER BY line_no;
