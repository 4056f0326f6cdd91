/**
 * Aggregates final verdicts held in memory (fact-table.ts) into per-slice sums, with the same
 * meaning as the SQL compilation of metric definitions (src/store/metrics-store.ts,
 * `buildVerdictAggregate`) and the filter semantics of src/domain/metrics/filter.ts:
 * per slice and measure, n (rows in the denominator), ny (in the numerator too), Σw, Σw² over the
 * denominator and Σw·y over the numerator (y = 1, or the severity penalty of a weighted score),
 * with w = 1/π.
 *
 * How: every filter condition becomes a lookup table over the codes of its column (a text
 * column's dictionary, a flag's three states, or a derived column computed once per query), so a
 * row is tested with a few array reads; every slice key is a number built from the dimensions'
 * codes. Only the days of the period are visited.
 */
import { ValidationError } from '../../domain/errors.js'
import {
  conditionValues,
  isNegated,
  type Filter,
  type FilterScalar,
} from '../../domain/metrics/filter.js'
import type {
  GroupRow,
  MeasureSpec,
  MeasureSums,
  VerdictAggregateQuery,
} from '../../store/metrics-store.js'
import { measureKey } from '../../store/metrics-store.js'
import {
  FLAG_VALUES,
  grow,
  type FactTable,
  type FlagColumn,
  type TextColumn,
} from './fact-table.js'

/** A per-row code and what each code means. */
interface CodedField {
  codes: Int32Array
  decode: (code: number) => string | boolean | null
  /** Exclusive upper bound of the codes. */
  size: number
}

const VERDICT_TEXT: Record<string, TextColumn> = {
  outcome: 'outcome',
  severity: 'severity',
  root_cause: 'rootCause',
  kind: 'kind',
  policy: 'policy',
  action: 'action',
  auditor_id: 'auditorId',
}

const VERDICT_FLAGS: Record<string, FlagColumn> = {
  disputed: 'disputed',
  overturned: 'overturned',
  second_qa_agrees: 'secondQaAgrees',
}

const DECISION_TEXT: Record<string, TextColumn> = {
  region: 'region',
  queue: 'queue',
  site: 'site',
  language: 'language',
  content_type: 'contentType',
  actor_type: 'actorType',
  actor_id: 'actorId',
  policy: 'decisionPolicy',
  action: 'decisionAction',
  policy_version: 'policyVersion',
}

const DAY_MS = 86_400_000
const isoDay = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10)
const dayOf = (iso: string) => Math.round(Date.parse(`${iso}T00:00:00Z`) / DAY_MS)

/** Monday of the ISO week (date_trunc('week')); 1970-01-01 was a Thursday. */
const weekStart = (day: number) => day - ((((day + 3) % 7) + 7) % 7)
const monthStart = (day: number) => {
  const date = new Date(day * DAY_MS)
  return Math.round(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1) / DAY_MS)
}

/** Resolves fields and dimensions to coded per-row columns, computing derived ones once. */
class Fields {
  private readonly cache = new Map<string, CodedField>()

  constructor(
    private readonly facts: FactTable,
    private readonly enforcing: ReadonlySet<string>,
  ) {}

  private text(column: TextColumn): CodedField {
    const dictionary = this.facts.dictionaries[column]
    return {
      codes: this.facts.text[column],
      decode: (code) => dictionary.values[code] ?? null,
      size: dictionary.size,
    }
  }

  private flag(column: FlagColumn): CodedField {
    return { codes: this.facts.flags[column], decode: (c) => FLAG_VALUES[c] ?? null, size: 3 }
  }

  private derived(key: string, compute: (i: number) => boolean | null): CodedField {
    let field = this.cache.get(key)
    if (field === undefined) {
      const codes = new Int32Array(this.facts.length)
      for (let i = 0; i < this.facts.length; i++) {
        const value = compute(i)
        codes[i] = value === null ? 0 : value ? 2 : 1
      }
      field = { codes, decode: (c) => FLAG_VALUES[c] ?? null, size: 3 }
      this.cache.set(key, field)
    }
    return field
  }

