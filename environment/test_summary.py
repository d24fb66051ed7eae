"""Adds up the results of the test command's suites and prints one closing line: 'N passed, N failed, N skipped'.

Usage: test_summary.py DOTNET_LOG UNITTEST_LOG COURSE_LOG [COURSE_LOG ...]  (one course log per kernel; a missing or
unreadable log counts as one failure).
"""
import re
import sys


def read(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError:
        return None


def dotnet(text):
    rows = re.findall(r"(?:Passed|Failed)!\s+-\s+Failed:\s+(\d+),\s+Passed:\s+(\d+),\s+Skipped:\s+(\d+)", text)
    if not rows:
        return 0, 1, 0
    return sum(int(r[1]) for r in rows), sum(int(r[0]) for r in rows), sum(int(r[2]) for r in rows)


def unittest(text):
    # One or more unittest runs in the same log: add up every "Ran N tests" and every closing "OK (...)"/"FAILED (...)".
    ran = re.findall(r"^Ran (\d+) tests?", text, re.M)
    if not ran:
        return 0, 1, 0
    total = sum(int(n) for n in ran)
    counts = {}
    for line in re.findall(r"^(?:OK|FAILED) \((.*)\)$", text, re.M):
        for k, v in re.findall(r"(failures|errors|skipped|expected failures|unexpected successes)=(\d+)", line):
            counts[k] = counts.get(k, 0) + int(v)
    failed = counts.get("failures", 0) + counts.get("errors", 0) + counts.get("unexpected successes", 0)
    skipped = counts.get("skipped", 0)
    return total - failed - skipped, failed, skipped


def course(text):
    m = re.search(r"run_course: (\d+) notebooks passed, (\d+) failed", text)
    return (int(m.group(1)), int(m.group(2)), 0) if m else (0, 1, 0)


def main():
    totals = [0, 0, 0]
    logs = sys.argv[1:]
    parsers = [dotnet, unittest] + [course] * max(1, len(logs) - 2)
    for path, parse in zip(logs + [None] * (len(parsers) - len(logs)), parsers):
        text = read(path) if path else None
        p, f, s = parse(text) if text is not None else (0, 1, 0)
        totals = [totals[0] + p, totals[1] + f, totals[2] + s]
    print(f"{totals[0]} passed, {totals[1]} failed, {totals[2]} skipped")
    return 1 if totals[1] else 0


if __name__ == "__main__":
    sys.exit(main())
