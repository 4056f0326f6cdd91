/**
 * The `assay` command line. Top-level error handling lives here: `error: <message>` (and details)
 * on stderr, exit code 1 for a user error and 2 for a usage error; the context is always closed by
 * the command itself. Library code never calls process.exit.
 */
import { Command, CommanderError } from 'commander'
import { AppError, ValidationError } from '../domain/errors.js'
import { registerDb } from './commands/db.js'
import { registerInit } from './commands/init.js'
import { registerServe } from './commands/serve.js'
import { registerStatus } from './commands/status.js'
import { registerTaxonomy } from './commands/taxonomy.js'

export function buildProgram(): Command {
  const program = new Command('assay')
    .description('Assay: quality management for content moderation — sampling, blind audit, metrics with intervals, targets, drift')
    .version('0.1.0')
    .showHelpAfterError()
    .exitOverride()
  registerInit(program)
  registerStatus(program)
  registerTaxonomy(program)
  registerDb(program)
  registerServe(program)
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
        for (const issue of error.details) console.error(`  ${issue.path ? `${issue.path}: ` : ''}${issue.message}`)
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
