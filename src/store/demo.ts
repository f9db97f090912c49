// Demo data (VIC_DEMO=1) is marked on its tickets: the outbox never hands a message on a demo ticket to a channel.
import type { StoreBase } from './core.ts';

export function DemoQueries<B extends StoreBase>(Base: B) {
  abstract class Demo extends Base {
    markDemoTicket(ticketId: number) {
      this.q(`UPDATE tickets SET demo = 1 WHERE id = ?`).run(ticketId);
    }
  }
  return Demo;
}
