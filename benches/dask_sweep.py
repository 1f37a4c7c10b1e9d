"""A sweep's wall time on one Dask worker against two, in one run, and the
local sweep for reference; each table equals the local one byte for byte.
Two sweeps: a grid of many cells (spread cell by cell), and one big cell
(spread in shares of its replicates).

    .venv/bin/python benches/dask_sweep.py [SPEC.toml]
"""

import sys
import time
from pathlib import Path

from dask import distributed

import model_collapse as mc

ROOT = Path(__file__).resolve().parents[1]
SPEC = sys.argv[1] if len(sys.argv) > 1 else str(ROOT / "examples" / "gerstgrasser-sweep.toml")
# One thread per cell, so that workers, not threads inside a cell, share the cores.
SWEEPS = {
    "grid": ["sweep", SPEC, "--threads", "1"],
    "one big cell": ["sweep", "--family", "gaussian", "--vary", "samples=400", "--set", "generations=100",
                     "--replicates", "20000", "--seed", "3", "--threads", "1"],
}


def timed(args, client):
    start = time.perf_counter()
    table = mc._sweep_table(args, client, None)
    return time.perf_counter() - start, table


if __name__ == "__main__":
    for name, args in SWEEPS.items():
        seconds, local = timed(args, None)
        print(f"{name}: local, one process, 1 thread per cell: {seconds:.2f} s")
        for workers in (1, 2):
            with distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
                with distributed.Client(cluster) as client:
                    client.run(lambda: None)  # the workers are up before the clock starts
                    seconds, table = timed(args, client)
                    assert table == local, "the table differs from the local one"
                    print(f"{name}: {workers} worker(s), about {4 * workers} tasks: {seconds:.2f} s, table identical to the local one")
