/**
 * Browser end-to-end helpers: Debian's Chromium through playwright-core (never a downloaded
 * browser), and a served Assay app on a random port over a small demo store.
 */
import { existsSync, mkdirSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { serve, type ServerType } from '@hono/node-server'
import { chromium, type Browser, type Page } from 'playwright-core'
import { pino } from 'pino'
import { sql } from 'kysely'
import { parseConfig } from '../../src/config.js'
import { createContext, type Context } from '../../src/context.js'
import { createUser, setPassword } from '../../src/engine/access/users.js'
import { runDemo } from '../../src/engine/demo/run-demo.js'
import { ingestRecords } from '../../src/engine/ingest/index.js'
import { setTarget } from '../../src/engine/targets/set-target.js'
import { openAction } from '../../src/engine/actions/corrective-actions.js'
import { drawSample } from '../../src/engine/sampling/draw-sample.js'
import { getSamplingPlan, savePlan } from '../../src/engine/sampling/plans.js'
import { createApp } from '../../src/server/app.js'
import { DEFAULT_WEB_ROOT } from '../../src/server/static.js'
import { insertAlert } from '../../src/store/alert-store.js'
import { openDatabase } from '../../src/store/db.js'

export const CHROMIUM = process.env.ASSAY_CHROMIUM ?? '/usr/bin/chromium'
export const ARTIFACTS = join(process.cwd(), 'test-artifacts', 'web')
export const PASSWORD = 'e2e-password-1'

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is missing at ${CHROMIUM}; the browser tests need Debian's package: ` +
        'apt-get update && apt-get install -y chromium',
    )
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
}

export function assertWebBuilt(): void {
  if (!existsSync(join(DEFAULT_WEB_ROOT, 'index.html'))) {
    throw new Error(
      `the web app is not built (${DEFAULT_WEB_ROOT} has no index.html): run npm run build`,
    )
  }
}

export interface DemoServer {
  ctx: Context
  url: string
  /** A moderator (with a password) holding a QA audit that found an error, still disputable. */
  moderator: { userId: string; decisionId: string }
  /** An open alert on error_rate in one region, and an overdue corrective action for it. */
  alert: { alertId: string; region: string; periodStart: string }
  close(): Promise<void>
}

const PLAN = `
name: e2e-weekly
period: week
strata: [region]
allocation: { method: fixed_count, count: 4 }
second_qa_share: 0
match_rule: both
dispute_window_days: 14
`

