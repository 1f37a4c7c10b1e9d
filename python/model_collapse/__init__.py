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
>>> summary, values = mc.simulate("gaussian", samples=20, per_replicate=True)
>>> values["variance_ratio"]  # every chain: a (replicates x generations) NumPy view, no copy
>>> mc.plot("gaussian-replace-variance", dir="figures")

Files are written only by :func:`plot` (and by the command line): the others
return DataFrames to save as you like.
"""

from __future__ import annotations

import collections.abc
import io
import json
import os
import tempfile
import warnings
from typing import Any, Dict, Iterable, Iterator, List, Literal, Mapping, Optional, Sequence, Tuple, Union, overload

import numpy as np
import numpy.typing as npt
import pandas as pd

from . import _core

__all__ = ["theory", "simulate", "sweep", "check", "verify", "theorems", "plot", "Replicates", "CollapseWarning", "flags"]


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


def flags(settings: Mapping[str, Any]) -> List[str]:
    """The command line's flags for keyword arguments: ``fixed_design=7`` is
    ``--fixed-design 7``, ``True`` a bare flag, ``None`` and ``False`` nothing,
    a list its comma-separated values."""
    out: List[str] = []
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


def _run(args: Sequence[str], values: bool = False) -> Tuple[pd.DataFrame, Optional[_core._PerReplicate], int]:
    table, meta, replicates, status = _core.table([str(a) for a in args], values)
    return _frame(table, meta), replicates, status


#: Flags that write files: the package returns DataFrames instead.
_FILE_FLAGS = {"output": "frame.to_parquet(path)", "format": "frame.to_csv(path) or frame.to_json(path)",
               "replicates_out": "per_replicate=True, then values.frame().to_parquet(path)"}


def _settings(settings: Mapping[str, Any]) -> List[str]:
    """The flags of ``settings``, refusing those that would write a file."""
    for name, instead in _FILE_FLAGS.items():
        if settings.get(name) is not None:
            raise ValueError(f"{name} = {settings[name]}: the package returns the table instead of writing it; use {instead}")
    return flags(settings)


class Replicates(collections.abc.Mapping[str, npt.NDArray[np.float64]]):
    """Every replicate's values of a simulation, as NumPy arrays without copies.

    ``values[metric]`` is a ``(replicates, generations)`` array: row ``r`` is
    the chain drawn from stream ``r`` of the seed, column ``j`` generation
    ``values.generations[j]``. The arrays are read-only views of one buffer
    that the engine filled and handed over whole (``values.array``, shaped
    ``(replicates, metrics, generations)`` with every metric of the model).
    ``values.frame()`` is the tidy table ``--replicates-out`` writes.
    """

    def __init__(
        self, array: npt.NDArray[np.float64], metrics: Sequence[str], selected: Sequence[int], generations: Sequence[int], numbered: bool
    ) -> None:
        shape = (len(array) // max(1, len(metrics) * len(generations)), len(metrics), len(generations))
        self.array = array.reshape(shape)
        self.array.flags.writeable = False
        self._position = {metrics[k]: k for k in selected}
        self.generations = np.asarray(generations, dtype=np.uint64)
        self._numbered = numbered

    def __getitem__(self, metric: str) -> npt.NDArray[np.float64]:
        if metric not in self._position:
            raise KeyError(f"{metric!r}: this run kept {', '.join(self._position)}")
        return self.array[:, self._position[metric], :]

    def __iter__(self) -> Iterator[str]:
        return iter(self._position)

    def __len__(self) -> int:
        return len(self._position)

    @property
    def replicates(self) -> int:
        """How many replicates (independent chains) were kept."""
        return int(self.array.shape[0])

    def __repr__(self) -> str:
        return f"<Replicates: {self.replicates} replicates x {len(self.generations)} generations of {', '.join(self)}>"

    def frame(self) -> pd.DataFrame:
        """The values as the tidy table ``--replicates-out`` writes:
        ``replicate, generation, metric, value``, replicate by replicate, each
        metric's trajectory in order (the generation empty for a quantity of a
        chain run to absorption)."""
        count, width = self.replicates, len(self.generations)
        names = list(self)
        values = np.stack([self[m] for m in names], axis=1).reshape(-1) if names else np.empty(0)
        generation = np.tile(self.generations, count * len(names))
        return pd.DataFrame({
            "replicate": np.repeat(np.arange(count, dtype=np.uint64), width * len(names)),
            "generation": generation if self._numbered else pd.array([None] * len(generation), dtype="UInt64"),
            "metric": np.tile(np.repeat(np.array(names, dtype=object), width), count),
            "value": values,
        })


def theory(family: str, **settings: Any) -> pd.DataFrame:
    """The closed forms, one row per metric and generation (``collapse theory FAMILY``).

    ``family`` is ``linear``, ``downstream``, ``overparam``, ``gaussian``,
    ``categorical`` or ``absorption``; ``settings`` are the flags of
    ``collapse theory FAMILY --help``.
    """
    return _run(["theory", family, *_settings(settings)])[0]


@overload
def simulate(family: str, *, per_replicate: Literal[False] = False, **settings: Any) -> pd.DataFrame: ...


@overload
def simulate(family: str, *, per_replicate: Literal[True], **settings: Any) -> Tuple[pd.DataFrame, Replicates]: ...


def simulate(family: str, *, per_replicate: bool = False, **settings: Any) -> Union[pd.DataFrame, Tuple[pd.DataFrame, Replicates]]:
    """The Monte Carlo mean, standard error, interval and z beside the closed
    forms, one row per metric and generation (``collapse simulate FAMILY``).

    ``settings`` are the flags of ``collapse simulate FAMILY --help``
    (``replicates=1000``, ``seed=1``, ``threads`` by default). With
    ``per_replicate=True`` it returns ``(summary, values)``, ``values`` a
    :class:`Replicates`: ``values[metric]`` the ``(replicates, generations)``
    NumPy array of every chain, without a copy; ``values.frame()`` the tidy
    table ``--replicates-out`` writes.
    """
    frame, replicates, _ = _run(["simulate", family, *_settings(settings)], per_replicate)
    if replicates is None:
        return frame
    return frame, Replicates(*replicates)


def plot(
    theorem: Optional[str] = None, *, data: Union[str, os.PathLike[str], pd.DataFrame, None] = None, **settings: Any
) -> pd.DataFrame:
    """Draws a theorem's figure, or ``"all"`` of them (the default) with their
    gallery ``README.md`` (``collapse plot``): the closed form as a line over
    the Monte Carlo mean and its band of two standard errors, written as
    ``<dir>/<id>.svg``, ``.pdf`` and ``.png``, each carrying the caption, seed
    and command in its metadata.

    Or draws your own table instead of a theorem: ``data`` is the output of
    ``sweep``, ``simulate``, ``theory`` or ``check`` (a DataFrame, or a CSV or
    Parquet file); its ``theory`` column becomes lines, its ``mean`` column
    markers with a band of two ``std_error``, one series per setting of the
    parameters that vary, with ``facet="regime"`` one panel per value,
    ``where=["sigma=1.0"]`` to keep some rows, ``metric`` to pick one, and
    ``log_y=True``.

    ``settings`` are the flags of ``collapse plot --help``: ``dir`` (default
    ``figures``; a gallery such as ``plots/`` only with ``update_gallery=True``),
    ``data_out`` (also write the numbers as CSV), ``replicates``, ``seed``,
    ``threads``. Returns the numbers behind the figures, one row per point
    (``id, panel, series, style, x, y, low, high``; ``style`` is ``theory``
    for a closed form's line, ``simulation`` for a Monte Carlo mean with its
    band ``low..high``, ``bound`` for a bound, ``thin`` for single chains), to
    redraw them with matplotlib; ``frame.attrs["metadata"]["figures"]`` gives
    each figure's title, caption and files.
    """
    if data is None:
        return _run(["plot", theorem or "all", *_settings(settings)])[0]
    if theorem is not None:
        raise ValueError(f"theorem = {theorem}: give a theorem or data, not both")
    if isinstance(data, pd.DataFrame):
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "data.parquet")
            data.to_parquet(path, index=False)
            return _run(["plot", "--data", path, *_settings(settings)])[0]
    return _run(["plot", "--data", os.fspath(data), *_settings(settings)])[0]


def sweep(
    spec: Union[str, os.PathLike[str], None] = None,
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

    With a ``dask.distributed.Client`` as ``client``, the work is spread over
    its workers in about ``shards`` tasks of equal estimated time (default:
    four per worker): the cells in batches, and a cell longer than one task's
    share in shares of its replicates (blocks of 32 replicates, each block's
    accumulators kept apart and merged in block order). The table is the local
    run's, byte for byte, whatever the number of workers or tasks. Every worker
    needs this package installed.
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
    table, meta = _sweep_table(args + _settings(options), client, shards)
    frame = _frame(table, meta)
    for cell in frame.attrs["metadata"].get("invalid_cells", []):
        warnings.warn(f"cell {cell['cell']} skipped: {cell['reason']}", CollapseWarning, stacklevel=2)
    return frame


def _cells(args: Sequence[str], cells: Sequence[int]) -> List[Tuple[int, _core._Outcome]]:
    """Whole cells of a sweep, run on a worker: ``(cell, (table, failure))`` pairs."""
    return _core.sweep_cells(list(args), list(cells))


def _part(args: Sequence[str], cell: int, first: int, end: int) -> bytes:
    """The blocks ``first..end`` of a big cell's replicates, run on a worker."""
    return _core.sweep_part(list(args), cell, first, end)


