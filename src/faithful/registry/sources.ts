// Option states of network, the installation sources (url, repo, liveimg, ...) and the image-based installs.
import { applied, perBackend, refused, warned, type Registry } from "../types.js";

const NET = "tests/unit/installer/configure/network.test.ts";
const FAITH = "tests/unit/faithful/applied.test.ts";

const NET_KIND = "is not configured by ksimage (only plain Ethernet devices are): configure it in %post";
const INSTALLER = "only concerns the installer's own network session; an image build has none";
const APT_REPO = (what: string) => refused(`${what} is not applied to Debian archives by ksimage: apt reads only the repository's URL`);
const OTHER_SOURCE = (what: string) => refused(`installing from ${what} is not supported by ksimage: use url, repo or liveimg --url=file://`);

/** The dnf proof for a repository option, and its state on the Debian path. */
const dnfOnly = (title: string, what: string) => perBackend(applied(FAITH, title), { apt: APT_REPO(what) });
const REPO_TITLE = "repo options become a dnf repository section";
const FEATURES_UNIT = "tests/unit/installer/kickstart-features.test.ts";
const APT_SETTINGS = "--proxy and --noverifyssl become apt settings scoped to the source's host";
/** A repository option dnf applies and the Debian path applies as a build-time apt setting. */
const bothBackends = (title: string) => perBackend(applied(FAITH, title), { apt: applied(FEATURES_UNIT, APT_SETTINGS) });
const APT_FILTER = (option: string) => refused(`repo ${option}: apt has no per-source package filter, so ksimage cannot install only some packages from one Debian source; list exclusions as -package lines in %packages`);

