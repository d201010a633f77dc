// lang: LANG in /etc/locale.conf (Fedora) or /etc/default/locale (Debian), and the locale built with locale-gen if present.
import { guestExecutable, note, osFamily, readGuestFile, writeGuestFile, type ConfigureContext } from "./guest.js";

/** Locales every glibc has without generating anything. */
const BUILT_IN = /^(C|POSIX|C\.UTF-8|C\.utf8)$/;

// The LANG file (/etc/locale.conf and /etc/default/locale share the format).
export function localeFileText(lang: string): string {
  return `LANG=${lang}\n`;
}

// The locale.gen lines ("en_US.UTF-8 UTF-8") for LOCALES: from the guest's SUPPORTED list, else derived from a .UTF-8 name.
export function localeGenEntries(locales: readonly string[], supported?: string): string[] {
  const lines = (supported ?? "").split("\n").map((l) => l.trim());
  const out: string[] = [];
  for (const locale of locales) {
    if (BUILT_IN.test(locale)) continue;
    const listed = lines.find((l) => l.split(/\s+/)[0] === locale);
    const entry = listed ?? (/\.utf-?8$/i.test(locale) ? `${locale.replace(/\.utf-?8$/i, ".UTF-8")} UTF-8` : undefined);
    if (entry !== undefined && !out.includes(entry)) out.push(entry);
  }
  return out;
}

// A locale.gen text with ENTRIES enabled: a commented "# en_US.UTF-8 UTF-8" is uncommented, a missing one appended.
export function enableLocaleGen(text: string, entries: readonly string[]): string {
  const lines = text === "" ? [] : text.replace(/\n$/, "").split("\n");
  for (const entry of entries) {
    const norm = (l: string) => l.replace(/^#\s*/, "").trim().split(/\s+/).join(" ");
    const at = lines.findIndex((l) => norm(l) === entry);
    if (at === -1) lines.push(entry);
    else lines[at] = entry;
  }
  return `${lines.join("\n")}\n`;
}

// lang NAME [--addsupport]: write the LANG file of the guest's family; on Debian enable and build the locales.
export async function configureLocale(ctx: ConfigureContext): Promise<string[]> {
  const lang = ctx.ks.lang;
  if (!lang.seen || lang.lang === null) return [];
  const family = await osFamily(ctx.root);
  const file = family === "debian" ? "/etc/default/locale" : "/etc/locale.conf";
  await writeGuestFile(ctx.root, file, localeFileText(lang.lang));
  note(ctx, `LANG=${lang.lang} (${file})`);
  if (family !== "debian") return [];
  return generateLocales(ctx, [lang.lang, ...lang.addsupport]);
}

// Debian builds locales from /etc/locale.gen with locale-gen (package locales); without it only C.UTF-8 exists.
async function generateLocales(ctx: ConfigureContext, locales: string[]): Promise<string[]> {
  const wanted = locales.filter((l) => !BUILT_IN.test(l));
  if (wanted.length === 0) return [];
  const localeGen = await guestExecutable(ctx.root, "locale-gen");
  const current = await readGuestFile(ctx.root, "/etc/locale.gen");
  if (localeGen === undefined || current === undefined) {
    return [`lang ${wanted.join(", ")}: the guest has no locale-gen (add locales to %packages); only C.UTF-8 is available`];
  }
  const entries = localeGenEntries(wanted, await readGuestFile(ctx.root, "/usr/share/i18n/SUPPORTED"));
  const key = (name: string) => name.toLowerCase().replace("utf-8", "utf8");
  const unknown = wanted.filter((l) => !entries.some((e) => key(e.split(" ")[0] ?? "") === key(l)));
  await writeGuestFile(ctx.root, "/etc/locale.gen", enableLocaleGen(current, entries));
  await ctx.guest.run([localeGen], { reason: `build the locales ${entries.join(", ")} in the guest` });
  note(ctx, `locales built with the guest's ${localeGen}: ${entries.join(", ")}`);
  return unknown.map((l) => `lang: ${l} is not in the guest's list of supported locales; not generated`);
}
