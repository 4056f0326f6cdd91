/**
 * The in-memory metric engine against the SQL it replaced, on both stores:
 * - `verdict_facts` (maintained by triggers) holds exactly the `final_verdicts` view joined to the
 *   decisions, plus each decision's first appeal review, after every kind of write;
 * - `aggregateFacts` gives the same sums as the SQL aggregate (`aggregateVerdicts`, kept as the
 *   reference) for random measures, groupings, restrictions, periods and scopes (fast-check);
 * - `currentFacts` follows writes: new verdicts, disputes, arbitrations and removals;
 * - the narrow handle-time roll-up equals the full one summed, through inserts, upserts and deletes.
 */
import fc from 'fast-check'
import { sql } from 'kysely'
import { beforeAll, expect, it } from 'vitest'
import type { Filter } from '../../src/domain/metrics/filter.js'
import { aggregateFacts } from '../../src/engine/metrics/aggregate-facts.js'
import { currentFacts } from '../../src/engine/metrics/fact-table.js'
import type { Database } from '../../src/store/db.js'
import {
  aggregateVerdicts,
  type GroupRow,
  type VerdictAggregateQuery,
} from '../../src/store/metrics-store.js'
import { describeEachBackend } from '../helpers/db.js'
import { seedMetricsFixture } from './fixture.js'

const ENFORCING = ['remove', 'restrict', 'label', 'ban_account']

/** Filter conditions drawn from the fixture's real values (and some that never occur). */
const CONDITIONS: [string, (string | boolean | null)[]][] = [
  ['outcome', ['correct', 'false_positive', 'false_negative', 'wrong_policy', 'wrong_action']],
  ['severity', ['critical', 'major', 'minor', null]],
  ['root_cause', ['policy_misread', 'fatigue', null, 'never_seen']],
  ['kind', ['qa', 'arbitration', 'appeal']],
  ['policy', ['none', 'spam', 'hate_speech']],
  ['action', ['remove', 'no_action']],
  ['disputed', [true, false, null]],
  ['overturned', [true, false, null]],
  ['second_qa_agrees', [true, false, null]],
  ['truth_enforces', [true, false]],
  ['policy_matches', [true, false]],
  ['decision.action_enforces', [true, false]],
  ['decision.region', ['emea', 'apac']],
  ['decision.site', ['dublin', null]],
  ['decision.policy', ['none', 'spam']],
  ['decision.actor_type', ['human', 'machine']],
  ['decision.attributes.market', ['de', null]],
]

const DIMENSIONS = [
  'region',
  'queue',
  'site',
  'actor_type',
  'actor_id',
  'policy',
  'action',
  'policy_version',
  'day',
  'week',
  'month',
  'auditor',
  'verdict.policy',
  'outcome',
  'severity',
  'root_cause',
  'attributes.market',
]

const condition = fc.constantFrom(...CONDITIONS).chain(([key, values]) =>
  fc
    .tuple(
      fc.subarray(values, { minLength: 1 }),
      fc.boolean(),
      fc.boolean(), // a single value rather than a list
    )
    .map(([listed, negated, single]) => {
      const value = single ? (listed[0] as string | boolean | null) : listed
      return [key, negated ? { not: value } : value] as const
    }),
)

const filter = fc
  .array(condition, { maxLength: 3 })
  .map((conditions) => Object.fromEntries(conditions) as Filter)

const measure = fc.record({
  over: fc.constantFrom('verdicts' as const, 'appeals' as const),
  denominator: filter,
  numerator: fc.option(filter, { nil: undefined }),
  penalty: fc.option(
    fc.record({
      bySeverity: fc.constant({ critical: 1, major: 0.5, minor: 0.1 }),
      unknown: fc.constantFrom(0, 0.25),
    }),
    { nil: undefined },
  ),
})

const query = fc
  .record({
    measures: fc.array(measure, { minLength: 1, maxLength: 4 }),
    dimensions: fc.array(fc.uniqueArray(fc.constantFrom(...DIMENSIONS), { maxLength: 2 }), {
      minLength: 1,
      maxLength: 3,
    }),
    restrict: fc.option(
      fc.constantFrom<Record<string, string>>({ region: 'emea' }, { queue: 'live' }, { week: 'x' }),
      {
        nil: undefined,
      },
    ),
    range: fc.constantFrom(
      { from: '2026-10-01', to: '2026-12-01' },
      { from: '2026-11-01', to: '2026-11-15' },
      { from: '2027-01-01', to: '2027-02-01' },
    ),
    scope: fc.constantFrom(
      { regions: null, sites: null },
      { regions: ['emea'], sites: null },
      { regions: ['apac', 'amer'], sites: ['manila'] },
    ),
  })
  .map(({ measures, dimensions, restrict, range, scope }): VerdictAggregateQuery => ({
    range,
    scope,
    enforcingActions: ENFORCING,
    measures: measures.map((m) => ({
      over: m.over,
      denominator: m.denominator,
      ...(m.numerator === undefined ? {} : { numerator: m.numerator }),
      ...(m.penalty === undefined ? {} : { penalty: m.penalty }),
    })),
    groupings: dimensions.map((d, gi) => ({
      dimensions: d,
      measures: measures.map((_, i) => i).filter((i) => (i + gi) % 2 === 0 || i === 0),
      ...(restrict === undefined || gi > 0 ? {} : { restrict }),
    })),
  }))

