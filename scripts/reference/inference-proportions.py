"""Reference values for src/stats/inference (intervals and tests for proportions).

Run from the repository root:
    python3 scripts/reference/inference-proportions.py > test/fixtures/stats/inference-proportions.json

Sources (scipy 1.17, numpy; no code shared with the TypeScript):
- wilson, wilson-cc: scipy.stats.binomtest(x, n).proportion_ci(confidence, method='wilson' | 'wilsoncc').
- clopper-pearson: scipy.stats.beta.ppf(alpha/2, x, n-x+1) and beta.ppf(1-alpha/2, x+1, n-x), asserted
  to agree within 1e-11 with binomtest(...).proportion_ci(method='exact') (whose brentq root has an
  absolute tolerance of 2e-12).
- jeffreys: scipy.stats.beta.ppf(alpha/2, x+0.5, n-x+0.5) / beta.ppf(1-alpha/2, ...), with lower = 0 at
  x = 0 and upper = 1 at x = n (Brown, Cai & DasGupta 2001).
- agresti-coull, wald: the textbook formulas (Agresti & Coull 1998; Brown et al. 2001 eq. 1 and 5)
  evaluated with numpy and scipy.stats.norm.ppf.
- chi-square tests: scipy.stats.chi2_contingency(table, correction=...).
- Benjamini-Hochberg: scipy.stats.false_discovery_control(p, method='bh').
- two-proportion z test: pooled z by hand, p = 2 * scipy.stats.norm.sf(|z|).
- Newcombe (1998) hybrid score difference interval (method 10): by hand from scipy's Wilson limits.
- sample sizes, margins, Horvitz-Thompson, weighted and stratified proportions: the formulas of
  Cochran (1977), Fleiss, Levin & Paik (2003), Kish (1965), Sarndal et al. (1992) with numpy.
Random cases come from numpy.random.default_rng(20240607).
"""
import json
import math

import numpy as np
from scipy import stats

rng = np.random.default_rng(20240607)
out = {}


def z_of(conf):
    return float(stats.norm.ppf(1 - (1 - conf) / 2))


def intervals(x, n, conf):
    res = stats.binomtest(x, n).proportion_ci
    w = res(confidence_level=conf, method="wilson")
    wcc = res(confidence_level=conf, method="wilsoncc")
    cp_scipy = res(confidence_level=conf, method="exact")
    a = 1 - conf
    # binomtest's 'exact' limits come from brentq with an absolute xtol of 2e-12, too coarse for
    # bounds near 1e-7; take the same Clopper-Pearson limits from beta.ppf and check agreement.
    cpl = 0.0 if x == 0 else float(stats.beta.ppf(a / 2, x, n - x + 1))
    cpu = 1.0 if x == n else float(stats.beta.ppf(1 - a / 2, x + 1, n - x))
    assert abs(cpl - cp_scipy.low) < 1e-11 and abs(cpu - cp_scipy.high) < 1e-11
    cp = (cpl, cpu)
    jl = 0.0 if x == 0 else float(stats.beta.ppf(a / 2, x + 0.5, n - x + 0.5))
    ju = 1.0 if x == n else float(stats.beta.ppf(1 - a / 2, x + 0.5, n - x + 0.5))
    z = z_of(conf)
    nt = n + z * z
    pt = (x + z * z / 2) / nt
    h = z * math.sqrt(pt * (1 - pt) / nt)
    ac = (max(0.0, pt - h), min(1.0, pt + h))
    p = x / n
    hw = z * math.sqrt(p * (1 - p) / n)
    wald = (max(0.0, p - hw), min(1.0, p + hw))
    return {
        "successes": x, "trials": n, "confidence": conf,
        "wilson": [float(w.low), float(w.high)],
        "wilson-cc": [float(wcc.low), float(wcc.high)],
        "clopper-pearson": [cp[0], cp[1]],
        "jeffreys": [jl, ju],
        "agresti-coull": list(ac),
        "wald": list(wald),
    }


cases = [(81, 263, 0.95), (15, 148, 0.95), (0, 20, 0.95), (1, 29, 0.95), (20, 20, 0.95),
         (29, 29, 0.99), (5, 5, 0.9), (1, 1, 0.95), (0, 1, 0.95), (3, 7, 0.8), (50, 100, 0.95),
         (999, 1000, 0.95), (1, 100000, 0.95), (12345, 100000, 0.999), (7, 40, 0.5)]