  /** attributes ->> key: strings as they are, other JSON values as JSON text, missing as null. */
  private attribute(name: string): CodedField {
    const key = `attributes.${name}`
    let field = this.cache.get(key)
    if (field === undefined) {
      const values: (string | null)[] = [null]
      const index = new Map<string, number>()
      const codes = new Int32Array(this.facts.length)
      for (let i = 0; i < this.facts.length; i++) {
        const raw = this.facts.attributes[i]?.[name]
        if (raw === undefined || raw === null) continue
        const text = typeof raw === 'string' ? raw : JSON.stringify(raw)
        let code = index.get(text)
        if (code === undefined) {
          code = values.length
          values.push(text)
          index.set(text, code)
        }
        codes[i] = code
      }
      field = { codes, decode: (c) => values[c] ?? null, size: values.length }
      this.cache.set(key, field)
    }
    return field
  }

  private time(grain: 'day' | 'week' | 'month'): CodedField {
    let field = this.cache.get(grain)
    if (field === undefined) {
      const { day } = this.facts
      const start = grain === 'day' ? (d: number) => d : grain === 'week' ? weekStart : monthStart
      // Codes are offsets from the earliest start, so that they stay small and dense.
      let min = Infinity
      for (let i = 0; i < this.facts.length; i++) min = Math.min(min, day[i] as number)
      const base = Number.isFinite(min) ? start(min) - 1 : 0
      const codes = new Int32Array(this.facts.length)
      let size = 1
      for (let i = 0; i < this.facts.length; i++) {
        const code = start(day[i] as number) - base
        codes[i] = code
        if (code + 1 > size) size = code + 1
      }
      field = { codes, decode: (c) => isoDay(c + base), size }
      this.cache.set(grain, field)
    }
    return field
  }

  /** A filter field (src/domain/metrics/filter.ts). */
  filterField(key: string): CodedField {
    const { text } = this.facts
    if (key === 'truth_enforces') {
      const policies = this.facts.dictionaries.policy.values
      const actions = this.facts.dictionaries.action.values
      return this.derived(key, (i) => {
        const action = actions[text.action[i] as number] ?? null
        return (
          policies[text.policy[i] as number] !== 'none' &&
          action !== null &&
          this.enforcing.has(action)
        )
      })
    }
    if (key === 'policy_matches')
      return this.derived(key, (i) => text.policy[i] === text.decisionPolicy[i])
    if (key === 'decision.action_enforces') {
      const actions = this.facts.dictionaries.decisionAction.values
      return this.derived(key, (i) => {
        const action = actions[text.decisionAction[i] as number] ?? null
        return action !== null && this.enforcing.has(action)
      })
    }
    if (key.startsWith('decision.attributes.'))
      return this.attribute(key.slice('decision.attributes.'.length))
    if (key.startsWith('decision.')) {
      const column = DECISION_TEXT[key.slice('decision.'.length)]
      if (column !== undefined) return this.text(column)
    }
    const column = VERDICT_TEXT[key]
    if (column !== undefined) return this.text(column)
    const flag = VERDICT_FLAGS[key]
    if (flag !== undefined) return this.flag(flag)
    throw new ValidationError(`unknown filter field ${key}`, [
      { path: key, message: 'not a filter field' },
    ])
  }

  /** A group-by dimension (src/domain/metrics/dimensions.ts). */
  dimension(name: string): CodedField {
    if (name.startsWith('attributes.')) return this.attribute(name.slice('attributes.'.length))
    const decision = DECISION_TEXT[name]
    if (decision !== undefined) return this.text(decision)
    if (name === 'day' || name === 'week' || name === 'month') return this.time(name)
    if (name === 'auditor') return this.text('auditorId')
    if (name === 'verdict.policy') return this.text('policy')
    if (name === 'outcome') return this.text('outcome')
    if (name === 'severity') return this.text('severity')
    if (name === 'root_cause') return this.text('rootCause')
    throw new ValidationError(`unknown dimension ${name}`, [
      { path: 'by', message: 'not a dimension' },
    ])
  }
}

/** A compiled filter: every condition is (codes, table of matching codes); all must match. */
interface CompiledFilter {
  codes: ArrayLike<number>[]
  tables: Uint8Array[]
}

