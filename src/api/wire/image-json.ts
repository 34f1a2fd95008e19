// Docker's JSON shapes for images (list summary, inspect, history).
import type { Image } from '../../engine/images/types.js';

export function imageSummary(i: Image): Record<string, unknown> {
  return {
    Containers: -1,
    Created: Math.floor(Date.parse(i.created) / 1000) || 0,
    Id: i.id,
    Labels: i.config.Labels ?? {},
    ParentId: i.parent ?? '',
    RepoDigests: i.repoDigests,
    RepoTags: i.repoTags,
    SharedSize: -1,
    Size: i.size,
  };
}

export function inspectImage(i: Image, apiVersion: string): Record<string, unknown> {
  const out: Record<string, unknown> = {
    Id: i.id,
    RepoTags: i.repoTags,
    RepoDigests: i.repoDigests,
    Parent: i.parent ?? '',
    Comment: i.comment ?? '',
    Created: i.created,
    DockerVersion: i.dockerVersion ?? '',
    Author: i.author ?? '',
    Config: {
      Hostname: '', Domainname: '', User: i.config.User ?? '', AttachStdin: false, AttachStdout: false, AttachStderr: false,
      ExposedPorts: i.config.ExposedPorts, Tty: false, OpenStdin: false, StdinOnce: false, Env: i.config.Env ?? null,
      Cmd: i.config.Cmd ?? null, Image: '', Volumes: i.config.Volumes ?? null, WorkingDir: i.config.WorkingDir ?? '',
      Entrypoint: i.config.Entrypoint ?? null, OnBuild: i.config.OnBuild ?? null, Labels: i.config.Labels ?? null,
      StopSignal: i.config.StopSignal, Shell: i.config.Shell, Healthcheck: i.config.Healthcheck,
    },
    Architecture: i.architecture,
    Variant: i.variant,
    Os: i.os,
    Size: i.size,
    GraphDriver: { Data: null, Name: 'overlay2' },
    RootFS: { Type: 'layers', Layers: i.diffIds },
    Metadata: { LastTagTime: '0001-01-01T00:00:00Z' },
  };
  if (Number(apiVersion) < 1.44) out.VirtualSize = i.size;
  return out;
}