export const sourceStates: Registry = {
  network: {
    command: applied(NET, "static device"),
    options: {
      "--bootproto": applied(NET, "static device"),
      "--dhcpclass": refused(`a DHCP vendor class (--dhcpclass) ${NET_KIND}`),
      "--device": applied(NET, "--device=link, a MAC address and no device"),
      "--essid": refused(`wireless networks (--essid) ${NET_KIND}`),
      "--ethtool": refused(`ethtool settings ${NET_KIND}`),
      "--gateway": applied(NET, "static device"),
      "--hostname": applied("tests/integration/installer/configure.test.ts", "host name replaces the build host's"),
      "--ip": applied(NET, "static device"),
      "--mtu": applied(NET, "any Ethernet device, DHCP, no IPv6, MTU"),
      "--nameserver": applied(NET, "a static device with IPv4 and IPv6 name servers"),
      "--netmask": applied(NET, "static device"),
      "--nodns": applied(FAITH, "network --nodns drops the name servers"),
      "--onboot": applied(NET, "any Ethernet device by DHCP, no IPv6, MTU, not at boot, no default route"),
      "--wepkey": refused(`wireless networks (--wepkey) ${NET_KIND}`),
      "--notksdevice": warned(`--notksdevice ${INSTALLER}`),
      "--noipv4": applied(FAITH, "network --noipv4 turns IPv4 off"),
      "--noipv6": applied(NET, "any Ethernet device, DHCP, no IPv6, MTU"),
      "--ipv6": applied(NET, "a static device with IPv4 and IPv6 name servers"),
      "--activate": warned(`--activate ${INSTALLER}`),
      "--nodefroute": applied(NET, "any Ethernet device by DHCP, no IPv6, MTU, not at boot, no default route"),
      "--wpakey": refused(`wireless networks (--wpakey) ${NET_KIND}`),
      "--bondslaves": refused(`bonds ${NET_KIND}`),
      "--bondopts": refused(`bonds ${NET_KIND}`),
      "--vlanid": refused(`VLANs ${NET_KIND}`),
      "--ipv6gateway": applied(FAITH, "network --ipv6gateway is the IPv6 default route"),
      "--teamslaves": refused(`teams ${NET_KIND}`),
      "--teamconfig": refused(`teams ${NET_KIND}`),
      "--interfacename": refused(`VLAN interface names ${NET_KIND}`),
      "--bridgeslaves": refused(`bridges ${NET_KIND}`),
      "--bridgeopts": refused(`bridges ${NET_KIND}`),
      "--no-activate": warned(`--no-activate ${INSTALLER}`),
      "--bindto": applied(NET, "--bindto=mac with --device=MAC binds the connection to that address"),
      "--ipv4-dns-search": applied(FAITH, "network DNS search domains and --ipv4-ignore-auto-dns"),
      "--ipv6-dns-search": applied(FAITH, "network DNS search domains and --ipv4-ignore-auto-dns"),
      "--ipv4-ignore-auto-dns": applied(FAITH, "network DNS search domains and --ipv4-ignore-auto-dns"),
      "--ipv6-ignore-auto-dns": refused(`ignoring automatic IPv6 DNS (--ipv6-ignore-auto-dns) ${NET_KIND}`),
    },
  },
  repo: {
    command: applied(FAITH, REPO_TITLE),
    options: {
      "--name": applied(FAITH, REPO_TITLE),
      "--baseurl": applied(FAITH, REPO_TITLE),
      "--mirrorlist": dnfOnly(REPO_TITLE, "repo --mirrorlist"),
      "--cost": perBackend(applied(FAITH, REPO_TITLE), { apt: warned("repo --cost only chooses among identical copies of a package; apt has no such setting, and the image is the same without it") }),
      "--excludepkgs": perBackend(applied(FAITH, REPO_TITLE), { apt: APT_FILTER("--excludepkgs") }),
      "--includepkgs": perBackend(applied(FAITH, REPO_TITLE), { apt: APT_FILTER("--includepkgs") }),
      "--proxy": bothBackends(REPO_TITLE),
      "--noverifyssl": bothBackends(REPO_TITLE),
      "--install": perBackend(applied("tests/integration/installer/dnf.test.ts", "groups, environment, @core, excludes, --excludedocs, --instLangs, --excludeWeakdeps, repo --install"), { apt: APT_REPO("repo --install") }),
      "--metalink": dnfOnly(REPO_TITLE, "repo --metalink"),
      "--sslcacert": dnfOnly(REPO_TITLE, "repo --sslcacert"),
      "--sslclientcert": dnfOnly(REPO_TITLE, "repo --sslclientcert"),
      "--sslclientkey": dnfOnly(REPO_TITLE, "repo --sslclientkey"),
    },
  },
  url: {
    command: applied(FAITH, "url options become the ks-url repository"),
    options: {
      "--url": applied(FAITH, "url options become the ks-url repository"),
      "--proxy": bothBackends("url options become the ks-url repository"),
      "--noverifyssl": bothBackends("url options become the ks-url repository"),
      ...Object.fromEntries(
        ["--mirrorlist", "--metalink", "--sslcacert", "--sslclientcert", "--sslclientkey"].map((k) => [
          k,
          perBackend(applied(FAITH, "url options become the ks-url repository"), { apt: APT_REPO(`url ${k}`) }),
        ]),
      ),
    },
  },
  liveimg: {
    command: applied("tests/integration/installer/liveimg-image.test.ts", "copies the image's tree into the root and leaves no mount or loop device"),
    options: {
      "--url": applied("tests/integration/installer/liveimg-image.test.ts", "copies the image's tree into the root and leaves no mount or loop device"),
      "--proxy": warned("liveimg reads only file:// URLs, which no proxy serves"),
      "--noverifyssl": warned("liveimg reads only file:// URLs: there is no TLS to verify"),
      "--checksum": applied("tests/integration/build/kickstart-features.test.ts", "liveimg --checksum that does not match: refused before any file is created"),
    },
  },
  cdrom: { command: OTHER_SOURCE("a CD-ROM"), options: {} },
  nfs: { command: OTHER_SOURCE("NFS"), options: Object.fromEntries(["--server", "--dir", "--opts"].map((k) => [k, OTHER_SOURCE("NFS")])) },
  harddrive: { command: OTHER_SOURCE("a hard drive"), options: Object.fromEntries(["--partition", "--dir"].map((k) => [k, OTHER_SOURCE("a hard drive")])) },
  driverdisk: {
    command: warned("driver disks load drivers into the installer; an image build has no installer session"),
    options: Object.fromEntries(["<partition>", "--source", "--biospart"].map((k) => [k, warned("driver disks load drivers into the installer; an image build has no installer session")])),
  },
  updates: { command: warned("updates images patch the installer; an image build has no installer session"), options: { "<url>": warned("updates images patch the installer; an image build has no installer session") } },
  ostreesetup: {
    command: refused("OSTree deployments are not built by ksimage: use %packages or liveimg"),
    options: Object.fromEntries(["--osname", "--remote", "--url", "--ref", "--nogpg"].map((k) => [k, refused("OSTree deployments are not built by ksimage: use %packages or liveimg")])),
  },
  ostreecontainer: {
    command: refused("OSTree container deployments are not built by ksimage: use %packages or liveimg"),
    options: Object.fromEntries(["--stateroot", "--url", "--transport", "--remote", "--no-signature-verification"].map((k) => [k, refused("OSTree container deployments are not built by ksimage: use %packages or liveimg")])),
  },
  bootc: {
    command: refused("bootc deployments are not built by ksimage: use %packages or liveimg"),
    options: Object.fromEntries(["--stateroot", "--source-imgref", "--target-imgref", "--bootloader", "--composefs"].map((k) => [k, refused("bootc deployments are not built by ksimage: use %packages or liveimg")])),
  },
  rhsm: {
    command: refused("Red Hat subscription registration is not done by ksimage: register on first boot"),
    options: Object.fromEntries(["--organization", "--activation-key", "--connect-to-insights", "--proxy", "--server-hostname", "--rhsm-baseurl"].map((k) => [k, refused("Red Hat subscription registration is not done by ksimage: register on first boot")])),
  },
  syspurpose: {
    command: refused("system purpose (syspurpose) is not written by ksimage: set it with subscription-manager in %post"),
    options: Object.fromEntries(["--role", "--sla", "--usage", "--addon"].map((k) => [k, refused("system purpose (syspurpose) is not written by ksimage: set it with subscription-manager in %post")])),
  },
};
