// Cross-origin requests in a real browser (Debian's Chromium): a page served from another port of the same host
// is the same *site*, so Chromium sends the console's SameSite=Strict cookie with what it sends. Signed in as the
// admin, the user opens that page; its form posts, fetches and WebSocket must change and read nothing.
import http from 'node:http';
import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Vic } from '../../src/app.ts';
import { addUser, envelope, makeVic } from '../helpers.ts';
import { Browsers, buildUiIfStale, closeAfterSuite, openSuite, signIn, SUITE_SETUP_MS } from './harness.ts';

let vic: Vic;
let base: string;
let evil: http.Server;
let evilBase: string;
const browsers = new Browsers(() => base);

/** The other site's pages, each built when requested (the console's address is known only once it listens). */
const PAGES: Partial<Record<string, () => string>> = {
  '/resolve': () =>
    `<form method="post" action="${base}/api/tickets/${ticketA}/resolve"></form><script>document.forms[0].submit()</script>`,
  // A text/plain form body can be made to look like CSV: the case directory used to take text/plain.
  '/import': () => `<form method="post" enctype="text/plain" action="${base}/api/case-assignments">
    <input type="hidden" name="case_number,court,judge,specialist_login&#10;7599-24-00-2A/8554,sko-regional,X,clerk&#10;x" value="y">
  </form><script>document.forms[0].submit()</script>`,
  '/script': () => `<script>
    window.results = { ws: [] };
    fetch('${base}/api/tickets/${ticketB}/resolve', { method: 'POST', mode: 'no-cors', credentials: 'include' })
      .then(() => (window.results.fetch = 'sent'), () => (window.results.fetch = 'failed'));
    const ws = new WebSocket('${base.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket');
    ws.onopen = () => { window.results.open = true; ws.send('40'); };
    ws.onmessage = (e) => { window.results.ws.push(e.data); if (e.data === '2') ws.send('3'); };
    ws.onclose = () => (window.results.closed = true);
  </script>`,
};
let ticketA = 0;
let ticketB = 0;

beforeAll(async () => {
  buildUiIfStale();
  ({ vic } = await makeVic());
  await addUser(vic, 'clerk', 'specialist');
  ticketA = vic.ingest(envelope({ text: 'Первый вопрос' })).ticketId;
  ticketB = vic.ingest(envelope({ text: 'Второй вопрос', sender: { kind: 'whatsapp', address: '77015550199@c.us' } })).ticketId;
  base = await openSuite(vic, browsers);
  evil = http.createServer((req, res) => {
    const page = PAGES[req.url ?? ''];
    res
      .writeHead(page ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' })
      .end(page ? `<!doctype html><body>${page()}</body>` : '');
  });
  await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
  evilBase = `http://127.0.0.1:${(evil.address() as { port: number }).port}`;
}, SUITE_SETUP_MS);

afterAll(() => new Promise<void>((resolve) => evil.close(() => resolve())));
closeAfterSuite(browsers, () => vic);

/** The admin's browser, signed in to the console, opening the other site in a new tab (its own console is not recorded). */
async function adminOpens(path: string): Promise<Page> {
  const consolePage = await browsers.newPage();
  await signIn(consolePage, 'admin', 'admin-secret-1');
  const other = await consolePage.context().newPage();
  await other.goto(`${evilBase}${path}`);
  return other;
}

describe('requests from another origin', () => {
  it('a form posted from another port of the same host does not resolve the ticket', async () => {
    const page = await adminOpens('/resolve');
    await page.waitForURL(`${base}/api/tickets/${ticketA}/resolve`);
    expect(await page.textContent('body')).toContain('VIC_CROSS_ORIGIN');
    expect(vic.store.getTicket(ticketA)!.status).not.toBe('resolved');
  });

  it('a text/plain form does not import the case directory', async () => {
    const page = await adminOpens('/import');
    await page.waitForURL(`${base}/api/case-assignments`);
    expect(await page.textContent('body')).toContain('VIC_CROSS_ORIGIN');
    expect(vic.store.db.prepare('SELECT count(*) AS n FROM case_assignments').get()).toEqual({ n: 0 });
  });

  it('a fetch changes nothing, and a WebSocket from there is refused before it hears anything', async () => {
    const page = await adminOpens('/script');
    // Done when refused, or (as before) once socket.io has accepted it ("40{sid}") and would stream tickets.
    await page.waitForFunction(() => {
      const r = (window as unknown as { results: { fetch?: string; closed?: boolean; ws: string[] } }).results;
      return r.fetch && (r.closed || r.ws.some((m) => m.startsWith('40')));
    });
    const results = await page.evaluate(() => (window as unknown as { results: { open?: boolean; ws: string[] } }).results);
    expect(results.open).toBeUndefined();
    expect(results.ws).toEqual([]);
    expect(vic.store.getTicket(ticketB)!.status).not.toBe('resolved');
  });

  it('the console itself still changes things, bodiless DELETE included', async () => {
    vic.store.saveCanned({ title: 'Приветствие', lang: 'ru', text: 'Здравствуйте, {name}!' }, vic.clock.now());
    const page = await browsers.newPage();
    await signIn(page, 'admin', 'admin-secret-1');
    await page.getByRole('link', { name: 'Шаблоны ответов' }).click();
    await page.getByRole('button', { name: 'Удалить: Приветствие' }).click();
    await page.getByText('Шаблонов пока нет').waitFor();
    expect(vic.store.listCanned()).toEqual([]);
  });
});
