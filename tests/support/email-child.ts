// A VIC with only the e-mail channel, run as a child process by kill -9 tests (tests/integration/email-crash.test.ts).
// With KILL_AFTER=n it kills itself (SIGKILL) as soon as the n-th message of this run is committed: just where the
// channel used to write its watermark in a transaction of its own.
import { createEmailChannel, type EmailConfig } from '../../channels/email/index.ts';
import { Vic } from '../../src/app.ts';
import { testConfig } from '../../src/config.ts';

const cfg = JSON.parse(process.env.EMAIL_CHILD_CONFIG ?? '') as EmailConfig;
const killAfter = Number(process.env.KILL_AFTER ?? 0);
const vic = new Vic({ config: testConfig({ DATA_DIR: process.env.DATA_DIR, ADMIN_PASSWORD: 'admin-secret-1' }) });
await vic.seed();
let stored = 0;
vic.events.on((e) => {
  if (e.type === 'message.created' && e.message.direction === 'in' && ++stored === killAfter) process.kill(process.pid, 'SIGKILL');
});
await vic.addChannel(createEmailChannel(cfg));
