"""What the command-line tests share: the checkout's root, and the pass/fail
bookkeeping each test prints (one line per check, then `N passed, M failed`)."""
import os

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
results = []


def check(name, ok, detail=""):
    results.append(bool(ok))
    print(("ok      " if ok else "FAILED  ") + name + ("" if ok else ": " + str(detail)[:2000]))


def summary():
    """Prints the counts; the exit status: 1 if a check failed or none ran."""
    failed = results.count(False)
    print(f"{len(results) - failed} passed, {failed} failed")
    return 1 if failed or not results else 0
