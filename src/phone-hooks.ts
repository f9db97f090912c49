// What the phone channel changes besides tickets and call records: the live legs its users' consoles show
// (`call.state`), and setting away an operator whose phone keeps ringing out (as their own "Отошёл" button does).
import type { Clock } from './clock.ts';
import type { EventBus } from './events.ts';
import type { LiveCall } from './live-call.ts';
import type { Store } from './store/index.ts';

export interface PhoneHooks {
  /** A VIC user's leg started ringing, was answered, held or resumed, or ended (`call` null). */
  legChanged(userId: number, callId: string, call: LiveCall | null): void;
  /** The user's phone rang out SIP_RONA_LIMIT times in a row: they are set away and told (`call.rona`). */
  ringNoAnswer(userId: number): void;
}

export function phoneHooks({ store, events, clock }: { store: Store; events: EventBus; clock: Clock }): PhoneHooks {
  return {
    legChanged: (userId, callId, call) => events.emit({ type: 'call.state', userId, callId, call }),
    ringNoAnswer(userId) {
      const at = clock.now();
      store.tx(() => {
        store.setPresenceStatus(userId, 'away');
        store.audit({
          at,
          userId: null,
          action: 'presence.changed',
          entity: 'user',
          entityId: userId,
          details: { status: 'away', reason: 'ring-no-answer' },
        });
      });
      events.emit({ type: 'presence.changed', userId });
      events.emit({ type: 'call.rona', userId, at });
    },
  };
}
