// Channel status: health (live), the WhatsApp pairing QR while pairing, and the channel's admin commands.
import { useEffect, useState } from 'react';
import { api, type ChannelInfo } from '../api.ts';
import { courtTime } from '../format.ts';
import { useI18n, type T } from '../i18n.tsx';
import { accountLabel, channelLabel } from '../labels.ts';
import { useLive, useServerEvent } from '../realtime.tsx';
import { ErrorLine } from '../ui.tsx';
import { useAction } from '../util.ts';

/** Only inline raster images are shown; anything else in `qr` is not an image we trust. */
const QR_IMAGE = /^data:image\/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/=]+$/;

/** Known commands get a translated label; a channel's own new command shows under its name. */
const commandLabel = (t: T, cmd: string) => (cmd === 'restart' || cmd === 'logout' ? t(`command.${cmd}`) : cmd);

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
            return (
              <section key={c.name} className={`card channel health-${c.health.state}`} aria-labelledby={`ch-${c.name}`}>
                <h2 id={`ch-${c.name}`}>{channelLabel(t, c.name)}</h2>
                <p>
                  <span className={`badge health-${c.health.state}`}>{t(`health.${c.health.state}`)}</span>{' '}
                  <span className="muted">{t('channels.since', { time: courtTime(c.health.since) })}</span>
                </p>
                {c.health.reason && <p className="reason">{c.health.reason}</p>}
                {typeof qr === 'string' && QR_IMAGE.test(qr) && (
                  <figure className="qr">
                    <img src={qr} alt={t('channels.qrAlt')} width={264} height={264} />
                    <figcaption>{t('channels.qr')}</figcaption>
                  </figure>
                )}
                {Object.keys(details).length > 0 && (
                  <dl className="details">
                    {Object.entries(details).map(([k, v]) => (
                      <div key={k}>
                        <dt>{accountLabel(t, k)}</dt>
                        <dd>{typeof v === 'string' ? v : JSON.stringify(v)}</dd>
                      </div>
                    ))}
                  </dl>
                )}
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
