"""Reference values for src/stats/control (pChart, individualsChart, ewmaChart, cusum, sigmaLevel),
re-implemented from the NIST/SEMATECH e-Handbook §6.3 formulas independently of the TypeScript code.

Run from the repository root:
    python3 scripts/reference/control_reference.py > test/fixtures/stats/control-reference.json

Requires numpy and scipy (tested with scipy 1.17). Seeded, so the output is reproducible.
- cusum: Montgomery, Introduction to SQC, Table 9.1 data (30 observations; target 10, sigma 1,
  k = 0.5, h = 5), as an explicit loop;
- ewmaChart: the recursion and exact time-varying limits with numpy powers (1 - lambda)**(2i);
- sigmaLevel: scipy.stats.norm.isf(dpmo / 1e6) + 1.5.
"""
import json

import numpy as np
from scipy import stats

rng = np.random.default_rng(6322)

# --- p-chart: NIST 6.3.3.2 formulas, sizes varying
defects = rng.binomial(n=rng.integers(20, 200, size=25), p=0.08)
sizes = rng.integers(20, 200, size=25)
defects = np.minimum(defects, sizes)
defects[7] = sizes[7] // 2  # an out-of-control period
pbar = defects.sum() / sizes.sum()
half = 3 * np.sqrt(pbar * (1 - pbar) / sizes)
p = defects / sizes
lcl = np.clip(pbar - half, 0, 1)
ucl = np.clip(pbar + half, 0, 1)
p_chart = {
    "subgroups": [{"defects": int(d), "size": int(n)} for d, n in zip(defects, sizes)],
    "center": float(pbar),
    "points": [
        {"p": float(a), "lcl": float(b), "ucl": float(c), "signal": bool(a < b or a > c)}
        for a, b, c in zip(p, lcl, ucl)
    ],
}

# --- individuals chart: NIST 6.3.2.2 (MR-bar / 1.128)
x = np.round(rng.normal(20, 2, size=30), 2)
x[20] = 35.0
mr = np.abs(np.diff(x))
mr_bar = mr.mean()
center = x.mean()
individuals = {
    "values": x.tolist(),
    "center": float(center),
    "mrBar": float(mr_bar),
    "lcl": float(center - 3 * mr_bar / 1.128),
    "ucl": float(center + 3 * mr_bar / 1.128),
    "signals": [int(i) for i in np.nonzero((x > center + 3 * mr_bar / 1.128) | (x < center - 3 * mr_bar / 1.128))[0]],
}


# --- EWMA: NIST 6.3.2.4 formulas
def ewma(values, lam, L, target, sigma):
    values = np.asarray(values, dtype=float)
    z = np.empty_like(values)
    prev = target
    for i, v in enumerate(values):
        prev = lam * v + (1 - lam) * prev
        z[i] = prev
    i = np.arange(1, len(values) + 1)
    width = L * sigma * np.sqrt(lam / (2 - lam) * (1 - (1 - lam) ** (2 * i)))
    return {"ewma": z.tolist(), "lcl": (target - width).tolist(), "ucl": (target + width).tolist(),
            "signal": ((z < target - width) | (z > target + width)).tolist()}


nist_like = [52.0, 47.0, 53.0, 49.3, 50.1, 47.0, 51.0, 50.1, 51.2, 50.5, 49.6, 47.6, 49.9, 51.3, 47.8,
             51.2, 52.6, 52.4, 53.6, 52.1]
drift = np.round(np.concatenate([rng.normal(10, 1, 25), rng.normal(11, 1, 15)]), 3)
ewma_cases = [
    {"values": nist_like, "lambda": 0.3, "L": 3, "target": 50.0, "sigma": 2.0539,
     **ewma(nist_like, 0.3, 3, 50.0, 2.0539)},
    {"values": drift.tolist(), "lambda": 0.1, "L": 2.7, "target": 10.0, "sigma": 1.0,
     **ewma(drift, 0.1, 2.7, 10.0, 1.0)},
]
# estimated target and sigma (mean, MR-bar / 1.128), default lambda 0.2, L 3
est_target = float(drift.mean())
est_sigma = float(np.abs(np.diff(drift)).mean() / 1.128)
ewma_cases.append({"values": drift.tolist(), "lambda": 0.2, "L": 3, "target": est_target, "sigma": est_sigma,
                   "estimated": True, **ewma(drift, 0.2, 3, est_target, est_sigma)})

shifted = np.round(np.concatenate([rng.normal(10, 1, 20), rng.normal(12, 1, 10)]), 3)
ewma_cases.append({"values": shifted.tolist(), "lambda": 0.2, "L": 3, "target": 10.0, "sigma": 1.0,
                   **ewma(shifted, 0.2, 3, 10.0, 1.0)})

# --- CUSUM: Montgomery Table 9.1 data
montgomery = [9.45, 7.99, 9.29, 11.66, 12.16, 10.18, 8.04, 11.46, 9.20, 10.34, 9.03, 11.47, 10.51, 9.40,
              10.08, 9.37, 10.62, 10.31, 8.52, 10.84, 10.90, 9.33, 12.29, 11.50, 10.60, 11.08, 10.38,
              11.62, 11.31, 10.52]


def tabular_cusum(values, target, sigma, k, h):
    upper, lower, out = 0.0, 0.0, []
    for v in values:
        upper = max(0.0, v - (target + k * sigma) + upper)
        lower = max(0.0, (target - k * sigma) - v + lower)
        out.append({"upper": upper, "lower": lower, "signal": bool(upper > h * sigma or lower > h * sigma)})
    return out


cusum_cases = [
    {"values": montgomery, "target": 10.0, "sigma": 1.0, "k": 0.5, "h": 5,
     "points": tabular_cusum(montgomery, 10.0, 1.0, 0.5, 5)},
    {"values": drift.tolist(), "target": 10.0, "sigma": 1.0, "k": 0.25, "h": 8,
     "points": tabular_cusum(drift, 10.0, 1.0, 0.25, 8)},
]

sigma_levels = [{"dpmo": d, "sigmaLevel": float(stats.norm.isf(d / 1e6) + 1.5)}
                for d in (0.001, 3.4, 233, 6210, 66807, 308538, 500000, 691462, 999999)]

print(json.dumps({"pChart": p_chart, "individuals": individuals, "ewma": ewma_cases, "cusum": cusum_cases,
                  "sigmaLevels": sigma_levels}))
