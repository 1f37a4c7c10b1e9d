"""The package's types: the stubs of the compiled engine (_core.pyi) match what
it exports (mypy's stubtest), and the package with a researcher's typical calls
type-checks under mypy --strict (py.typed ships the annotations)."""

import subprocess
import sys
import textwrap

USAGE = textwrap.dedent('''
    import numpy as np
    import numpy.typing as npt
    import pandas as pd
    import model_collapse as mc

    frame: pd.DataFrame = mc.theory("linear", regime="accumulate", dim=10)
    summary, values = mc.simulate("gaussian", samples=20, per_replicate=True)
    chains: npt.NDArray[np.float64] = values["variance_ratio"]
    tidy: pd.DataFrame = values.frame()
    alone: pd.DataFrame = mc.simulate("gaussian", samples=20)
    grid: pd.DataFrame = mc.sweep(family="linear", vary={"dim": [1, 10]}, replicates=100)
    judged: pd.DataFrame = mc.check("linear-replace", "results.csv", dim=5, samples=20, regime="replace")
    figure: pd.DataFrame = mc.plot("linear-replace", dir="figures")
    drawn: pd.DataFrame = mc.plot(data=grid, facet="regime", log_y=True)
    listed: pd.DataFrame = mc.theorems()
''')


def mypy(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mypy", *args], capture_output=True, text=True)


def test_the_engines_stubs_match_what_it_exports():
    done = subprocess.run([sys.executable, "-m", "mypy.stubtest", "model_collapse._core"], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_package_and_its_typical_calls_type_check_strictly(tmp_path):
    usage = tmp_path / "usage.py"
    usage.write_text(USAGE)
    for target in (["-p", "model_collapse"], [str(usage)]):
        done = mypy("--strict", "--cache-dir", str(tmp_path / "cache"), *target)
        assert done.returncode == 0, done.stdout + done.stderr
    # A wrong use is caught: per_replicate=True gives a pair, not a DataFrame.
    usage.write_text("import pandas as pd\nimport model_collapse as mc\nf: pd.DataFrame = mc.simulate('gaussian', per_replicate=True)\n")
    done = mypy("--strict", "--cache-dir", str(tmp_path / "cache"), str(usage))
    assert done.returncode == 1 and "Incompatible types in assignment" in done.stdout, done.stdout
