// Types of scripts/kube-apiserver.mjs, for test/helpers/kube-apiserver.ts.
export declare const ROOT: string;
export declare const MODULE_DIR: string;
export declare const CACHE_DIR: string;
export declare function kubernetesVersion(): { gitVersion: string; major: string; minor: string };
export declare function sourceHash(): string;
export declare function binaryPath(hash?: string): string;
export declare function failureLog(hash?: string): string;
export declare function goVersion(): string | undefined;
export interface BuildResult {
  status: 'cached' | 'built' | 'failed' | 'no-go';
  path: string;
  seconds?: number;
  reason?: string;
}
export declare function ensureBuilt(opts?: { force?: boolean; log?: (line: string) => void; quiet?: boolean }): BuildResult;
export interface KindNames {
  group: string;
  version: string;
  readVersions?: readonly string[];
  kind: string;
  plural: string;
  singular: string;
  shortNames?: readonly string[];
}
export declare function kindCrd(k: KindNames): object;
export declare function registerCrds(
  request: (method: string, path: string, body?: object) => Promise<{ status: number; body: string; json(): any }>,
  crds: object[],
  timeoutMs?: number,
): Promise<void>;