def _join(args: Sequence[str], cell: int, parts: Sequence[bytes]) -> List[Tuple[int, _core._Outcome]]:
    """A big cell's outcome from the shares of its replicates."""
    return [(cell, _core.sweep_join(list(args), cell, list(parts)))]


def _tasks(plan: Sequence[Mapping[str, Any]], count: int) -> Tuple[List[List[int]], Dict[int, List[Tuple[int, int]]]]:
    """The work cut into about ``count`` tasks of equal estimated time: the
    whole cells in batches (longest first, each to the lightest batch), and
    every cell longer than one task's share split into shares of its replicates
    (blocks of 32), about one task's time each."""
    fair = sum(c["seconds"] for c in plan) / count
    batches: List[Tuple[List[float], List[int]]] = [([0.0], []) for _ in range(count)]
    split: Dict[int, List[Tuple[int, int]]] = {}
    for c in sorted(plan, key=lambda c: (-c["seconds"], c["cell"])):
        if c["blocks"] > 1 and c["seconds"] > fair > 0:
            shares = min(c["blocks"], -int(-c["seconds"] // fair))
            bounds = [c["blocks"] * k // shares for k in range(shares + 1)]
            split[c["cell"]] = list(zip(bounds[:-1], bounds[1:]))
        else:
            load, cells = min(batches, key=lambda b: b[0][0])
            load[0] += c["seconds"]
            cells.append(c["cell"])
    return [cells for _, cells in batches if cells], split


def _sweep_table(args: Sequence[str], client: Any, shards: Optional[int]) -> Tuple[bytes, str]:
    """A sweep's Parquet bytes and description: run here, or spread over a Dask client's workers."""
    if client is None:
        table, meta, _, _ = _core.table(list(args))
        return table, meta
    n = shards if shards is not None else 4 * max(1, len(client.scheduler_info()["workers"]))
    if n < 1:
        raise ValueError(f"shards = {n}: must be at least 1")
    line = list(args)
    batches, split = _tasks(json.loads(_core.sweep_plan(line)), n)
    futures = client.map(_cells, [line] * len(batches), batches, pure=False)
    for cell, ranges in split.items():
        parts = [client.submit(_part, line, cell, first, end, pure=False) for first, end in ranges]
        futures.append(client.submit(_join, line, cell, parts, pure=False))
    outcomes = [outcome for done in client.gather(futures) for outcome in done]
    table, meta, _ = _core.sweep_assemble(line, outcomes)
    return table, meta


def check(theorem: str, data: Union[str, os.PathLike[str], pd.DataFrame], **settings: Any) -> pd.DataFrame:
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
            return _run(["check", theorem, "--data", path, *_settings(settings)])[0]
    return _run(["check", theorem, "--data", os.fspath(data), *_settings(settings)])[0]


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


def _theorem_statements() -> str:
    """The registered theorems' statements, as ``collapse list`` gives them, for the docstrings."""
    lines = ["", "    Theorems (``collapse list``; each proved step by step in ``proofs/<id>.md``):"]
    listed = json.loads(_core.theorems())
    for family in sorted({t["family"] for t in listed}):
        lines += ["", f"    {family}:"]
        lines += [f"        {t['id']}: {t['statement']}." for t in listed if t["family"] == family]
    return "\n".join(lines) + "\n"


_STATEMENTS = _theorem_statements()
for _documented in (theory, simulate, check, plot, verify, theorems):
    _documented.__doc__ = (_documented.__doc__ or "").rstrip() + "\n" + _STATEMENTS