for _ in range(25):
    n = int(rng.integers(1, 3000))
    x = int(rng.integers(0, n + 1))
    conf = float(rng.choice([0.8, 0.9, 0.95, 0.99, 0.999]))
    cases.append((x, n, conf))
out["proportionInterval"] = [intervals(x, n, c) for x, n, c in cases]

# Weighted proportion: Hajek estimate, Kish n_eff, Wilson at n_eff.
def wilson_at(p, n, z):
    d = 1 + z * z / n
    c = (p + z * z / (2 * n)) / d
    h = z / d * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return max(0.0, c - h), min(1.0, c + h)

weighted = []
for m, conf in [(12, 0.95), (200, 0.9), (3, 0.99)]:
    w = rng.uniform(0.2, 5.0, size=m)
    y = rng.random(m) < 0.3
    est = float(np.sum(w * y) / np.sum(w))
    neff = float(np.sum(w) ** 2 / np.sum(w ** 2))
    lo, hi = wilson_at(est, neff, z_of(conf))
    weighted.append({"weights": w.tolist(), "successes": y.tolist(), "confidence": conf,
                     "estimate": est, "effectiveSampleSize": neff, "lower": lo, "upper": hi})
out["weightedProportion"] = weighted

# Stratified proportion, Cochran (1977) eq. 5.24-5.25 style: Var = sum W^2 (1-f) p q / (n-1).
def stratified(strata, conf):
    N = sum(s[0] for s in strata)
    est = 0.0
    var = 0.0
    for Nh, nh, xh in strata:
        W = Nh / N
        p = xh / nh
        est += W * p
        var += W * W * (1 - nh / Nh) * p * (1 - p) / (nh - 1)
    se = math.sqrt(var)
    z = z_of(conf)
    return {"strata": strata, "confidence": conf, "estimate": est, "standardError": se,
            "lower": max(0.0, est - z * se), "upper": min(1.0, est + z * se)}

strat = [stratified([[155, 20, 16], [62, 8, 2], [93, 12, 6]], 0.95),
         stratified([[1000, 50, 3], [5000, 120, 30], [250, 40, 39], [80, 10, 5]], 0.9)]
for _ in range(3):
    k = int(rng.integers(2, 7))
    s = []
    for _ in range(k):
        Nh = int(rng.integers(20, 100000))
        nh = int(rng.integers(2, min(Nh, 400)))
        xh = int(rng.integers(0, nh + 1))
        s.append([Nh, nh, xh])
    strat.append(stratified(s, 0.95))
out["stratifiedProportion"] = strat

# Two-proportion pooled z test.
tp = []
for x1, n1, x2, n2 in [(56, 70, 48, 80), (9, 10, 3, 10), (15, 148, 81, 263), (0, 10, 3, 12),
                       (500, 10000, 430, 9000), (1, 2, 1, 3)]:
    pbar = (x1 + x2) / (n1 + n2)
    se = math.sqrt(pbar * (1 - pbar) * (1 / n1 + 1 / n2))
    z = (x1 / n1 - x2 / n2) / se
    chi = stats.chi2_contingency([[x1, n1 - x1], [x2, n2 - x2]], correction=False)
    tp.append({"x1": x1, "n1": n1, "x2": x2, "n2": n2, "z": z,
               "pValue": float(2 * stats.norm.sf(abs(z))), "chiSquarePValue": float(chi.pvalue)})
out["twoProportionTest"] = tp

# Chi-square test of independence.
tables = [[[12, 5], [7, 9]], [[56, 14], [48, 32]], [[10, 20, 30], [6, 9, 17]],
          [[3, 0, 5, 1], [2, 4, 1, 7], [9, 9, 2, 3]], [[1000, 20], [980, 45]], [[1, 1], [1, 1]],
          [[0.5, 2.5], [3, 1]]]
for _ in range(3):
    r, c = int(rng.integers(2, 6)), int(rng.integers(2, 6))
    tables.append(rng.integers(1, 200, size=(r, c)).tolist())
chis = []
for t in tables:
    for yates in (False, True):
        res = stats.chi2_contingency(t, correction=yates)
        chis.append({"table": t, "yates": yates, "statistic": float(res.statistic),
                     "df": int(res.dof), "pValue": float(res.pvalue)})
out["chiSquareTest"] = chis

# Benjamini-Hochberg.
bh = []
for ps in [[0.01, 0.04, 0.03, 0.005, 0.2], [0.5], [0.0, 1.0, 0.3, 0.3, 0.02],
           rng.random(50).tolist(), (rng.random(200) ** 4).tolist()]:
    bh.append({"pValues": ps, "adjusted": stats.false_discovery_control(ps, method="bh").tolist()})
