"""Type stubs of the compiled engine (python/src/lib.rs)."""

from typing import List, Optional, Tuple

import numpy as np
import numpy.typing as npt

__all__ = ["table", "verify", "theorems", "verify_defaults", "sweep_plan", "sweep_cells", "sweep_part", "sweep_join", "sweep_assemble"]

# Every replicate's values: a flat array owning the engine's buffer, laid out
# [replicate][metric][generation]; the model's metrics; the positions of the
# ones asked for; the generations; whether the generations are numbered.
_PerReplicate = Tuple[npt.NDArray[np.float64], List[str], List[int], List[int], bool]

# A cell's outcome: its table (exact JSON) or its failure's message.
_Outcome = Tuple[Optional[str], Optional[str]]

def table(args: List[str], values: bool = False) -> Tuple[bytes, str, Optional[_PerReplicate], int]:
    """Runs `collapse ARGS...` for a table: its Parquet bytes, its description as JSON,
    every replicate's values when `values` (simulate only), and the exit status."""

def verify(ids: List[str], seed: int, replicates: int, threads: Optional[int] = None) -> str:
    """Runs `collapse verify` on `ids` (all when empty): the report as JSON."""

def theorems() -> str:
    """The registered theorems as JSON."""

def verify_defaults() -> Tuple[int, int]:
    """The default seed and replicates of `collapse verify`."""

def sweep_plan(args: List[str]) -> str:
    """The runnable cells of the sweep `args` as JSON: cell, parameters, seconds, blocks."""

def sweep_cells(args: List[str], cells: List[int]) -> List[Tuple[int, _Outcome]]:
    """Runs the cells `cells` of the sweep `args`, each whole."""

def sweep_part(args: List[str], cell: int, first: int, end: int) -> bytes:
    """Runs the blocks `first..end` (of 32 replicates) of cell `cell`: the share's bytes."""

def sweep_join(args: List[str], cell: int, parts: List[bytes]) -> _Outcome:
    """Cell `cell`'s outcome from the shares of its replicates."""

def sweep_assemble(args: List[str], outcomes: List[Tuple[int, _Outcome]]) -> Tuple[bytes, str, int]:
    """The sweep's table (Parquet bytes), description and exit status from every runnable cell's outcome."""
