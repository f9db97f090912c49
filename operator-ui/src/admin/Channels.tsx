// Channel status: health (live), the WhatsApp pairing QR while pairing, and the channel's admin commands. Why a
// channel is in its state reads in the interface language (from its reason code); the adapter's own words (a
// provider's English error) are for IT, folded under "details".
import { useEffect, useState } from 'react';
import { api, type ChannelHealth, type ChannelInfo } from '../api.ts';
import { courtTime } from '../format.ts';
import { isKey, useI18n, type T } from '../i18n.tsx';
import { accountLabel, channelLabel } from '../labels.ts';
import { useLive, useServerEvent } from '../realtime.tsx';
import { ErrorLine } from '../ui.tsx';
import { useAction } from '../util.ts';

/** Only inline raster images are shown; anything else in `qr` is not an image we trust. */
const QR_IMAGE = /^data:image\/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/=]+$/;

/** Known commands get a translated label; a channel's own new command shows under its name. */
const commandLabel = (t: T, cmd: string) => (cmd === 'restart' || cmd === 'logout' ? t(`command.${cmd}`) : cmd);

/** The sentence for a reason code; none for a code this console does not know yet (its words stay under "details"). */
function reasonText(t: T, code: string | undefined): string | null {
  const key = `cleanup.health.${code}`;
  return code && isKey(key) ? t(key) : null;
}

/** WhatsApp's last failure (channels/whatsapp: details.lastProblem), when it has that shape. */
function lastProblemOf(v: unknown): { code: string | undefined; reason: string; at: number } | null {
  const p = v as { code?: unknown; reason?: unknown; at?: unknown } | null | undefined;
  return p && typeof p.reason === 'string' && typeof p.at === 'number'
    ? { code: typeof p.code === 'string' ? p.code : undefined, reason: p.reason, at: p.at }
    : null;
}

/** A fact of the channel's details, worded for the card. */
function factText(t: T, key: string, v: unknown): string {
  if (key === 'nextRetryAt' && typeof v === 'number') return courtTime(v);
  if (key === 'lastProblem') {
    const p = lastProblemOf(v);
    if (p) return [reasonText(t, p.code), courtTime(p.at)].filter(Boolean).join(', ');
  }
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** The adapter's own words, for the IT person: folded, in the language they came in. */
function RawHealth({ health }: { health: ChannelHealth }) {
  const { t } = useI18n();
  const problem = lastProblemOf(health.details?.lastProblem);
  if (!health.reason && !problem) return null;
  return (
    <details className="health-raw" data-health-raw>
      <summary>{t('cleanup.details')}</summary>
      <dl>
        {health.reason && (
          <div>
            <dt>{t('cleanup.detailsNow')}</dt>
            <dd>
              <code>{health.reason}</code>
            </dd>
          </div>
        )}
        {problem && (
          <div>
            <dt>{accountLabel(t, 'lastProblem')}</dt>
            <dd>
              <code>{problem.reason}</code>
            </dd>
          </div>
        )}
      </dl>
    </details>
  );
}

export function AdminChannels() {
  const { t } = useI18n();
  const { epoch } = useLive();
  const [channels, setChannels] = useState<ChannelInfo[] | null>(null);
  const { error, run } = useAction();
  const [notice, setNotice] = useState<string | null>(null);

  useEffect(() => {
    void run(async () => setChannels((await api.get<{ items: ChannelInfo[] }>('/api/channels')).items));
  }, [epoch]);
  useServerEvent('channel.health', ({ channel, health }) => {
    setChannels((cs) => cs && cs.map((c) => (c.name === channel ? { ...c, health } : c)));
  });

  const command = (name: string, cmd: string) => {
    setNotice(null);
    return run(async () => {
      await api.post(`/api/channels/${encodeURIComponent(name)}/${encodeURIComponent(cmd)}`);
      setNotice(t('channels.done', { command: commandLabel(t, cmd) }));
    });
  };

  return (
    <main className="admin" aria-labelledby="channels-title">
      <h1 id="channels-title">{t('admin.channels')}</h1>
      <ErrorLine error={error} />
      {notice && (
        <p role="status" className="notice">
          {notice}
        </p>
      )}
      {channels === null ? (
        <p className="muted">{t('loading')}</p>
      ) : channels.length === 0 ? (
        <p className="placeholder">{t('channels.none')}</p>
      ) : (
        <div className="channel-cards">
          {channels.map((c) => {
            const { qr, ...details } = c.health.details ?? {};
            const why = reasonText(t, c.health.code);
            return (
              <section key={c.name} className={`card channel health-${c.health.state}`} aria-labelledby={`ch-${c.name}`}>
                <h2 id={`ch-${c.name}`}>{channelLabel(t, c.name)}</h2>
                <p>
                  <span className={`badge health-${c.health.state}`}>{t(`health.${c.health.state}`)}</span>{' '}
                  <span className="muted">{t('channels.since', { time: courtTime(c.health.since) })}</span>
                </p>
                {why && (
                  <p className="reason" data-health-reason={c.health.code}>
                    {why}
                  </p>
                )}
                {typeof qr === 'string' && QR_IMAGE.test(qr) && (
                  <figure className="qr">
                    <img src={qr} alt={t('channels.qrAlt')} width={264} height={264} />
                    <figcaption>{t('channels.qr')}</figcaption>
                  </figure>
                )}
                {Object.keys(details).length > 0 && (
                  <dl className="details" data-health-facts>
                    {Object.entries(details).map(([k, v]) => (
                      <div key={k}>
                        <dt>{accountLabel(t, k)}</dt>
                        <dd>{factText(t, k, v)}</dd>
                      </div>
                    ))}
                  </dl>
                )}
                <RawHealth health={c.health} />
                <div className="action-row">
                  {c.commands.map((cmd) => (
                    <button key={cmd} type="button" onClick={() => void command(c.name, cmd)}>
                      {commandLabel(t, cmd)}
                    </button>
                  ))}
                </div>
              </section>
            );
          })}
        </div>
      )}
    </main>
  );
}
