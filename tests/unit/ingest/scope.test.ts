import { describe, expect, it } from 'vitest';
import { envelope, makeVic } from '../../helpers.ts';

describe('scope step', () => {
  it('files an appeal as out of scope with one auto-reply in the citizen’s language', async () => {
    const { vic } = await makeVic();
    const r = vic.ingest(envelope({ text: 'Требую отменить постановление о штрафе, судья вынес его незаконно, я был в другом городе' }));
    const t = vic.store.getTicket(r.ticketId)!;
    expect(t).toMatchObject({ status: 'out_of_scope', scopeVerdict: 'appeal', assigneeId: null });
    const out = vic.store.listMessages(r.ticketId).filter((m) => m.direction === 'out');
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ auto: 'appeal', deliveryStatus: 'queued' });
    expect(out[0].text).toContain(t.ref);
    expect(out[0].text).toMatch(/апелляци/i);
    expect(out[0].text).not.toMatch(/[әғқңөұүһі]/i);
  });

  it('answers a Kazakh appeal in Kazakh', async () => {
    const { vic } = await makeVic();
    const r = vic.ingest(envelope({ text: 'Шешім әділетсіз, сот қате шешті, қайта қарауды сұраймын' }));
    expect(vic.store.getTicket(r.ticketId)!.status).toBe('out_of_scope');
    const reply = vic.store.listMessages(r.ticketId).find((m) => m.direction === 'out')!;
    expect(reply.text).toMatch(/[әғқңөұүһі]/i);
  });

  it('keeps a question about the appeal procedure in scope', async () => {
    const { vic } = await makeVic();
    const r = vic.ingest(envelope({ text: 'Какой срок подачи апелляционной жалобы на решение?' }));
    expect(vic.store.getTicket(r.ticketId)).toMatchObject({ status: 'open', scopeVerdict: 'in_scope' });
  });

  it('only flags, never closes, an open ticket whose later message reads like an appeal', async () => {
    const { vic } = await makeVic();
    const a = vic.ingest(envelope({ text: 'Когда будет готово решение по моему делу?' }));
    const b = vic.ingest(envelope({ text: 'Решение незаконное, требую его отменить и пересмотреть дело' }));
    expect(b.ticketId).toBe(a.ticketId);
    const t = vic.store.getTicket(a.ticketId)!;
    expect(t.status).toBe('open');
    expect(t.scopeFlagged).toBe(true);
    expect(vic.store.getMessage(b.messageId)!.scopeFlag).toBe(true);
  });

  it('does not auto-reply to automated mail even when it reads like an appeal', async () => {
    const { vic } = await makeVic();
    const r = vic.ingest(envelope({ noAutoReply: true, text: 'Требую отменить решение суда, оно незаконное' }));
    expect(vic.store.listMessages(r.ticketId).filter((m) => m.direction === 'out')).toHaveLength(0);
  });
});
