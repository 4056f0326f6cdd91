/** The manifest of an export folder: what `assay import` checks before it writes anything. */
import type { SequenceState } from '../../store/backup-store.js'

export const EXPORT_FORMAT = 'assay-export'
export const EXPORT_FORMAT_VERSION = 1
export const MANIFEST_FILE = 'manifest.json'

export interface ManifestTable {
  name: string
  file: string
  rows: number
  sha256: string
  columns: string[]
  primaryKey: string[]
  /**
   * Per json/jsonb column, the rows (1-based, in file order) holding JSON `null`, which the row's
   * line writes as it writes SQL NULL; absent when there are none (the common case).
   */
  jsonNulls?: Record<string, number[]>
}

export interface Manifest {
  format: typeof EXPORT_FORMAT
  formatVersion: number
  /** The newest migration of the exported store; an import needs a store at the same one. */
  migration: string | null
  tables: ManifestTable[]
  sequences: SequenceState[]
}
