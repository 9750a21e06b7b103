// out/.gitignore: every secret stays out of Git; the rest of out/ is meant for review.

/** GITIGNORE: patterns for private keys and secrets, files embedding one (kubeconfigs, the encryption configuration) and
 *  tarballs (they hold both). */
export const GITIGNORE = `# Written by kubebundle. Keeps every secret out of Git:
# private keys (the service-account key sa.key too), the encryption-at-rest key and
# the configuration that holds it, kubeconfigs (they embed a key), the node tarballs
# (they hold all of these) and the admin credentials (cluster-admin: they never leave
# the admin host). Certificates, sa.pub, units, scripts, SHA256SUMS and manifest.json
# are meant to be committed.
*-key.pem
*.key
encryption-config.yaml
*.kubeconfig
*.tar.gz
/bundles/
/admin/
`;
