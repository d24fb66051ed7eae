#!/usr/bin/python3
"""Measures a Jupyter kernel as a client sees it: start time and a trivial cell's round trip.

Usage: /usr/bin/python3 environment/kernel/measure_kernel.py [--kernel NAME] [--starts N] [--cells N] [--code CODE]

--kernel defaults to this checkout's build of the course kernel (through the tests' temporary kernelspec); name an
installed kernelspec (`diffusion-csharp`, `dotnet-interactive-csharp`) to measure that one instead.
Start: from launching the process to the kernel_info reply (jupyter_client's wait_for_ready), median of --starts runs.
First cell: the first execution of --code after the kernel_info reply (it pays for the first compilation).
Cell: execute_request to execute_reply of --code after that first cell, median and 90th percentile of --cells runs.
"""
import argparse
import os
import statistics
import sys
import time

from jupyter_client.manager import start_new_kernel

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "tests"))


def quiet(_msg):
    pass


def measure_start(name):
    started = time.perf_counter()
    km, kc = start_new_kernel(kernel_name=name, startup_timeout=120)
    seconds = time.perf_counter() - started
    return km, kc, seconds


def measure_cells(kc, code, count):
    """(seconds of the first cell after start, sorted seconds of the later ones)."""
    started = time.perf_counter()
    kc.execute_interactive(code, timeout=120, output_hook=quiet)  # the first cell pays for the first compilation
    first = time.perf_counter() - started
    times = []
    for _ in range(count):
        started = time.perf_counter()
        reply = kc.execute_interactive(code, timeout=120, output_hook=quiet)
        times.append(time.perf_counter() - started)
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"the cell failed: {reply['content']}")
    return first, sorted(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kernel", help="kernelspec name (default: this checkout's build)")
    parser.add_argument("--starts", type=int, default=5)
    parser.add_argument("--cells", type=int, default=30)
    parser.add_argument("--code", default="1 + 1")
    args = parser.parse_args()
    if args.kernel:
        name = args.kernel
    else:
        from kernel_support import KERNEL_NAME as name
    starts, firsts, cells = [], [], []
    for i in range(args.starts):
        km, kc, seconds = measure_start(name)
        starts.append(seconds)
        try:
            first, times = measure_cells(kc, args.code, args.cells if i == 0 else 0)
            firsts.append(first)
            cells = cells or times
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=True)
    print(f"kernel {name}: start (launch to kernel_info reply) median {statistics.median(starts):.2f} s "
          f"(min {min(starts):.2f}, max {max(starts):.2f}, {len(starts)} starts)")
    print(f"kernel {name}: first cell after start median {statistics.median(firsts):.2f} s")
    print(f"kernel {name}: cell '{args.code}' round trip median {statistics.median(cells) * 1000:.1f} ms "
          f"(p90 {cells[int(len(cells) * 0.9) - 1] * 1000:.1f} ms, {len(cells)} runs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
