// man-db's index is not built during a Debian install: its trigger is off while mmdebstrap runs, and on again after.

/**
 * Before any package is in: man-db/auto-update preseeded false, so man-db's postinst removes its flag file and neither
 * its configure nor its trigger ("Processing triggers for man-db") runs mandb during the build (as mkosi does).
 */
export const MANDB_OFF_HOOK = `echo "man-db man-db/auto-update boolean false" | chroot "$1" debconf-set-selections`;

/**
 * At the end: with man-db installed, the question is true again and the flag file is back, so the guest updates the
 * index as Debian's default does; the image ships no index (/var/cache/man/index.db) until man-db.timer's daily mandb,
 * a `mandb`, or the next package install builds it. Without man-db, the preseeded question is purged from debconf.
 */
export const MANDB_ON_HOOK =
  `if [ -e "$1/var/lib/dpkg/info/man-db.list" ]; then ` +
  `echo "man-db man-db/auto-update boolean true" | chroot "$1" debconf-set-selections && mkdir -p "$1/var/lib/man-db" && touch "$1/var/lib/man-db/auto-update"; ` +
  `else echo PURGE | chroot "$1" debconf-communicate man-db >/dev/null; fi`;
