// A blind transfer asked for by the operator's phone (REFER, RFC 3515) and the NOTIFYs that tell it how the
// transfer went; the transfer itself is the call flow's (`transfer` event), carried out by calls.ts.
import type { CallEvent } from '../../routing/call-flow.ts';
import type { Logger } from '../../src/log.ts';
import type { Call } from './calls.ts';
import { referTarget } from './identity.ts';
import type { Dialog, SipRequest, SipResponse } from './types.ts';

const REASONS: Record<number, string> = {
  100: 'Trying',
  200: 'OK',
  486: 'Busy Here',
  487: 'Request Terminated',
  488: 'Not Acceptable Here',
  603: 'Decline',
};

export function createRefer(env: {
  log: () => Logger;
  now: () => number;
  operatorUri: (extension: string) => string;
  /** The VIC user with that extension, so their console gets the screen-pop and the call panel. */
  userOf: (extension: string) => number | null;
  apply: (call: Call, event: CallEvent) => void;
}) {
  /** RFC 3515: NOTIFY the transferor with the progress of the new call as a sipfrag. */
  function notifyReferrer(call: Call, status: number) {
    const d = call.referrer;
    if (!d) return;
    if (status >= 200) delete call.referrer;
    d.request({
      method: 'NOTIFY',
      headers: {
        Event: 'refer',
        'Subscription-State': status >= 200 ? 'terminated;reason=noresource' : 'active;expires=60',
        'Content-Type': 'message/sipfrag;version=2.0',
      },
      body: `SIP/2.0 ${status} ${REASONS[status] ?? 'Failed'}\r\n`,
    }).catch((err: unknown) => env.log().debug({ err, callId: call.id }, 'sip: NOTIFY to the transferor failed'));
  }

  /** A blind transfer from the operator's phone: Refer-To names the specialist's extension. */
  function onRefer(call: Call, n: number, d: Dialog, req: SipRequest, res: SipResponse) {
    const extension = referTarget(req.get('Refer-To') ?? '');
    if (!extension) return res.send(400);
    if (call.flow.bridged?.agent !== n) return res.send(491); // a transfer is already under way
    res.send(202);
    call.referrer = d;
    notifyReferrer(call, 100);
    const target = { userId: env.userOf(extension), uri: env.operatorUri(extension) };
    env.apply(call, { type: 'transfer', target, at: env.now() });
  }

  return { onRefer, notifyReferrer };
}
