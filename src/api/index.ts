// Builds the route table: one module per resource, each translating HTTP into engine calls.
import { Router } from './router.js';
import type { Engine } from '../engine/engine.js';
import { systemRoutes } from './routes/system.js';
import { containerRoutes } from './routes/containers.js';
import { containerStreamRoutes } from './routes/container-streams.js';
import { containerFsRoutes } from './routes/container-fs.js';
import { execRoutes } from './routes/exec.js';
import { imageRoutes } from './routes/images.js';
import { networkRoutes } from './routes/networks.js';
import { volumeRoutes } from './routes/volumes.js';

export function buildRouter(engine: Engine): Router {
  const r = new Router();
  systemRoutes(r, engine);
  containerRoutes(r, engine);
  containerStreamRoutes(r, engine);
  containerFsRoutes(r, engine);
  execRoutes(r, engine);
  imageRoutes(r, engine);
  networkRoutes(r, engine);
  volumeRoutes(r, engine);
  return r;
}
