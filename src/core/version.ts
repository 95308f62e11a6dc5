/** The version printed by `--version` and recorded in manifests; kept equal to package.json by a test. */
export const VERSION = '0.1.0';
