/**
 * Writes the chunks the parsing side queues, in transactions: begins one before its first chunk,
 * finishes it (decision roll-ups) and commits it after its last. Runs alongside the parsing, which
 * waits (`waitForRoom`) only when enough chunks wait for the transaction's connection.
 *
 * With a second connection (PostgreSQL), consecutive transactions alternate between the two
 * ("lanes"), each lane writing its transactions' chunks in order. What must keep the order of one
 * connection does:
 * - a transaction writes its roll-ups only after the one before has committed, and commits after
 *   it, so roll-up rows are locked by one transaction at a time and the committed transactions
 *   are always a prefix of the input;
 * - when the ingester writes concurrently (`concurrentTransactions`: decisions, which leave out of a
 *   transaction every id of the transaction before, so that a transaction never waits for a later
 *   one), a transaction's COPYs run beside the previous one's: both database cores work while this
 *   process parses. Otherwise a transaction's first chunk waits until every chunk of the one before
 *   is written (only the roll-ups and commit overlap the next COPYs), since a later transaction
 *   holding a key an earlier one is about to write would make the earlier wait for a commit that
 *   waits for it.
 * A lane's transaction thus never waits for a later one: no deadlock.
 *
 * A failure rolls back every open transaction; it is rethrown to the parsing side at its next
 * wait, or by `close`.
 */
import type { RawConnection } from '../../store/db.js'
import { beginBatch, commitBatch, rollbackBatch } from '../../store/ingest-store.js'
import type { BatchOutcome, RecordIngester } from './record-ingester.js'

/** Chunks built and waiting for the writer before parsing pauses (per lane, writing in order). */
export const MAX_QUEUED_CHUNKS = 2
/**
 * Per lane when transactions are written concurrently: most of a transaction, so that one lane
 * still has work while the parsing feeds the other (about 1.4 MB of COPY text per decision chunk).
 */
export const MAX_QUEUED_CHUNKS_PER_LANE = 16

export interface QueuedChunk {
  /** Undefined: only ends the open transaction. */
  chunk: unknown
  endsTransaction: boolean
}

interface LaneItem extends QueuedChunk {
  transaction: number
}

interface Lane {
  connection: RawConnection | undefined
  readonly items: LaneItem[]
  wake: (() => void) | undefined
  done: Promise<void>
}

/** A promise with its settle functions, observed so that a rejection is never "unhandled". */
class Milestone {
  readonly promise: Promise<void>
  resolve!: () => void
  reject!: (error: unknown) => void
  constructor() {
    this.promise = new Promise<void>((resolve, reject) => {
      this.resolve = resolve
      this.reject = reject
    })
    this.promise.catch(() => undefined)
  }
}

export class ChunkWriter {
  private readonly lanes: Lane[]
  private room: (() => void) | undefined
  private closed = false
  private aborted = false
  private failed = false
  private failure: unknown
  /** The transaction the parsing side is filling. */
  private transaction = 0
  /** Per transaction: every chunk written, and committed (both settle, in order, on failure too). */
  private readonly written: Milestone[] = []
  private readonly committed: Milestone[] = []
  private readonly concurrent: boolean
  private readonly capacity: number

  /**
   * `openSecond`, when given, opens a second connection when a transaction first needs it
   * (PostgreSQL; the caller closes it after `close` or `abort`).
   */
  constructor(
    connection: RawConnection,
    private readonly ingester: RecordIngester<unknown>,
    private readonly onWritten: (outcome: BatchOutcome) => void,
    private readonly openSecond?: () => Promise<RawConnection>,
  ) {
    const laneCount = openSecond === undefined ? 1 : 2
    this.concurrent = laneCount === 2 && ingester.concurrentTransactions === true
    this.capacity = this.concurrent ? MAX_QUEUED_CHUNKS_PER_LANE : MAX_QUEUED_CHUNKS
    this.lanes = Array.from({ length: laneCount }, (_, i) => ({
      connection: i === 0 ? connection : undefined,
      items: [],
      wake: undefined,
      done: Promise.resolve(),
    }))
    this.milestones(0)
    this.lanes.forEach((lane, i) => {
      lane.done = this.runLane(lane, i)
      // Observed now so that a failure is not "unhandled" while parsing goes on; rethrown later.
      lane.done.catch(() => undefined)
    })
  }

  get isFull(): boolean {
    return this.laneOf(this.transaction).items.length >= this.capacity
  }

