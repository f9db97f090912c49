import { describe, expect, it } from 'vitest';
import { normalizePhone } from '../../../src/ingest/steps/contact.ts';
import { envelope, makeVic } from '../../helpers.ts';

describe('contact step', () => {
  it.each(['8 701 234 56 78', '+7 701 234 5678', '87012345678', '+7 (701) 234-56-78', '7012345678'])(
    'normalizes %s to +77012345678',
    (raw) => {
      expect(normalizePhone(raw)).toBe('+77012345678');
    },
  );

  it('reads the phone number out of a WhatsApp id, but not out of an @lid id or one too short for a number', async () => {
    const { vic } = await makeVic();
    const identitiesOf = (address: string) => {
      const r = vic.ingest(envelope({ sender: { kind: 'whatsapp', address } }));
      return vic.store.getContact(vic.store.getTicket(r.ticketId)!.contactId)!.identities;
    };
    expect(identitiesOf('77012345678@c.us')).toEqual(
      expect.arrayContaining([
        { kind: 'whatsapp', address: '77012345678@c.us' },
        { kind: 'phone', address: '+77012345678' },
      ]),
    );
    expect(identitiesOf('123456789012345@lid')).toEqual([{ kind: 'whatsapp', address: '123456789012345@lid' }]);
    // E.164 has 8 to 15 digits.
    expect(identitiesOf('1234567@c.us')).toEqual([{ kind: 'whatsapp', address: '1234567@c.us' }]);
  });

  it('lower-cases e-mail addresses: one contact however the address is written', async () => {
    const { vic } = await makeVic();
    const a = vic.ingest(envelope({ channel: 'email', sender: { kind: 'email', address: ' Citizen@Mail.KZ ' } }));
    const b = vic.ingest(envelope({ channel: 'email', sender: { kind: 'email', address: 'citizen@mail.kz' } }));
    const contact = vic.store.getContact(vic.store.getTicket(a.ticketId)!.contactId)!;
    expect(contact.identities).toEqual([{ kind: 'email', address: 'citizen@mail.kz' }]);
    expect(vic.store.getTicket(b.ticketId)!.contactId).toBe(contact.id);
  });

  it('maps phone-number variants to one contact across channels', async () => {
    const { vic } = await makeVic();
    const a = vic.ingest(envelope({ sender: { kind: 'whatsapp', address: '77012345678@c.us' } }));
    const b = vic.ingest(
      envelope({
        channel: 'sip',
        sender: { kind: 'phone', address: '8 701 234 56 78' },
        text: '',
        call: { callId: 'c1', from: '87012345678', to: '100', outcome: 'missed', startedAt: 0 },
      }),
    );
    const c = vic.ingest(
      envelope({
        channel: 'sip',
        sender: { kind: 'phone', address: '+7 701 234 5678' },
        text: '',
        call: { callId: 'c2', from: '+77012345678', to: '100', outcome: 'missed', startedAt: 0 },
      }),
    );
    const contactOf = (id: number) => vic.store.getTicket(id)!.contactId;
    expect(contactOf(b.ticketId)).toBe(contactOf(a.ticketId));
    expect(contactOf(c.ticketId)).toBe(contactOf(a.ticketId));
    expect(vic.store.counts().contacts).toBe(1);
  });

  it('creates a contact for an unknown sender, with the display name', async () => {
    const { vic } = await makeVic();
    const r = vic.ingest(envelope({ sender: { kind: 'email', address: 'new@mail.kz', displayName: 'Новый Гражданин' }, channel: 'email' }));
    const contact = vic.store.getContact(vic.store.getTicket(r.ticketId)!.contactId)!;
    expect(contact.name).toBe('Новый Гражданин');
    expect(contact.identities).toEqual([{ kind: 'email', address: 'new@mail.kz' }]);
  });
});
