"""Type stubs of the compiled engine (src/lib.rs of the bindings)."""

from typing import List, Optional, Tuple

def table(args: List[str]) -> Tuple[bytes, str, Optional[bytes], int]:
    """Runs `collapse ARGS...` for a table: its Parquet bytes, its description as JSON,
    the per-replicate values' Parquet bytes when asked, and the exit status."""

def verify(ids: List[str], seed: int, replicates: int, threads: Optional[int] = None) -> str:
    """Runs `collapse verify` on `ids` (all when empty): the report as JSON."""

def theorems() -> str:
    """The registered theorems as JSON."""

def verify_defaults() -> Tuple[int, int]:
    """The default seed and replicates of `collapse verify`."""
