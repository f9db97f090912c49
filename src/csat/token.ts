// The survey page's token: `<survey id>.<expiry, epoch s>.<HMAC-SHA256 of both>`, keyed with CSAT_SECRET. It is
// checked before anything is read, so a forged link costs one HMAC and no database read. Single use is the
// survey's own state (a rating is recorded once), not the token's.
import crypto from 'node:crypto';

export type TokenCheck = { ok: true; surveyId: number } | { ok: false; reason: 'forged' | 'expired' };

function mac(secret: string, surveyId: number, expiresS: number): string {
  return crypto.createHmac('sha256', secret).update(`csat:${surveyId}:${expiresS}`).digest('base64url');
}

export function signToken(secret: string, surveyId: number, expiresAt: number): string {
  const expiresS = Math.floor(expiresAt / 1000);
  return `${surveyId}.${expiresS}.${mac(secret, surveyId, expiresS)}`;
}

export function checkToken(secret: string, token: string, now: number): TokenCheck {
  const m = /^([1-9]\d{0,15})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m) return { ok: false, reason: 'forged' };
  const surveyId = Number(m[1]);
  const expiresS = Number(m[2]);
  const want = Buffer.from(mac(secret, surveyId, expiresS));
  const got = Buffer.from(m[3]);
  if (want.length !== got.length || !crypto.timingSafeEqual(want, got)) return { ok: false, reason: 'forged' };
  if (expiresS * 1000 <= now) return { ok: false, reason: 'expired' };
  return { ok: true, surveyId };
}
