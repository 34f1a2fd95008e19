// The runtime layer's public surface: the OCI spec builder, the conmon + runc driver and their helpers.
export * from './types.js';
export { createRuntime, type ConmonRuntime, type ConmonRuntimeOptions } from './conmon-runtime.js';
export { buildSpec, buildMounts, buildResources } from './spec.js';
export { buildExecProcess } from './exec-spec.js';
export { containerArgs, type ContainerArgs } from './args.js';
export { probeHost } from './host-info.js';
export { startErrorExitCode, runcMessage } from './runtime-errors.js';
export { parseV1Stats, parseV2Stats } from './cgroup-stats.js';