function compileFilter(filter: Filter, fields: Fields): CompiledFilter {
  const compiled: CompiledFilter = { codes: [], tables: [] }
  for (const [key, condition] of Object.entries(filter)) {
    const field = fields.filterField(key)
    const listed: FilterScalar[] = conditionValues(condition)
    const negated = isNegated(condition)
    const table = new Uint8Array(field.size)
    for (let code = 0; code < field.size; code++) {
      const isListed = listed.includes(field.decode(code))
      table[code] = (negated ? !isListed : isListed) ? 1 : 0
    }
    compiled.codes.push(field.codes)
    compiled.tables.push(table)
  }
  return compiled
}

function matches(filter: CompiledFilter, row: number): boolean {
  for (let k = 0; k < filter.codes.length; k++) {
    if (
      (filter.tables[k] as Uint8Array)[(filter.codes[k] as ArrayLike<number>)[row] as number] !== 1
    )
      return false
  }
  return true
}

interface CompiledMeasure {
  appeals: boolean
  denominator: CompiledFilter
  numerator: CompiledFilter
  /** Penalty per severity code (weighted scores), or null. */
  penalty: Float64Array | null
}

interface CompiledGrouping {
  dimensions: CodedField[]
  /** Multipliers of the mixed-radix slot number (one slot per combination of codes). */
  radix: number[]
  /** Number of slots: the product of the dimensions' code counts. */
  slots: number
  restrict: { codes: ArrayLike<number>; code: number }[]
  /** Unique-measure index of each of the grouping's measures. */
  measures: number[]
  /** A restriction names a value that never occurs: no row can match. */
  empty: boolean
}

/** Class-cell accumulation is used while slots × classes stays below this (3 doubles per cell). */
const MAX_CELLS = 1 << 20
/** Slot → slice lookups use a dense array up to this many slots, a map beyond. */
const MAX_DENSE_SLOTS = 1 << 22

/** Same result as `aggregateVerdicts` (src/store/metrics-store.ts), from memory. */
export function aggregateFacts(facts: FactTable, query: VerdictAggregateQuery): GroupRow[][] {
  if (query.groupings.length === 0) return []
  const derived = derivedFor(facts, query.enforcingActions)
  const fields = derived.fields

  // Unique measures in key order, so that a set of measures always numbers them alike (row
  // classes are cached per set).
  const keys = query.measures.map(measureKey)
  const uniqueKeys = [...new Set(keys)].sort()
  const position = new Map(uniqueKeys.map((key, i) => [key, i]))
  const measureIndex = keys.map((key) => position.get(key) as number)
  const measures: CompiledMeasure[] = uniqueKeys.map((key) => {
    const m = query.measures[keys.indexOf(key)] as MeasureSpec
    let penalty: Float64Array | null = null
    if (m.penalty !== undefined) {
      const severities = facts.dictionaries.severity
      penalty = new Float64Array(severities.size)
      for (let code = 0; code < severities.size; code++) {
        const severity = severities.values[code] ?? null
        const weight = severity === null ? undefined : m.penalty.bySeverity[severity]
        penalty[code] = weight ?? m.penalty.unknown
      }
    }
    return {
      appeals: m.over === 'appeals',
      denominator: compileFilter(m.denominator, fields),
      numerator: compileFilter(m.numerator ?? {}, fields),
      penalty,
    }
  })

  const groupings: CompiledGrouping[] = query.groupings.map((g) => {
    const dimensions = g.dimensions.map((d) => fields.dimension(d))
    const radix: number[] = []
    let slots = 1
    for (let k = dimensions.length - 1; k >= 0; k--) {
      radix[k] = slots
      slots *= (dimensions[k] as CodedField).size
    }
    if (slots > Number.MAX_SAFE_INTEGER)
      throw new ValidationError('too many slices: group by fewer dimensions', [
        { path: 'by', message: 'the combination of dimensions has too many values' },
      ])
    let empty = false
    const restrict = Object.entries(g.restrict ?? {}).map(([d, value]) => {
      const field = fields.dimension(d)
      let code = -1
      for (let c = 0; c < field.size; c++) if (field.decode(c) === value) code = c
      if (code < 0) empty = true
      return { codes: field.codes, code }
    })
    return {
      dimensions,
      radix,
      slots,
      restrict,
      measures: g.measures.map((mi) => measureIndex[mi] as number),
      empty,
    }
  })

  // Phase 1: the rows of the period in the principal's scope, each with its class.
  const regionAllowed = allowedCodes(facts, 'region', query.scope.regions)
  const siteAllowed = allowedCodes(facts, 'site', query.scope.sites)
  const { text, present } = facts
  const from = dayOf(query.range.from)
  const to = dayOf(query.range.to)
  const classKey = JSON.stringify(uniqueKeys)
  let classification = derived.classifications.get(classKey)
  if (classification === undefined) {
    classification = classifyAll(facts, classifier(facts, measures))
    derived.classifications.set(classKey, classification)
  }
  const { classes, classOfRow } = classification
  let selected: Int32Array = new Int32Array(1024)
  let classOf: Int32Array = new Int32Array(1024)
  let count = 0
  for (const [day, rows] of facts.rowsByDay) {
    if (day < from || day >= to) continue
    for (const i of rows) {
      if (present[i] !== 1) continue
      if (regionAllowed !== null && regionAllowed[text.region[i] as number] !== 1) continue
      if (siteAllowed !== null && siteAllowed[text.site[i] as number] !== 1) continue
      const c = classOfRow[i] as number
      if (c < 0) continue
      if (count === selected.length) {
        selected = grow(selected, count + 1)
        classOf = grow(classOf, count + 1)
      }
      selected[count] = i
      classOf[count] = c
      count++
    }
  }

  // Phase 2: every grouping.
  return groupings.map((g) => {
    const rows = g.empty
      ? []
      : g.slots * classes.length <= MAX_CELLS
        ? byClassCells(facts, g, classes, selected, classOf, count)
        : byRow(facts, g, classes, selected, classOf, count)
    // Without dimensions there is always one slice, as an SQL aggregate without GROUP BY.
    if (g.dimensions.length === 0 && rows.length === 0)
      rows.push({ keys: [], sums: g.measures.map(() => ({ n: 0, ny: 0, sw: 0, sw2: 0, swy: 0 })) })
    return rows
  })
}

