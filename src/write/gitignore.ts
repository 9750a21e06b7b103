// out/.gitignore: every secret stays out of Git; the rest of out/ is meant for review.

/** GITIGNORE: patterns for private keys, files embedding a key (kubeconfigs) and tarballs (they hold both). */
export const GITIGNORE = `# Written by kubebundle. Keeps every secret out of Git:
# private keys, kubeconfigs (they embed a key), the node tarballs (they hold both)
# and the admin credentials (cluster-admin: they never leave the admin host).
# Certificates, units, scripts, SHA256SUMS and manifest.json are meant to be committed.
*-key.pem
*.kubeconfig
*.tar.gz
/bundles/
/admin/
`;
