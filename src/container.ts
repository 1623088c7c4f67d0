/**
 * The composition root's entry points, kept here so that imports of `src/container.js` keep working.
 * The bindings live in `src/composition/` (one ContainerModule per feature, plus the infrastructure).
 */
export { buildHttpApp, serveHttp } from "./composition/http-app.js";
export { PG_POOL, REDIS } from "./composition/infrastructure.js";
export { limitsOf } from "./composition/limits.module.js";
export { compose, type Runtime } from "./composition/runtime.js";
export {
  openProjectionQueues,
  PROJECTION_QUEUE,
  startWorkers,
  type WorkerOptions,
} from "./composition/workers.js";
