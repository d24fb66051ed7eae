"""Where the time of a benchmark step goes: samples one worker of the line protocol (worker.py / Worker.cs) with Linux perf
while it runs N steps of a task (after its warm-up), and sums the samples by the kind of operation (oneDNN's convolution
kernels, GroupNorm, SiLU, element-wise kernels, reductions, random numbers, copies, the allocator, the kernel, dispatch and
autograd, the .NET runtime). The same native kernels serve C# and PyTorch, so both sides are read alike.

Usage: profile_step.py --task train --steps 20 -- COMMAND ...   (the worker's command line)
Needs perf (Debian: linux-perf); in a VM without hardware counters perf samples the CPU clock.
"""
import argparse
import collections
import re
import signal
import subprocess
import sys
import tempfile
import time

# (kind, pattern on "library [k/.] symbol"), first match wins. oneDNN's JIT-generated convolution and GEMM kernels have no
# symbols: perf files them under an anonymous "[JIT]" or "//anon" mapping, which only LibTorch's oneDNN writes in these workers.
KINDS = [
    ("convolution and GEMM kernels (oneDNN JIT code)", r"\[JIT\]|//anon|memfd:"),
    ("oneDNN reorders and other oneDNN code", r"dnnl|ideep|mkldnn"),
    ("matrix products (MKL / BLAS)", r"mkl_blas|sgemm|dgemm|gemm|libblas|libopenblas"),
    ("GroupNorm", r"GroupNorm|group_norm|RowwiseMoments|ComputeInternalGradients"),
    ("SiLU", r"silu"),
    ("softmax and attention", r"softmax|flash_attention|attention"),
    ("random numbers (dropout masks, noise)", r"bernoulli|random64|uniform|normal_|mt19937|philox"),
    ("reductions (sums, bias gradients, norms)", r"cascade_sum|multi_row_sum|reduce|sum_kernel|norm_kernel|inner_sum"),
    ("element-wise arithmetic", r"add_kernel|mul_kernel|div_|sub_kernel|lerp|addcmul|addcdiv|sqrt|where|fill_kernel|ge_kernel|compare|threshold|clamp|exp|Sleef|pow"),
    ("copies, concatenation, casts", r"copy_kernel|cat_serial|cat_|reduced_float_copy|memmove|memcpy|memset|copy_|index_select|index_"),
    ("allocator (malloc / free)", r"malloc|free|unlink_chunk|_int_|consolidate|cfree|posix_memalign|_mid_memalign"),
    ("operating system (page faults, scheduling)", r"\[k\]"),
    ("dispatch, autograd and other LibTorch code", r"libtorch|libc10|libtorch_cpu|libLibTorchSharp"),
    (".NET runtime and C# code", r"coreclr|clrjit|CoreLib|System\.|Diffusion|TorchSharp|dotnet"),
    ("Python interpreter", r"python|libpython"),
]


def expect(proc, word):
    while True:
        line = proc.stdout.readline()
        if not line:
            raise SystemExit(f"profile: the worker exited before '{word}'")
        if line.startswith(word):
            return line.strip()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--task", default="train")
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--frequency", type=int, default=999)
    ap.add_argument("command", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    command = a.command[1:] if a.command[:1] == ["--"] else a.command
    worker = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
    print("profile: " + expect(worker, "ready"), flush=True)
    worker.stdin.write(f"warmup {a.task}\n")
    worker.stdin.flush()
    print("profile: " + expect(worker, "settled"), flush=True)
    data = tempfile.NamedTemporaryFile(suffix=".perf", delete=False).name
    perf = subprocess.Popen(["perf", "record", "-q", "-F", str(a.frequency), "-p", str(worker.pid), "-o", data],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1)
    worker.stdin.write(f"run {a.task} {a.steps}\n")
    worker.stdin.flush()
    times = [float(v) for v in expect(worker, "times").split()[2:]]
    perf.send_signal(signal.SIGINT)
    perf.wait()
    worker.stdin.write("quit\n")
    worker.stdin.flush()
    expect(worker, "RESULT")
    worker.wait()

    report = subprocess.run(["perf", "report", "-i", data, "--no-children", "--sort", "dso,symbol", "-g", "none",
                             "--percent-limit", "0.005", "--stdio"], capture_output=True, text=True).stdout
    totals = collections.Counter()
    unmatched = collections.Counter()
    for line in report.splitlines():
        m = re.match(r"\s+([\d.]+)%\s+(\S.*?)\s{2,}\[(.)\]\s+(.*)$", line)
        if not m:
            continue
        share, text = float(m.group(1)), f"{m.group(2)} [{m.group(3)}] {m.group(4)}"
        for kind, pattern in KINDS:
            if re.search(pattern, text):
                totals[kind] += share
                break
        else:
            totals["other"] += share
            unmatched[text[:100]] += share
    step = sorted(times)[len(times) // 2]
    print(f"profile: {a.task}, {len(times)} steps, median {step:.1f} ms; samples by kind of operation (share of the step, ms):")
    for kind, share in totals.most_common():
        print(f"  {share:5.1f} %  {share * step / 100:7.1f} ms  {kind}")
    for text, share in unmatched.most_common(5):
        print(f"          other: {share:.2f} % {text}")


if __name__ == "__main__":
    sys.exit(main())
