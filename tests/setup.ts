import { afterAll, afterEach } from 'vitest';
import { closeServed, removeTempDirs } from './helpers.ts';

afterEach(closeServed);
afterAll(removeTempDirs);