  enqueue(item: QueuedChunk): void {
    const lane = this.laneOf(this.transaction)
    lane.items.push({ ...item, transaction: this.transaction })
    if (item.endsTransaction) {
      this.transaction += 1
      this.milestones(this.transaction)
    }
    this.signal(lane)
  }

  /** Resolves once the current transaction's lane has room; throws when writing failed. */
  async waitForRoom(): Promise<void> {
    while (this.isFull && !this.failed) await new Promise<void>((resolve) => (this.room = resolve))
    if (this.failed) throw this.failure
  }

  /** Writes what is queued, commits, and rethrows a failure. */
  async close(): Promise<void> {
    this.closed = true
    for (const lane of this.lanes) this.signal(lane)
    const results = await Promise.allSettled(this.lanes.map((lane) => lane.done))
    if (this.failed) throw this.failure
    for (const result of results) if (result.status === 'rejected') throw result.reason
  }

  /** Stops after the chunks being written; open transactions are rolled back. */
  async abort(): Promise<void> {
    this.aborted = true
    this.closed = true
    for (const lane of this.lanes) this.signal(lane)
    await Promise.allSettled(this.lanes.map((lane) => lane.done))
  }

  private laneOf(transaction: number): Lane {
    return this.lanes[transaction % this.lanes.length] as Lane
  }

  private milestones(transaction: number): void {
    this.written[transaction] ??= new Milestone()
    this.committed[transaction] ??= new Milestone()
  }

  private signal(lane: Lane): void {
    const wake = lane.wake
    lane.wake = undefined
    wake?.()
  }

  private makeRoom(): void {
    const room = this.room
    this.room = undefined
    room?.()
  }

  private async next(lane: Lane): Promise<LaneItem | undefined> {
    for (;;) {
      if (this.aborted || this.failed) return undefined
      const item = lane.items.shift()
      if (item !== undefined) {
        this.makeRoom()
        return item
      }
      if (this.closed) return undefined
      await new Promise<void>((resolve) => (lane.wake = resolve))
    }
  }

  private async connectionOf(lane: Lane): Promise<RawConnection> {
    lane.connection ??= await (this.openSecond as () => Promise<RawConnection>)()
    return lane.connection
  }

  private async runLane(lane: Lane, index: number): Promise<void> {
    /** The transaction open on this lane, if any. */
    let open: number | undefined
    let last: unknown
    let connection: RawConnection | undefined
    try {
      for (let item = await this.next(lane); item !== undefined; item = await this.next(lane)) {
        const t = item.transaction
        if (item.chunk !== undefined) {
          if (open === undefined) {
            // Sequential writes: the transaction before has written all its chunks.
            if (!this.concurrent && t > 0) await this.written[t - 1]?.promise
            connection = await this.connectionOf(lane)
            await beginBatch(connection)
            open = t
          }
          this.onWritten(await this.ingester.write(connection as RawConnection, item.chunk))
          last = item.chunk
        }
        if (item.endsTransaction) {
          this.written[t]?.resolve()
          // The transaction before has committed (or failed: then stop here).
          if (t > 0) await this.committed[t - 1]?.promise
          if (open !== undefined) {
            open = undefined
            await this.finish(connection as RawConnection, last)
          }
          this.committed[t]?.resolve()
        }
      }
      if (open !== undefined) {
        open = undefined
        await rollbackBatch(connection as RawConnection)
      }
    } catch (error) {
      this.fail(error)
      if (open !== undefined) await rollbackBatch(connection as RawConnection)
      throw error
    } finally {
      // Whatever this lane leaves unsettled can no longer happen.
      for (let t = index; t < this.written.length; t += this.lanes.length) {
        const reason = this.failure ?? new Error('ingest stopped')
        this.written[t]?.reject(reason)
        this.committed[t]?.reject(reason)
      }
    }
  }

  /** Roll-ups and commit of a transaction whose chunks are written. */
  private async finish(connection: RawConnection, last: unknown): Promise<void> {
    try {
      if (this.ingester.finishTransaction !== undefined)
        await this.ingester.finishTransaction(connection, last)
      await commitBatch(connection)
    } catch (error) {
      this.fail(error)
      await rollbackBatch(connection)
      throw error
    }
  }

  /** Stops the parsing side and the writing of further chunks. */
  private fail(error: unknown): void {
    if (!this.failed) {
      this.failed = true
      this.failure = error
    }
    this.makeRoom()
    for (const lane of this.lanes) this.signal(lane)
  }
}
