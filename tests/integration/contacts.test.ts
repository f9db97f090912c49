// Contacts over HTTP: editing a name and IIN (validated, audited masked, found by search at once), merging a
// WhatsApp and an e-mail contact of one person (identities, tickets and messages move; search and counters follow)
// and an admin's undo within a day.
import { describe, expect, it } from 'vitest';
import { SESSION_COOKIE, openSession } from '../../src/auth.ts';
import type { Vic } from '../../src/app.ts';
import { client, envelope, makeVic, serve } from '../helpers.ts';
import { errorOf, json, type AuditEntry, type Page, type TicketRow } from './json.ts';

interface ContactAnswer {
  contact: { id: number; name: string | null; iin: string | null; identities: { kind: string; address: string }[] };
  tickets: { id: number; channel: string; status: string }[];
  merges: { id: number; mergedId: number; undoableUntil: number | null }[];
  mergedInto: number | null;
}

/** A user with a session of a week (no password: signing in is not what is tested here). */
function userApi(vic: Vic, base: string, login: string, role: 'operator' | 'specialist' | 'admin', court: string | null) {
  const id =
    vic.store.getUserByLogin(login)?.id ??
    vic.store.createUser(
      { login, name: login, role, passwordHash: 'x', courtId: court ? vic.store.getCourtByCode(court)!.id : null },
      vic.clock.now(),
    );
  return client(base, `${SESSION_COOKIE}=${openSession(vic.store, id, vic.clock.now(), 7 * 24 * 3600_000)}`);
}

async function setup() {
  const { vic, clock } = await makeVic();
  const server = await serve(vic);
  const as = (login: string, role: 'operator' | 'specialist' | 'admin' = 'operator', court: string | null = 'sko-regional') =>
    userApi(vic, server.base, login, role, court);
  const op = as('op');
  const admin = as('admin', 'admin', null);
  const wa = vic.ingest(
    envelope({
      courtHint: 'sko-regional',
      sender: { kind: 'whatsapp', address: '77015551234@c.us', displayName: 'Ержан' },
      text: 'Когда заседание?',
    }),
  );
  const mail = vic.ingest(
    envelope({
      channel: 'email',
      courtHint: 'sko-regional',
      sender: { kind: 'email', address: 'erzhan@example.kz', displayName: 'Ержан Серикович Абенов' },
      thread: { subject: 'Копия решения' },
      text: 'Прошу выслать копию решения',
    }),
  );
  vic.store.indexPendingSearch();
  const contactOf = (ticketId: number) => vic.store.getTicket(ticketId)!.contactId;
  const search = async (q: string) =>
    json<Page<TicketRow>>(await op.get(`/api/tickets?q=${encodeURIComponent(q)}`))
      .items.map((t) => t.id)
      .sort((a, b) => a - b);
  return { vic, clock, as, op, admin, wa: wa.ticketId, mail: mail.ticketId, contactOf, search };
}

