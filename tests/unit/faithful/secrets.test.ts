// Secrets of a kickstart: all found, all masked in plan --json's copy, and masked in logs and messages once registered.
import { afterEach, describe, expect, it } from "vitest";
import { redactKickstart, secretsOf } from "../../../src/faithful/secrets.js";
import { inspectDocument } from "../../../src/kickstart/inspect.js";
import { clearSecrets, redact } from "../../../src/run/index.js";
import { parseOk } from "../../helpers/ks.js";

const KS = `part / --size=100 --hw-passphrase=opal-pw1
part /home --size=100 --encrypted --passphrase=luks-pw2
bootloader --password=grub-pw3
rootpw --iscrypted $6$salt$roothash4
user --name=a --password=user-pw5
sshpw --username=i sshpw-pw6
network --device=wlan0 --wpakey=wpa-key7
network --device=wlan1 --wepkey=wep-key8
iscsi --ipaddr=192.0.2.1 --password=chap-pw9 --reverse-password=rev-pw10
rdp --password=rdp-pw11
rhsm --organization=o --activation-key=act-key12
realm join --one-time-password=otp-pw13 ad.example.com
repo --name=r --baseurl=http://m.test/ --proxy=http://u:proxy-pw14@p.test:3128
repo --name=s --baseurl=https://mirror-user:url-pw15@m2.test/repo
`;
const ALL = ["opal-pw1", "luks-pw2", "grub-pw3", "$6$salt$roothash4", "user-pw5", "sshpw-pw6", "wpa-key7", "wep-key8", "chap-pw9", "rev-pw10", "rdp-pw11", "act-key12", "otp-pw13", "proxy-pw14", "url-pw15"];

afterEach(() => clearSecrets());

describe("kickstart secrets", () => {
  it("finds every password, hash, passphrase and key", () => {
    // part --hw-passphrase is warned and never kept in the model, so there is nothing of it to find.
    expect(secretsOf(parseOk(KS)).sort()).toEqual(ALL.filter((s) => s !== "opal-pw1").sort());
  });

  it("the redacted copy (plan --json) and the inspect document hold none of them", () => {
    const ks = parseOk(KS);
    for (const text of [JSON.stringify(redactKickstart(ks)), JSON.stringify(inspectDocument(ks))]) for (const s of ALL) expect(text).not.toContain(s);
    expect(redactKickstart(ks).rootpw.password).toBe("***");
    expect(redactKickstart(ks).repos[0]!.proxy).toBe("http://u:***@p.test:3128");
    expect(redactKickstart(ks).repos[1]!.baseurl).toBe("https://mirror-user:***@m2.test/repo");
  });

  it("parsing registers them: any later message or log line masks them, also JSON-escaped", () => {
    parseOk('rootpw --plaintext "pa\\"ss"\n');
    expect(redact('failed: pa"ss and {"pw":"pa\\"ss"}')).toBe('failed: *** and {"pw":"***"}');
  });
});