out["benjaminiHochberg"] = bh

# Sample size for a margin (Cochran 1977 eq. 4.1-4.2).
ssm = []
for e, conf, p, N in [(0.05, 0.95, 0.5, None), (0.05, 0.95, 0.5, 1000), (0.03, 0.99, 0.2, None),
                      (0.01, 0.9, 0.1, 50000), (0.1, 0.8, 0.5, 30), (0.02, 0.95, 0.05, 2000)]:
    z = z_of(conf)
    n0 = z * z * p * (1 - p) / (e * e)
    n = n0 if N is None else n0 / (1 + (n0 - 1) / N)
    ssm.append({"margin": e, "confidence": conf, "p": p, "population": N, "exact": n,
                "n": math.ceil(n)})
out["sampleSizeForMargin"] = ssm

# Sample size for a difference (Fleiss, Levin & Paik 2003, eq. 4.14 without correction).
ssd = []
for p1, p2, alpha, power, r, alt in [(0.4, 0.6, 0.05, 0.8, 1, "two-sided"),
                                     (0.05, 0.1, 0.05, 0.9, 1, "two-sided"),
                                     (0.3, 0.2, 0.01, 0.8, 2, "larger"),
                                     (0.1, 0.15, 0.05, 0.8, 0.5, "smaller"),
                                     (0.9, 0.95, 0.1, 0.95, 3, "two-sided")]:
    za = stats.norm.ppf(1 - alpha / 2) if alt == "two-sided" else stats.norm.ppf(1 - alpha)
    zb = stats.norm.ppf(power)
    pbar = (p1 + r * p2) / (1 + r)
    n = (za * math.sqrt(pbar * (1 - pbar) * (1 + 1 / r))
         + zb * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2) / r)) ** 2 / (p1 - p2) ** 2
    ssd.append({"p1": p1, "p2": p2, "alpha": alpha, "power": power, "ratio": r,
                "alternative": alt, "exact": float(n), "n": math.ceil(n)})
out["sampleSizeForDifference"] = ssd

# Horvitz-Thompson.
ht = []
for m in [5, 60]:
    y = rng.normal(10, 4, size=m)
    pi = rng.uniform(0.05, 1.0, size=m)
    pi[0] = 1.0
    total = float(np.sum(y / pi))
    size = float(np.sum(1 / pi))
    ht.append({"values": y.tolist(), "inclusionProbabilities": pi.tolist(), "total": total,
               "populationSize": size, "hajekMean": total / size,
               "variance": float(np.sum((1 - pi) * y ** 2 / pi ** 2))})
out["horvitzThompson"] = ht

# Newcombe (1998b) method 10.
def newcombe10(x1, n1, x2, n2, conf):
    l1, u1 = stats.binomtest(x1, n1).proportion_ci(conf, "wilson")
    l2, u2 = stats.binomtest(x2, n2).proportion_ci(conf, "wilson")
    p1, p2 = x1 / n1, x2 / n2
    d = p1 - p2
    return {"x1": x1, "n1": n1, "x2": x2, "n2": n2, "confidence": conf, "estimate": d,
            "lower": d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2),
            "upper": d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)}

out["differenceOfProportionsInterval"] = [
    newcombe10(*c) for c in [(56, 70, 48, 80, 0.95), (9, 10, 3, 10, 0.95), (6, 7, 2, 7, 0.95),
                             (5, 56, 0, 29, 0.95), (0, 10, 0, 20, 0.95), (0, 10, 0, 10, 0.95),
                             (10, 10, 0, 20, 0.95), (10, 10, 0, 10, 0.95), (130, 400, 90, 350, 0.9)]]

# Margin of error with finite population correction sqrt((N - n) / (N - 1)).
moe = []
for n, p, conf, N in [(385, 0.5, 0.95, None), (278, 0.5, 0.95, 1000), (100, 0.2, 0.9, None),
                      (50, 0.5, 0.99, 60), (10, 0.5, 0.95, 10)]:
    z = z_of(conf)
    fpc = 1.0 if N is None else math.sqrt((N - n) / (N - 1))
    moe.append({"n": n, "p": p, "confidence": conf, "population": N,
                "margin": z * math.sqrt(p * (1 - p) / n) * fpc})
out["marginOfError"] = moe

print(json.dumps(out, indent=1))
