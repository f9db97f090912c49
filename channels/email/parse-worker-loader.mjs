// Entry of the e-mail parse workers (parse-pool.ts). A worker thread starts without the TypeScript loader of the
// process that made it (vitest's, or tsx's under `npm start`): tsx's scoped import loads the TypeScript worker.
import { tsImport } from 'tsx/esm/api';

const worker = await tsImport('./parse-worker.ts', import.meta.url);

export const normalize = worker.normalize;
