"""Our exported case (case.json: MATPOWER-style arrays) as a pandapower net, for the bench scripts."""
import numpy as np


def build_net(case):
    from pandapower.converter.pypower.from_ppc import from_ppc

    bus = np.array(case["bus"], dtype=float)
    # pandapower needs a positive nominal voltage; per-unit data do not depend on it.
    bus[bus[:, 9] <= 0, 9] = 1.0
    ppc = {
        "version": "2",
        "baseMVA": float(case["baseMVA"]),
        "bus": bus,
        "gen": np.array(case["gen"], dtype=float),
        "branch": np.array(case["branch"], dtype=float),
    }
    return from_ppc(ppc, f_hz=50, validate_conversion=False)