/** A demo store in memory (PGlite), users with passwords, a drawn sample with assigned tasks. */
export async function startDemoServer(decisions = 3000): Promise<DemoServer> {
  const database = await openDatabase({ kind: 'embedded', dataDir: null })
  const ctx = await createContext(parseConfig({}), { database, logger: pino({ level: 'silent' }) })
  const summary = await runDemo(database, { decisions, seed: 7 })
  for (const userId of summary.usersCreated) await setPassword(database, userId, PASSWORD, 'e2e')

  const saved = await savePlan(database, { yaml: PLAN, source: 'yaml' })
  await drawSample(database, await getSamplingPlan(database, saved.stored.planId), {
    period: '2026-W47',
    now: ctx.clock.now(),
  })

  await setTarget(
    database,
    {
      targetId: 'accuracy-overall',
      metric: 'accuracy',
      threshold: 0.9,
      period: 'last-28d',
      name: 'Accuracy, all decisions',
    },
    'e2e',
    ctx.clock.now(),
  )
  await setTarget(
    database,
    {
      targetId: 'accuracy-na',
      metric: 'accuracy',
      scope: { region: 'NA' },
      threshold: 0.97,
      period: 'last-28d',
      name: 'Accuracy in NA',
    },
    'e2e',
    ctx.clock.now(),
  )

  // A human decision not audited yet gets a QA audit that found an error, dated a day before the
  // real clock (the demo's audits are weeks old, past any dispute window): its moderator becomes a
  // user who can dispute it, in the browser and on the server, whatever the date of the run.
  const { rows } = await sql<{ actorId: string; decisionId: string; action: string }>`
    select d.actor_id as "actorId", d.decision_id as "decisionId", d.action
    from decisions d
    where d.actor_type = 'human' and d.action <> 'no_action'
      and not exists (select 1 from audits a where a.decision_id = d.decision_id)
    order by d.decided_at desc, d.decision_id limit 1`.execute(database.db)
  const found = rows[0]
  if (found === undefined) throw new Error('the demo store has no unaudited human decision')
  const audited = await ingestRecords(database, 'audits', [
    {
      source: 'e2e',
      line: 1,
      raw: {
        audit_id: 'e2e-disputable',
        decision_id: found.decisionId,
        auditor_id: 'auditor-1',
        audited_at: new Date(ctx.clock.now().getTime() - 86_400_000).toISOString(),
        policy: 'none',
        action: 'no_action',
        severity: 'major',
        kind: 'qa',
        comment: 'No violation: over-enforced.',
      },
    },
  ])
  if (audited.inserted !== 1)
    throw new Error(`the e2e audit was not stored: ${JSON.stringify(audited.rejects)}`)
  const existing = await sql<{
    n: number
  }>`select count(*)::int as n from users where user_id = ${found.actorId}`.execute(database.db)
  if (Number(existing.rows[0]?.n ?? 0) === 0) {
    await createUser(
      database,
      { userId: found.actorId, roles: ['moderator'], password: PASSWORD },
      'e2e',
    )
  } else {
    await setPassword(database, found.actorId, PASSWORD, 'e2e')
  }

  // An open alert, as the monitors would raise it, on the latest audited day of one region, and
  // a corrective action for it that is already past its due date.
  const latest = await sql<{ region: string; day: string }>`
    select region, to_char(max(decided_at) at time zone 'UTC', 'YYYY-MM-DD') as day
    from audited_decisions group by region order by region limit 1`.execute(database.db)
  const { region, day } = latest.rows[0] ?? { region: 'NA', day: '2026-11-20' }
  const alert = { alertId: 'alert-e2e-1', region, periodStart: day }
  await insertAlert(database.db, {
    alertId: alert.alertId,
    monitorId: 'e2e-error-rate',
    groupKey: `metric:error_rate|region=${region}`,
    metric: 'error_rate',
    slice: { region },
    rule: 'nelson_1',
    severity: 'major',
    title: `Error rate rose to 21.0 % (baseline 8.0 %) in region=${region}, ${day}`,
    firstPeriod: day,
    lastPeriod: day,
    lastPeriodStart: day,
    pValue: 0.00001,
    pAdjusted: 0.0004,
    evidence: {
      kind: 'chart',
      ruleText: 'a point beyond its limit (rule 1)',
      period: { start: day, label: day },
      unusualness: { text: 'p = 1.00e-5 (BH-adjusted p = 4.00e-4)' },
    },
    raisedAt: ctx.clock.now(),
    updatedAt: ctx.clock.now(),
  })
  await openAction(
    database,
    {
      actionId: 'action-e2e-1',
      fromAlert: alert.alertId,
      owner: 'lead',
      dueDate: '2026-01-15',
      hypothesis: 'A refresher on the hate-speech guideline brings the error rate back down.',
    },
    'e2e',
    ctx.clock.now(),
  )

  const app = createApp(ctx, { security: { signInAttemptsPerMinute: 1000 } })
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s))
  })
  const { port } = server.address() as AddressInfo
  return {
    ctx,
    url: `http://127.0.0.1:${port}`,
    moderator: { userId: found.actorId, decisionId: found.decisionId },
    alert,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await ctx.destroy()
      await database.destroy()
    },
  }
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true })
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true })
}

export async function signIn(page: Page, url: string, userId: string): Promise<void> {
  await page.context().clearCookies()
  await page.goto(`${url}/`)
  await page.getByLabel('User id').fill(userId)
  await page.getByLabel('Password').fill(PASSWORD)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.getByRole('button', { name: 'Sign out' }).waitFor()
}