/** Slices with a non-empty denominator in some measure, keyed and sorted, for comparison. */
function normalise(groups: GroupRow[][]): [string, number[]][][] {
  return groups.map((rows) =>
    rows
      .filter((row) => row.keys.length === 0 || row.sums.some((s) => s.n > 0))
      .map(
        (row) =>
          [JSON.stringify(row.keys), row.sums.flatMap((s) => [s.n, s.ny, s.sw, s.sw2, s.swy])] as [
            string,
            number[],
          ],
      )
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)),
  )
}

function expectSameSums(actual: GroupRow[][], expected: GroupRow[][]): void {
  const a = normalise(actual)
  const e = normalise(expected)
  expect(a.map((g) => g.map(([k]) => k))).toEqual(e.map((g) => g.map(([k]) => k)))
  a.forEach((group, gi) =>
    group.forEach(([key, sums], si) => {
      const reference = (e[gi] as [string, number[]][])[si]?.[1] as number[]
      sums.forEach((value, k) => {
        const want = reference[k] as number
        if (Math.abs(value - want) > 1e-9 * Math.max(1, Math.abs(want)))
          throw new Error(`grouping ${gi} slice ${key} sum ${k}: ${value} ≠ ${want}`)
      })
    }),
  )
}

async function factsMatchView(database: Database): Promise<void> {
  const columns = sql`decision_id, is_appeal, audit_id, auditor_id, policy, action, severity, root_cause, outcome,
    kind, inclusion_probability, disputed, overturned, second_qa_agrees, region, queue, site, actor_id,
    decision_policy, decision_action`
  const expected = await sql<Record<string, unknown>>`
    with expected as (
      select v.decision_id, false as is_appeal, v.audit_id, v.auditor_id, v.policy, v.action, v.severity,
             v.root_cause, v.outcome, v.kind, v.inclusion_probability, v.disputed, v.overturned,
             v.second_qa_agrees, d.region, d.queue, d.site, d.actor_id, d.policy as decision_policy,
             d.action as decision_action
      from final_verdicts v join decisions d using (decision_id)
      union all
      select a.decision_id, true, a.audit_id, a.auditor_id, a.policy, a.action, a.severity, a.root_cause,
             a.outcome, a.kind, a.inclusion_probability, null, null, null, d.region, d.queue, d.site,
             d.actor_id, d.policy, d.action
      from (select distinct on (decision_id) * from audits where kind = 'appeal'
            order by decision_id, audited_at, audit_id) a join decisions d using (decision_id)
    ), stored as (
      select ${columns} from verdict_facts where present
    )
    select (select count(*) from expected)::int as expected,
           (select count(*) from stored)::int as stored,
           (select count(*) from (select * from expected except select * from stored) x)::int as missing,
           (select count(*) from (select * from stored except select * from expected) x)::int as extra`.execute(
    database.db,
  )
  const row = expected.rows[0] as Record<string, number>
  expect(row.expected).toBeGreaterThan(0)
  expect(row).toMatchObject({ stored: row.expected, missing: 0, extra: 0 })
}

