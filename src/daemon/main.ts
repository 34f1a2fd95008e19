#!/usr/bin/env node
// berthd: loads configuration, builds the engine, serves the Engine API, and shuts down cleanly on signals.
import { promises as fs } from 'node:fs';
import { dirname } from 'node:path';
import { loadConfig, ConfigError, USAGE } from './config-load.js';
import { createLogger } from '../lib/logger.js';
import { createEngine } from '../engine/engine.js';
import { buildRouter } from '../api/index.js';
import { startApiServer } from '../api/server.js';
import { BERTH_VERSION } from '../api/routes/system.js';
import { errorMessage } from '../lib/errors.js';

async function main(): Promise<number> {
  let loaded;
  try {
    loaded = loadConfig(process.argv.slice(2));
  } catch (e) {
    if (e instanceof ConfigError) { process.stderr.write(`berthd: ${e.message}\n`); return 1; }
    throw e;
  }
  if (loaded.help) { process.stdout.write(USAGE); return 0; }
  if (loaded.version) { process.stdout.write(`berthd version ${BERTH_VERSION}\n`); return 0; }
  const config = loaded.config;
  const logger = createLogger(config.logLevel);
  if (process.getuid && process.getuid() !== 0) { logger.error('berthd needs to be started with root privileges'); return 1; }
  await claimPidfile(config.pidfile);
  logger.info('starting berthd', { version: BERTH_VERSION, dataRoot: config.dataRoot, execRoot: config.execRoot, hosts: config.hosts });
  const engine = await createEngine(config, logger);
  const server = await startApiServer(buildRouter(engine), config.hosts, {
    logger, group: config.group,
    tls: config.tls ? { cert: config.tlsCert, key: config.tlsKey, ca: config.tlsCaCert || undefined, verify: config.tlsVerify } : undefined,
  });
  engine.events.publish('daemon', 'start', engine.id, { name: 'berthd' });
  logger.info('API listening', { hosts: config.hosts });
  let stopping = false;
  const stop = async (sig: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal: sig });
    await server.close().catch(() => undefined);
    await engine.shutdown().catch((e) => logger.error('shutdown failed', { err: errorMessage(e) }));
    await fs.rm(config.pidfile, { force: true });
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGPIPE', () => undefined);
  return -1; // keep running
}

/** Refuses to start when another live daemon owns the pidfile. */
async function claimPidfile(path: string): Promise<void> {
  try {
    const pid = Number((await fs.readFile(path, 'utf8')).trim());
    if (pid && pid !== process.pid) {
      try { process.kill(pid, 0); throw new ConfigError(`pid file found, ensure berthd is not running or delete ${path}`); } catch (e) {
        if (e instanceof ConfigError) throw e;
      }
    }
  } catch (e) {
    if (e instanceof ConfigError) throw e;
  }
  await fs.mkdir(dirname(path), { recursive: true });
  await fs.writeFile(path, String(process.pid));
}

main().then((code) => { if (code >= 0) process.exit(code); }, (e) => {
  process.stderr.write(`berthd: ${e instanceof ConfigError ? e.message : (e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
