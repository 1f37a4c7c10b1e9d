"""The cost of one call from Python against one command-line process, in one run.

    .venv/bin/python benches/python_overhead.py [CALLS]

Times `model_collapse.theory("linear", ...)` in-process against `collapse theory
linear ... -o FILE` as a subprocess (what a notebook did before the package), for
the same small setting, and a small simulation both ways; prints the median per call.
"""

import os
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import pandas as pd

import model_collapse as mc

warnings.simplefilter("ignore", mc.CollapseWarning)

ROOT = Path(__file__).resolve().parents[1]
COLLAPSE = os.environ.get("COLLAPSE", str(ROOT / "target" / "release" / "collapse"))
CALLS = int(sys.argv[1]) if len(sys.argv) > 1 else 50

CASES = {
    "theory linear (20 generations)": ("theory", "linear", {"regime": "accumulate", "generations": 20}),
    "simulate gaussian (M=20, 10 generations, 200 replicates)": (
        "simulate", "gaussian", {"samples": 20, "generations": 10, "replicates": 200, "seed": 1}),
}


def median_seconds(call):
    times = []
    for _ in range(CALLS):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def process(args, out):
    subprocess.run([COLLAPSE, *args, "-o", out], check=True, stderr=subprocess.DEVNULL)


with tempfile.TemporaryDirectory() as folder:
    out = os.path.join(folder, "out.parquet")
    for label, (command, family, settings) in CASES.items():
        args = [command, family, *mc.flags(settings)]
        python = median_seconds(lambda: getattr(mc, command)(family, **settings))
        cli = median_seconds(lambda: process(args, out))
        cli_read = median_seconds(lambda: (process(args, out), pd.read_parquet(out)))
        print(f"{label}: Python call {1e3 * python:.2f} ms (a DataFrame); CLI process {1e3 * cli:.2f} ms, "
              f"{1e3 * cli_read:.2f} ms with pd.read_parquet; median of {CALLS} calls")