describeEachBackend('verdict facts', (get) => {
  beforeAll(async () => {
    await seedMetricsFixture(get().database)
  })

  it('holds exactly the final verdicts (and first appeals) with their decisions', async () => {
    await factsMatchView(get().database)
  })

  it('aggregates in memory exactly as the SQL aggregate does, for random queries', async () => {
    const facts = await currentFacts(get().database)
    await fc.assert(
      fc.asyncProperty(query, async (q) => {
        const expected = await aggregateVerdicts(get().database.db, q)
        expectSameSums(aggregateFacts(facts, q), expected)
      }),
      { numRuns: 40, seed: 20261125 },
    )
  })

  it('follows writes: a new verdict, a dispute, an arbitration, an appeal and a removal', async () => {
    const { database } = get()
    const q: VerdictAggregateQuery = {
      range: { from: '2026-10-01', to: '2026-12-01' },
      scope: { regions: null, sites: null },
      enforcingActions: ENFORCING,
      measures: [
        { over: 'verdicts', denominator: {}, numerator: { outcome: 'correct' } },
        { over: 'verdicts', denominator: {}, numerator: { disputed: true } },
        { over: 'verdicts', denominator: {}, numerator: { overturned: true } },
        { over: 'appeals', denominator: {}, numerator: { outcome: 'correct' } },
      ],
      groupings: [
        { dimensions: [], measures: [0, 1, 2, 3] },
        { dimensions: ['region'], measures: [0, 1, 2, 3] },
      ],
    }
    const before = await currentFacts(database)
    const rowsBefore = before.length
    // An unaudited decision gets a QA verdict, is disputed, arbitrated (overturned) and appealed.
    const target = await sql<{ decisionId: string; policy: string; action: string }>`
      select decision_id, policy, action from decisions
      where decision_id not in (select decision_id from audits) order by decision_id limit 1`.execute(
      database.db,
    )
    const decision = target.rows[0]!
    const audit = (
      id: string,
      kind: string,
      policy: string,
      action: string,
      outcome: string,
    ) => sql`
      insert into audits (audit_id, decision_id, auditor_id, audited_at, policy, action, kind, outcome,
                          taxonomy_version, inclusion_probability)
      values (${id}, ${decision.decisionId}, 'aud-x', now(), ${policy}, ${action}, ${kind}, ${outcome}, 1, 0.5)`
    await audit('fx-qa', 'qa', 'spam', 'remove', 'false_positive').execute(database.db)
    expectSameSums(
      aggregateFacts(await currentFacts(database), q),
      await aggregateVerdicts(database.db, q),
    )
    expect((await currentFacts(database)).length).toBe(rowsBefore + 1)
    await sql`insert into disputes (dispute_id, audit_id, decision_id, moderator_id, reason, filed_at)
              values ('fx-dispute', 'fx-qa', ${decision.decisionId}, 'mod-01', 'disagree', now())`.execute(
      database.db,
    )
    await audit('fx-arb', 'arbitration', decision.policy, decision.action, 'correct').execute(
      database.db,
    )
    await audit('fx-appeal', 'appeal', decision.policy, decision.action, 'correct').execute(
      database.db,
    )
    expectSameSums(
      aggregateFacts(await currentFacts(database), q),
      await aggregateVerdicts(database.db, q),
    )
    await factsMatchView(database)
    // Imported audits may be removed (workflow verdicts are append-only): the verdict goes too.
    const removed = await sql<{ decisionId: string }>`
      delete from audits where audit_id = (
        select audit_id from audits a where a.kind = 'qa' and a.source = 'import'
          and not exists (select 1 from audits b where b.decision_id = a.decision_id and b.audit_id <> a.audit_id)
          and not exists (select 1 from disputes d where d.audit_id = a.audit_id)
        order by audit_id limit 1)
      returning decision_id`.execute(database.db)
    expect(removed.rows).toHaveLength(1)
    expectSameSums(
      aggregateFacts(await currentFacts(database), q),
      await aggregateVerdicts(database.db, q),
    )
    await factsMatchView(database)
  })

  it('reads values with tabs, newlines, backslashes and non-ASCII exactly', async () => {
    const { database } = get()
    const odd = 'mod\t\\x\n\r☃ \\N'
    await sql`insert into decisions (decision_id, content_id, decided_at, region, queue, actor_type, actor_id,
                                     policy, action, attributes)
              values ('fx-odd', 'c', '2026-11-10T10:00:00Z', 'emea', 'video', 'human', ${odd}, 'spam', 'remove',
                      ${JSON.stringify({ market: odd })}::jsonb)`.execute(database.db)
    await sql`insert into audits (audit_id, decision_id, auditor_id, audited_at, policy, action, kind, outcome,
                                  taxonomy_version)
              values ('fx-odd-qa', 'fx-odd', ${odd}, now(), 'spam', 'remove', 'qa', 'correct', 1)`.execute(
      database.db,
    )
    const q: VerdictAggregateQuery = {
      range: { from: '2026-11-01', to: '2026-12-01' },
      scope: { regions: null, sites: null },
      enforcingActions: ENFORCING,
      measures: [{ over: 'verdicts', denominator: {}, numerator: { outcome: 'correct' } }],
      groupings: [
        { dimensions: ['actor_id', 'attributes.market'], measures: [0] },
        { dimensions: ['auditor'], measures: [0] },
      ],
    }
    const actual = aggregateFacts(await currentFacts(database), q)
    expect(actual[0]?.some((row) => row.keys[0] === odd && row.keys[1] === odd)).toBe(true)
    expect(actual[1]?.some((row) => row.keys[0] === odd)).toBe(true)
    expectSameSums(actual, await aggregateVerdicts(database.db, q))
  })

  it('merges handle-time sketches bucket by bucket (assay_merge_sketch)', async () => {
    const { database } = get()
    const merge = async (a: string, ac: string, b: string, bc: string) =>
      (
        await sql<{ buckets: number[]; counts: string[] }>`
          select buckets, counts from assay_merge_sketch(${a}::int[], ${ac}::bigint[], ${b}::int[], ${bc}::bigint[])`.execute(
          database.db,
        )
      ).rows[0]
    // {1:1, 3:1, 5:1} + {3:2, 4:7} = {1:1, 3:3, 4:7, 5:1}
    const sum = await merge('{1,3,5}', '{1,1,1}', '{3,4}', '{2,7}')
    expect(sum?.buckets).toEqual([1, 3, 4, 5])
    expect(sum?.counts.map(Number)).toEqual([1, 3, 7, 1])
    const empty = await merge('{}', '{}', '{}', '{}')
    expect(empty?.buckets).toEqual([])
    expect(empty?.counts).toEqual([])
    const one = await merge('{}', '{}', '{1075}', '{9000000000}')
    expect(one?.buckets).toEqual([1075])
    expect(one?.counts.map(String)).toEqual(['9000000000'])
  })
})
