// The child of tests/integration/queue-crash.test.ts: random ticket changes, 50 to a transaction, until it is
// killed. Says "ready" once the first transaction is committed.
import { Store } from '../../src/store/index.ts';
import { random, randomOp, type World } from './queue-ops.ts';

const [dir, world, seed] = process.argv.slice(2);
const store = Store.open(dir);
const w = JSON.parse(world) as World;
const r = random(Number(seed));
let now = Date.parse('2026-12-01T05:00:00Z') + Number(seed) * 1e6;
for (let n = 0; ; n++) {
  store.tx(() => {
    for (let i = 0; i < 50; i++) randomOp(store, w, r, now++);
  });
  if (n === 0) process.stdout.write('ready\n');
}
