/**
 * The `assay` command line. Top-level error handling lives here: `error: <message>` (and details)
 * on stderr, exit code 1 for a user error and 2 for a usage error; the context is always closed by
 * the command itself. Library code never calls process.exit.
 */
import { Command, CommanderError } from 'commander'
import { AppError, ValidationError } from '../domain/errors.js'
import { registerDb } from './commands/db.js'
import { registerIngest } from './commands/ingest.js'
import { registerExport } from './commands/export.js'
import { registerImport } from './commands/import.js'
import { registerDemo } from './commands/demo.js'
import { registerInit } from './commands/init.js'
import { registerLog } from './commands/log.js'
import { registerMetrics } from './commands/metrics.js'
import { registerReport } from './commands/report.js'
import { registerTarget } from './commands/target.js'
import { registerMonitor } from './commands/monitor.js'
import { registerAlerts } from './commands/alerts.js'
import { registerAction } from './commands/action.js'
import { registerServe } from './commands/serve.js'
import { registerStart } from './commands/start.js'
import { registerStatus } from './commands/status.js'
import { registerTaxonomy } from './commands/taxonomy.js'
import { registerToken } from './commands/token.js'
import { registerUser } from './commands/user.js'
import { registerAudit } from './commands/audit.js'
import { registerDispute } from './commands/dispute.js'
import { registerFeedback } from './commands/feedback.js'
import { registerPlan } from './commands/plan.js'
import { registerSample } from './commands/sample.js'

export function buildProgram(): Command {
  const program = new Command('assay')
    .description(
      'Assay: quality management for content moderation — sampling, blind audit, metrics with intervals, targets, drift',
    )
    .version('0.1.0')
    .showHelpAfterError()
    .exitOverride()
  registerInit(program)
  registerStatus(program)
  registerTaxonomy(program)
  registerDb(program)
  registerServe(program)
  registerSample(program)
  registerPlan(program)
  registerAudit(program)
  registerDispute(program)
  registerFeedback(program)
  registerIngest(program)
  registerUser(program)
  registerToken(program)
  registerLog(program)
  registerExport(program)
  registerImport(program)
  registerDemo(program)
  registerStart(program)
  registerReport(program)
  registerMetrics(program)
  registerTarget(program)
  registerMonitor(program)
  registerAlerts(program)
  registerAction(program)
  return program
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram()
  try {
    await program.parseAsync(argv)
    return typeof process.exitCode === 'number' ? process.exitCode : 0
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version "errors" are normal exits; commander has already printed the message.
      return error.exitCode === 0 ? 0 : 2
    }
    if (error instanceof AppError) {
      console.error(`error: ${error.message}`)
      if (error instanceof ValidationError) {
        for (const issue of error.details)
          console.error(`  ${issue.path ? `${issue.path}: ` : ''}${issue.message}`)
      }
      return 1
    }
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      console.error(`error: ${(error as Error).message}`)
      return 1
    }
    console.error(`error: ${(error as Error).message ?? String(error)}`)
    if (process.env.ASSAY_DEBUG) console.error(error)
    return 1
  }
}

process.exitCode = await main(process.argv)
