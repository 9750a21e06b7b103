// Every decision that makes a node tarball reproducible, each with its reason.
import { byteOrder } from "../paths.js";
import { InputError } from "../errors.js";

/** MAX_TAR_MTIME: the latest time a tar header's 11 octal digits hold (077777777777 s, in 2242). */
export const MAX_TAR_MTIME = 0o77777777777;

/** MTIME: every entry's modification time. SOURCE_DATE_EPOCH wins when set (reproducible-builds.org): whole seconds since
 *  1970, 0 to MAX_TAR_MTIME, anything else an input error rather than silently ignored; unset or empty, a constant, so the
 *  same inputs give the same bytes on any day. */
export function tarMtime(env: NodeJS.ProcessEnv = process.env): Date {
  const sde = env.SOURCE_DATE_EPOCH;
  if (sde === undefined || sde === "") return new Date(Date.UTC(2000, 0, 1)); // a constant; any fixed value would do
  if (!/^(0|[1-9]\d{0,10})$/.test(sde) || Number(sde) > MAX_TAR_MTIME) {
    throw new InputError("source-date-epoch", `SOURCE_DATE_EPOCH=${JSON.stringify(sde).slice(1, -1)}: not a time a tar header holds (whole seconds since 1970, 0 to ${MAX_TAR_MTIME}); unset it or give e.g. $(git log -1 --format=%ct)`);
  }
  return new Date(Number(sde) * 1000);
}

/** OWNER: entries belong to root (uid/gid 0, names "root"): the bundle installs as root anyway,
 *  and the build host's user must not leak into the archive. */
export const OWNER = { uid: 0, gid: 0, uname: "root", gname: "root" } as const;

/** DIR_MODE: directories are explicit entries, 0755, so extraction never depends on umask. */
export const DIR_MODE = 0o755;

/** GZIP_LEVEL: pinned, so the compressed bytes do not follow a changed zlib default. */
export const GZIP_LEVEL = 9;

/** GZIP_OS: the OS byte of the gzip header (offset 9) is pinned to 3 ("Unix"): zlib writes the
 *  build platform's value there. The header's mtime is 0 and carries no file name. */
export const GZIP_OS = 3;

/** entryOrder: entries are sorted by path (byte order), directories before their contents,
 *  so the archive's order never depends on the order files were produced. */
export const entryOrder = byteOrder;

/** TAR_FORMAT: bumped whenever a decision above changes; an unchanged bundle whose recorded
 *  format and content digest match is not re-compressed (the deflate bytes depend on the zlib
 *  inside Node, so re-compressing could change bytes for no reason). */
export const TAR_FORMAT = 1;
