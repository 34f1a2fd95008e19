// What dockerd's create route does for older clients before the daemon sees the body: fields a client could
// not have meant (added in a later API version) are refused rather than half-honoured, and read-only mounts
// keep the non-recursive meaning they had before API 1.44.
import { invalid } from '../../lib/errors.js';
import { compareVersions } from '../http-util.js';

interface CreateBodyView {
  HostConfig?: { Mounts?: Array<{ Type?: string; BindOptions?: { ReadOnlyForceRecursive?: boolean } | null; VolumeOptions?: { Subpath?: string } | null }> | null } | null;
  NetworkingConfig?: { EndpointsConfig?: Record<string, unknown> | null } | null;
}

export function adaptCreateForVersion(body: unknown, apiVersion: string): { defaultReadOnlyNonRecursive: boolean } {
  const b = (body && typeof body === 'object' ? body : {}) as CreateBodyView;
  // A hostile body may carry anything here; the engine's own parsing reports malformed shapes with a 400.
  const mounts = (Array.isArray(b.HostConfig?.Mounts) ? b.HostConfig!.Mounts! : []).filter((m) => m && typeof m === 'object');
  let defaultReadOnlyNonRecursive = false;
  if (compareVersions(apiVersion, '1.44') < 0) {
    defaultReadOnlyNonRecursive = true;
    if (mounts.some((m) => m.Type === 'bind' && m.BindOptions?.ReadOnlyForceRecursive)) {
      throw invalid('BindOptions.ReadOnlyForceRecursive needs API v1.44 or newer');
    }
    const eps = b.NetworkingConfig?.EndpointsConfig;
    const endpoints = eps && typeof eps === 'object' ? Object.keys(eps) : [];
    if (endpoints.length > 1) throw invalid(`Container cannot be created with multiple network endpoints: ${endpoints.join(', ')}`);
  }
  if (compareVersions(apiVersion, '1.45') < 0 && mounts.some((m) => m.VolumeOptions?.Subpath)) {
    throw invalid('VolumeOptions.Subpath needs API v1.45 or newer');
  }
  return { defaultReadOnlyNonRecursive };
}
