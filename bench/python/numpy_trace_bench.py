"""Solve the same extended (n+m) system A·X = G as the engine, with numpy / scipy.

Usage: numpy_trace_bench.py SYSTEM_FOLDER METHOD MIN_SECONDS MAX_REPS

SYSTEM_FOLDER is written by the bench's engine worker (case-export.ts): off-diagonal entries of
A (unit diagonal implied), each unit's node and MW, a topological order, the through-flows.
METHOD:
  solve      numpy.linalg.solve on the dense A (LAPACK gesv, O(N^3))
  inverse    the paper's path in numpy: B = inv(A), X = B·G (O(N^3))
  triangular scipy.sparse.linalg.spsolve_triangular on A permuted to topological order (O(nnz·K))
Only the solve is timed (building the dense or permuted A is not). Prints one JSON line with the
median seconds, Σ_g X[x,g] vs P_x (proof that it solved the same system) and the peak RSS.
"""
import json
import os
import resource
import sys
import time

import numpy as np


def rss_kb():
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return pages * (resource.getpagesize() // 1024)


def load(folder):
    with open(os.path.join(folder, "system.json")) as f:
        meta = json.load(f)
    read = lambda name, dtype: np.fromfile(os.path.join(folder, name), dtype=dtype)
    return (meta, read("rows.i32", "<i4"), read("cols.i32", "<i4"), read("values.f64", "<f8"),
            read("gnodes.i32", "<i4"), read("gmw.f64", "<f8"), read("order.i32", "<i4"),
            read("throughflow.f64", "<f8"))


def main():
    folder, method, min_seconds, max_reps = sys.argv[1:5]
    min_seconds, max_reps = float(min_seconds), int(max_reps)
    meta, rows, cols, values, gnodes, gmw, order, through = load(folder)
    n, k = meta["size"], meta["generatorCount"]
    g = np.zeros((n, k))
    g[gnodes, np.arange(k)] += gmw
    if method in ("solve", "inverse"):
        a = np.eye(n)
        np.add.at(a, (rows, cols), values)
        run = (lambda: np.linalg.solve(a, g)) if method == "solve" else (lambda: np.linalg.inv(a) @ g)
        unpermute = None
    elif method == "triangular":
        import scipy.sparse as sp
        from scipy.sparse.linalg import spsolve_triangular

        position = np.empty(n, dtype=np.int64)
        position[order] = np.arange(n)
        diag = np.arange(n)
        a = sp.csr_matrix((np.concatenate([np.ones(n), values]),
                           (np.concatenate([diag, position[rows]]), np.concatenate([diag, position[cols]]))),
                          shape=(n, n))
        gp = g[order]
        run = lambda: spsolve_triangular(a, gp, lower=True, unit_diagonal=True)
        unpermute = order
    else:
        raise SystemExit(f"unknown method {method}")
    x = run()  # warm-up
    rss_before = rss_kb()
    samples, total = [], 0.0
    while len(samples) < max_reps and (total < min_seconds or len(samples) < 3):
        start = time.perf_counter()
        x = run()
        elapsed = time.perf_counter() - start
        samples.append(elapsed)
        total += elapsed
        if elapsed > 3:
            break
    if unpermute is not None:
        full = np.empty_like(x)
        full[unpermute] = x
        x = full
    err = float(np.max(np.abs(x.sum(axis=1) - through)) / max(np.max(np.abs(through)), 1e-300))
    print(json.dumps({
        "ok": True,
        "seconds": float(np.median(samples)),
        "minSeconds": float(min(samples)),
        "reps": len(samples),
        "rowSumRelError": err,
        "rssBeforeKb": rss_before,
        "maxRssKb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        "blasThreads": os.environ.get("OPENBLAS_NUM_THREADS", "default"),
    }))


if __name__ == "__main__":
    try:
        main()
    except Exception as error:  # reported as a hole in the table, not a crash of the run
        print(json.dumps({"ok": False, "error": f"{type(error).__name__}: {error}"[:400]}))