/** What is computed from a fact table once per version: coded fields, row classes per measure set. */
interface Derived {
  version: number
  fields: Fields
  classifications: Map<string, { classes: RowClass[]; classOfRow: Int32Array }>
}

const derivedCache = new WeakMap<FactTable, Map<string, Derived>>()

function derivedFor(facts: FactTable, enforcing: readonly string[]): Derived {
  let byEnforcing = derivedCache.get(facts)
  if (byEnforcing === undefined) derivedCache.set(facts, (byEnforcing = new Map()))
  const key = JSON.stringify([...enforcing].sort())
  let derived = byEnforcing.get(key)
  if (derived === undefined || derived.version !== facts.version) {
    derived = {
      version: facts.version,
      fields: new Fields(facts, new Set(enforcing)),
      classifications: new Map(),
    }
    byEnforcing.set(key, derived)
  }
  return derived
}

function classifyAll(
  facts: FactTable,
  { classify, classes }: { classify: (i: number) => number; classes: RowClass[] },
): { classes: RowClass[]; classOfRow: Int32Array } {
  const classOfRow = new Int32Array(facts.length)
  for (let i = 0; i < facts.length; i++) classOfRow[i] = facts.present[i] === 1 ? classify(i) : -1
  return { classes, classOfRow }
}

/**
 * The slot of every selected row in grouping g (-1 where a restriction excludes it), in loops
 * specialised by the number of dimensions so that each reads plain typed arrays.
 */
function slotsOf(g: CompiledGrouping, selected: Int32Array, count: number): Int32Array {
  const slots = new Int32Array(count)
  const dims = g.dimensions.length
  if (dims === 1) {
    const codes = (g.dimensions[0] as CodedField).codes
    for (let r = 0; r < count; r++) slots[r] = codes[selected[r] as number] as number
  } else if (dims === 2) {
    const a = (g.dimensions[0] as CodedField).codes
    const b = (g.dimensions[1] as CodedField).codes
    const ra = g.radix[0] as number
    for (let r = 0; r < count; r++) {
      const i = selected[r] as number
      slots[r] = (a[i] as number) * ra + (b[i] as number)
    }
  } else if (dims > 2) {
    for (let r = 0; r < count; r++) slots[r] = slotOf(g, selected[r] as number)
  }
  if (g.restrict.length > 0)
    for (let r = 0; r < count; r++) if (!restricted(g, selected[r] as number)) slots[r] = -1
  return slots
}

