// Semantic rules for every component's spec section: extraArgs values, the effective secure port and the plain-HTTP port of
// old releases, each read from the component's row of the registry.
import { parseIp, parsePort } from "./ip.js";
import { parseGoDuration } from "./duration.js";
import { minorOf, type KubeVersion } from "../components/release.js";
import { closest } from "./_closest.js";
import { extraArgPointer, extraArgsProblems, productOf, flagRow, isEmittedIn, isNotYetIn, isRemovedIn, refusingRules } from "../components/flag-table.js";
import { CHECK_HA_MAX_WAIT, LEADER_ELECTION_FLAGS, RESOURCE_LOCKS } from "../components/leader-election.js";
import { componentsOfSpec } from "../components/registry.js";
import type { Component } from "../components/component.js";
import { PATTERNS } from "./schema.js";
import { err, hasControl, isObj, q, str, type Obj, type Rule, versionOf } from "./_rule.js";
import type { SpecProblem } from "./schema-validator.js";

/** FLAG_VALUE: what an extraArgs value may hold: the characters flag values need, none a shell or systemd reads. */
const FLAG_VALUE = new RegExp(PATTERNS.flagValue);
const FLAG_VALUE_SET = "ASCII letters, digits and . _ , : = / * @ + % ~ [ ] -";

/** charName: one character named for a message: "a space", "\";\"", "\"ë\" (U+00EB)". */
function charName(c: string): string {
  const cp = c.codePointAt(0)!;
  if (c === " ") return "a space";
  const u = `U+${cp.toString(16).toUpperCase().padStart(4, "0")}`;
  return cp < 0x7f ? JSON.stringify(c) : `${JSON.stringify(c)} (${u})`;
}


/** GO_TRUE, GO_FALSE: the spellings Go's strconv.ParseBool accepts (pflag reads boolean flags with it). */
const GO_TRUE = ["1", "t", "T", "true", "TRUE", "True"];
const GO_FALSE = ["0", "f", "F", "false", "FALSE", "False"];
const GO_BOOL = [...GO_TRUE, ...GO_FALSE];

/** flagValueProblem: what is wrong with the value of a boolean flag or of a flag kubebundle reads back (ports, addresses,
 *  durations, the lock type), if anything; `release` narrows the lock types named to the target's. */
function flagValueProblem(k: Component, name: string, v: string, release: KubeVersion | null): { message: string; hint?: string } | undefined {
  if (flagRow(k.flags, name)?.bool && !GO_BOOL.includes(v)) return { message: `${q(v)} is not a boolean: --${name} takes true or false, and ${k.binary} refuses to start otherwise` };
  if (name === "secure-port" && parsePort(v) === null) return { message: `${q(v)} is not a port number 1-65535` };
  if (name === "bind-address" && !parseIp(v)) return { message: `${q(v)} is not an IP address`, hint: "0.0.0.0" };
  if (!k.leaderElectionFlags) return undefined;
  if (name === "leader-elect-resource-lock" && !Object.hasOwn(RESOURCE_LOCKS, v)) {
    const known = Object.keys(RESOURCE_LOCKS).filter((lock) => !release || refusingRules(k.flags, release, name, lock).length === 0);
    return { message: `${q(v)} is not a resource lock ${k.binary} knows (${known.join(", ")})`, hint: "leases" };
  }
  if ((LEADER_ELECTION_FLAGS as readonly string[]).includes(name)) {
    const ms = parseGoDuration(v);
    const hint = /^[0-9]+$/.test(v) && v !== "0" ? `${v}s` : undefined;
    if (ms === null) return { message: `${q(v)} is not a Go duration like 15s, 1m or 1m30s`, ...(hint ? { hint } : {}) };
    if (ms <= 0) return { message: `${q(v)} must be longer than zero` };
    if (ms > LEADER_ELECTION_MAX_MS) {
      return { message: `${q(v)} is longer than kubebundle accepts for leader election (at most 1h: check-ha.sh waits a lease duration and two retry periods, at most ${CHECK_HA_MAX_WAIT}s)`, hint: "1h" };
    }
  }
  return undefined;
}

