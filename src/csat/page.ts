// The survey page the e-mail's links open: public (the signed token is the only key), no JavaScript, HTML written
// here with every value escaped, and its own strict CSP (no script at all; its one style block by nonce).
// GET shows the form with the score of the link chosen (a mail scanner that opens every link rates nothing);
// POST records the rating and comment once. A forged, expired or spent token gets a page saying so in Kazakh and
// Russian and changes nothing.
//
// No rate limit: a forged token is refused after one HMAC, before any read; a valid one costs one read by
// primary key, and its one write happens once. Bodies are capped at 8 kB.
import crypto from 'node:crypto';
import express, { Router, type Response } from 'express';
import { z } from 'zod';
import type { Clock } from '../clock.ts';
import type { EventBus } from '../events.ts';
import type { Store } from '../store/index.ts';
import * as db from './store.ts';
import { SCORE_LABELS, langsOf, pageText, type SurveyLang } from './texts.ts';
import { checkToken } from './token.ts';

const COMMENT_MAX = 2000;

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const STYLE = `body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem;color:#1d2733}
h1{font-size:1.3rem}p{margin:.5rem 0}fieldset{border:1px solid #ccd;border-radius:6px;margin:1rem 0}
label{display:block;padding:.25rem 0}textarea{width:100%;min-height:6rem;font:inherit}
button{font:inherit;padding:.5rem 1.5rem}.note{color:#555}`;

function send(res: Response, status: number, lang: SurveyLang, body: string) {
  const nonce = crypto.randomBytes(16).toString('base64');
  res.setHeader(
    'Content-Security-Policy',
    `default-src 'none'; style-src 'nonce-${nonce}'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
  );
  res.setHeader('Cache-Control', 'no-store');
  const title = pageText(lang, 'title').join(' / ');
  res
    .status(status)
    .type('html')
    .send(
      `<!doctype html><html lang="${lang === 'ru' ? 'ru' : 'kk'}"><head><meta charset="utf-8">` +
        `<meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex">` +
        `<title>${escape(title)}</title><style nonce="${nonce}">${STYLE}</style></head><body><h1>${escape(title)}</h1>${body}</body></html>`,
    );
}

const paragraphs = (lines: string[], cls = '') => lines.map((l) => `<p${cls ? ` class="${cls}"` : ''}>${escape(l)}</p>`).join('');

function form(token: string, survey: db.CsatSurvey, ref: string, chosen: number | null, problem = false): string {
  const lang = survey.language as SurveyLang;
  const langs = langsOf(lang);
  const scores = [5, 4, 3, 2, 1] as const;
  const radios = scores
    .map(
      (s) =>
        `<label><input type="radio" name="score" value="${s}" required${s === chosen ? ' checked' : ''}> ${s} — ${escape(
          langs.map((l) => SCORE_LABELS[l][s]).join(' / '),
        )}</label>`,
    )
    .join('');
  return (
    paragraphs(pageText(lang, 'ask', ref)) +
    (problem ? paragraphs(pageText(lang, 'invalid'), 'note') : '') +
    `<form method="post" action="/csat/${escape(encodeURIComponent(token))}"><fieldset>${radios}</fieldset>` +
    `<label for="comment">${escape(pageText(lang, 'comment').join(' / '))}</label>` +
    `<textarea id="comment" name="comment" maxlength="${COMMENT_MAX}"></textarea>` +
    `<p><button type="submit">${escape(pageText(lang, 'submit').join(' / '))}</button></p></form>`
  );
}

const postSchema = z.object({
  score: z.coerce.number().int().min(1).max(5),
  comment: z.string().max(COMMENT_MAX).optional(),
});

export function csatPage(deps: { store: Store; clock: Clock; events: EventBus; secret: string | undefined }): Router {
  const { store, clock } = deps;
  const r = Router();
  r.use(express.urlencoded({ extended: false, limit: '8kb', parameterLimit: 10 }));

  /** The survey behind a valid token, or the page that says why there is none. */
  const open = (token: string, res: Response): db.CsatSurvey | undefined => {
    const check = deps.secret ? checkToken(deps.secret, token, clock.now()) : ({ ok: false, reason: 'forged' } as const);
    const survey = check.ok ? db.getSurvey(store, check.surveyId) : undefined;
    if (!check.ok || !survey) {
      const reason = check.ok ? 'forged' : check.reason;
      send(res, reason === 'expired' ? 410 : 403, 'mixed', paragraphs(pageText('mixed', reason)));
      return undefined;
    }
    if (survey.score !== null) {
      send(res, 409, 'mixed', paragraphs(pageText('mixed', 'used')));
      return undefined;
    }
    return survey;
  };
  const refOf = (survey: db.CsatSurvey) => store.getTicket(survey.ticketId)?.ref ?? '';

  r.get('/:token', (req, res) => {
    const survey = open(req.params.token, res);
    if (!survey) return;
    const s = Number(req.query.s);
    send(res, 200, survey.language as SurveyLang, form(req.params.token, survey, refOf(survey), s >= 1 && s <= 5 ? s : null));
  });

  r.post('/:token', (req, res) => {
    const survey = open(req.params.token, res);
    if (!survey) return;
    const body = postSchema.safeParse(req.body ?? {});
    if (!body.success) {
      send(res, 400, survey.language as SurveyLang, form(req.params.token, survey, refOf(survey), null, true));
      return;
    }
    const now = clock.now();
    const comment = body.data.comment?.trim() || null;
    const done = store.tx(() => {
      return db.recordRating(store, survey, { score: body.data.score, comment, via: 'page', externalId: null, now });
    });
    const lang = survey.language as SurveyLang;
    if (!done) return send(res, 409, 'mixed', paragraphs(pageText('mixed', 'used')));
    deps.events.emit({ type: 'csat.changed', ticket: store.getTicket(survey.ticketId)! });
    send(res, 200, lang, paragraphs(pageText(lang, 'thanks')));
  });
  return r;
}
