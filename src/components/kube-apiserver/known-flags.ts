// Every flag name kube-apiserver 1.16-1.37 is known to accept, with the releases where that is dated. The generic server,
// etcd, audit, admission and feature flags are read from kubernetes/apiserver's pkg/server/options per tag
// kubernetes-1.16.0 .. kubernetes-1.37.0-beta.0 (a flag's `since`/`removedIn` is the first tag with/without it); the
// serving, logging and metrics flags are the shared ones of ../known-flags.ts without the delegated-authentication and
// leader-election flags kube-apiserver does not have; kube-apiserver's own options (kubernetes/kubernetes
// pkg/kubeapiserver/options and cmd/kube-apiserver/app/options, not fetched per tag) are undated unless a release note
// dates them (shared/reference/control-plane-by-version.md, section 2.2). kube-apiserver stopped registering the insecure
// serving flags in 1.24, though the library kept them until 1.31.
import { COMMON_KNOWN_FLAGS, type KnownFlag } from "../known-flags.js";

/** DELEGATED_ONLY: shared flags of kube-controller-manager and kube-scheduler that kube-apiserver does not have. */
const DELEGATED_ONLY = new Set(["authentication-kubeconfig", "authentication-skip-lookup", "authentication-tolerate-lookup-failure", "authorization-always-allow-paths", "authorization-kubeconfig"]);

/** LIBRARY_FLAGS: k8s.io/apiserver's generic options, dated per tag. */
const LIBRARY_FLAGS: readonly KnownFlag[] = [
  { flag: "admission-control-config-file" },
  { flag: "advertise-address" },
  { flag: "audit-dynamic-configuration", removedIn: "1.19" },
  { flag: "audit-log-compress", since: "1.20" },
  { flag: "audit-log-format" },
  { flag: "audit-log-maxage" },
  { flag: "audit-log-maxbackup" },
  { flag: "audit-log-maxsize" },
  { flag: "audit-log-path" },
  { flag: "audit-log-version" },
  { flag: "audit-policy-file" },
  { flag: "audit-webhook-batch-initial-backoff" },
  { flag: "audit-webhook-config-file" },
  { flag: "audit-webhook-initial-backoff" },
  { flag: "audit-webhook-version" },
  { flag: "cors-allowed-origins" },
  { flag: "debug-socket-path", since: "1.27" },
  { flag: "default-watch-cache-size" },
  { flag: "delete-collection-workers" },
  { flag: "deserialization-cache-size", removedIn: "1.24" },
  { flag: "disable-admission-plugins" },
  { flag: "egress-selector-config-file" },
  { flag: "emulation-forward-compatible", since: "1.33" },
  { flag: "enable-admission-plugins" },
  { flag: "enable-inflight-quota-handler", removedIn: "1.18" },
  { flag: "enable-priority-and-fairness", since: "1.18" },
  { flag: "enable-swagger-ui", removedIn: "1.24" },
  { flag: "encryption-provider-config" },
  { flag: "encryption-provider-config-automatic-reload", since: "1.26" },
  { flag: "etcd-cafile" },
  { flag: "etcd-certfile" },
  { flag: "etcd-compaction-interval" },
  { flag: "etcd-count-metric-poll-period" },
  { flag: "etcd-db-metric-poll-interval", since: "1.19" },
  { flag: "etcd-healthcheck-timeout", since: "1.20" },
  { flag: "etcd-keyfile" },
  { flag: "etcd-prefix" },
  { flag: "etcd-readycheck-timeout", since: "1.25" },
  { flag: "etcd-servers" },
  { flag: "etcd-servers-overrides" },
  { flag: "experimental-encryption-provider-config", removedIn: "1.24" },
  { flag: "external-hostname" },
  { flag: "goaway-chance", since: "1.18" },
  { flag: "lease-reuse-duration-seconds", since: "1.21" },
  { flag: "livez-grace-period" },
  { flag: "master-service-namespace", removedIn: "1.27" },
  { flag: "max-mutating-requests-inflight" },
  { flag: "max-requests-inflight" },
  { flag: "min-request-timeout" },
  { flag: "profiling" },
  { flag: "request-timeout" },
  { flag: "runtime-config" },
  { flag: "runtime-config-emulation-forward-compatible", since: "1.33" },
  { flag: "shutdown-delay-duration" },
  { flag: "shutdown-send-retry-after", since: "1.23" },
  { flag: "shutdown-watch-termination-grace-period", since: "1.27" },
  { flag: "storage-backend" },
  { flag: "storage-initialization-timeout", since: "1.31" },
  { flag: "storage-media-type" },
  { flag: "strict-transport-security-directives", since: "1.21" },
  { flag: "target-ram-mb", removedIn: "1.24" },
  { flag: "tracing-config-file", since: "1.22" },
  { flag: "watch-cache" },
  { flag: "watch-cache-sizes" },
  // the audit backends' batch and truncate options, for the log and the webhook backend (audit-%s-...)
  ...["log", "webhook"].flatMap((backend): KnownFlag[] =>
    ["batch-buffer-size", "batch-max-size", "batch-max-wait", "batch-throttle-burst", "batch-throttle-enable", "batch-throttle-qps", "mode", "truncate-enabled", "truncate-max-batch-size", "truncate-max-event-size"].map(
      (o) => ({ flag: `audit-${backend}-${o}` }),
    ),
  ),
  // the insecure listener (kube-apiserver registers them up to 1.23; --insecure-port accepts only 0 from 1.20)
  { flag: "address", removedIn: "1.24" },
  { flag: "insecure-bind-address", removedIn: "1.24" },
  { flag: "insecure-port", removedIn: "1.24" },
  { flag: "port", removedIn: "1.24" },
];

