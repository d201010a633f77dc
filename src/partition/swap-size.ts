// Anaconda's recommended swap size (pyanaconda suggest_swap_size), from the appliance's RAM instead of the installer's.

const GiB_MiB = 1024;

/** Swap in MiB for RAMMIB of memory: 2×RAM below 2 GiB, RAM below 8 GiB, RAM/2 below 64 GiB, else 4 GiB; hibernation adds RAM; at most 10% of DISKMIB when given. */
export function suggestSwapMiB(ramMiB: number, opts: { hibernation?: boolean; diskMiB?: number } = {}): number {
  let swap: number;
  if (ramMiB < 2 * GiB_MiB) swap = 2 * ramMiB;
  else if (ramMiB < 8 * GiB_MiB) swap = ramMiB;
  else if (ramMiB < 64 * GiB_MiB) swap = Math.floor(ramMiB / 2);
  else swap = 4 * GiB_MiB;
  if (opts.hibernation && ramMiB <= 64 * GiB_MiB) swap += ramMiB;
  if (opts.diskMiB !== undefined && !opts.hibernation) swap = Math.min(swap, Math.floor(opts.diskMiB / 10));
  return Math.max(swap, 1);
}

/** The RAM ksimage plans swap for when nothing says otherwise: appliance-creator's --vmem default. */
export const DEFAULT_RAM_MIB = 512;
