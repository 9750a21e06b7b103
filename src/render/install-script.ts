// The bundle's install.sh, rendered from templates/install.sh.ejs; every value enters it as one single-quoted word.
import path from "node:path";
import { renderTemplate } from "./_templates.js";

/** InstallScriptInput: what install.sh installs on one node; paths are absolute target paths on the node. */
export interface InstallScriptInput {
  node: { name: string; ip: string };
  /** Files to install; each one's content sits in the bundle at rootfs/<target>. */
  files: { target: string; mode: number }[];
  /** Folders to create when missing; targets' parents and the working dir are added (0755) when absent. */
  dirs: { path: string; mode: number }[];
  /** The service's WorkingDirectory, created 0755 unless `dirs` gives it a mode. */
  workingDir: string;
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
  const files = input.files.map((f) => ({ target: checkedPath(f.target), mode: octalMode(f.mode) }));
  const targets = new Set(files.map((f) => f.target));
  if (targets.size !== files.length) throw new Error("install.sh: a target is listed twice");
  const dirs = new Map(input.dirs.map((d) => [checkedPath(d.path), d.mode] as const));
  for (const p of [...[...targets].map((t) => path.posix.dirname(t)), checkedPath(input.workingDir)]) {
    if (!dirs.has(p) && p !== "/") dirs.set(p, 0o755);
  }
  for (const t of targets) if (dirs.has(t)) throw new Error(`install.sh: ${t} is both a file and a folder`);
  const sorted = [...dirs].sort(([a], [b]) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  const locals = { ...input, files, dirs: sorted.map(([p, m]) => ({ path: p, mode: octalMode(m) })), q: shellQuote };
  return renderTemplate("install.sh.ejs", locals);
}

// --- internal ---

/** A mode as four octal digits ("0644"); throws unless an integer in 0..0o7777. */
function octalMode(mode: number): string {
  if (!Number.isInteger(mode) || mode < 0 || mode > 0o7777) throw new Error(`install.sh: bad file mode ${mode}`);
  return mode.toString(8).padStart(4, "0");
}

/** An absolute, normalised path other than "/"; throws otherwise. */
function checkedPath(p: string): string {
  if (!p.startsWith("/") || p === "/" || path.posix.normalize(p) !== p || p.endsWith("/")) {
    throw new Error(`install.sh: ${JSON.stringify(p)} is not an absolute normalised path`);
  }
  return p;
}
