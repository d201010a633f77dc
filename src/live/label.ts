// ISO 9660 volume labels: the default for an appliance, and the check against the standard's limits (at plan time).

/** ISO 9660 allows 32 characters in a volume identifier. */
export const ISO_LABEL_MAX = 32;
/** What ksimage accepts in a label: ISO 9660's d-characters (A-Z, 0-9, _) plus what livecd-creator's labels use (a-z, '-', '.'). */
const LABEL_CHARS = /^[A-Za-z0-9_.-]+$/;

// The reason LABEL cannot be a volume label, or null when it can.
export function isoLabelProblem(label: string): string | null {
  if (label.length === 0) return "the volume label is empty";
  if (label.length > ISO_LABEL_MAX) return `the volume label "${label}" has ${label.length} characters; ISO 9660 allows ${ISO_LABEL_MAX}`;
  if (!LABEL_CHARS.test(label)) {
    const bad = [...new Set([...label].filter((c) => !/[A-Za-z0-9_.-]/.test(c)))].map((c) => JSON.stringify(c)).join(", ");
    return `the volume label "${label}" contains ${bad}: an ISO 9660 label (and root=live:CDLABEL=) takes letters, digits, '_', '-' and '.'`;
  }
  return null;
}

// The label an ISO gets without -n/--fslabel: the appliance name, cut to 32 characters, other characters as '_'.
export function defaultIsoLabel(name: string): string {
  return name.replace(/[^A-Za-z0-9_.-]/g, "_").slice(0, ISO_LABEL_MAX);
}
