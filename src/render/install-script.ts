// The bundle's install.sh, rendered from templates/install.sh.ejs; every value enters it as one single-quoted word.
import { renderTemplate } from "./_templates.js";
import { absolutePath, byteOrder, parentDirs } from "../paths.js";

/** InstallScriptInput: what install.sh installs on one node; paths are absolute target paths on the node. */
export interface InstallScriptInput {
  node: { name: string; ip: string };
  /** Files to install; each one's content sits in the bundle at rootfs/<target>. `units`: the systemd units that must
   *  restart when it changes (a shared file such as the CA certificate names every unit that reads it; a unit file names
   *  its own unit); each one is among `units` below, and none (`[]`) is allowed for a file no unit reads. */
  files: { target: string; mode: number; units: string[] }[];
  /** Folders to create when missing with their modes (a unit's working dir...); every folder above them and above the
   *  files is added (0755). Creating a folder restarts no unit. `units`: the units it belongs to (`--only` creates it
   *  for those; none: for every unit); an added parent folder belongs to the units of what lies below it. */
  dirs: { path: string; mode: number; units?: string[] }[];
  /** Every systemd unit of the bundle, in start order (e.g. "kube-controller-manager.service"): install.sh enables
   *  each one and restarts it when one of its files changed or it is not active. Non-empty, no name twice. */
  units: string[];
  /** The component of each unit, for `--only` and `--json`: its id, the binary its unit runs (checked before anything
   *  is touched; "" for none) and its unit file's target. Default: id = the unit's name without ".service", no binary,
   *  the unit file in /etc/systemd/system. */
  components?: { id: string; unit: string; binary: string; unitFile: string }[];
  /** Units of `units` whose first start may wait for other nodes: install.sh starts them with `--no-block` and accepts
   *  "activating" as their state. */
  noBlockUnits?: string[];
  /** kubebundle's version, shown by the script. */
  version: string;
}

/** COMPONENT_ID_RE: a component id install.sh's --only accepts (a unit name's characters; never a leading "-"). */
const COMPONENT_ID_RE = /^(?!-)[A-Za-z0-9@._-]+$/;

/** UNIT_NAME_RE: a systemd service name install.sh accepts (no leading "-": it would read as an option of systemctl). */
export const UNIT_NAME_RE = /^(?!-)[A-Za-z0-9@._-]+\.service$/;

/** shellQuote: `value` as one single-quoted shell word that reads back exactly; throws on a newline, CR or NUL. */
export function shellQuote(value: string): string {
  if (/[\n\r\0]/.test(value)) throw new Error(`refusing to put ${JSON.stringify(value)} into a shell script: it holds a newline, CR or NUL`);
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** renderInstallScript: install.sh for one node; files in input order (each one's units in start order), units in input
 *  order, dirs sorted by path (parents first). */
export function renderInstallScript(input: InstallScriptInput): string {
  checkUnits(input);
  const files = input.files.map((f) => ({
    target: absolutePath(f.target, "install.sh"),
    mode: octalMode(f.mode),
    units: input.units.filter((u) => f.units.includes(u)).join(" "),
  }));
  const targets = new Set(files.map((f) => f.target));
  if (targets.size !== files.length) throw new Error("install.sh: a target is listed twice");
  const dirs = new Map(input.dirs.map((d) => [absolutePath(d.path, "install.sh"), { mode: d.mode, units: d.units ?? [], declared: true as boolean }] as const));
  for (const t of targets) if (dirs.has(t)) throw new Error(`install.sh: ${t} is both a file and a folder`);
  // What each path belongs to, for the parent folders added below.
  const owners = new Map<string, string[]>([...files.map((f) => [f.target, f.units.split(" ").filter(Boolean)] as const), ...[...dirs].map(([p, d]) => [p, d.units] as const)]);
  for (const p of parentDirs([...targets, ...dirs.keys()])) {
    if (dirs.has(p)) continue;
    const below = [...owners].filter(([q]) => q.startsWith(`${p}/`)).map(([, u]) => u);
    dirs.set(p, { mode: 0o755, units: below.some((u) => u.length === 0) ? [] : [...new Set(below.flat())], declared: false });
  }
  const sorted = [...dirs].sort(([a], [b]) => byteOrder(a, b));
  for (const u of input.noBlockUnits ?? []) if (!input.units.includes(u)) throw new Error(`install.sh: no-block unit ${u} is not one of the bundle's units`);
  const order = (units: string[]) => input.units.filter((u) => units.includes(u)).join(" ");
  const components = componentsOf(input);
  const locals = {
    ...input,
    noBlockUnits: input.noBlockUnits ?? [],
    files,
    components,
    dirs: sorted.map(([p, d]) => ({ path: p, mode: octalMode(d.mode), units: order(d.units), kept: d.declared ? "keep" : "" })),
    q: shellQuote,
  };
  return renderTemplate("install.sh.ejs", locals);
}

// --- internal ---

/** componentsOf: the input's components, in unit order (defaults as InstallScriptInput.components says); throws unless
 *  there is exactly one per unit, each id valid and used once. */
function componentsOf(input: InstallScriptInput): { id: string; unit: string; binary: string; unitFile: string }[] {
  const given = input.components ?? input.units.map((u) => ({ id: u.replace(/\.service$/, ""), unit: u, binary: "", unitFile: `/etc/systemd/system/${u}` }));
  const list = input.units.map((u) => {
    const k = given.filter((g) => g.unit === u);
    if (k.length !== 1) throw new Error(`install.sh: unit ${u} needs exactly one component (has ${k.length})`);
    return k[0]!;
  });
  if (given.length !== list.length) throw new Error("install.sh: a component names a unit that is not one of the bundle's units");
  const ids = new Set<string>();
  for (const k of list) {
    if (!COMPONENT_ID_RE.test(k.id)) throw new Error(`install.sh: bad component id ${JSON.stringify(k.id)}`);
    if (ids.has(k.id)) throw new Error(`install.sh: component ${k.id} is listed twice`);
    ids.add(k.id);
    if (k.binary !== "") absolutePath(k.binary, "install.sh");
    absolutePath(k.unitFile, "install.sh");
  }
  return list;
}

/** checkUnits: throws unless `units` is non-empty, each name a service name (UNIT_NAME_RE) listed once, and every file
 *  names only units of `units`, each once. */
function checkUnits(input: InstallScriptInput): void {
  if (input.units.length === 0) throw new Error("install.sh: no unit to start (units is empty)");
  const known = new Set<string>();
  for (const u of input.units) {
    if (!UNIT_NAME_RE.test(u)) throw new Error(`install.sh: bad unit name ${JSON.stringify(u)}: expected NAME.service, NAME of letters, digits, @ . _ - and not starting with -`);
    if (known.has(u)) throw new Error(`install.sh: unit ${u} is listed twice`);
    known.add(u);
  }
  const list = [...known].join(", ");
  for (const f of input.files) {
    const seen = new Set<string>();
    for (const u of f.units) {
      if (!known.has(u)) throw new Error(`install.sh: ${f.target} names unit ${JSON.stringify(u)}, which is not one of the bundle's units (${list})`);
      if (seen.has(u)) throw new Error(`install.sh: ${f.target} names unit ${u} twice`);
      seen.add(u);
    }
  }
}

/** A mode as four octal digits ("0644"); throws unless an integer in 0..0o7777. */
function octalMode(mode: number): string {
  if (!Number.isInteger(mode) || mode < 0 || mode > 0o7777) throw new Error(`install.sh: bad file mode ${mode}`);
  return mode.toString(8).padStart(4, "0");
}
