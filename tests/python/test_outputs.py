"""Every output of `theory`, `simulate`, `sweep` and `check` loads into pandas with
read_csv / read_parquet / read_json and no reshaping: one row per record, the
parameters as typed columns, the description in the JSON document and the Parquet
metadata. Run by tests/run (COLLAPSE names the binary)."""

import json
import os
import subprocess
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

ROOT = Path(__file__).resolve().parents[2]
COLLAPSE = os.environ.get("COLLAPSE", str(ROOT / "target" / "release" / "collapse"))

COMMANDS = {
    "theory-linear": ["theory", "linear", "--regime", "accumulate", "--generations", "5"],
    "theory-gaussian": ["theory", "gaussian", "--samples", "20", "--generations", "5"],
    "theory-categorical": ["theory", "categorical", "--initial", "zipf:1.1", "--outcomes", "10", "--samples", "20", "--generations", "5"],
    "simulate-linear": ["simulate", "linear", "--regime", "replace", "--dim", "3", "--samples", "10", "--generations", "4", "--replicates", "200"],
    "simulate-gaussian": ["simulate", "gaussian", "--samples", "10", "--generations", "4", "--replicates", "200"],
    "simulate-categorical": ["simulate", "categorical", "--samples", "10", "--generations", "4", "--replicates", "200"],
    "sweep": ["sweep", "--family", "gaussian", "--vary", "samples=5,10", "--vary", "regime=replace,accumulate",
              "--set", "generations=3", "--replicates", "100"],
    "check": ["check", "linear-replace", "--data", str(ROOT / "examples" / "check" / "linear-replace.csv"),
              "--dim", "5", "--samples", "20", "--sigma", "1", "--regime", "replace"],
}

READERS = {
    "csv": pd.read_csv,
    "json": lambda path: pd.read_json(path, orient="table"),
    "parquet": pd.read_parquet,
}


def run(args, out):
    done = subprocess.run([COLLAPSE, *args, "-o", str(out)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return out


@pytest.mark.parametrize("name", sorted(COMMANDS))
@pytest.mark.parametrize("fmt", sorted(READERS))
def test_every_output_loads_as_a_tidy_frame(tmp_path, name, fmt):
    frame = READERS[fmt](run(COMMANDS[name], tmp_path / f"out.{fmt}"))
    assert len(frame) > 0
    assert frame.columns.is_unique
    if name != "check":
        # One record per metric and generation (and cell): no two rows share them.
        keys = [k for k in ("cell", "metric", "generation") if k in frame.columns]
        assert not frame.duplicated(keys).any()
        assert frame["generation"].min() == 1
        assert pd.api.types.is_integer_dtype(frame["generation"])
        assert pd.api.types.is_float_dtype(frame["theory"])
    if name.startswith("simulate") or name == "sweep":
        for column in ("mean", "std_error", "ci_low", "ci_high"):
            assert pd.api.types.is_float_dtype(frame[column]), column
        assert pd.api.types.is_integer_dtype(frame["replicates"])
        assert frame["reliable"].dtype == bool
    if name == "sweep":
        assert sorted(frame["cell"].unique()) == [1, 2, 3, 4]
        assert pd.api.types.is_integer_dtype(frame["samples"])
    if name == "check":
        assert set(frame["verdict"]) == {"pass"}
        assert pd.api.types.is_float_dtype(frame["z"])


def test_the_description_travels_with_the_data(tmp_path):
    args = COMMANDS["simulate-gaussian"]
    doc = json.loads(run(args, tmp_path / "s.json").read_text())
    assert doc["metadata"]["seed"] == 1 and doc["metadata"]["replicates"] == 200
    assert isinstance(doc["warnings"], list)
    meta = pq.read_schema(run(args, tmp_path / "s.parquet")).metadata
    described = json.loads(meta[b"model_collapse"])
    assert described["model"] == "gaussian" and described["replicates"] == 200


def test_parquet_and_csv_hold_the_same_numbers(tmp_path):
    args = COMMANDS["simulate-linear"]
    csv = pd.read_csv(run(args, tmp_path / "s.csv"))
    parquet = pd.read_parquet(run(args, tmp_path / "s.parquet"))
    pd.testing.assert_frame_equal(csv, parquet, check_dtype=False)
    assert (csv["mean"].to_numpy() == parquet["mean"].to_numpy()).all()


def test_replicates_out_is_one_row_per_replicate_and_generation(tmp_path):
    summary, values = tmp_path / "s.csv", tmp_path / "r.parquet"
    args = ["simulate", "gaussian", "--samples", "10", "--generations", "3", "--replicates", "50",
            "--metric", "log_variance_ratio", "--replicates-out", str(values)]
    summary_frame = pd.read_csv(run(args, summary))
    frame = pd.read_parquet(values)
    assert list(frame.columns) == ["replicate", "generation", "metric", "value"]
    assert len(frame) == 50 * 3
    means = frame.groupby("generation")["value"].mean()
    for _, row in summary_frame.iterrows():
        assert means[row["generation"]] == pytest.approx(row["mean"], rel=1e-12)
