//! `model_collapse._core`: the engine behind the Python package. Every call
//! runs a `collapse` command line through the same code as the binary
//! (`model_collapse::cli`), with the GIL released, and hands back its table
//! as Parquet bytes (the bytes `-o FILE.parquet` writes) and its description
//! as JSON. A bad argument is a `ValueError` with the command line's message.

use model_collapse::catalog;
use model_collapse::cli::{self, cluster};
use model_collapse::error::{Error, Spelling};
use model_collapse::output::to_json_string;
use numpy::PyArray1;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyBytes;

fn value_error(e: Error) -> PyErr {
    PyValueError::new_err(e.message(Spelling::Flag))
}

/// Every replicate's values as Python gets them: a flat NumPy array that owns
/// the engine's buffer (no copy), laid out `[replicate][metric][generation]`,
/// the model's metrics, the positions of the ones asked for, the generations,
/// and whether the generations are numbered.
type PerReplicate = (Py<PyArray1<f64>>, Vec<String>, Vec<usize>, Vec<u64>, bool);

/// What a table command gives back: the table's Parquet bytes, its
/// description as JSON, every replicate's values when asked, and the command
/// line's exit status.
type Reply = (Py<PyBytes>, String, Option<PerReplicate>, u8);

/// Runs `collapse ARGS...` for a table (theory, simulate, sweep, check,
/// merge); with `values`, a simulation also hands back every replicate's values.
#[pyfunction]
#[pyo3(signature = (args, values=false))]
fn table(py: Python<'_>, args: Vec<String>, values: bool) -> PyResult<Reply> {
    let encoded = py.detach(|| -> Result<_, Error> {
        let reply = cli::table(&args, values)?;
        let table = cli::parquet(&reply.table, &reply.meta)?;
        Ok((table, to_json_string(&reply.meta), reply.replicates, reply.status))
    });
    let (table, meta, replicates, status) = encoded.map_err(value_error)?;
    let replicates = replicates.map(|v| (PyArray1::from_vec(py, v.data).unbind(), v.metrics, v.selected, v.generations, v.numbered));
    Ok((PyBytes::new(py, &table).unbind(), meta, replicates, status))
}

/// A cell's outcome as Python holds it: its table (exact JSON) or its failure's message.
type Outcome = (Option<String>, Option<String>);

fn outcome(o: cluster::Outcome) -> Outcome {
    match o {
        Ok(table) => (Some(table), None),
        Err(failure) => (None, Some(failure)),
    }
}

/// The runnable cells of the sweep `args` as JSON: cell, parameters, seconds, blocks.
#[pyfunction]
fn sweep_plan(py: Python<'_>, args: Vec<String>) -> PyResult<String> {
    let plan = py.detach(|| cluster::plan(&args)).map_err(value_error)?;
    Ok(to_json_string(&plan))
}

/// Runs the cells `cells` of the sweep `args`, each whole: `(cell, outcome)` pairs.
#[pyfunction]
fn sweep_cells(py: Python<'_>, args: Vec<String>, cells: Vec<u64>) -> PyResult<Vec<(u64, Outcome)>> {
    let outcomes = py.detach(|| cluster::run_cells(&args, &cells)).map_err(value_error)?;
    Ok(outcomes.into_iter().map(|(cell, o)| (cell, outcome(o))).collect())
}

/// Runs the blocks `first..end` of cell `cell`'s replicates: the share's bytes.
#[pyfunction]
fn sweep_part(py: Python<'_>, args: Vec<String>, cell: u64, first: u64, end: u64) -> PyResult<Py<PyBytes>> {
    let part = py.detach(|| cluster::run_part(&args, cell, first, end)).map_err(value_error)?;
    Ok(PyBytes::new(py, &part).unbind())
}

/// Cell `cell`'s outcome from the shares of its replicates.
#[pyfunction]
fn sweep_join(py: Python<'_>, args: Vec<String>, cell: u64, parts: Vec<Vec<u8>>) -> PyResult<Outcome> {
    let joined = py.detach(|| cluster::join_parts(&args, cell, &parts)).map_err(value_error)?;
    Ok(outcome(joined))
}

/// The sweep's table from every runnable cell's outcome: as `table(args)` gives it.
#[pyfunction]
fn sweep_assemble(py: Python<'_>, args: Vec<String>, outcomes: Vec<(u64, Outcome)>) -> PyResult<(Py<PyBytes>, String, u8)> {
    let encoded = py.detach(|| -> Result<_, Error> {
        let mut map = std::collections::BTreeMap::new();
        for (cell, (table, failure)) in outcomes {
            let o = match (table, failure) {
                (Some(table), None) => Ok(table),
                (None, Some(failure)) => Err(failure),
                _ => return Err(Error::invalid("outcomes", format!("cell {cell}"), "give its table or its failure, one of the two")),
            };
            map.insert(cell, o);
        }
        let reply = cluster::assemble(&args, &map)?;
        Ok((cli::parquet(&reply.table, &reply.meta)?, to_json_string(&reply.meta), reply.status))
    });
    let (table, meta, status) = encoded.map_err(value_error)?;
    Ok((PyBytes::new(py, &table).unbind(), meta, status))
}

/// Runs `collapse verify` on `ids` (all when empty): the report as JSON.
#[pyfunction]
#[pyo3(signature = (ids, seed, replicates, threads=None))]
fn verify(py: Python<'_>, ids: Vec<String>, seed: u64, replicates: u64, threads: Option<usize>) -> PyResult<String> {
    let report = py.detach(|| {
        let limits = model_collapse::budget::Limits::of_this_machine();
        if let Some(k) = threads {
            limits.check_threads(k, false)?;
        }
        catalog::verify(&ids, seed, replicates, threads, &limits, &|_, _, _| {})
    });
    Ok(to_json_string(&report.map_err(value_error)?))
}

/// The registered theorems as JSON: id, family, statement, source, check, proof.
#[pyfunction]
fn theorems() -> String {
    let list: Vec<serde_json::Value> = catalog::theorems()
        .iter()
        .map(|t| {
            let mut v = serde_json::to_value(t).unwrap_or_default();
            v["proof"] = t.proof().into();
            v
        })
        .collect();
    to_json_string(&list)
}

/// The default seed and replicates of `collapse verify`.
#[pyfunction]
fn verify_defaults() -> (u64, u64) {
    (model_collapse::verify::DEFAULT_SEED, model_collapse::verify::DEFAULT_REPLICATES)
}

#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(table, m)?)?;
    m.add_function(wrap_pyfunction!(verify, m)?)?;
    m.add_function(wrap_pyfunction!(theorems, m)?)?;
    m.add_function(wrap_pyfunction!(verify_defaults, m)?)?;
    m.add_function(wrap_pyfunction!(sweep_plan, m)?)?;
    m.add_function(wrap_pyfunction!(sweep_cells, m)?)?;
    m.add_function(wrap_pyfunction!(sweep_part, m)?)?;
    m.add_function(wrap_pyfunction!(sweep_join, m)?)?;
    m.add_function(wrap_pyfunction!(sweep_assemble, m)?)?;
    Ok(())
}
