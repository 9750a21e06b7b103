// The flag names a control-plane binary accepts, by release, as data: the row type of every component's
// known-flag list, and the generic flags both kube-controller-manager and kube-scheduler take from the shared
// libraries (k8s.io/apiserver serving and delegated authn/authz, k8s.io/component-base logs, metrics, feature
// gates and leader election, klog). Dated from those libraries' tags kubernetes-1.16.0 .. kubernetes-1.37.0-beta.0
// and klog's v0.4.0 .. v2.30.0, and for the flags that reached both binaries later than the library code from
// the pull requests that wired them in (show-hidden-metrics-for-version #84913/#85281 in 1.17, logging-format
// #91521/#91522 in 1.19); each component's list says where its own rows come from.

/** KnownFlag: one flag name (without `--`) and the minor releases ("1.16".."1.37") its binary accepts it in.
 *  No `since`: present from 1.16 (or not dated); no `removedIn`: still accepted in 1.37 (or not dated). The
 *  lists only warn about an extraArgs name that is in none of them, so a flag is listed even when undated. */
export interface KnownFlag {
  flag: string;
  /** First release whose binary accepts the flag. */
  since?: string;
  /** First release whose binary rejects the flag as unknown. */
  removedIn?: string;
}

/** KLOG_FLAGS: klog's own flags (all but -v and --vmodule), deprecated in 1.23 and gone from 1.26; --one-output came
 *  with klog v2.4.0 (Kubernetes 1.20). */
const KLOG_FLAGS: readonly KnownFlag[] = [
  ...["add-dir-header", "alsologtostderr", "log-backtrace-at", "log-dir", "log-file", "log-file-max-size", "logtostderr", "skip-headers", "skip-log-headers", "stderrthreshold"]
    .map((flag): KnownFlag => ({ flag, removedIn: "1.26" })),
  { flag: "one-output", since: "1.20", removedIn: "1.26" },
];

/** COMMON_KNOWN_FLAGS: the generic flags of kube-controller-manager and kube-scheduler, in groups. */
export const COMMON_KNOWN_FLAGS: readonly KnownFlag[] = [
  // secure serving (k8s.io/apiserver pkg/server/options/serving.go)
  { flag: "bind-address" },
  { flag: "cert-dir" },
  { flag: "disable-http2-serving", since: "1.31" },
  { flag: "http2-max-streams-per-connection" },
  { flag: "permit-address-sharing", since: "1.21" },
  { flag: "permit-port-sharing", since: "1.19" },
  { flag: "secure-port" },
  { flag: "tls-cert-file" },
  { flag: "tls-cipher-suites" },
  { flag: "tls-curve-preferences", since: "1.36" },
  { flag: "tls-min-version" },
  { flag: "tls-private-key-file" },
  { flag: "tls-sni-cert-key" },
  // delegated authentication and authorization (authentication.go, authorization.go)
  { flag: "authentication-kubeconfig" },
  { flag: "authentication-skip-lookup" },
  { flag: "authentication-token-webhook-cache-ttl" },
  { flag: "authentication-tolerate-lookup-failure" },
  { flag: "authorization-always-allow-paths" },
  { flag: "authorization-kubeconfig" },
  { flag: "authorization-webhook-cache-authorized-ttl" },
  { flag: "authorization-webhook-cache-unauthorized-ttl" },
  { flag: "client-ca-file" },
  { flag: "requestheader-allowed-names" },
  { flag: "requestheader-client-ca-file" },
  { flag: "requestheader-extra-headers-prefix" },
  { flag: "requestheader-group-headers" },
  { flag: "requestheader-uid-headers", since: "1.32" },
  { flag: "requestheader-username-headers" },
  // leader election
  { flag: "leader-elect" },
  { flag: "leader-elect-lease-duration" },
  { flag: "leader-elect-renew-deadline" },
  { flag: "leader-elect-resource-lock" },
  { flag: "leader-elect-resource-name" },
  { flag: "leader-elect-resource-namespace" },
  { flag: "leader-elect-retry-period" },
  // feature gates and compatibility versions
  { flag: "feature-gates" },
  { flag: "emulated-version", since: "1.31" },
  { flag: "min-compatibility-version", since: "1.35" },
  // metrics (component-base metrics/options.go)
  { flag: "allow-metric-labels", since: "1.21" },
  { flag: "allow-metric-labels-manifest", since: "1.29" },
  { flag: "disabled-metrics", since: "1.21" },
  { flag: "show-hidden-metrics-for-version", since: "1.17" },
  // logs (component-base logs)
  { flag: "experimental-logging-sanitization", since: "1.20", removedIn: "1.24" },
  { flag: "log-flush-frequency" },
  { flag: "log-json-info-buffer-size", since: "1.23" },
  { flag: "log-json-split-stream", since: "1.23" },
  { flag: "log-text-info-buffer-size", since: "1.30" },
  { flag: "log-text-split-stream", since: "1.30" },
  { flag: "logging-format", since: "1.19" },
  { flag: "v" },
  { flag: "vmodule" },
  ...KLOG_FLAGS,
  // cobra and component-base version/verflag
  { flag: "help" },
  { flag: "version" },
];