function slotOf(g: CompiledGrouping, i: number): number {
  let slot = 0
  for (let k = 0; k < g.dimensions.length; k++)
    slot += ((g.dimensions[k] as CodedField).codes[i] as number) * (g.radix[k] as number)
  return slot
}

function restricted(g: CompiledGrouping, i: number): boolean {
  for (const r of g.restrict) if (r.codes[i] !== r.code) return false
  return true
}

function keysOfSlot(g: CompiledGrouping, slot: number): (string | null)[] {
  return g.dimensions.map((field, k) => {
    const code = Math.floor(slot / (g.radix[k] as number)) % field.size
    const value = field.decode(code)
    return value === null ? null : String(value)
  })
}

/** Adds a class's (n, Σw, Σw²) to a slice's per-measure sums. */
function addClass(
  sums: Float64Array,
  g: CompiledGrouping,
  rowClass: RowClass,
  n: number,
  sw: number,
  sw2: number,
): void {
  for (let j = 0; j < g.measures.length; j++) {
    const m = g.measures[j] as number
    const state = rowClass.states[m] as number
    if (state < 0) continue
    const at = j * 5
    sums[at] = (sums[at] as number) + n
    sums[at + 2] = (sums[at + 2] as number) + sw
    sums[at + 3] = (sums[at + 3] as number) + sw2
    if (state === 1) {
      sums[at + 1] = (sums[at + 1] as number) + n
      sums[at + 4] = (sums[at + 4] as number) + sw * (rowClass.factor[m] as number)
    }
  }
}

/**
 * Few slots: rows add (1, w, w²) to their (slot, class) cell, and each cell is spread over the
 * measures once at the end, so the per-row cost does not grow with the number of measures.
 */
function byClassCells(
  facts: FactTable,
  g: CompiledGrouping,
  classes: readonly RowClass[],
  selected: Int32Array,
  classOf: Int32Array,
  count: number,
): GroupRow[] {
  const width = classes.length
  const cells = new Float64Array(g.slots * width * 3)
  const touched = new Uint8Array(g.slots)
  const { weight } = facts
  const slotOfRow = slotsOf(g, selected, count)
  for (let r = 0; r < count; r++) {
    const slot = slotOfRow[r] as number
    if (slot < 0) continue
    const i = selected[r] as number
    touched[slot] = 1
    const at = (slot * width + (classOf[r] as number)) * 3
    const w = weight[i] as number
    cells[at] = (cells[at] as number) + 1
    cells[at + 1] = (cells[at + 1] as number) + w
    cells[at + 2] = (cells[at + 2] as number) + w * w
  }
  const rows: GroupRow[] = []
  for (let slot = 0; slot < g.slots; slot++) {
    if (touched[slot] !== 1) continue
    const sums = new Float64Array(g.measures.length * 5)
    for (let c = 0; c < width; c++) {
      const at = (slot * width + c) * 3
      const n = cells[at] as number
      if (n === 0) continue
      addClass(sums, g, classes[c] as RowClass, n, cells[at + 1] as number, cells[at + 2] as number)
    }
    rows.push({ keys: keysOfSlot(g, slot), sums: g.measures.map((_, j) => sumsAt(sums, j)) })
  }
  return rows
}

