// Seeded mutations of a spec, for the fuzz test of validate and generate (test/cli/validate-fuzz.test.ts).

/** rng: a small seeded generator (mulberry32): the same seed gives the same mutations on any machine. */
export function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** NASTY: values a mutation puts in place of a field or appends to a string. */
const NASTY: unknown[] = [
  "$(reboot)", "`reboot`", "; rm -rf /", "../../etc/passwd", "a\nb", "a\u0000b", "'\"", "ünïcødé-名前", "🙂",
  "", " ", 1e308, -1, 0, 2 ** 53 + 1, 1.5, true, null, [], {}, [1, 2], { "$(x)": 1 }, "x".repeat(5000), "10.0.0.1", "::1",
  "/etc/../root", "-1h", "876000h", "1.37.0", "https://", "https://[::1]:443",
  "::ffff:127.0.0.1", "10.254.0.0/016", "1ns", "2562048h", "https://a;b:1", "https://a..b:6443", "https://ab:0", `/${"x".repeat(300)}`,
  "1.30.04", "01.36", "leases", "endpoints", "0.0.0.0", "10259",
];

/** FLAGS: extraArgs names whose values kubebundle reads back or checks by release. */
const FLAGS = ["leader-elect-retry-period", "leader-elect-lease-duration", "leader-elect-renew-deadline", "secure-port", "bind-address", "port", "leader-elect-resource-lock", "leader-elect", "one-output", "cluster-signing-duration"];

type Path = (string | number)[];
function paths(v: unknown, at: Path = [], out: Path[] = []): Path[] {
  out.push(at);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...at, i], out));
  else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) paths(x, [...at, k], out);
  return out;
}

/** mutate: one random edit of `spec` (drop, retype, duplicate, inject, huge number, unicode, odd flag value), in place. */
export function mutate(spec: any, r: () => number): any {
  const all = paths(spec).filter((p) => p.length > 0);
  const target = all[Math.floor(r() * all.length)]!;
  const parent = target.slice(0, -1).reduce((o: any, k) => o[k], spec);
  const key = target[target.length - 1]!;
  // A fresh copy of each picked value: a shared NASTY object put twice into one spec could be put into itself (a cycle).
  const pick = <T,>(xs: T[]): T => structuredClone(xs[Math.floor(r() * xs.length)]!);
  switch (Math.floor(r() * 7)) {
    case 6: // a flag kubebundle reads back, given an odd value
      if (spec.controllerManager && typeof spec.controllerManager === "object" && spec.controllerManager.extraArgs && typeof spec.controllerManager.extraArgs === "object") {
        spec.controllerManager.extraArgs[pick(FLAGS)] = pick(NASTY.filter((x) => typeof x === "string") as string[]);
      }
      break;
    case 0: // drop
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key];
      break;
    case 1: // retype
      parent[key] = pick(NASTY);
      break;
    case 2: // duplicate
      if (Array.isArray(parent)) parent.push(structuredClone(parent[key as number]));
      else parent[`${String(key)}${pick(["", "_", "2", "$(id)"])}`] = structuredClone(parent[key]);
      break;
    case 3: // inject into a string
      parent[key] = typeof parent[key] === "string" ? `${parent[key]}${pick(NASTY.filter((x) => typeof x === "string") as string[])}` : pick(NASTY);
      break;
    case 4: // huge numbers
      parent[key] = pick([1e308, Number.MAX_SAFE_INTEGER, -1e9, 65536, 0]);
      break;
    default: // unicode in a name
      parent[key] = typeof parent[key] === "string" ? parent[key].replace(/[a-z]/, "ı") : parent[key];
  }
  return spec;
}