/** APISERVER_OWN_FLAGS: kube-apiserver's own options (authentication, authorization, kubelet, service accounts, misc). */
const APISERVER_OWN_FLAGS: readonly KnownFlag[] = [
  // authentication
  { flag: "anonymous-auth" },
  { flag: "api-audiences" },
  { flag: "authentication-config", since: "1.29" },
  { flag: "authentication-token-webhook-config-file" },
  { flag: "authentication-token-webhook-version" },
  { flag: "basic-auth-file", removedIn: "1.19" },
  { flag: "enable-bootstrap-token-auth" },
  { flag: "oidc-ca-file" },
  { flag: "oidc-client-id" },
  { flag: "oidc-groups-claim" },
  { flag: "oidc-groups-prefix" },
  { flag: "oidc-issuer-url" },
  { flag: "oidc-required-claim" },
  { flag: "oidc-signing-algs" },
  { flag: "oidc-username-claim" },
  { flag: "oidc-username-prefix" },
  { flag: "service-account-extend-token-expiration" },
  { flag: "service-account-issuer" },
  { flag: "service-account-jwks-uri" },
  { flag: "service-account-key-file" },
  { flag: "service-account-lookup" },
  { flag: "service-account-max-token-expiration" },
  { flag: "service-account-signing-key-file" },
  { flag: "token-auth-file" },
  // authorization
  { flag: "authorization-config", since: "1.29" },
  { flag: "authorization-mode" },
  { flag: "authorization-policy-file" },
  { flag: "authorization-webhook-config-file" },
  { flag: "authorization-webhook-version" },
  // admission (the deprecated list flag, and DefaultTolerationSeconds' flags)
  { flag: "admission-control" },
  { flag: "default-not-ready-toleration-seconds" },
  { flag: "default-unreachable-toleration-seconds" },
  // kubelets, the aggregator, endpoints
  { flag: "aggregator-reject-forwarding-redirect" },
  { flag: "allow-privileged" },
  { flag: "apiserver-count" },
  { flag: "enable-aggregator-routing" },
  { flag: "endpoint-reconciler-type" },
  { flag: "event-ttl" },
  { flag: "kubelet-certificate-authority" },
  { flag: "kubelet-client-certificate" },
  { flag: "kubelet-client-key" },
  { flag: "kubelet-https", removedIn: "1.22" },
  { flag: "kubelet-preferred-address-types" },
  { flag: "kubelet-timeout" },
  { flag: "max-connection-bytes-per-sec" },
  { flag: "proxy-client-cert-file" },
  { flag: "proxy-client-key-file" },
  { flag: "service-cluster-ip-range" },
  { flag: "service-node-port-range" },
  // misc
  { flag: "cloud-config" },
  { flag: "cloud-provider" },
  { flag: "enable-logs-handler" },
  { flag: "identity-lease-duration-seconds" },
  { flag: "identity-lease-renew-interval-seconds" },
  { flag: "peer-advertise-ip", since: "1.28" },
  { flag: "peer-advertise-port", since: "1.28" },
  { flag: "peer-ca-file", since: "1.28" },
];

/** KNOWN_FLAGS: every flag name kube-apiserver is known to accept; names are unique. */
export const KNOWN_FLAGS: readonly KnownFlag[] = [
  ...COMMON_KNOWN_FLAGS.filter((f) => !DELEGATED_ONLY.has(f.flag) && !f.flag.startsWith("leader-elect")),
  ...LIBRARY_FLAGS.filter((f) => !COMMON_KNOWN_FLAGS.some((c) => c.flag === f.flag)),
  ...APISERVER_OWN_FLAGS,
];
