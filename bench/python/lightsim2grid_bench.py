"""Time lightsim2grid's Newton-Raphson (C++, KLU) on a case exported by the bench (case.json).

Usage: lightsim2grid_bench.py CASE_JSON TOLERANCE_PU MIN_SECONDS MAX_REPS OUR_NR_LOSS_MW

The case goes through the same converter as pandapower_bench.py (JSON -> pypower case ->
pandapower net); one pandapower runpp provides the internal Ybus, Sbus and bus types (ref, pv,
pq), which are handed to lightsim2grid's NR_KLU solver, the solver its grid2op backend uses. Only
`solver.solve` is timed (Ybus and Sbus already built), flat start, the same per-unit stopping rule
as ours and pandapower's:

- "cold": a new solver object per solve, so KLU's symbolic analysis is repeated every time (as in
  one `solvePowerFlow` call without a workspace);
- "warm": one solver object solving again and again, so KLU reuses its symbolic analysis (as our
  PowerFlowWorkspace across slots).

Losses are Re(sum V * conj(Ybus V)) * baseMVA (series losses: the generated feeders have no shunt
conductance). Prints one JSON line. pandapower_bench.py calls run_lightsim2grid in its own process
(one Python start and one numba compilation per case instead of two).
"""
import json
import sys
import time
import warnings

import numpy as np

warnings.filterwarnings("ignore")

from case_net import build_net  # noqa: E402  (same directory)


def timed(make_solver, args, min_seconds, max_reps):
    walls = []
    total = 0.0
    solver = make_solver()
    solver.solve(*args)  # warm-up
    while len(walls) < max_reps and (total < min_seconds or len(walls) < 3):
        start = time.perf_counter()
        solver = make_solver() if make_solver.cold else solver
        solver.solve(*args)
        elapsed = time.perf_counter() - start
        walls.append(elapsed)
        total += elapsed
    return solver, walls


def run_lightsim2grid(net, base_mva, tol, min_seconds, max_reps, our_loss):
    """Times NR_KLU on the internal case of the net's last Newton-Raphson runpp (cold and warm)."""
    import lightsim2grid
    from lightsim2grid.algorithm import NR_KLU

    internal = net._ppc["internal"]
    ybus = internal["Ybus"].tocsc()
    sbus = np.asarray(internal["Sbus"], dtype=complex)
    ref = np.asarray(internal["ref"], dtype=int)
    pv = np.asarray(internal["pv"], dtype=int)
    pq = np.asarray(internal["pq"], dtype=int)
    v_solved = np.asarray(internal["V"], dtype=complex)
    v0 = np.ones(ybus.shape[0], dtype=complex)
    v0[ref] = v_solved[ref]
    v0[pv] = np.abs(v_solved[pv])
    slack_weights = np.zeros(ybus.shape[0])
    slack_weights[ref] = 1.0 / len(ref)
    args = (ybus, v0, sbus, ref, slack_weights, pv, pq, 30, tol)
    out = {"ok": True, "version": lightsim2grid.__version__}
    for mode in ("cold", "warm"):
        def make_solver():
            return NR_KLU()
        make_solver.cold = mode == "cold"
        solver, walls = timed(make_solver, args, min_seconds, max_reps)
        if not solver.converged():
            out[mode] = {"ok": False, "error": f"did not converge: {solver.get_error()}"}
            continue
        v = solver.get_V()
        loss = float(np.real(np.sum(v * np.conj(ybus @ v)))) * base_mva
        out[mode] = {
            "ok": True,
            "seconds": float(np.median(walls)),
            "minSeconds": float(min(walls)),
            "reps": len(walls),
            "iterations": int(solver.get_nb_iter()),
            "lossMw": loss,
            "lossRelDiff": abs(loss - our_loss) / max(abs(our_loss), 1e-12),
        }
    return out


def main():
    path, tol, min_seconds, max_reps, our_loss = sys.argv[1:6]
    tol, min_seconds, max_reps, our_loss = float(tol), float(min_seconds), int(max_reps), float(our_loss)
    import pandapower as pp

    with open(path) as f:
        case = json.load(f)
    net = build_net(case)
    pp.runpp(net, algorithm="nr", tolerance_mva=tol, init="flat", calculate_voltage_angles=True)
    print(json.dumps(run_lightsim2grid(net, float(case["baseMVA"]), tol, min_seconds, max_reps, our_loss)))


if __name__ == "__main__":
    try:
        main()
    except Exception as error:  # reported as a hole in the table, not a crash of the run
        print(json.dumps({"ok": False, "error": f"{type(error).__name__}: {error}"[:400]}))
