"""Reference run of the Dawid-Skene EM for src/stats/agreement/dawid-skene.ts.

Run from the repository root:
    python3 scripts/reference/agreement_dawid_skene.py > test/fixtures/stats/agreement-dawid-skene.json

An independent numpy implementation of Dawid & Skene (1979), JRSS C 28(1):20-28, with the
choices documented in dawid-skene.ts:
- initial posteriors T[i,k] = share of item i's labels equal to class k (majority-vote proportions);
- M-step with additive smoothing eps = 0.01:
    prior_k = (sum_i T[i,k] + eps) / (items + K eps)
    pi_r[k,l] = (sum over rater r's labels l of T[i,k] + eps) / (sum over rater r's labels of T[i,k] + K eps)
- E-step in log space; logL = sum_i logsumexp_k(log prior_k + sum log pi_r[k, l]);
- stop when |logL - previous logL| <= tolerance * |logL| (from the second iteration on).
Data: 80 items, 4 raters, 3 classes, each rater labels an item with probability 0.8 (at least one
label per item), drawn with numpy.random.default_rng(7).
"""
import json
import numpy as np

EPS = 0.01
rng = np.random.default_rng(7)
K, R, N = 3, 4, 80
priors_true = np.array([0.5, 0.3, 0.2])
conf_true = []
for r in range(R):
    acc = [0.85, 0.7, 0.6, 0.75][r]
    m = np.full((K, K), (1 - acc) / (K - 1))
    np.fill_diagonal(m, acc)
    conf_true.append(m)
truth = rng.choice(K, size=N, p=priors_true)
labels = []
for i in range(N):
    raters = [r for r in range(R) if rng.random() < 0.8] or [int(rng.integers(0, R))]
    for r in raters:
        labels.append((i, r, int(rng.choice(K, p=conf_true[r][truth[i]]))))

def run(labels, K, R, N, max_iter, tol):
    T = np.zeros((N, K))
    for i, r, l in labels:
        T[i, l] += 1
    T /= T.sum(axis=1, keepdims=True)
    prev = None
    converged = False
    it = 0
    for it in range(1, max_iter + 1):
        priors = (T.sum(axis=0) + EPS) / (N + K * EPS)
        counts = np.zeros((R, K, K))
        for i, r, l in labels:
            counts[r, :, l] += T[i]
        conf = (counts + EPS) / (counts.sum(axis=2, keepdims=True) + K * EPS)
        S = np.tile(np.log(priors), (N, 1))
        for i, r, l in labels:
            S[i] += np.log(conf[r, :, l])
        mx = S.max(axis=1, keepdims=True)
        lse = mx[:, 0] + np.log(np.exp(S - mx).sum(axis=1))
        ll = lse.sum()
        T = np.exp(S - lse[:, None])
        if prev is not None and abs(ll - prev) <= tol * abs(ll):
            converged = True
            break
        prev = ll
    return priors, conf, T, it, converged, ll

priors, conf, T, it, converged, ll = run(labels, K, R, N, 500, 1e-12)
print(json.dumps({
    'labels': [{'item': f'item-{i}', 'rater': f'r{r}', 'label': l} for i, r, l in labels],
    'classes': list(range(K)),
    'tolerance': 1e-12,
    'maxIterations': 500,
    'priors': priors.tolist(),
    'confusion': {f'r{r}': conf[r].tolist() for r in range(R)},
    'posteriors': {f'item-{i}': T[i].tolist() for i in range(N)},
    'iterations': it,
    'converged': converged,
    'logLikelihood': ll,
}, indent=1))
