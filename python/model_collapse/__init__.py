"""model_collapse: the theory of model collapse, verified numerically, from Python.

The same engine as the ``collapse`` command line, called in-process: every
function takes the family first, then the command line's flags as keyword
arguments (``samples=100`` for ``--samples 100``, ``fixed_design=7`` for
``--fixed-design 7``, a list for a comma-separated value), with the command
line's defaults, and returns its tidy table as a pandas DataFrame, bit for bit
the numbers ``collapse ... -o out.parquet`` writes for the same settings and
seed. The run's description (parameters, seed, warnings, ...) is in
``frame.attrs["metadata"]``; each warning is also issued as a
:class:`CollapseWarning`. A bad argument raises ``ValueError`` with the command
line's message (the flag, the value and the rule). The GIL is released while
the engine works, so a notebook stays responsive and threads run in parallel.

>>> import model_collapse as mc
>>> mc.theory("linear", dim=10, samples=100, sigma=1.0, generations=50, regime="accumulate")
>>> mc.simulate("gaussian", samples=20, generations=100, replicates=2000, seed=3)
>>> mc.sweep(family="linear", vary={"dim": [1, 10], "regime": ["replace", "accumulate"]}, replicates=500)
>>> mc.check("linear-replace", "my-results.csv", dim=5, samples=20, sigma=1, regime="replace")
"""

from __future__ import annotations

import io
import json
import os
import tempfile
import warnings
from typing import Any, Iterable, Mapping, Optional, Sequence, Union

import pandas as pd

from . import _core

__all__ = ["theory", "simulate", "sweep", "check", "verify", "theorems", "CollapseWarning", "flags"]


class CollapseWarning(UserWarning):
    """A note about the numbers: no closed form here, a standard error that is no evidence, ..."""


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return ",".join(_value(v) for v in value)
    return str(value)


def flags(settings: Mapping[str, Any]) -> list:
    """The command line's flags for keyword arguments: ``fixed_design=7`` is
    ``--fixed-design 7``, ``True`` a bare flag, ``None`` and ``False`` nothing,
    a list its comma-separated values."""
    out = []
    for name, value in settings.items():
        if value is None or value is False:
            continue
        flag = "--" + name.replace("_", "-")
        if value is True:
            out.append(flag)
        else:
            out.extend([flag, _value(value)])
    return out


def _frame(table: bytes, meta: str) -> pd.DataFrame:
    frame = pd.read_parquet(io.BytesIO(table))
    metadata = json.loads(meta)
    frame.attrs["metadata"] = metadata
    for warning in metadata.get("warnings", []):
        warnings.warn(warning, CollapseWarning, stacklevel=3)
    return frame


def _run(args: Sequence[str]):
    table, meta, replicates, status = _core.table([str(a) for a in args])
    return _frame(table, meta), replicates, status


def theory(family: str, **settings: Any) -> pd.DataFrame:
    """The closed forms, one row per metric and generation (``collapse theory FAMILY``).

    ``family`` is ``linear``, ``downstream``, ``overparam``, ``gaussian``,
    ``categorical`` or ``absorption``; ``settings`` are the flags of
    ``collapse theory FAMILY --help``.
    """
    return _run(["theory", family, *flags(settings)])[0]


def simulate(family: str, *, per_replicate: bool = False, **settings: Any):
    """The Monte Carlo mean, standard error, interval and z beside the closed
    forms, one row per metric and generation (``collapse simulate FAMILY``).

    ``settings`` are the flags of ``collapse simulate FAMILY --help``
    (``replicates=1000``, ``seed=1``, ``threads`` by default). With
    ``per_replicate=True`` it returns ``(summary, values)``, ``values`` every
    replicate's values (``replicate, generation, metric, value``; replicate r
    is the chain of stream r), as ``--replicates-out`` writes them.
    """
    args = ["simulate", family, *flags(settings)]
    if per_replicate:
        # The path is only checked, never written: the values come back in memory.
        args += ["--replicates-out", os.path.join(tempfile.gettempdir(), "model-collapse-replicates.parquet")]
    frame, replicates, _ = _run(args)
    if not per_replicate:
        return frame
    return frame, pd.read_parquet(io.BytesIO(replicates))


