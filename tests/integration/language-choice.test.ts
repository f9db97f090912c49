// A language the citizen chose on the phone (the language menu, issue #18) answers them in writing too: it wins over
// the language detected in a later message (the new ticket, the off-hours auto-reply), while a contact who chose
// nothing is answered in the language they wrote. The language only known from a message is no choice.
import { describe, expect, it } from 'vitest';
import { envelope, makeVic } from '../helpers.ts';

const SATURDAY = Date.parse('2026-12-05T06:00:00Z'); // 11:00 in Petropavl: a day off, so messages get the off-hours reply
const KAZAKH = 'Сәлеметсіз бе! Сот отырысы қашан болатынын хабарлаңызшы.';

async function setup() {
  const { vic } = await makeVic({}, SATURDAY);
  let n = 0;
  /** A missed call from this number: its contact and ticket, as the SIP adapter ingests it. */
  const call = (number: string) => {
    const callId = `call-${++n}`;
    vic.ingest(
      envelope({
        channel: 'sip',
        externalId: callId,
        text: '',
        receivedAt: SATURDAY,
        sender: { kind: 'phone', address: number },
        call: { callId, from: number, to: '+77152000000', outcome: 'missed', startedAt: SATURDAY },
      }),
    );
    return callId;
  };
  /** A WhatsApp message in Kazakh from that number, once the call's ticket is closed (so it opens a new one). */
  const writes = (number: string, callId: string) => {
    const callTicket = vic.store.getCall(callId)!.ticketId;
    vic.store.updateTicket(callTicket, { status: 'resolved' }, SATURDAY);
    const { ticketId } = vic.ingest(
      envelope({ text: KAZAKH, receivedAt: SATURDAY, sender: { kind: 'whatsapp', address: `${number.slice(1)}@c.us` } }),
    );
    const reply = vic.store.listMessages(ticketId).find((m) => m.direction === 'out' && m.auto === 'off-hours');
    return { ticket: vic.store.getTicket(ticketId)!, reply: reply?.text ?? '', contactOfCall: vic.store.getTicket(callTicket)!.contactId };
  };
  return { vic, call, writes };
}

describe('the language chosen on the phone', () => {
  it('answers a later Kazakh message in Russian: the new ticket and its off-hours reply', async () => {
    const { vic, call, writes } = await setup();
    const callId = call('+77010000001');
    vic.calls.chooseLanguage(callId, 'ru'); // the caller pressed 2
    const { ticket, reply, contactOfCall } = writes('+77010000001', callId);
    expect(ticket.contactId).toBe(contactOfCall);
    expect(ticket.language).toBe('ru');
    expect(reply).toMatch(/^Здравствуйте! Ваше обращение получено/);
    expect(reply).not.toMatch(/Сәлеметсіз/);
  });

  it('without a choice the message’s own language answers, also when a call knew another one', async () => {
    const { vic, call, writes } = await setup();
    const callId = call('+77010000002');
    vic.calls.chooseLanguage(callId, 'ru', false); // the contact's language as known when a call began: no choice
    const { ticket, reply } = writes('+77010000002', callId);
    expect(ticket.language).toBe('kk');
    expect(reply).toMatch(/^Сәлеметсіз бе! Өтінішіңіз қабылданып/);
  });
});
