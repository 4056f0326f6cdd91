"""Reference values for src/stats/agreement (inter-rater agreement coefficients).

Run from the repository root:
    python3 scripts/reference/agreement.py > test/fixtures/stats/agreement-reference.json

Independent re-implementations with numpy (no code shared with the TypeScript):
- Cohen's kappa: the formula of sklearn.metrics.cohen_kappa_score (confusion matrix, expected
  matrix = outer product of marginals / n, disagreement weights 0/1, |i-j| or (i-j)^2,
  kappa = 1 - sum(w*O) / sum(w*E)).
- Scott's pi: observed agreement minus chance agreement from the pooled marginals.
- Fleiss' kappa: Fleiss (1971) formulas P_i, P-bar, p_j, P-bar_e.
- Krippendorff's alpha: the pairwise form (not the coincidence matrix used in the TS):
  alpha = 1 - (n-1) * sum_u sum_{ordered value pairs in u} delta / (m_u - 1)
              / sum_{ordered pairs of all pairable values} delta.
- Gwet's AC1: Gwet's handbook formulas as in irrCAC's gwet.ac1.raw (pa over units with >= 2
  ratings, pi_k averaged over units with >= 1 rating, pe = sum pi_k (1 - pi_k) / (q - 1)).
Random cases come from numpy.random.default_rng(20240601).
"""
import json
import numpy as np

rng = np.random.default_rng(20240601)


def cohen_sklearn(a, b, categories, weights):
    idx = {c: i for i, c in enumerate(categories)}
    q = len(categories)
    cm = np.zeros((q, q))
    for x, y in zip(a, b):
        cm[idx[x], idx[y]] += 1
    s0 = cm.sum(axis=0)
    s1 = cm.sum(axis=1)
    expected = np.outer(s1, s0) / cm.sum()
    if weights == 'none':
        w = np.ones((q, q)) - np.eye(q)
    else:
        w = np.abs(np.subtract.outer(np.arange(q), np.arange(q))).astype(float)
        if weights == 'quadratic':
            w = w ** 2
    return 1 - (w * cm).sum() / (w * expected).sum()


def scott_pi(a, b, categories):
    a = np.asarray(a)
    b = np.asarray(b)
    po = np.mean(a == b)
    pooled = np.array([(np.sum(a == c) + np.sum(b == c)) / (2 * len(a)) for c in categories])
    pe = np.sum(pooled ** 2)
    return (po - pe) / (1 - pe)


def fleiss(counts):
    counts = np.asarray(counts, dtype=float)
    N, k = counts.shape
    n = counts.sum(axis=1)[0]
    p = counts.sum(axis=0) / (N * n)
    P = (np.sum(counts ** 2, axis=1) - n) / (n * (n - 1))
    Pbar = P.mean()
    Pe = np.sum(p ** 2)
    return {'value': (Pbar - Pe) / (1 - Pe), 'observedAgreement': Pbar, 'chanceAgreement': Pe}


def kripp_delta(level, c, k, marg, values):
    if level == 'nominal':
        return 0.0 if c == k else 1.0
    if level == 'interval':
        return (c - k) ** 2
    if level == 'ratio':
        return 0.0 if c + k == 0 else ((c - k) / (c + k)) ** 2
    # ordinal: values sorted ascending, marg[v] = n_v
    lo, hi = min(c, k), max(c, k)
    s = sum(marg[v] for v in values if lo <= v <= hi)
    return (s - (marg[c] + marg[k]) / 2) ** 2


def krippendorff(data, level):
    """data: raters x units with None for missing; numeric values."""
    units = list(zip(*data))
    pairable = [[v for v in u if v is not None] for u in units]
    pairable = [u for u in pairable if len(u) >= 2]
    allvals = [v for u in pairable for v in u]
    n = len(allvals)
    values = sorted(set(allvals))
    marg = {v: allvals.count(v) for v in values}
    do_sum = 0.0
    for u in pairable:
        m = len(u)
        for i in range(m):
            for j in range(m):
                if i != j:
                    do_sum += kripp_delta(level, u[i], u[j], marg, values) / (m - 1)
    de_sum = 0.0
    for i in range(n):
        for j in range(n):
            if i != j:
                de_sum += kripp_delta(level, allvals[i], allvals[j], marg, values)
    Do = do_sum / n
    De = de_sum / (n * (n - 1))
    return {'value': 1 - Do / De, 'observedDisagreement': Do, 'expectedDisagreement': De,
            'pairableValues': n, 'units': len(pairable)}


