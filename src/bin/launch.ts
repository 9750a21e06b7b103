// The built CLI's entry (dist/bin/kubebundle.js): the application is one CommonJS bundle
// (dist/bin/app-*.cjs, named by the build) loaded with V8's code cache, then run.
import { loadBundle } from "./load-bundle.js";

/** KUBEBUNDLE_APP: the application bundle's path under dist/, set by the build. */
declare const KUBEBUNDLE_APP: string;

const app = loadBundle(KUBEBUNDLE_APP) as unknown as typeof import("../cli/main.js");
process.exitCode = await app.main(process.argv.slice(2));
