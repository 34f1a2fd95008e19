// The volume service's records. A volume is a directory <data-root>/volumes/<name>/_data with its metadata in
// <data-root>/volumes/<name>/volume.json (written atomically); the local driver may mount a device over _data.

export interface VolumeRecord {
  name: string;
  driver: 'local';
  /** RFC3339 to the second, as Docker prints it. */
  createdAt: string;
  labels: Record<string, string> | null;
  /** The local driver's options (type, device, o, size) or null. */
  options: Record<string, string> | null;
  /** Created for a container (image VOLUME, `-v /path`, `--mount type=volume` without source). */
  anonymous: boolean;
}

export const ANONYMOUS_LABEL = 'com.docker.volume.anonymous';

/** What a container mount needs from a volume: the host path and a release handle. */
export interface VolumeMount { path: string; release(): Promise<void> }
