// Share free space among growing requests (partitions in MiB, logical volumes in extents), capped by their maximum.
/** Share FREE units among growing requests in proportion to their base sizes, capped by --maxsize. */
export function growSizes(bases: { baseMiB: number; maxMiB: number | null; grow: boolean }[], freeMiB: number): number[] {
  const sizes = bases.map((b) => b.baseMiB);
  let free = freeMiB;
  let growing = bases.map((b, i) => (b.grow ? i : -1)).filter((i) => i >= 0);
  while (free > 0 && growing.length > 0) {
    const weight = growing.reduce((s, i) => s + Math.max(bases[i]!.baseMiB, 1), 0);
    let given = 0;
    const capped: number[] = [];
    for (const i of growing) {
      const share = Math.floor((free * Math.max(bases[i]!.baseMiB, 1)) / weight);
      const room = bases[i]!.maxMiB === null ? Infinity : bases[i]!.maxMiB! - sizes[i]!;
      const add = Math.min(share, room);
      sizes[i] = sizes[i]! + add;
      given += add;
      if (add >= room) capped.push(i);
    }
    free -= given;
    growing = growing.filter((i) => !capped.includes(i));
    if (given === 0) {
      // Rounding left less than 1 MiB per partition: hand out the rest one MiB at a time, in order.
      for (const i of growing) {
        if (free === 0) break;
        sizes[i] = sizes[i]! + 1;
        free -= 1;
      }
      break;
    }
  }
  return sizes;
}