/** LEADER_ELECTION_MAX_MS: the longest leader-election duration kubebundle accepts (1h); check-ha.sh's --failover waits a
 *  lease duration plus two retry periods, and takes a timeout of at most CHECK_HA_MAX_WAIT seconds. */
const LEADER_ELECTION_MAX_MS = 3_600_000;

/** leaderElectionProblems: client-go refuses to start unless lease duration > renew deadline > 1.2 x retry period. */
function leaderElectionProblems(k: Component, args: Record<string, string | null>, out: SpecProblem[]): void {
  const given = LEADER_ELECTION_FLAGS.filter((f) => str(args[f]));
  if (given.length === 0) return;
  type Le = (typeof LEADER_ELECTION_FLAGS)[number];
  const builtin = k.leaderElectionFlags!;
  const text = (f: Le) => args[f] ?? builtin[f];
  const ms = LEADER_ELECTION_FLAGS.map((f) => parseGoDuration(text(f)));
  if (ms.some((m) => m === null || m <= 0)) return;
  const [lease, renew, retry] = ms as [number, number, number];
  const [fLease, fRenew, fRetry] = LEADER_ELECTION_FLAGS;
  const clash = (a: Le, b: Le, what: string) => {
    const at = given.includes(a) ? a : b;
    out.push(err(extraArgPointer(k.flags, at), `--${a}=${text(a)} must be longer than ${what} (--${b}=${text(b)}): ${k.binary} refuses to start otherwise`));
  };
  if (lease <= renew) clash(fLease, fRenew, "the renew deadline");
  if (renew <= 1.2 * retry) clash(fRenew, fRetry, "1.2 x the retry period");
}

/** leaderElectionWarnings: leader election switched off, or its lock moved away from the objects check-ha.sh reads (the
 *  component's built-in lock: kube-system/<id>). */
function leaderElectionWarnings(k: Component, args: Record<string, string | null>, out: SpecProblem[]): void {
  const LEADER_LOCK = { "leader-elect-resource-namespace": "kube-system", "leader-elect-resource-name": k.id };
  const extraArgPointer = (flag: string) => pointerIn(k, flag);
  const off = args["leader-elect"];
  if (str(off) && GO_FALSE.includes(off)) {
    out.push({
      pointer: extraArgPointer("leader-elect"),
      message: `--leader-elect=${off} turns leader election off: every node runs every controller at once (no high availability), and check-ha.sh will find no leader`,
      severity: "warning",
    });
  }
  const kind = args["leader-elect-resource-lock"];
  if (str(kind) && RESOURCE_LOCKS[kind] === null) {
    out.push({
      pointer: extraArgPointer("leader-elect-resource-lock"),
      message: `--leader-elect-resource-lock=${kind} keeps the leader in a ConfigMap, but check-ha.sh reads a Lease or an Endpoints annotation: it will find no leader`,
      severity: "warning",
    });
  }
  const lock = `${LEADER_LOCK["leader-elect-resource-namespace"]}/${LEADER_LOCK["leader-elect-resource-name"]}`;
  for (const [flag, builtin] of Object.entries(LEADER_LOCK)) {
    const v = args[flag];
    if (!str(v) || v === builtin) continue;
    out.push({
      pointer: extraArgPointer(flag),
      message: `--${flag}=${v} moves the leader-election lock, but check-ha.sh reads ${lock}: it will find no leader`,
      severity: "warning",
    });
  }
}

/** pointerIn: the JSON pointer of one of the component's extraArgs entries. */
const pointerIn = (k: Component, flag: string) => extraArgPointer(k.flags, flag);

/** sectionOf: the component's spec section, when it is an object. */
const sectionOf = (s: Obj, k: Component): Obj | undefined => (isObj(s[k.section]) ? (s[k.section] as Obj) : undefined);

/** extraArgs: every component's extraArgs: flag-safe values, readable ports/addresses/durations, leader-election order and
 *  warnings, and its flag table's release rules. */
export const extraArgs: Rule = (s, out) => {
  for (const k of componentsOfSpec(s)) componentExtraArgs(k, s, out);
};


