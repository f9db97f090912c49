import { describe, expect, it } from 'vitest';
import { emailConfigFromEnv } from '../../channels/email/index.ts';

const base = {
  EMAIL_IMAP_HOST: 'imap.sud.kz',
  EMAIL_IMAP_USER: 'vic@sud.kz',
  EMAIL_IMAP_PASSWORD: 'imap-secret',
  EMAIL_SMTP_HOST: 'smtp.sud.kz',
  EMAIL_FROM: 'ВИЦ судов СКО <VIC@sud.kz>',
};

describe('e-mail configuration', () => {
  it('is off (null) without EMAIL_IMAP_HOST, even when other e-mail variables are set', () => {
    expect(emailConfigFromEnv({})).toBeNull();
    expect(emailConfigFromEnv({ EMAIL_IMAP_HOST: '', EMAIL_FROM: 'x' })).toBeNull();
  });

  it('fills in defaults: TLS IMAP on 993, STARTTLS submission on 587, INBOX, 20 MB of attachments', () => {
    expect(emailConfigFromEnv(base)).toMatchObject({
      imap: { host: 'imap.sud.kz', port: 993, security: 'tls', mailbox: 'INBOX', markSeen: false },
      smtp: { host: 'smtp.sud.kz', port: 587, security: 'starttls' },
      from: 'ВИЦ судов СКО <VIC@sud.kz>',
      address: 'vic@sud.kz',
      attachmentsMaxBytes: 20 * 1024 * 1024,
    });
    expect(emailConfigFromEnv(base)!.court).toBeUndefined();
  });

  it('reads every variable', () => {
    const cfg = emailConfigFromEnv({
      ...base,
      EMAIL_IMAP_PORT: '1143',
      EMAIL_IMAP_SECURE: 'starttls',
      EMAIL_IMAP_MAILBOX: 'Обращения',
      EMAIL_IMAP_MARK_SEEN: '1',
      EMAIL_IMAP_MOVE_TO: 'Done',
      EMAIL_SMTP_PORT: '465',
      EMAIL_SMTP_SECURE: 'true',
      EMAIL_SMTP_USER: 'vic',
      EMAIL_SMTP_PASSWORD: 'smtp-secret',
      EMAIL_SMTP_CONNECTIONS: '4',
      EMAIL_COURT: 'sko-econ',
      EMAIL_ATTACHMENTS_MAX_BYTES: '1000',
      EMAIL_FROM: 'vic@sud.kz',
    })!;
    expect(cfg.imap).toMatchObject({ port: 1143, security: 'starttls', mailbox: 'Обращения', markSeen: true, moveTo: 'Done' });
    expect(cfg.smtp).toEqual({ host: 'smtp.sud.kz', port: 465, security: 'tls', user: 'vic', password: 'smtp-secret', connections: 4 });
    expect(cfg).toMatchObject({ court: 'sko-econ', attachmentsMaxBytes: 1000, address: 'vic@sud.kz' });
    expect(emailConfigFromEnv({ ...base, EMAIL_IMAP_SECURE: 'false', EMAIL_SMTP_SECURE: 'false' })).toMatchObject({
      imap: { port: 143, security: 'plain' },
      smtp: { port: 25, security: 'plain', connections: 8 },
    });
  });

  it('stops with one line naming the bad variable', () => {
    const bad = (env: Record<string, string>) => {
      try {
        emailConfigFromEnv({ ...base, ...env });
      } catch (e) {
        return (e as Error).message;
      }
      return 'no error';
    };
    expect(bad({ EMAIL_IMAP_PORT: 'imap' })).toMatch(/^config: EMAIL_IMAP_PORT /);
    expect(bad({ EMAIL_IMAP_SECURE: 'yes' })).toBe('config: EMAIL_IMAP_SECURE must be true, false or starttls');
    expect(bad({ EMAIL_IMAP_PASSWORD: '' })).toBe('config: EMAIL_IMAP_PASSWORD is required when EMAIL_IMAP_HOST is set');
    expect(bad({ EMAIL_SMTP_HOST: '' })).toBe('config: EMAIL_SMTP_HOST is required when EMAIL_IMAP_HOST is set');
    expect(bad({ EMAIL_FROM: '' })).toBe('config: EMAIL_FROM is required when EMAIL_IMAP_HOST is set');
    expect(bad({ EMAIL_FROM: 'ВИЦ <not an address>' })).toMatch(/^config: EMAIL_FROM must be an e-mail address/);
    expect(bad({ EMAIL_SMTP_USER: 'vic' })).toBe('config: EMAIL_SMTP_PASSWORD is required when EMAIL_SMTP_USER is set');
    expect(bad({ EMAIL_ATTACHMENTS_MAX_BYTES: '-5' })).toMatch(/^config: EMAIL_ATTACHMENTS_MAX_BYTES /);
    for (const msg of [bad({ EMAIL_IMAP_PORT: 'imap' }), bad({ EMAIL_IMAP_SECURE: 'yes' })]) expect(msg).not.toContain('\n');
  });
});
