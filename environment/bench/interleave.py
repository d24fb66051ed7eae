"""Runs benchmark workers side by side, interleaved, and prints medians, interquartile ranges and ratios.

Every worker is a long-lived process (C# or PyTorch) that speaks a line protocol on stdin/stdout (worker.py and
Worker.cs implement it):
    worker -> "ready <description>"                  once set up
    driver -> "warmup <task>"    worker -> "settled <task> <steps> <last ms>"   steps until the step time settles
    driver -> "run <task> <k>"   worker -> "times <task> <ms> ... <ms>"         k timed steps
    driver -> "quit"             worker -> "RESULT key=value ..."               (peak RSS and the like), then exits
Only one worker computes at a time. Rounds alternate the workers (in a rotating order), so that a slow spell of a
shared machine falls on all of them, not on one; at least 20 steps of each task are timed on each worker.

Usage: interleave.py --rounds R --steps-per-round K --task T [--task T2] --worker LABEL=COMMAND ... \
                     [--ratio "LINE LABEL=TASK:NUMERATOR/DENOMINATOR" ...] [--scale TASK=FACTOR:UNIT]
A ratio line prints "LINE LABEL ratio (C# / PyTorch): R" from the median step times of the two workers, with the spread
of the ratio over rounds (the ratio of each round's medians, min to max).
"""
import argparse
import shlex
import statistics
import subprocess
import sys


class Worker:
    def __init__(self, label, command):
        self.label = label
        self.proc = subprocess.Popen(command, shell=True, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
        self.description = self.expect("ready")
        self.times = {}
        self.rounds = {}
        self.result = {}

    def expect(self, word):
        while True:
            line = self.proc.stdout.readline()
            if not line:
                raise SystemExit(f"bench: worker '{self.label}' exited before '{word}' (exit code {self.proc.wait()})")
            line = line.rstrip("\n")
            if line.startswith(word + " ") or line == word:
                return line[len(word):].strip()
            print(f"  [{self.label}] {line}", flush=True)

    def send(self, line):
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def warmup(self, task):
        self.send(f"warmup {task}")
        return self.expect("settled")

    def run(self, task, k):
        self.send(f"run {task} {k}")
        fields = self.expect("times").split()
        if fields[0] != task:
            raise SystemExit(f"bench: worker '{self.label}' answered for task {fields[0]}, not {task}")
        values = [float(v) for v in fields[1:]]
        self.times.setdefault(task, []).extend(values)
        self.rounds.setdefault(task, []).append(statistics.median(values))
        return values

    def quit(self):
        self.send("quit")
        line = self.expect("RESULT")
        self.proc.wait()
        self.result = dict(kv.split("=", 1) for kv in line.split() if "=" in kv)


def quartiles(values):
    q = statistics.quantiles(values, n=4, method="inclusive")
    return q[0], statistics.median(values), q[2]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=6)
    ap.add_argument("--steps-per-round", type=int, default=4)
    ap.add_argument("--task", action="append", required=True)
    ap.add_argument("--worker", action="append", required=True, help="LABEL=COMMAND")
    ap.add_argument("--ratio", action="append", default=[], help="'NAME=TASK:NUMERATOR/DENOMINATOR'")
    ap.add_argument("--scale", action="append", default=[], help="TASK=FACTOR:UNIT: also print the median times FACTOR in UNIT")
    a = ap.parse_args()
    if a.rounds * a.steps_per_round < 20:
        raise SystemExit("bench: time at least 20 steps of each task (rounds x steps-per-round >= 20)")

    workers = []
    for spec in a.worker:
        label, command = spec.split("=", 1)
        print(f"bench: starting {label}: {command}", flush=True)
        workers.append(Worker(label, command))
        print(f"bench: {label}: {workers[-1].description}", flush=True)
    for task in a.task:
        for w in workers:
            print(f"bench: {w.label} {task}: warm-up until the step time settles: {w.warmup(task)}", flush=True)
    for r in range(a.rounds):
        order = workers[r % len(workers):] + workers[:r % len(workers)]
        for task in a.task:
            for w in order:
                values = w.run(task, a.steps_per_round)
                print(f"bench: round {r + 1}/{a.rounds} {task} {w.label}: " + " ".join(f"{v:.1f}" for v in values) + " ms", flush=True)
    for w in workers:
        w.quit()

    scales = {}
    for spec in a.scale:
        task, rest = spec.split("=", 1)
        factor, unit = rest.split(":", 1)
        scales[task] = (float(factor), unit)
    print()
    for task in a.task:
        print(f"{task}: median step [interquartile range], fastest, steps timed")
        for w in workers:
            q1, med, q3 = quartiles(w.times[task])
            extra = ""
            if task in scales:
                factor, unit = scales[task]
                extra = f"  (x{factor:g}: {med * factor / 1000:.2f} {unit})"
            print(f"  {w.label:<28} {med:9.1f} ms [{q1:.1f} - {q3:.1f}]  fastest {min(w.times[task]):.1f}  n={len(w.times[task])}{extra}")
    print("peak RSS: " + ", ".join(f"{w.label} {w.result.get('peak_rss_mb', '?')} MB" for w in workers))
    by_label = {w.label: w for w in workers}
    for spec in a.ratio:
        name, rest = spec.split("=", 1)
        task, pair = rest.split(":", 1)
        num, den = (by_label[x] for x in pair.split("/"))
        ratio = statistics.median(num.times[task]) / statistics.median(den.times[task])
        per_round = [n / d for n, d in zip(num.rounds[task], den.rounds[task])]
        print(f"{name} ratio (C# / PyTorch): {ratio:.2f}   [{num.label} / {den.label}; per round {min(per_round):.2f} - {max(per_round):.2f}]")
    for w in workers:
        for key, value in w.result.items():
            print(f"RESULT {w.label} {key}={value}")


if __name__ == "__main__":
    sys.exit(main())
