// The plan-time rule: refused options stop the plan at their line, warned ones are said by plan; applied ones are silent.
import { describe, expect, it } from "vitest";
import { PlanError } from "../../../src/errors.js";
import { checkOptionStates, findings } from "../../../src/faithful/check.js";
import { buildPlan } from "../../../src/plan.js";
import { formatPlan } from "../../../src/cli/plan.js";
import { parseOk } from "../../helpers/ks.js";

const BASE = "part / --size=1000\n";

function refusal(text: string): PlanError {
  try {
    checkOptionStates(parseOk(text));
  } catch (e) {
    if (e instanceof PlanError) return e;
    throw e;
  }
  throw new Error("no refusal");
}

describe("option-state rule", () => {
  it("an applied kickstart raises nothing", () => {
    expect(findings(parseOk(`${BASE}rootpw --plaintext pw\ntimezone Europe/Prague --utc\nbootloader --timeout=3\n`))).toEqual([]);
  });

  it("a refused option stops the plan at its file:line, saying what is missing", () => {
    const e = refusal(`${BASE}part /home --size=100 --encrypted --passphrase=s3cret\n`);
    expect(e.pos).toMatchObject({ file: "ks.cfg", line: 2 });
    expect(e.message).toMatch(/^part --encrypted: LUKS encryption is not built by ksimage/);
    expect(e.message).not.toContain("s3cret");
  });

  it("a refused command stops the plan, and every other refusal is listed", () => {
    const e = refusal("mount /dev/sda1 /\nrescue\n");
    expect(e.pos).toMatchObject({ line: 1 });
    expect(e.message).toMatch(/^mount: mount assigns mount points to existing devices/);
    expect(e.message).toContain("also ks.cfg:2: rescue: rescue starts the installer's rescue shell");
  });

  it("refuses before the layout is looked at (mount without part lines is not 'no part lines at line 0')", () => {
    expect(() => buildPlan(parseOk("mount /dev/sda1 /\n"))).toThrow(/^mount: mount assigns mount points/);
  });

  it("an option refused only by the Debian path passes for dnf and stops for apt", () => {
    const ks = parseOk(`${BASE}repo --name=x --baseurl=http://mirror.test/ --includepkgs=less\n`);
    expect(checkOptionStates(ks, "dnf")).toEqual([]);
    expect(() => checkOptionStates(ks, "apt")).toThrow(/repo --includepkgs: repo --includepkgs: apt has no per-source package filter/);
  });

  it("a warned option is a warning with file:line, once per line, and plan prints it", () => {
    const ks = parseOk(`${BASE}zerombr\nclearpart --all --initlabel\nreboot --eject\nbootloader --leavebootorder\n`);
    const warnings = checkOptionStates(ks);
    expect(warnings).toEqual([
      "ks.cfg:2: zerombr: the image's disks are new and zeroed: there is no old boot record to clear",
      "ks.cfg:3: clearpart --all: the image's disks are new and empty: there is nothing to clear",
      "ks.cfg:3: clearpart --initlabel: every image disk gets a new label anyway",
      "ks.cfg:4: reboot: reboot, poweroff, halt and shutdown say what the installer does when it finishes; it only changes how the installer runs; an image build has no installer session",
      "ks.cfg:5: bootloader --leavebootorder: an image has no firmware boot entries to keep: it boots from the removable path",
    ]);
    const plan = buildPlan(ks);
    expect(plan.warnings).toEqual(warnings);
    expect(formatPlan(plan)).toContain("warning: ks.cfg:5: bootloader --leavebootorder: an image has no firmware boot entries");
  });

  it("names the file and line inside an %include", () => {
    const ks = parseOk(`${BASE}%include inc.ks\n`, { readFile: (f) => (f.endsWith("inc.ks") ? "lang en_US.UTF-8\nrescue\n" : "") });
    expect(findings(ks)).toMatchObject([{ state: "refused", line: 2, what: "rescue" }]);
    expect(findings(ks)[0]!.file).toMatch(/inc\.ks$/);
  });

  it("other %addon sections are warned; org_ksimage_debian is applied", () => {
    const ks = parseOk(`${BASE}%addon com_redhat_kdump --enable\n%end\n%addon org_ksimage_debian --suite=bookworm\n%end\n`);
    expect(checkOptionStates(ks)).toEqual(["ks.cfg:2: %addon <com_redhat_kdump>: the com_redhat_kdump addon is read by Anaconda only; ksimage reads org_ksimage_debian"]);
  });

  it("%ksappend is refused at its line", () => {
    expect(refusal(`${BASE}%ksappend http://x/y.ks\n`).pos).toMatchObject({ line: 2 });
  });
});
