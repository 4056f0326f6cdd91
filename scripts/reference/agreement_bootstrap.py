"""Reference values for src/stats/random (createRandom, bootstrapInterval).

Run from the repository root:
    python3 scripts/reference/agreement_bootstrap.py

Re-implements mulberry32 with explicit uint32 arithmetic, then a percentile bootstrap of the
mean of 1..10 (seed 1, 1000 replicates, indices floor(u * n), numpy.percentile 'linear' =
Hyndman-Fan type 7) as documented in bootstrap-interval.ts.
Output (numpy 2.4.6):
    mulberry32(42) first 3: [0.6011037519201636, 0.44829055899754167, 0.8524657934904099]
    mulberry32(0) first 2: [0.26642920868471265, 0.0003297457005828619]
    bootstrap mean 1..10: estimate 5.5 lower 3.8 upper 7.4
    bootstrap mean 1..10 confidence 0.8: lower 4.3 upper 6.7
"""
import numpy as np

M = 2 ** 32


def mulberry32(seed):
    state = seed % M
    while True:
        state = (state + 0x6D2B79F5) % M
        t = ((state ^ (state >> 15)) * (1 | state)) % M
        t = ((t + ((t ^ (t >> 7)) * (61 | t)) % M) % M) ^ t
        yield ((t ^ (t >> 14)) % M) / M


def take(gen, k):
    return [next(gen) for _ in range(k)]


print('mulberry32(42) first 3:', take(mulberry32(42), 3))
print('mulberry32(0) first 2:', take(mulberry32(0), 2))

for confidence in (0.95, 0.8):
    units = np.arange(1, 11, dtype=float)
    rng = mulberry32(1)
    means = []
    for _ in range(1000):
        idx = [min(9, int(next(rng) * 10)) for _ in range(10)]
        means.append(units[idx].mean())
    lower, upper = np.percentile(means, [100 * (1 - confidence) / 2, 100 * (1 + confidence) / 2])
    if confidence == 0.95:
        print('bootstrap mean 1..10: estimate', units.mean(), 'lower', lower, 'upper', upper)
    else:
        print('bootstrap mean 1..10 confidence 0.8: lower', lower, 'upper', upper)
