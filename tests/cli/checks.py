"""What the command-line tests share: the checkout's root, where the corpus
and the profile generator are, and the pass/fail bookkeeping each test prints
(one line per check, then `N passed, M failed`)."""
import os

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# The committed corpus (tests/corpus/README.md) and the folder beside the
# checkout that holds pprof's own testdata, which is not committed.
CORPUS = os.path.join(ROOT, "tests", "corpus")
SHARED_CORPUS = os.path.join(os.path.dirname(ROOT), "shared", "corpus", "dev")
# The synthetic profile generator (tests/tools/README.md).
MAKE_BIG_PROFILE = os.path.join(ROOT, "tests", "tools", "make_big_profile.py")
results = []


def pprof_testdata_rows():
    """How many MANIFEST rows pprof-testdata has (tests/corpus/EXTERNAL.tsv)."""
    with open(os.path.join(CORPUS, "EXTERNAL.tsv")) as f:
        for line in f:
            fields = line.rstrip("\n").split("\t")
            if fields[0] == "pprof-testdata":
                return int(fields[1])
    raise SystemExit(f"{CORPUS}/EXTERNAL.tsv has no pprof-testdata row")


def pprof_testdata_absent(shared_corpus, n, what):
    """The line a suite prints for the cases it did not run without pprof-testdata."""
    return f"{n} {what} not run: {os.path.join(shared_corpus, 'pprof-testdata')} is absent"


def check(name, ok, detail=""):
    results.append(bool(ok))
    print(("ok      " if ok else "FAILED  ") + name + ("" if ok else ": " + str(detail)[:2000]))


def summary():
    """Prints the counts; the exit status: 1 if a check failed or none ran."""
    failed = results.count(False)
    print(f"{len(results) - failed} passed, {failed} failed")
    return 1 if failed or not results else 0
