// Flag rows the control-plane binaries share (from k8s.io/apiserver's delegated authentication and component-base's klog),
// with a helper to point a row at one of a component's files: each component's table is built from these and its own rows.
import type { FileRow } from "./component.js";
import type { FlagContext, FlagRow } from "./flag-table.js";
import { SHARED_FILES, fileRow } from "./layout.js";
import { FRONT_PROXY_CA_FILE, FRONT_PROXY_CLIENT_CN } from "./shared-files.js";

/** fixed: a row value that does not depend on the cluster. */
export const fixed = (v: string) => () => v;

/** fileFlag: a row value naming the target path of file `id` among `rows` or the shared ones, so paths come from one place. */
export function fileFlag(rows: readonly FileRow[], id: string): (ctx: FlagContext) => string {
  const row = fileRow([...SHARED_FILES, ...rows], id);
  return ({ cluster }) => row.target(cluster);
}

/** REQUEST_HEADER_ROWS: trust identity headers (X-Remote-*) only from the front proxy: a client certificate of the
 *  front-proxy CA (FRONT_PROXY_CA_FILE) whose CN is `front-proxy-client`, the one the pki stage issues (never the guide's
 *  literal "", which names the two-character string, or unquoted any client of the CA). */
export const REQUEST_HEADER_ROWS: readonly FlagRow[] = [
    { flag: "requestheader-allowed-names", value: fixed(FRONT_PROXY_CLIENT_CN) },
    { flag: "requestheader-client-ca-file", value: ({ cluster }) => FRONT_PROXY_CA_FILE.target(cluster) },
    { flag: "requestheader-extra-headers-prefix", value: fixed("X-Remote-Extra-") },
    { flag: "requestheader-group-headers", value: fixed("X-Remote-Group") },
    { flag: "requestheader-username-headers", value: fixed("X-Remote-User") },
];

const KLOG_NOTE = "klog's file and header flags are gone; logs go to stderr, which systemd's journal captures";

/** KLOG_ROWS: klog's flags: --logtostderr=true emitted up to 1.22 (deprecated from 1.23), all refused from 1.26;
 *  --one-output came with klog v2.4.0 (Kubernetes 1.20). */
export const KLOG_ROWS: readonly FlagRow[] = [
  { flag: "logtostderr", value: fixed("true"), bool: true, until: "1.22", removedIn: "1.26", note: KLOG_NOTE },
  ...["log-dir", "log-file", "log-file-max-size", "stderrthreshold", "log-backtrace-at"].map((flag): FlagRow => ({ flag, removedIn: "1.26", note: KLOG_NOTE })),
  ...["alsologtostderr", "skip-headers", "skip-log-headers", "add-dir-header"].map((flag): FlagRow => ({ flag, bool: true, removedIn: "1.26", note: KLOG_NOTE })),
  { flag: "one-output", bool: true, since: "1.20", removedIn: "1.26", note: KLOG_NOTE },
];