/** Many slots (e.g. per moderator and outcome): each row adds to its slice's sums directly. */
function byRow(
  facts: FactTable,
  g: CompiledGrouping,
  classes: readonly RowClass[],
  selected: Int32Array,
  classOf: Int32Array,
  count: number,
): GroupRow[] {
  const dense = g.slots <= MAX_DENSE_SLOTS ? new Int32Array(g.slots).fill(-1) : null
  const sparse = new Map<number, number>()
  const slotList: number[] = []
  const sumsList: Float64Array[] = []
  const { weight } = facts
  const slotOfRow = slotsOf(g, selected, count)
  for (let r = 0; r < count; r++) {
    const slot = slotOfRow[r] as number
    if (slot < 0) continue
    const i = selected[r] as number
    let slice = dense === null ? sparse.get(slot) : (dense[slot] as number)
    if (slice === undefined || slice < 0) {
      slice = sumsList.length
      if (dense === null) sparse.set(slot, slice)
      else dense[slot] = slice
      slotList.push(slot)
      sumsList.push(new Float64Array(g.measures.length * 5))
    }
    const w = weight[i] as number
    addClass(
      sumsList[slice] as Float64Array,
      g,
      classes[classOf[r] as number] as RowClass,
      1,
      w,
      w * w,
    )
  }
  return slotList.map((slot, s) => ({
    keys: keysOfSlot(g, slot),
    sums: g.measures.map((_, j) => sumsAt(sumsList[s] as Float64Array, j)),
  }))
}

/** Per measure: -1 outside the denominator, 0 in it, 1 in the numerator too; and y's factor (penalty or 1). */
interface RowClass {
  states: Int8Array
  factor: Float64Array
}

/**
 * Classifies rows against every measure. Measures read few columns (outcome, severity, kind,
 * policies, flags…), so rows fall into few classes: the class is memoised on the codes of exactly
 * those columns, and most rows cost one number and one map lookup. -1: in no measure's denominator.
 */
function classifier(
  facts: FactTable,
  measures: readonly CompiledMeasure[],
): { classify: (i: number) => number; classes: RowClass[] } {
  const columns: ArrayLike<number>[] = [facts.isAppeal]
  const sizes: number[] = [2]
  const add = (codes: ArrayLike<number>, size: number) => {
    if (!columns.includes(codes)) {
      columns.push(codes)
      sizes.push(size)
    }
  }
  for (const m of measures) {
    for (const filter of [m.denominator, m.numerator])
      filter.codes.forEach((codes, k) => add(codes, (filter.tables[k] as Uint8Array).length))
    if (m.penalty !== null) add(facts.text.severity, m.penalty.length)
  }
  const radix: number[] = []
  let product = 1
  for (const size of sizes) {
    radix.push(product)
    product *= Math.max(size, 1)
  }
  const classes: RowClass[] = []
  const compute = (i: number): number => {
    const states = new Int8Array(measures.length).fill(-1)
    const factor = new Float64Array(measures.length)
    let any = false
    const appeal = facts.isAppeal[i] === 1
    measures.forEach((measure, m) => {
      if (measure.appeals !== appeal || !matches(measure.denominator, i)) return
      any = true
      states[m] = matches(measure.numerator, i) ? 1 : 0
      factor[m] =
        measure.penalty === null ? 1 : (measure.penalty[facts.text.severity[i] as number] as number)
    })
    if (!any) return -1
    classes.push({ states, factor })
    return classes.length - 1
  }
  if (product > Number.MAX_SAFE_INTEGER) return { classify: compute, classes }
  const memo = new Map<number, number>()
  const classify = (i: number): number => {
    let key = 0
    for (let k = 0; k < columns.length; k++)
      key += ((columns[k] as ArrayLike<number>)[i] as number) * (radix[k] as number)
    let found = memo.get(key)
    if (found === undefined) {
      found = compute(i)
      memo.set(key, found)
    }
    return found
  }
  return { classify, classes }
}

function sumsAt(sums: Float64Array, j: number): MeasureSums {
  const at = j * 5
  return {
    n: sums[at] as number,
    ny: sums[at + 1] as number,
    sw: sums[at + 2] as number,
    sw2: sums[at + 3] as number,
    swy: sums[at + 4] as number,
  }
}

/** Codes of the allowed values of a scope column (null: no restriction). */
function allowedCodes(
  facts: FactTable,
  column: 'region' | 'site',
  allowed: readonly string[] | null,
): Uint8Array | null {
  if (allowed === null) return null
  const dictionary = facts.dictionaries[column]
  const table = new Uint8Array(dictionary.size)
  for (const value of allowed) {
    const code = dictionary.find(value)
    if (code > 0) table[code] = 1
  }
  return table
}
