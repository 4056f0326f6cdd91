"""Reference values for src/stats/distributions (normal, beta, gamma, chi-square).

Run from the repository root:
    python3 scripts/reference/inference-distributions.py > test/fixtures/stats/inference-distributions.json

All values come from scipy 1.17 (scipy.special / scipy.stats, which wrap Cephes and Boost.Math);
no code is shared with the TypeScript. Points include both tails and extreme parameters.
"""
import json
import math

import numpy as np
from scipy import special, stats

out = {"scipyVersion": __import__("scipy").__version__}

xs = [-38.0, -37.0, -30.0, -20.0, -10.0, -8.5, -6.0, -5.7, -5.6, -3.0, -2.0, -1.959963984540054,
      -1.0, -0.6744, -0.5, -1e-3, -1e-20, 0.0, 1e-20, 0.3, 0.6745, 0.9, 1.5, 2.5, 4.0, 5.0, 5.65,
      5.66, 7.0, 8.0, 8.29, 8.3, 9.0, 40.0]
out["normalCdf"] = [[x, float(special.ndtr(x))] for x in xs]

ps = [1e-300, 1e-100, 1e-20, 1e-12, 1.388e-11, 1e-10, 1e-6, 1e-3, 0.01, 0.025, 0.05, 0.074,
      0.075, 0.076, 0.1, 0.25, 0.4, 0.5, 0.6, 0.75, 0.9, 0.924, 0.925, 0.926, 0.95, 0.975, 0.99,
      0.999, 1 - 1e-6, 1 - 1e-10, 1 - 1e-15]
out["normalQuantile"] = [[p, float(special.ndtri(p))] for p in ps]

gs = [1e-10, 1e-3, 0.1, 0.5, 0.9, 1.0, 1.2, 1.5, 1.999, 2.0, 2.5, 3.0, 5.0, 10.0, 17.5, 100.0,
      171.5, 1000.0, 12345.678, 1e6, 1e10]
out["logGamma"] = [[x, float(special.gammaln(x))] for x in gs]

beta_cases = []
for a, b in [(0.5, 0.5), (1, 1), (2, 3), (0.1, 10), (10, 0.1), (81, 183), (15, 134), (1, 29),
             (2, 28), (0.5, 20.5), (50, 50), (500, 700), (1000.5, 3.5), (3000, 2000), (1, 100000)]:
    mean = a / (a + b)
    for x in [1e-12, 1e-6, 1e-3, 0.01, 0.1, 0.25, mean * 0.9, mean, mean * 1.1, 0.5, 0.75, 0.9,
              0.99, 0.999999]:
        if 0 < x < 1:
            beta_cases.append([x, a, b, float(special.betainc(a, b, x)),
                               float(special.betaincc(a, b, x))])
out["regularizedIncompleteBeta"] = beta_cases

bq = []
for a, b in [(0.5, 0.5), (1, 1), (2, 3), (0.1, 10), (10, 0.1), (81, 183), (82, 182), (1, 29),
             (2, 28), (0.5, 20.5), (1.5, 28.5), (50, 50), (500, 700), (3000, 2000), (1, 100000),
             (0.5, 100000.5), (100000, 1), (0.05, 0.05)]:
    for p in [1e-10, 1e-4, 0.005, 0.025, 0.05, 0.3, 0.5, 0.7, 0.95, 0.975, 0.995, 0.9999]:
        bq.append([p, a, b, float(stats.beta.ppf(p, a, b))])
out["betaQuantile"] = bq

gamma_cases = []
for a in [0.1, 0.5, 1.0, 2.5, 10.0, 50.0, 333.3, 5000.0]:
    for x in [1e-8, 0.01, 0.5, 1.0, a * 0.5, a, a * 1.5, a + 1, 3 * a + 10, 10 * a + 100]:
        gamma_cases.append([a, x, float(special.gammainc(a, x)), float(special.gammaincc(a, x))])
out["regularizedGamma"] = gamma_cases

chi = []
for df in [1, 2, 3, 4, 7.5, 10, 30, 100, 1000]:
    for x in [0.001, 0.1, 1.0, 3.841458820694124, df, 2 * df, df + 10 * math.sqrt(2 * df), 200.0]:
        chi.append([x, df, float(stats.chi2.cdf(x, df)), float(stats.chi2.sf(x, df))])
out["chiSquare"] = chi

print(json.dumps(out, indent=1))
