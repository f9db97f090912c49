import { afterEach } from 'vitest';
import { closeServed } from './helpers.ts';

afterEach(closeServed);
