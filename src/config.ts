/**
 * Environment → typed configuration. `readEnv` only reads strings; `parseConfig` applies defaults
 * and validation and names the variable and the expected form when something is wrong.
 */
import { resolve } from 'node:path'
import { ValidationError, type FieldIssue } from './domain/errors.js'

export interface AssayEnv {
  ASSAY_DATA_DIR?: string
  DATABASE_URL?: string
  ASSAY_PORT?: string
  ASSAY_HOST?: string
  ASSAY_LOG_LEVEL?: string
  ASSAY_BATCH_SIZE?: string
}

export interface Config {
  store: { kind: 'embedded'; dataDir: string } | { kind: 'postgres'; url: string }
  port: number
  host: string
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'
  batchSize: number
}

export function readEnv(env: NodeJS.ProcessEnv = process.env): AssayEnv {
  return {
    ASSAY_DATA_DIR: env.ASSAY_DATA_DIR,
    DATABASE_URL: env.DATABASE_URL,
    ASSAY_PORT: env.ASSAY_PORT,
    ASSAY_HOST: env.ASSAY_HOST,
    ASSAY_LOG_LEVEL: env.ASSAY_LOG_LEVEL,
    ASSAY_BATCH_SIZE: env.ASSAY_BATCH_SIZE,
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const

/** Overrides come from CLI flags (`--data-dir`, `--port`) and win over the environment. */
export function parseConfig(
  env: AssayEnv,
  overrides: { dataDir?: string; port?: number; databaseUrl?: string } = {},
): Config {
  const issues: FieldIssue[] = []
  const integer = (name: keyof AssayEnv, fallback: number, min: number, max: number): number => {
    const raw = env[name]
    if (raw === undefined || raw === '') return fallback
    const value = Number(raw)
    if (!Number.isInteger(value) || value < min || value > max) {
      issues.push({
        path: name,
        message: `must be an integer from ${min} to ${max} (got ${JSON.stringify(raw)})`,
      })
      return fallback
    }
    return value
  }
  const url = overrides.databaseUrl ?? env.DATABASE_URL
  if (url !== undefined && url !== '' && !/^postgres(ql)?:\/\//.test(url)) {
    issues.push({
      path: 'DATABASE_URL',
      message: 'must be a postgres:// or postgresql:// connection URL',
    })
  }
  const logLevel = (env.ASSAY_LOG_LEVEL ?? 'info') as Config['logLevel']
  if (!LOG_LEVELS.includes(logLevel)) {
    issues.push({ path: 'ASSAY_LOG_LEVEL', message: `must be one of ${LOG_LEVELS.join(', ')}` })
  }
  const config: Config = {
    store:
      url !== undefined && url !== ''
        ? { kind: 'postgres', url }
        : {
            kind: 'embedded',
            dataDir: resolve(overrides.dataDir ?? env.ASSAY_DATA_DIR ?? './assay-data'),
          },
    port: overrides.port ?? integer('ASSAY_PORT', 8080, 0, 65535),
    host: env.ASSAY_HOST ?? '127.0.0.1',
    logLevel,
    batchSize: integer('ASSAY_BATCH_SIZE', 10_000, 1, 1_000_000),
  }
  if (issues.length > 0) throw new ValidationError('invalid configuration', issues)
  return config
}
