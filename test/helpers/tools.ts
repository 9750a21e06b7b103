// Test helpers: real system tools when present, a loud skip line when absent.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const cache = new Map<string, boolean>();

/** hasTool: true when `name` is on PATH. */
export function hasTool(name: string): boolean {
  if (!cache.has(name)) cache.set(name, spawnSync("sh", ["-c", `command -v ${name}`], { stdio: "ignore" }).status === 0);
  return cache.get(name)!;
}

/** needTool: true when present; otherwise prints "skipped: NAME not installed" loudly and returns false. */
export function needTool(name: string, what: string): boolean {
  if (hasTool(name)) return true;
  console.log(`\n  !!! skipped: ${name} not installed (${what}); .ci/run installs it\n`);
  return false;
}

/** run: a command's stdout; throws with stderr on a non-zero exit. */
export function run(cmd: string, args: string[], opts: { cwd?: string; input?: string | Buffer; env?: NodeJS.ProcessEnv } = {}): string {
  return execFileSync(cmd, args, { encoding: "utf8", stdio: ["pipe", "pipe", "pipe"], ...opts });
}

/** tmp: a fresh temporary folder, removed by the returned cleanup. */
export function tmp(prefix = "kubebundle-test-"): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** withTmp: `fn` run with a fresh temporary folder, removed afterwards (also when `fn` throws or its promise rejects). */
export function withTmp<T>(fn: (t: { dir: string }) => T): T;
export function withTmp<T>(prefix: string, fn: (t: { dir: string }) => T): T;
export function withTmp<T>(...args: [(t: { dir: string }) => T] | [string, (t: { dir: string }) => T]): T {
  const [prefix, fn] = args.length === 1 ? [undefined, args[0]] : args;
  const t = tmp(prefix);
  let result: T;
  try {
    result = fn(t);
  } catch (e) {
    t.cleanup();
    throw e;
  }
  if (result instanceof Promise) return result.finally(() => t.cleanup()) as T;
  t.cleanup();
  return result;
}

/** ROOT: the project's root folder. */
export const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");

/** nobodyCanRead: true when the unprivileged user (uid 65534) can read `p` (the checkout may sit in a private folder). */
export function nobodyCanRead(p: string): boolean {
  if (!hasTool("setpriv")) return false;
  return spawnSync("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", "test", "-r", p], { stdio: "ignore" }).status === 0;
}

/** kubectlRun: kubectl with `args`, spawned asynchronously (a test HTTPS server in this process must keep answering), off
 *  the network (HOME a scratch folder, no KUBECONFIG), killed after 30 s. */
export async function kubectlRun(args: string[], home: string): Promise<{ code: number | null; out: string; err: string }> {
  const { spawn } = await import("node:child_process");
  const child = spawn("kubectl", args, { env: { PATH: process.env.PATH, HOME: home } });
  let out = "";
  let err = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (err += d));
  const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  clearTimeout(timer);
  return { code, out, err };
}
