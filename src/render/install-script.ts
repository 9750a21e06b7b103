// The bundle's install.sh, rendered from templates/install.sh.ejs; every value enters it as one single-quoted word.
import { renderTemplate } from "./_templates.js";
import { absolutePath, byteOrder, parentDirs } from "../paths.js";

/** InstallScriptInput: what install.sh installs on one node; paths are absolute target paths on the node. */
export interface InstallScriptInput {
  node: { name: string; ip: string };
  /** Files to install; each one's content sits in the bundle at rootfs/<target>. */
  files: { target: string; mode: number }[];
  /** Folders to create when missing with their modes (the service's working dir...); every folder above them and above the
   *  files is added (0755). */
  dirs: { path: string; mode: number }[];
  /** The systemd unit to reload, enable and restart, e.g. "kube-controller-manager.service". */
  unitName: string;
  /** kubebundle's version, shown by the script. */
  version: string;
}

/** shellQuote: `value` as one single-quoted shell word that reads back exactly; throws on a newline, CR or NUL. */
export function shellQuote(value: string): string {
  if (/[\n\r\0]/.test(value)) throw new Error(`refusing to put ${JSON.stringify(value)} into a shell script: it holds a newline, CR or NUL`);
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** renderInstallScript: install.sh for one node; files in input order, dirs sorted by path (parents first). */
export function renderInstallScript(input: InstallScriptInput): string {
  const files = input.files.map((f) => ({ target: absolutePath(f.target, "install.sh"), mode: octalMode(f.mode) }));
  const targets = new Set(files.map((f) => f.target));
  if (targets.size !== files.length) throw new Error("install.sh: a target is listed twice");
  const dirs = new Map(input.dirs.map((d) => [absolutePath(d.path, "install.sh"), d.mode] as const));
  for (const p of parentDirs([...targets, ...dirs.keys()])) if (!dirs.has(p)) dirs.set(p, 0o755);
  for (const t of targets) if (dirs.has(t)) throw new Error(`install.sh: ${t} is both a file and a folder`);
  const sorted = [...dirs].sort(([a], [b]) => byteOrder(a, b));
  const locals = { ...input, files, dirs: sorted.map(([p, m]) => ({ path: p, mode: octalMode(m) })), q: shellQuote };
  return renderTemplate("install.sh.ejs", locals);
}

// --- internal ---

/** A mode as four octal digits ("0644"); throws unless an integer in 0..0o7777. */
function octalMode(mode: number): string {
  if (!Number.isInteger(mode) || mode < 0 || mode > 0o7777) throw new Error(`install.sh: bad file mode ${mode}`);
  return mode.toString(8).padStart(4, "0");
}