function componentExtraArgs(k: Component, s: Obj, out: SpecProblem[]): void {
  const extraArgPointer = (flag: string) => pointerIn(k, flag);
  const cm = sectionOf(s, k);
  if (!cm || !isObj(cm.extraArgs)) return;
  const release = k.flags.release ? k.flags.release.ofSpec(s) : versionOf(s);
  const args: Record<string, string | null> = {};
  for (const [name, v] of Object.entries(cm.extraArgs)) {
    if (v === null) {
      args[name] = v;
      continue;
    }
    if (!str(v)) continue;
    const at = extraArgPointer(name);
    if (hasControl(v)) {
      out.push(err(at, "value must not contain newlines, NULs or other control characters"));
      continue;
    }
    if (!FLAG_VALUE.test(v)) {
      const bad = [...v].find((c) => !FLAG_VALUE.test(c))!;
      out.push(err(at, `value may hold only ${FLAG_VALUE_SET} (no spaces, quotes or shell characters); ${charName(bad)} is not allowed`));
      continue;
    }
    const wrong = flagValueProblem(k, name, v, release);
    if (wrong) {
      out.push(err(at, wrong.message, wrong.hint));
      continue;
    }
    const ip = name === "bind-address" ? parseIp(v) : null;
    if (ip && ip.range !== "unspecified" && ip.text !== "127.0.0.1") {
      out.push({
        pointer: at,
        message: `every node gets --bind-address=${v}: ${k.binary} starts only where that address exists, and its certificate names only 127.0.0.1 and the node IPs; use 0.0.0.0, :: or 127.0.0.1, or leave the flag out (each node binds its own IP)`,
        severity: "warning",
      });
    }
    args[name] = v;
  }
  if (k.leaderElectionFlags) {
    leaderElectionProblems(k, args, out);
    leaderElectionWarnings(k, args, out);
  }
  if (release) out.push(...extraArgsProblems(k.flags, release, args), ...unknownNames(k, release, args));
}

/** unknownNames: a warning for each extraArgs name in neither the flag table nor the flags known for the release, with the
 *  closest known one (the schema refuses names with "_", which the binaries would read as "-"). Flags of the table are judged by its rows. */
function unknownNames(k: Component, v: KubeVersion, args: Record<string, string | null>): SpecProblem[] {
  const known = new Set(k.knownFlags.filter((f) => !isNotYetIn(f, v) && !isRemovedIn(f, v)).map((f) => f.flag));
  const out: SpecProblem[] = [];
  for (const name of Object.keys(args)) {
    if (flagRow(k.flags, name) || known.has(name)) continue;
    const hint = closest(name, [...known, ...k.flags.flags.filter((r) => !r.removedIn).map((r) => r.flag)]);
    out.push({
      pointer: pointerIn(k, name),
      message: `--${name} is no ${k.binary} flag kubebundle knows for ${productOf(k.flags)} ${minorOf(v)}${hint ? `; did you mean --${hint}?` : ""} (passed on as given)`,
      ...(hint ? { hint } : {}),
      severity: "warning",
    });
  }
  return out;
}

/** ports: each other component's effective secure port (extraArgs "secure-port" over securePort; null: its built-in
 *  default) must not be the apiserver's. */
export const ports: Rule = (s, out) => {
  for (const k of componentsOfSpec(s)) componentPorts(k, s, out);
};

function componentPorts(k: Component, s: Obj, out: SpecProblem[]): void {
  const extraArgPointer = (flag: string) => pointerIn(k, flag);
  const api = isObj(s.apiServer) ? s.apiServer.port : undefined;
  const cm = sectionOf(s, k);
  // kube-apiserver's own port is apiServer.port (its --secure-port must equal it: apiserver-rules.ts securePortArg).
  if (typeof api !== "number" || !cm || !k.builtin || k.section === "apiServer") return;
  const given = isObj(cm.extraArgs) ? cm.extraArgs["secure-port"] : undefined;
  const clash = `both listen on every node`;
  if (str(given)) {
    if (parsePort(given) === api) out.push(err(extraArgPointer("secure-port"), `--secure-port=${given} must differ from apiServer.port (${api}): ${clash}`, k.builtin["secure-port"]));
  } else if (given === null) {
    if (Number(k.builtin["secure-port"]) === api) {
      out.push(err(extraArgPointer("secure-port"), `without --secure-port ${k.binary} listens on its default ${api}, which is apiServer.port: ${clash}`));
    }
  } else if (api === cm.securePort) {
    out.push(err(`/${k.section}/securePort`, `must differ from apiServer.port (${api}): ${clash}`, k.builtin["secure-port"]));
  }
}

