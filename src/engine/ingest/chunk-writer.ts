/**
 * Writes the chunks the parsing side queues, in order, in transactions: begins one before its
 * first chunk, finishes it (decision roll-ups) and commits it after its last. Runs alongside the
 * parsing, which waits (`waitForRoom`) only when MAX_QUEUED_CHUNKS are waiting.
 *
 * With a second connection, consecutive transactions alternate between the two: while one
 * finishes and commits, the next one's chunks are already being copied on the other. The order
 * stays that of one connection where it matters:
 * - chunks are copied one at a time, in input order, so a transaction's COPYs never run beside
 *   another's (a later transaction never holds a decision id an earlier one is about to insert);
 * - a transaction writes its roll-ups only after the one before has committed, and commits after
 *   it, so roll-up rows are locked by one transaction at a time and the committed transactions
 *   are always a prefix of the input.
 * A transaction finishing therefore never waits for the next one, and the next one waits for it
 * at most on a decision id both hold (a duplicate), until it commits: no deadlock.
 *
 * A failure rolls back every open transaction; it is rethrown to the parsing side at its next
 * wait, or by `close`.
 */
import type { RawConnection } from '../../store/db.js'
import { beginBatch, commitBatch, rollbackBatch } from '../../store/ingest-store.js'
import type { BatchOutcome, RecordIngester } from './record-ingester.js'

/** Chunks built and waiting for the writer before parsing pauses (memory bound). */
export const MAX_QUEUED_CHUNKS = 2

export interface QueuedChunk {
  /** Undefined: only ends the open transaction. */
  chunk: unknown
  endsTransaction: boolean
}

export class ChunkWriter {
  private readonly queue: QueuedChunk[] = []
  private wake: (() => void) | undefined
  private room: (() => void) | undefined
  private closed = false
  private aborted = false
  private failed = false
  private failure: unknown
  private readonly done: Promise<void>

  /**
   * `openSecond`, when given, opens a second connection when the second transaction starts
   * (PostgreSQL; the caller closes it after `close` or `abort`).
   */
  constructor(
    private readonly connection: RawConnection,
    private readonly ingester: RecordIngester<unknown>,
    private readonly onWritten: (outcome: BatchOutcome) => void,
    private readonly openSecond?: () => Promise<RawConnection>,
  ) {
    this.done = this.run()
    // Observed now so that a failure is not "unhandled" while parsing goes on; rethrown later.
    this.done.catch(() => undefined)
  }

  get isFull(): boolean {
    return this.queue.length >= MAX_QUEUED_CHUNKS
  }

  enqueue(item: QueuedChunk): void {
    this.queue.push(item)
    this.signal()
  }

  /** Resolves once fewer than MAX_QUEUED_CHUNKS chunks wait; throws when writing failed. */
  async waitForRoom(): Promise<void> {
    while (this.isFull && !this.failed) await new Promise<void>((resolve) => (this.room = resolve))
    if (this.failed) throw this.failure
  }

  /** Writes what is queued, commits, and rethrows a failure. */
  async close(): Promise<void> {
    this.closed = true
    this.signal()
    await this.done
  }

  /** Stops after the chunk being written; open transactions are rolled back. */
  async abort(): Promise<void> {
    this.aborted = true
    this.closed = true
    this.signal()
    await this.done.catch(() => undefined)
  }

  private signal(): void {
    const wake = this.wake
    this.wake = undefined
    wake?.()
  }

  private makeRoom(): void {
    const room = this.room
    this.room = undefined
    room?.()
  }

  private async next(): Promise<QueuedChunk | undefined> {
    for (;;) {
      if (this.aborted || this.failed) return undefined
      const item = this.queue.shift()
      if (item !== undefined) {
        this.makeRoom()
        return item
      }
      if (this.closed) return undefined
      await new Promise<void>((resolve) => (this.wake = resolve))
    }
  }

  private async run(): Promise<void> {
    const lanes: RawConnection[] = [this.connection]
    /** Per lane: its last transaction's finish and commit (settled once the lane is free). */
    const finishing: Promise<void>[] = [Promise.resolve(), Promise.resolve()]
    /** The last transaction's finish and commit: the next one finishes after it. */
    let previous: Promise<void> = Promise.resolve()
    let transactions = 0
    let lane = 0
    let open = false
    let last: unknown
    try {
      for (let item = await this.next(); item !== undefined; item = await this.next()) {
        if (item.chunk !== undefined) {
          if (!open) {
            if (transactions === 1 && this.openSecond !== undefined)
              lanes.push(await this.openSecond())
            lane = transactions % lanes.length
            // The lane's transaction before this one has committed (or failed: then stop here).
            await finishing[lane]
            await beginBatch(lanes[lane] as RawConnection)
            open = true
          }
          this.onWritten(await this.ingester.write(lanes[lane] as RawConnection, item.chunk))
          last = item.chunk
        }
        if (item.endsTransaction && open) {
          open = false
          transactions += 1
          previous = this.finish(lanes[lane] as RawConnection, last, previous)
          finishing[lane] = previous
          // Observed now; a failure surfaces through `finishing` or `previous` below.
          previous.catch(() => undefined)
          if (lanes.length === 1) await previous
        }
      }
      if (open) {
        open = false
        await rollbackBatch(lanes[lane] as RawConnection)
      }
      await previous
      if (this.failed) throw this.failure
    } catch (error) {
      this.fail(error)
      if (open) await rollbackBatch(lanes[lane] as RawConnection)
      await Promise.allSettled(finishing)
      throw error
    }
  }

  /** Roll-ups and commit of a transaction whose chunks are written, once `before` committed. */
  private async finish(
    connection: RawConnection,
    last: unknown,
    before: Promise<void>,
  ): Promise<void> {
    try {
      await before
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
    this.signal()
  }
}
