"""Time pandapower's runpp on a case exported by the bench (case.json: MATPOWER-style arrays).

Usage: pandapower_bench.py CASE_JSON TOLERANCE_PU MIN_SECONDS MAX_REPS OUR_NR_LOSS_MW OUR_SWEEP_LOSS_MW [skip-bfsw]

`skip-bfsw` leaves BFSW out (it needs ~17 GB at 50,000 buses).

Builds the pandapower net from the same bus/gen/branch data the TypeScript engine solves (our
converter: JSON -> pypower case dict -> pandapower.converter.from_ppc), then for Newton-Raphson
("nr", numba-compiled when numba is installed) and the backward/forward sweep ("bfsw") runs runpp
once to warm up (numba JIT, lookups) and repeats it. Prints one JSON line: per algorithm the
median and fastest runpp seconds, the solver-core seconds (net._ppc["et"], pandapower's own timing
of the iteration loop), iterations, total series losses and their relative difference from ours;
lightsim2grid's NR_KLU on the same internal case (lightsim2grid_bench.py);
and the process's peak RSS (both algorithms run in this one process).

pandapower compares the infinity norm of the per-unit mismatch with `tolerance_mva`, so passing
the per-unit tolerance there gives the same stopping rule as ours.
"""
import json
import resource
import sys
import time
import warnings

import numpy as np

from case_net import build_net
from lightsim2grid_bench import run_lightsim2grid

warnings.filterwarnings("ignore")


def rss_kb():
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return pages * (resource.getpagesize() // 1024)


def finite(value):
    """The result with NaN and infinities as null (JSON has no NaN; our sweep loss is NaN on meshed cases)."""
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, float) and not np.isfinite(value):
        return None
    return value


def series_loss_mw(net):
    loss = float(net.res_line.pl_mw.sum())
    if len(net.trafo):
        loss += float(net.res_trafo.pl_mw.sum())
    if len(net.impedance):
        loss += float(net.res_impedance.pl_mw.sum())
    return loss


def run_algorithm(pp, net, algorithm, tol, min_seconds, max_reps, our_loss, numba_version):
    kwargs = dict(algorithm=algorithm, tolerance_mva=tol, init="flat", calculate_voltage_angles=True,
                  max_iteration=100 if algorithm == "bfsw" else 30)
    if algorithm == "nr":
        kwargs["numba"] = numba_version is not None
    try:
        pp.runpp(net, **kwargs)  # warm-up (numba JIT, lookups)
    except Exception as error:
        return {"ok": False, "error": f"{type(error).__name__}: {error}"[:300]}
    rss_before = rss_kb()
    walls, cores = [], []
    total = 0.0
    while len(walls) < max_reps and (total < min_seconds or len(walls) < 3):
        start = time.perf_counter()
        pp.runpp(net, **kwargs)
        elapsed = time.perf_counter() - start
        walls.append(elapsed)
        cores.append(float(net._ppc["et"]))
        total += elapsed
    loss = series_loss_mw(net)
    return {
        "ok": True,
        "seconds": float(np.median(walls)),
        "minSeconds": float(min(walls)),
        "coreSeconds": float(np.median(cores)),
        "minCoreSeconds": float(min(cores)),
        "reps": len(walls),
        "iterations": int(net._ppc["iterations"]),
        "converged": bool(net.converged),
        "lossMw": loss,
        "lossRelDiff": abs(loss - our_loss) / max(abs(our_loss), 1e-12),
        "rssBeforeKb": rss_before,
    }


def main():
    path, tol, min_seconds, max_reps, our_nr_loss, our_bfs_loss = sys.argv[1:7]
    tol, min_seconds, max_reps = float(tol), float(min_seconds), int(max_reps)
    import pandapower as pp

    try:
        import numba

        numba_version = numba.__version__
    except ImportError:
        numba_version = None
    with open(path) as f:
        case = json.load(f)
    net = build_net(case)
    out = {"ok": True, "pandapower": pp.__version__, "numpy": np.__version__, "numba": numba_version}
    # BFSW needs a radial case: skipped when asked, or when our sweep did not run (loss NaN: meshed or PV)
    skip_bfsw = "skip-bfsw" in sys.argv[7:] or not np.isfinite(float(our_bfs_loss))
    for algorithm, our_loss in (("nr", float(our_nr_loss)), ("bfsw", float(our_bfs_loss))):
        if algorithm == "bfsw" and skip_bfsw:
            out[algorithm] = {"ok": False, "error": "skipped above the plan's pandapowerBfswMaxBuses"}
            continue
        out[algorithm] = run_algorithm(pp, net, algorithm, tol, min_seconds, max_reps, our_loss, numba_version)
        if algorithm == "nr":
            # lightsim2grid on the internal case of the NR run just timed (see lightsim2grid_bench.py)
            try:
                out["lightsim2grid"] = run_lightsim2grid(
                    net, float(case["baseMVA"]), tol, min_seconds, max_reps, float(our_nr_loss))
            except Exception as error:
                out["lightsim2grid"] = {"ok": False, "error": f"{type(error).__name__}: {error}"[:300]}
    out["maxRssKb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps(finite(out)))


if __name__ == "__main__":
    try:
        main()
    except Exception as error:  # reported as a hole in the table, not a crash of the run
        print(json.dumps({"ok": False, "error": f"{type(error).__name__}: {error}"[:400]}))
