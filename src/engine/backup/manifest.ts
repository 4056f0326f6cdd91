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
}

export interface Manifest {
  format: typeof EXPORT_FORMAT
  formatVersion: number
  /** The newest migration of the exported store; an import needs a store at the same one. */
  migration: string | null
  tables: ManifestTable[]
  sequences: SequenceState[]
}