/** listenPorts: etcd's client and peer ports differ from each other and from every other component's port (kube-apiserver's
 *  apiServer.port, the others' effective secure ports): every component listens on every node, so two on one port means
 *  that whichever starts second cannot bind. */
export const listenPorts: Rule = (s, out) => {
  const components = componentsOfSpec(s);
  const member = components.find((k) => k.health?.kind === "etcd");
  if (!member) return;
  const section = sectionOf(s, member) ?? {};
  const port = (v: unknown, fallback: number) => (v === undefined ? fallback : typeof v === "number" ? v : null);
  const own = [
    { at: `/${member.section}/clientPort`, what: "etcd's client port", port: port(section.clientPort, 2379) },
    { at: `/${member.section}/peerPort`, what: "etcd's peer port", port: port(section.peerPort, 2380) },
  ];
  const others = components.flatMap((k) => {
    const cm = sectionOf(s, k);
    if (k === member || !cm) return [];
    if (k.section === "apiServer") return [{ what: "apiServer.port", port: port(cm.port, 6443) }];
    return k.builtin ? [{ what: `${k.binary}'s secure port`, port: securePortOf(k, cm) }] : [];
  });
  if (own[0]!.port !== null && own[0]!.port === own[1]!.port) out.push(err(own[1]!.at, `${own[1]!.port} is etcd's client port too: etcd listens on both`));
  for (const o of own) {
    const clash = others.find((x) => x.port !== null && x.port === o.port);
    if (clash) out.push(err(o.at, `${o.port} is ${clash.what} too: both listen on every node, and whichever starts second cannot bind it`));
  }
};

/** securePortOf: the effective secure port (extraArgs "secure-port", its built-in default when null, else securePort); null when unreadable. */
function securePortOf(k: Component, cm: Obj): number | null {
  const given = isObj(cm.extraArgs) ? cm.extraArgs["secure-port"] : undefined;
  if (str(given)) return parsePort(given);
  if (given === null) return k.builtin ? Number(k.builtin["secure-port"]) : null;
  return typeof cm.securePort === "number" ? cm.securePort : null;
}

/**
 * insecurePort: in the releases that emit --port=0 (the plain-HTTP listener still exists there), an extraArgs "port"
 * that leaves that listener on the secure port: both would bind the same port and the binary fails to start.
 */
export const insecurePort: Rule = (s, out) => {
  for (const k of componentsOfSpec(s)) componentInsecurePort(k, s, out);
};

function componentInsecurePort(k: Component, s: Obj, out: SpecProblem[]): void {
  const extraArgPointer = (flag: string) => pointerIn(k, flag);
  const cm = sectionOf(s, k);
  const row = flagRow(k.flags, "port");
  if (!cm || !isObj(cm.extraArgs) || !("port" in cm.extraArgs) || !row || k.builtin?.port === undefined) return;
  const v = versionOf(s);
  if (!v || !isEmittedIn(row, v)) return;
  const given = cm.extraArgs.port;
  const text = given === null ? k.builtin.port : str(given) ? given : undefined;
  const port = text === undefined ? null : parsePort(text);
  if (port === null || port !== securePortOf(k, cm)) return;
  const target = `target ${minorOf(v)}`;
  const why = `both listeners fight for ${port}; keep --port=0`;
  out.push(
    given === null
      ? err(extraArgPointer("port"), `without --port ${k.binary} (${target}) serves plain HTTP on its default ${port}, which is also its secure port: ${why}`, "0")
      : err(extraArgPointer("port"), `--port=${port} is also the secure port (${target}): ${why}`, "0"),
  );
}
