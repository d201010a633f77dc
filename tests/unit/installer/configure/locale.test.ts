// LANG files and Debian's locale.gen entries.
import { describe, expect, it } from "vitest";
import { enableLocaleGen, localeFileText, localeGenEntries } from "../../../../src/installer/configure/locale.js";

const SUPPORTED = "de_DE.UTF-8 UTF-8\nde_DE ISO-8859-1\nen_US.UTF-8 UTF-8\nen_US ISO-8859-1\n";

describe("locale", () => {
  it("LANG file", () => expect(localeFileText("de_DE.UTF-8")).toBe("LANG=de_DE.UTF-8\n"));

  it("entries from SUPPORTED, built-in locales skipped, .utf8 derived without a list", () => {
    expect(localeGenEntries(["de_DE.UTF-8", "en_US", "C.UTF-8", "POSIX"], SUPPORTED)).toEqual(["de_DE.UTF-8 UTF-8", "en_US ISO-8859-1"]);
    expect(localeGenEntries(["cs_CZ.utf8"])).toEqual(["cs_CZ.UTF-8 UTF-8"]);
    expect(localeGenEntries(["xx_YY"], SUPPORTED)).toEqual([]);
  });

  it("locale.gen: commented entries enabled, missing ones appended", () => {
    const gen = "# This file lists locales\n# de_DE.UTF-8 UTF-8\n# en_US.UTF-8 UTF-8\n";
    expect(enableLocaleGen(gen, ["de_DE.UTF-8 UTF-8", "fr_FR.UTF-8 UTF-8"])).toBe(
      "# This file lists locales\nde_DE.UTF-8 UTF-8\n# en_US.UTF-8 UTF-8\nfr_FR.UTF-8 UTF-8\n",
    );
    expect(enableLocaleGen("", ["en_US.UTF-8 UTF-8"])).toBe("en_US.UTF-8 UTF-8\n");
  });
});
