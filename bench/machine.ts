import os from 'node:os'

/** One line naming the machine a benchmark ran on; every benchmark prints it first. */
export function describeMachine(): string {
  const cpus = os.cpus()
  const model = cpus[0]?.model.trim() ?? 'unknown CPU'
  const memoryGiB = (os.totalmem() / 1024 ** 3).toFixed(1)
  return `machine: ${model} × ${cpus.length} cores, ${memoryGiB} GiB RAM, ${os.platform()} ${os.release()}, Node ${process.version}`
}

/** Peak resident set size of this process so far, in MiB (Linux reports maxRSS in KiB). */
export function peakRssMiB(): number {
  return process.resourceUsage().maxRSS / 1024
}

/** Prints a labelled figure in a fixed shape so bench output is easy to read and grep. */
export function report(name: string, figure: string): void {
  console.log(`${name.padEnd(60)} ${figure}`)
}
