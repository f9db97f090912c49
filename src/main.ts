// `npm start`: runs the helpdesk with its embedded SQLite database, and the channels that are configured.
import { emailConfigFromEnv } from '../channels/email/config.ts';
import { sipConfigFromEnv } from '../channels/sip/config.ts';
import { whatsappConfigFromEnv } from '../channels/whatsapp/config.ts';
import { useScopeModel } from '../routing/scope/index.ts';
import { loadConfig } from './config.ts';
import { Vic } from './app.ts';
import { loadDemo } from './demo.ts';

// Every configuration problem stops start-up with one line naming the variable.
function configure() {
  try {
    const config = loadConfig();
    // A wrong appeal-filter model would misfile citizens' messages: refuse to start rather than guess.
    useScopeModel(config.SCOPE_MODEL_FILE || undefined);
    const channels = {
      email: emailConfigFromEnv(),
      whatsapp: whatsappConfigFromEnv(process.env, config.DATA_DIR),
      sip: sipConfigFromEnv(),
    };
    // Demo citizens must never be written to: demo data and a real channel never run together.
    const configured = [
      channels.email && 'EMAIL_IMAP_HOST',
      channels.whatsapp && 'WHATSAPP_ENABLED',
      channels.sip && 'SIP_DRACHTIO_HOST',
    ].filter(Boolean);
    if (config.VIC_DEMO && configured.length) {
      throw new Error(
        `config: VIC_DEMO=1 cannot run with a channel configured (${configured.join(', ')}): unset VIC_DEMO or the channel's variables`,
      );
    }
    return { config, ...channels };
  } catch (e) {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  }
}

const { config, email, whatsapp, sip } = configure();
const vic = new Vic({ config });
const port = await vic.listen();
if (vic.generatedAdminPassword) {
  process.stdout.write(
    `\nFirst start: user "admin" was created with password ${vic.generatedAdminPassword}\n(set ADMIN_PASSWORD to choose it; change it in the console)\n\n`,
  );
}
if (config.VIC_DEMO) {
  const demo = await loadDemo(vic);
  if (demo)
    process.stdout.write(`Demo data loaded: ${demo.tickets} tickets; users ${demo.logins.join(', ')} with password ${demo.password}\n`);
}
vic.log.info({ port, dataDir: config.DATA_DIR }, 'VIC is listening');
// Channels connect in the background: one that is down is shown as such and never blocks the console. Their
// libraries (IMAP and mail parsing, WhatsApp Web, SIP) load only when configured, after the console answers.
if (email) void import('../channels/email/index.ts').then((m) => vic.addChannel(m.createEmailChannel(email)));
if (whatsapp) void import('../channels/whatsapp/index.ts').then((m) => vic.addChannel(m.createWhatsappChannel(whatsapp)));
if (sip) void import('../channels/sip/index.ts').then((m) => vic.addChannel(m.createSipChannel(sip)));

for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    vic.log.info({ sig }, 'shutting down');
    void vic.close().then(() => process.exit(0));
  });
}
