// client-go's leader election as its --leader-elect-* flags set it: the durations a component's flags may override, and
// the lock types client-go knows with the object each keeps the leader in.

/** LEADER_ELECTION_FLAGS: the leader-election durations an extraArgs entry may override. */
export const LEADER_ELECTION_FLAGS = ["leader-elect-lease-duration", "leader-elect-renew-deadline", "leader-elect-retry-period"] as const;

/** RESOURCE_LOCKS: the --leader-elect-resource-lock values client-go knows, and the object each keeps the leader in
 *  (a hybrid writes both; the Lease is read). ConfigMap locks: null, check-ha.sh reads Leases and Endpoints only. */
export const RESOURCE_LOCKS: Readonly<Record<string, "lease" | "endpoints" | null>> = {
  leases: "lease",
  endpoints: "endpoints",
  endpointsleases: "lease",
  configmaps: null,
  configmapsleases: "lease",
};

/** CHECK_HA_MAX_WAIT: the longest handover wait check-ha.sh takes, in seconds (its --timeout has at most 5 digits). */
export const CHECK_HA_MAX_WAIT = 99_999;