def sweep(
    spec: Union[str, os.PathLike, None] = None,
    *,
    family: Optional[str] = None,
    vary: Optional[Mapping[str, Iterable[Any]]] = None,
    set: Optional[Mapping[str, Any]] = None,
    client: Any = None,
    shards: Optional[int] = None,
    **options: Any,
) -> pd.DataFrame:
    """A grid of settings run into one tidy table with a ``cell`` column (``collapse sweep``).

    Give a TOML ``spec`` (as ``examples/gerstgrasser-sweep.toml``), or a
    ``family`` with ``vary`` (each parameter's values: an axis) and ``set``
    (parameters held fixed). ``options`` are the flags of ``collapse sweep``:
    ``replicates``, ``seed``, ``common_random_numbers`` (default off: each cell's
    seed is derived from ``seed`` and its parameters), ``threads``. Cells that
    are invalid are skipped, listed in ``frame.attrs["metadata"]["invalid_cells"]``
    and warned about.

    With a ``dask.distributed.Client`` as ``client``, the cells are spread over
    its workers in ``shards`` shares (default: four per worker), each share one
    task (``collapse sweep --shard K/N``), and the shares are joined as
    ``collapse merge`` joins them: the table is the local run's, byte for byte,
    whatever the number of workers. Every worker needs this package installed.
    """
    args = ["sweep"]
    if spec is not None:
        args.append(os.fspath(spec))
    if family is not None:
        args += ["--family", family]
    for name, values in (vary or {}).items():
        args += ["--vary", f"{name}={_value(list(values))}"]
    for name, value in (set or {}).items():
        args += ["--set", f"{name}={_value(value)}"]
    table, meta = _sweep_table(args + flags(options), client, shards)
    frame = _frame(table, meta)
    for cell in frame.attrs["metadata"].get("invalid_cells", []):
        warnings.warn(f"cell {cell['cell']} skipped: {cell['reason']}", CollapseWarning, stacklevel=2)
    return frame


def _share(args: Sequence[str], k: int, n: int) -> bytes:
    """One share of a sweep, run on a worker: its table's Parquet bytes (with its description)."""
    return _core.table([*args, "--shard", f"{k}/{n}"])[0]


def _sweep_table(args: Sequence[str], client: Any, shards: Optional[int]):
    """A sweep's Parquet bytes and description: run here, or in shares on a Dask client and merged."""
    if client is None:
        table, meta, _, _ = _core.table(list(args))
        return table, meta
    n = shards if shards is not None else 4 * max(1, len(client.scheduler_info()["workers"]))
    if n < 1:
        raise ValueError(f"shards = {n}: must be at least 1")
    futures = client.map(_share, [list(args)] * n, range(1, n + 1), [n] * n, pure=False)
    parts = client.gather(futures)
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for k, part in enumerate(parts, start=1):
            path = os.path.join(folder, f"share-{k}.parquet")
            with open(path, "wb") as file:
                file.write(part)
            paths.append(path)
        table, meta, _, _ = _core.table(["merge", *paths])
    return table, meta


def check(theorem: str, data: Union[str, os.PathLike, pd.DataFrame], **settings: Any) -> pd.DataFrame:
    """Your own results judged against a theorem's closed form by ``collapse
    verify``'s rule (``collapse check``): one row per generation with ``z`` and
    a ``verdict``; ``frame.attrs["metadata"]["passed"]`` says whether every
    generation passed.

    ``data`` is a CSV or Parquet file, or a DataFrame: one row per replicate and
    generation (``replicate, generation, value``) or per generation
    (``generation, mean, std_error, replicates``), with ``metric`` when several
    are mixed. ``settings`` are your experiment's, as ``collapse theory
    FAMILY`` takes them (``dim=5, samples=20, regime="replace"``), and
    ``metric``.
    """
    if isinstance(data, pd.DataFrame):
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "data.parquet")
            data.to_parquet(path, index=False)
            return _run(["check", theorem, "--data", path, *flags(settings)])[0]
    return _run(["check", theorem, "--data", os.fspath(data), *flags(settings)])[0]


def verify(*ids: str, seed: Optional[int] = None, replicates: Optional[int] = None, threads: Optional[int] = None) -> pd.DataFrame:
    """Every registered theorem's closed form against its Monte Carlo check
    (``collapse verify``): one row per assertion, ``passed`` and the verdict;
    ``frame.attrs["report"]`` holds the run (seed, the critical z, whether all passed)."""
    default_seed, default_replicates = _core.verify_defaults()
    report = json.loads(
        _core.verify(list(ids), default_seed if seed is None else seed, default_replicates if replicates is None else replicates, threads)
    )
    frame = pd.json_normalize(report.pop("checks"), sep="_")
    frame.attrs["report"] = report
    return frame


def theorems() -> pd.DataFrame:
    """The registered theorems: id, family, statement (which says what is only
    asymptotic or numerical), source, check and proof file (``collapse list``)."""
    return pd.DataFrame(json.loads(_core.theorems()))
