"""The PyTorch side of the benchmark line protocol (interleave.py describes it; Worker.cs is the C# side)."""
import resource
import statistics
import sys
import time

SETTLE_WINDOW = 3
SETTLE_TOLERANCE = 0.05
SETTLE_MIN_STEPS = 6
SETTLE_MAX_STEPS = 40


def timed(step):
    start = time.perf_counter()
    step()
    return (time.perf_counter() - start) * 1000


def settle(step):
    """Runs step until the median of the last three step times is within 5 % of the three before (6 to 40 steps)."""
    times = []
    while len(times) < SETTLE_MAX_STEPS:
        times.append(timed(step))
        if len(times) >= max(SETTLE_MIN_STEPS, 2 * SETTLE_WINDOW):
            last = statistics.median(times[-SETTLE_WINDOW:])
            before = statistics.median(times[-2 * SETTLE_WINDOW:-SETTLE_WINDOW])
            if abs(last - before) <= SETTLE_TOLERANCE * before:
                break
    return times


def serve(tasks, description, result=None):
    """Answers the driver: tasks maps a task name to a function that runs one step."""
    print(f"ready {description}", flush=True)
    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        if words[0] == "warmup":
            times = settle(tasks[words[1]])
            print(f"settled {words[1]} after {len(times)} steps, last {times[-1]:.1f} ms", flush=True)
        elif words[0] == "run":
            times = [timed(tasks[words[1]]) for _ in range(int(words[2]))]
            print(f"times {words[1]} " + " ".join(f"{t:.3f}" for t in times), flush=True)
        elif words[0] == "quit":
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024   # kilobytes on Linux
            extra = " ".join(f"{k}={v}" for k, v in (result() if result else {}).items())
            print(f"RESULT peak_rss_mb={peak:.0f} {extra}".rstrip(), flush=True)
            return
        else:
            print(f"unknown command {line.strip()}", file=sys.stderr, flush=True)