describe('contacts: edit, merge, undo', { timeout: 60_000 }, () => {
  it('edits name and IIN: checksum and birth date validated, audited masked, found by the new name at once', async () => {
    const { vic, as, op, wa, contactOf, search } = await setup();
    const id = contactOf(wa);
    const bad = await op.patch(`/api/contacts/${id}`, { iin: '850315300127' });
    expect(bad.status).toBe(400);
    expect(errorOf(bad)).toMatchObject({ code: 'VIC_INVALID_IIN', details: { reason: 'checksum' } });
    expect(errorOf(await op.patch(`/api/contacts/${id}`, { iin: '85031530012' }))).toMatchObject({ details: { reason: 'format' } });
    expect(errorOf(await op.patch(`/api/contacts/${id}`, { iin: '851315300124' })).code).toBe('VIC_INVALID_IIN');
    expect((await op.patch(`/api/contacts/${id}`, {})).status).toBe(400);
    expect(vic.store.getContact(id)!.iin).toBeNull();

    const ok = await op.patch(`/api/contacts/${id}`, { name: 'Қанат Омаров', iin: '8503 1530 0128' });
    expect(ok.status).toBe(200);
    expect(json<ContactAnswer>(ok).contact).toMatchObject({ name: 'Қанат Омаров', iin: '85********28' });
    expect(vic.store.getContact(id)).toMatchObject({ name: 'Қанат Омаров', iin: '850315300128' });
    // The name index follows (contentless FTS5: the old row deleted by rowid), the phone tail stays.
    expect(await search('канат')).toEqual([wa]);
    expect(await search('Ержан')).not.toContain(wa);
    expect(await search('5551234')).toEqual([wa]);

    const audit = vic.store.auditOf('contact', id).find((a) => a.action === 'contact.updated')!;
    expect(JSON.parse(audit.details!)).toEqual({ from: { name: 'Ержан', iin: null }, to: { name: 'Қанат Омаров', iin: '85********28' } });
    expect(JSON.stringify(vic.store.auditOf('contact', id))).not.toContain('850315300128');

    // Other court's operator and specialists may not; reads are audited.
    const other = as('op-other', 'operator', 'sko-economic');
    expect((await other.patch(`/api/contacts/${id}`, { name: 'X' })).status).toBe(403);
    expect((await other.get(`/api/contacts/${id}`)).status).toBe(403);
    const spec = as('spec', 'specialist');
    expect((await spec.get(`/api/contacts/${id}`)).status).toBe(403);
    expect((await op.get(`/api/contacts/999999`)).status).toBe(404);
    expect((await op.get(`/api/contacts/${id}`)).status).toBe(200);
    expect(vic.store.auditOf('contact', id).filter((a) => a.action === 'contact.read')).toHaveLength(1);
  });

  it('merges a WhatsApp contact into an e-mail contact: one history, search by the phone, counters unchanged', async () => {
    const { vic, op, wa, mail, contactOf, search } = await setup();
    const [kept, merged] = [contactOf(mail), contactOf(wa)];
    const counts = json<unknown>(await op.get('/api/tickets/counts'));
    expect(await search('87015551234')).toEqual([wa]);

    const res = await op.post(`/api/contacts/${kept}/merge`, { mergedId: merged });
    expect(res.status).toBe(200);
    const body = json<ContactAnswer & { merge: { id: number } }>(res);
    expect(body.tickets.map((t) => [t.id, t.channel]).sort()).toEqual(
      [
        [wa, 'whatsapp'],
        [mail, 'email'],
      ].sort(),
    );
    expect(body.contact.identities.map((i) => i.kind).sort()).toEqual(['email', 'phone', 'whatsapp']);
    expect(contactOf(wa)).toBe(kept);
    expect(vic.store.listMessages(wa).filter((m) => m.direction === 'in')[0].contactId).toBe(kept);
    // Search by the WhatsApp contact's phone finds the e-mail ticket too; the merged contact's name is gone.
    expect(await search('87015551234')).toEqual([wa, mail].sort((a, b) => a - b));
    expect(await search('5551234')).toEqual([wa, mail].sort((a, b) => a - b));
    expect(json<unknown>(await op.get('/api/tickets/counts'))).toEqual(counts);
    // The ticket view's "other tickets of the contact" is the one history too.
    expect(vic.tickets.read(vic.store.getUserByLogin('op')!, mail, null).otherTickets.map((t) => t.id)).toEqual([wa]);

    const audit = vic.store.auditOf('contact', kept).find((a) => a.action === 'contact.merged')!;
    expect(JSON.parse(audit.details!)).toMatchObject({ mergedId: merged, tickets: [wa] });
    // Merging again, or a merged contact, is refused.
    expect((await op.post(`/api/contacts/${kept}/merge`, { mergedId: merged })).status).toBe(409);
    expect((await op.post(`/api/contacts/${kept}/merge`, { mergedId: kept })).status).toBe(400);
    expect(json<ContactAnswer>(await op.get(`/api/contacts/${merged}`)).mergedInto).toBe(kept);
  });

  it('refuses to merge contacts with different IINs', async () => {
    const { op, wa, mail, contactOf } = await setup();
    expect((await op.patch(`/api/contacts/${contactOf(wa)}`, { iin: '850315300128' })).status).toBe(200);
    expect((await op.patch(`/api/contacts/${contactOf(mail)}`, { iin: '850315301801' })).status).toBe(200);
    const res = await op.post(`/api/contacts/${contactOf(mail)}/merge`, { mergedId: contactOf(wa) });
    expect(res.status).toBe(409);
    expect(errorOf(res).code).toBe('VIC_IIN_MISMATCH');
  });

  it('lets an admin undo a merge within a day, not after; an operator never', async () => {
    const { vic, clock, op, admin, wa, mail, contactOf, search } = await setup();
    const [kept, merged] = [contactOf(mail), contactOf(wa)];
    const first = json<{ merge: { id: number } }>(await op.post(`/api/contacts/${kept}/merge`, { mergedId: merged })).merge.id;
    expect((await op.post(`/api/contacts/merges/${first}/undo`)).status).toBe(403);
    clock.advance(23 * 3600_000);
    const undone = await admin.post(`/api/contacts/merges/${first}/undo`);
    expect(undone.status).toBe(200);
    expect(contactOf(wa)).toBe(merged);
    expect(
      vic.store
        .getContact(merged)!
        .identities.map((i) => i.kind)
        .sort(),
    ).toEqual(['phone', 'whatsapp']);
    expect(vic.store.getContact(kept)!.identities.map((i) => i.kind)).toEqual(['email']);
    expect(await search('5551234')).toEqual([wa]);
    expect(await search('Ержан')).toContain(wa);
    expect((await admin.post(`/api/contacts/merges/${first}/undo`)).status).toBe(409);
    expect(vic.store.auditOf('contact', kept).map((a) => a.action)).toContain('contact.merge_undone');

    const second = json<{ merge: { id: number } }>(await op.post(`/api/contacts/${kept}/merge`, { mergedId: merged })).merge.id;
    clock.advance(24 * 3600_000 + 1);
    const late = await admin.post(`/api/contacts/merges/${second}/undo`);
    expect(late.status).toBe(409);
    expect(errorOf(late).code).toBe('VIC_MERGE_EXPIRED');
    expect(contactOf(wa)).toBe(kept);
    const audit = json<{ items: AuditEntry[] }>(await admin.get('/api/audit?action=contact.merged')).items;
    expect(audit).toHaveLength(2);
  });
});
