// The packages the built CLI loads from vendor bundles (dist/vendor/*.cjs, with V8's code cache),
// each only on the path that needs it: the large ones. A bundle holds packages that must share
// one copy (pkijs checks asn1js objects by class).

/** VendorBundle: one dist/vendor bundle and the packages it exports, each under its own name. */
export interface VendorBundle {
  bundle: string;
  packages: readonly string[];
}

export const VENDORS: readonly VendorBundle[] = [
  { bundle: "x509", packages: ["pkijs", "asn1js"] },
  { bundle: "archiver", packages: ["archiver"] },
  { bundle: "yaml", packages: ["yaml"] },
  { bundle: "yargs", packages: ["yargs"] },
  { bundle: "tar", packages: ["tar"] },
];
