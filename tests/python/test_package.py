"""The Python package: the same engine as the command line, so the same
numbers, bit for bit; the command line's messages as ValueError; warnings as
CollapseWarning. Run by tests/run after `pip install ./python`."""

import json
import io
import os
import subprocess
import threading
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import model_collapse as mc
from model_collapse import _core

ROOT = Path(__file__).resolve().parents[2]
COLLAPSE = os.environ.get("COLLAPSE", str(ROOT / "target" / "release" / "collapse"))
EXAMPLE = ROOT / "examples" / "check" / "linear-replace.csv"

SAME = {
    "theory": ["theory", "linear", "--regime", "accumulate", "--generations", "8"],
    "simulate": ["simulate", "gaussian", "--samples", "12", "--generations", "6", "--replicates", "300", "--seed", "7"],
    "sweep": ["sweep", "--family", "categorical", "--vary", "samples=5,10", "--set", "generations=4", "--replicates", "200"],
    "check": ["check", "linear-replace", "--data", str(EXAMPLE), "--dim", "5", "--samples", "20", "--sigma", "1", "--regime", "replace"],
}


@pytest.mark.parametrize("name", sorted(SAME))
def test_python_and_the_command_line_write_the_same_bytes(tmp_path, name):
    out = tmp_path / "cli.parquet"
    done = subprocess.run([COLLAPSE, *SAME[name], "-o", str(out)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    table, _, _, status = _core.table(SAME[name])
    assert status == 0
    assert table == out.read_bytes()


def test_keyword_arguments_are_the_flags():
    frame = mc.simulate("gaussian", samples=12, generations=6, replicates=300, seed=7)
    cli = pd.read_parquet(io.BytesIO(_core.table(SAME["simulate"])[0]))
    pd.testing.assert_frame_equal(frame, cli)
    assert frame.attrs["metadata"]["seed"] == 7
    assert mc.flags({"fixed_design": 7, "sigma": [1.0, 0.5], "allow_long": True, "threads": None}) == [
        "--fixed-design", "7", "--sigma", "1.0,0.5", "--allow-long"]


def test_per_replicate_values_are_numpy_views_of_the_engines_buffer(tmp_path):
    settings = ["--samples", "10", "--generations", "5", "--replicates", "300", "--seed", "4",
                "--metric", "variance_ratio,mean_error"]
    summary, values = mc.simulate("gaussian", samples=10, generations=5, replicates=300, seed=4,
                                  metric=["variance_ratio", "mean_error"], per_replicate=True)
    # Handed over without a copy: the array's memory belongs to the engine's buffer, and each
    # metric's array is a view of it.
    flat = values.array.base
    assert not flat.flags.owndata and type(flat.base).__name__ == "PySliceContainer"
    assert list(values) == ["variance_ratio", "mean_error"] and values.replicates == 300
    assert values["variance_ratio"].shape == (300, 5) and np.shares_memory(values["mean_error"], flat)
    assert not values["mean_error"].flags.writeable
    assert list(values.generations) == [1, 2, 3, 4, 5]
    with pytest.raises(KeyError, match="this run kept variance_ratio, mean_error"):
        values["entropy"]
    # The same numbers as the command line's --replicates-out, and their means are the summary's.
    out, reps = tmp_path / "summary.parquet", tmp_path / "replicates.parquet"
    done = subprocess.run([COLLAPSE, "simulate", "gaussian", *settings, "-o", str(out), "--replicates-out", str(reps)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    pd.testing.assert_frame_equal(values.frame(), pd.read_parquet(reps))
    pd.testing.assert_frame_equal(summary, pd.read_parquet(out))
    for metric in values:
        means = summary[summary["metric"] == metric]["mean"].to_numpy()
        assert values[metric].mean(axis=0) == pytest.approx(means, rel=1e-12)


def test_plot_writes_the_figure_and_returns_its_numbers(tmp_path):
    frame = mc.plot("linear-replace", dir=tmp_path, replicates=200, seed=3)
    assert {path.name for path in tmp_path.iterdir()} == {"linear-replace.svg", "linear-replace.pdf", "linear-replace.png"}
    assert list(frame.columns) == ["id", "panel", "series", "style", "x", "y", "low", "high"]
    assert set(frame["id"]) == {"linear-replace"} and set(frame["style"]) >= {"theory", "simulation"}
    figure = frame.attrs["metadata"]["figures"][0]
    assert figure["files"] == [str(tmp_path / f"linear-replace.{ext}") for ext in ("svg", "pdf", "png")]
    assert "seed 3" in figure["caption"] and "200" in figure["caption"]
    # The numbers are the command line's --data-out.
    data = tmp_path / "cli.csv"
    done = subprocess.run([COLLAPSE, "plot", "linear-replace", "--dir", str(tmp_path / "cli"), "--replicates", "200",
                           "--seed", "3", "--data-out", str(data)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    pd.testing.assert_frame_equal(frame.drop(columns="id"), pd.read_csv(data), check_dtype=False)
    with pytest.raises(ValueError, match="--replicates = 1: a figure's band needs a standard error"):
        mc.plot("linear-replace", dir=tmp_path, replicates=1)
    # A sweep's DataFrame becomes a figure: a panel per regime, a series per dim.
    grid = mc.sweep(family="linear", vary={"dim": [1, 5], "regime": ["replace", "accumulate"]}, set={"generations": 6},
                    replicates=50)
    numbers = mc.plot(data=grid, facet="regime", dir=tmp_path / "grid")
    assert set(numbers["panel"]) == {"regime = replace", "regime = accumulate"}
    assert set(numbers["series"]) == {"dim = 1", "dim = 5"} and len(numbers) == 2 * 2 * 2 * 6
    assert (tmp_path / "grid" / "data.pdf").is_file()
    one = mc.plot(data=grid, where=["dim=5", "regime=accumulate"], dir=tmp_path / "grid")
    assert set(one["series"]) == {"test_error"} and len(one) == 2 * 6
    with pytest.raises(ValueError, match="--facet = sigma2: is not a column"):
        mc.plot(data=grid, facet="sigma2", dir=tmp_path / "grid")


def test_files_are_not_written_by_keyword_and_docstrings_state_the_theorems():
    with pytest.raises(ValueError, match="output = x.csv: the package returns the table instead of writing it"):
        mc.theory("linear", regime="replace", output="x.csv")
    with pytest.raises(ValueError, match="replicates_out = r.csv: .*per_replicate=True"):
        mc.simulate("gaussian", replicates_out="r.csv")
    listed = mc.theorems()
    for function in (mc.theory, mc.simulate, mc.check):
        for row in listed.itertuples():
            assert f"{row.id}: {row.statement}." in function.__doc__


def test_bad_arguments_raise_value_error_with_the_rule():
    with pytest.raises(ValueError, match=r"--samples = 13: .*T >= d \+ 2 = 14"):
        mc.theory("linear", regime="replace", dim=12, samples=13)
    with pytest.raises(ValueError, match="--dim"):
        mc.theory("linear", regime="replace", dim=-3)
    with pytest.raises(ValueError, match=r"required arguments were not provided: --regime <NAME\[:PARAM\]>$"):
        mc.theory("linear")
    with pytest.raises(ValueError, match="unexpected argument '--dimension' found tip: a similar argument exists: '--dim'$"):
        mc.theory("linear", regime="replace", dimension=3)
    with pytest.raises(ValueError, match="unknown theorem id"):
        mc.check("no-such-theorem", EXAMPLE)
    with pytest.raises(ValueError, match="needs either replicate,generation,value"):
        mc.check("linear-replace", pd.DataFrame({"gen": [1, 2], "val": [0.1, 0.2]}), dim=5, samples=20, regime="replace")


def test_warnings_are_collapse_warnings():
    with pytest.warns(mc.CollapseWarning, match="infinite variance"):
        mc.simulate("linear", regime="replace", dim=5, samples=8, generations=2, replicates=50)


def test_check_takes_a_dataframe_and_says_whether_it_passed():
    data = pd.read_csv(EXAMPLE)
    frame = mc.check("linear-replace", data, dim=5, samples=20, sigma=1, regime="replace")
    assert frame.attrs["metadata"]["passed"] and set(frame["verdict"]) == {"pass"}
    wrong = data.assign(value=data["value"] * 1.5)
    frame = mc.check("linear-replace", wrong, dim=5, samples=20, sigma=1, regime="replace")
    assert not frame.attrs["metadata"]["passed"]


def test_sweep_lists_skipped_cells():
    with pytest.warns(mc.CollapseWarning, match="skipped"):
        frame = mc.sweep(family="linear", vary={"dim": [2, 30]}, set={"regime": "replace", "samples": 20, "generations": 3},
                         replicates=100)
    assert sorted(frame["cell"].unique()) == [1]
    assert frame.attrs["metadata"]["invalid_cells"][0]["cell"] == 2


def test_threads_calling_at_once_get_the_single_call_results():
    expected = mc.simulate("gaussian", samples=12, generations=6, replicates=300, seed=7)
    results = [None] * 4

    def run(k):
        results[k] = mc.simulate("gaussian", samples=12, generations=6, replicates=300, seed=7)

    threads = [threading.Thread(target=run, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for frame in results:
        pd.testing.assert_frame_equal(frame, expected)


def test_verify_and_theorems():
    frame = mc.verify("linear-replace", replicates=2000)
    assert frame.attrs["report"]["passed"] and frame["passed"].all()
    assert {"parameters_dim", "generation", "z"} <= set(frame.columns)
    listed = mc.theorems()
    assert "linear-replace" in set(listed["id"]) and len(listed) == len(set(listed["id"]))


def test_a_sweep_on_two_dask_workers_is_the_local_sweep_byte_for_byte():
    from dask import distributed
    args = ["sweep", "--family", "linear", "--vary", "dim=1,3,30", "--vary", "regime=replace,accumulate",
            "--set", "samples=20", "--set", "generations=4", "--replicates", "200", "--seed", "5"]
    # One cell far longer than the others: it is split into shares of its replicates.
    big = ["sweep", "--family", "gaussian", "--vary", "samples=5,400", "--set", "generations=30",
           "--replicates", "1000", "--seed", "9", "--threads", "1"]
    theory = ["sweep", "--family", "categorical", "--command", "theory", "--vary", "samples=5,10,20"]
    plan = json.loads(mc._core.sweep_plan(big))
    assert [c["blocks"] for c in plan] == [32, 32]
    for count in (None, 1, 3, 50):
        batches, split = mc._tasks(plan, count or 8)
        assert sorted([c for b in batches for c in b] + list(split)) == [1, 2]
        if count != 1:
            assert 2 in split and split[2][0][0] == 0 and split[2][-1][1] == 32
    local = {tuple(a): mc._sweep_table(a, None, None) for a in (args, big, theory)}
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        with distributed.Client(cluster) as client:
            for a, expected in local.items():
                for shards in (None, 1, 3, 50):
                    assert mc._sweep_table(list(a), client, shards) == expected, (a, shards)
            with pytest.warns(mc.CollapseWarning, match="skipped"):
                frame = mc.sweep(family="linear", vary={"dim": [1, 3, 30]}, set={"regime": "replace", "samples": 20},
                                 client=client, replicates=100)
    assert sorted(frame["cell"].unique()) == [1, 2]


def test_the_cluster_calls_refuse_what_does_not_fit():
    args = ["sweep", "--family", "gaussian", "--vary", "samples=5,20", "--replicates", "100"]
    with pytest.raises(ValueError, match="cell = 7: the grid's cells are"):
        mc._core.sweep_cells(args, [7])
    with pytest.raises(ValueError, match="blocks = 3..9: must be a non-empty range of the run's 4 blocks"):
        mc._core.sweep_part(args, 1, 3, 9)
    with pytest.raises(ValueError, match="is not a part of a run"):
        mc._core.sweep_join(args, 1, [b"nonsense"])
    with pytest.raises(ValueError, match="has no outcome for cell 2"):
        mc._core.sweep_assemble(args, mc._core.sweep_cells(args, [1]))
    with pytest.raises(ValueError, match="is not a sweep"):
        mc._core.sweep_plan(["theory", "gaussian"])
    # A share that misses blocks is the cell's failure, named in the table's description.
    table, meta, status = mc._core.sweep_assemble(args, [*mc._core.sweep_cells(args, [1]),
                                                        (2, mc._core.sweep_join(args, 2, [mc._core.sweep_part(args, 2, 0, 2)]))])
    assert status == 3 and "cover blocks 0..2 of the run's 0..4" in json.loads(meta)["invalid_cells"][0]["reason"]