def gwet_counts(counts):
    counts = np.asarray(counts, dtype=float)
    r = counts.sum(axis=1)
    counts = counts[r >= 1]
    r = r[r >= 1]
    q = counts.shape[1]
    two = r >= 2
    pa = np.mean(np.sum(counts[two] * (counts[two] - 1), axis=1) / (r[two] * (r[two] - 1)))
    pi = np.mean(counts / r[:, None], axis=0)
    pe = np.sum(pi * (1 - pi)) / (q - 1)
    return {'value': (pa - pe) / (1 - pe), 'observedAgreement': pa, 'chanceAgreement': pe}


def tolist(x):
    return [int(v) for v in x]


out = {}

# Krippendorff (2011) "Computing Krippendorff's Alpha-Reliability", section C: 4 observers x 12 units.
K2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
]
out['krippendorff2011'] = {lvl: krippendorff(K2011, lvl) for lvl in ['nominal', 'ordinal', 'interval', 'ratio']}

# Gwet AC1 and Fleiss-style counts of the same data (units x categories 1..5).
K2011_counts = [[sum(1 for row in K2011 if row[u] == c) for c in range(1, 6)] for u in range(12)]
out['gwet2011Counts'] = {'counts': K2011_counts, **gwet_counts(K2011_counts)}

# Random Krippendorff cases with missing data, all levels.
kcases = []
for t in range(12):
    raters = int(rng.integers(2, 6))
    units = int(rng.integers(5, 30))
    q = int(rng.integers(2, 6))
    vals = rng.integers(0 if t % 2 == 0 else 1, q + 1, size=(raters, units))
    miss = rng.random((raters, units)) < 0.2
    data = [[None if miss[i, j] else int(vals[i, j]) for j in range(units)] for i in range(raters)]
    try:
        kcases.append({'data': data, **{lvl: krippendorff(data, lvl) for lvl in ['nominal', 'ordinal', 'interval', 'ratio']}})
    except ZeroDivisionError:
        pass
out['krippendorffRandom'] = kcases

# Cohen's kappa (sklearn formula) on random label pairs; categories may include unused ones.
ccases = []
for t in range(15):
    q = int(rng.integers(2, 7))
    n = int(rng.integers(5, 60))
    a = rng.integers(0, q, size=n)
    # b agrees with a 60% of the time, else random
    b = np.where(rng.random(n) < 0.6, a, rng.integers(0, q, size=n))
    categories = list(range(q + (1 if t % 3 == 0 else 0)))  # every third case lists an unused category
    case = {'a': tolist(a), 'b': tolist(b), 'categories': categories}
    for w in ['none', 'linear', 'quadratic']:
        case[w] = cohen_sklearn(list(a), list(b), categories, w)
    case['scottsPi'] = scott_pi(a, b, categories)
    case['gwetAC1'] = gwet_counts([[int(x == c) + int(y == c) for c in categories] for x, y in zip(a, b)])['value']
    ccases.append(case)
out['cohenRandom'] = ccases

# Fleiss (1971) table 1 as reproduced on Wikipedia's "Fleiss' kappa" page.
F1971 = [
    [0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7],
]
out['fleiss1971'] = {'counts': F1971, **fleiss(F1971)}
fcases = []
for t in range(8):
    subjects = int(rng.integers(3, 40))
    q = int(rng.integers(2, 6))
    m = int(rng.integers(2, 9))
    counts = [tolist(rng.multinomial(m, rng.dirichlet(np.ones(q)))) for _ in range(subjects)]
    fcases.append({'counts': counts, **fleiss(counts)})
out['fleissRandom'] = fcases

# Gwet AC1 from counts with unequal row totals (missing ratings), rows with 0 or 1 ratings included.
gcases = []
for t in range(8):
    subjects = int(rng.integers(4, 30))
    q = int(rng.integers(2, 6))
    counts = [tolist(rng.multinomial(int(rng.integers(0, 7)), rng.dirichlet(np.ones(q)))) for _ in range(subjects)]
    counts[0] = [0] * q
    counts[1] = [1] + [0] * (q - 1)
    counts[2] = [3] + [0] * (q - 1)
    gcases.append({'counts': counts, **gwet_counts(counts)})
out['gwetRandom'] = gcases

print(json.dumps(out, indent=1))
