// `npm start`: runs the helpdesk with its embedded SQLite database.
import { ConfigError, loadConfig } from './config.ts';
import { Vic } from './app.ts';
import { loadDemo } from './demo.ts';

let config;
try {
  config = loadConfig();
} catch (e) {
  if (e instanceof ConfigError) {
    process.stderr.write(`${e.message}\n`);
    process.exit(1);
  }
  throw e;
}

const vic = new Vic({ config });
const port = await vic.listen();
if (vic.generatedAdminPassword) {
  process.stdout.write(`\nFirst start: user "admin" was created with password ${vic.generatedAdminPassword}\n(set ADMIN_PASSWORD to choose it; change it in the console)\n\n`);
}
if (config.VIC_DEMO) {
  const demo = await loadDemo(vic);
  if (demo) process.stdout.write(`Demo data loaded: ${demo.tickets} tickets; users ${demo.logins.join(', ')} with password ${demo.password}\n`);
}
vic.log.info({ port, dataDir: config.DATA_DIR }, 'VIC is listening');

for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    vic.log.info({ sig }, 'shutting down');
    void vic.close().then(() => process.exit(0));
  });
}
