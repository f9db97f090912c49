// One catalogue of every error the API can return: code → HTTP status and default message.
export const ERRORS = {
  VIC_VALIDATION: [400, 'The request is invalid'],
  VIC_INVALID_IIN: [400, 'This is not a valid IIN: 12 digits, a birth date and a matching check digit'],
  VIC_UNAUTHENTICATED: [401, 'Sign in first'],
  VIC_BAD_CREDENTIALS: [401, 'Wrong login or password'],
  VIC_FORBIDDEN: [403, 'Your role does not allow this'],
  VIC_FORBIDDEN_COURT: [403, 'This ticket belongs to a court you do not serve'],
  VIC_CROSS_ORIGIN: [403, 'This request did not come from the console: changes are accepted only from its own origin'],
  VIC_NOT_FOUND: [404, 'Not found'],
  VIC_TICKET_NOT_FOUND: [404, 'Ticket not found'],
  VIC_USER_NOT_FOUND: [404, 'User not found'],
  VIC_COURT_NOT_FOUND: [404, 'Court not found'],
  VIC_MESSAGE_NOT_FOUND: [404, 'Message not found'],
  VIC_CONTACT_NOT_FOUND: [404, 'Contact not found'],
  VIC_CONFLICT: [409, 'The request conflicts with the current state'],
  VIC_LOGIN_TAKEN: [409, 'This login is already taken'],
  VIC_IIN_MISMATCH: [409, 'The two contacts have different IINs: they are not the same person'],
  VIC_MERGE_EXPIRED: [409, 'A merge can be undone only within a day'],
  VIC_NOT_ASSIGNEE: [409, 'Another operator holds this ticket: take it over to reply'],
  // Conflicts the console explains in its own words (each its code: a message in English reached the operators).
  VIC_CHANNEL_NOT_CONNECTED: [409, 'The phone channel is not connected'],
  VIC_NO_EXTENSION: [409, 'You have no phone extension'],
  VIC_NO_PHONE_NUMBER: [409, 'The citizen has no phone number'],
  VIC_CALL_BACK_UNSUPPORTED: [409, 'The phone channel cannot call back'],
  VIC_CALL_NOT_LIVE: [409, 'The call is not live any more'],
  VIC_CALLBACK_DONE: [409, 'This callback task is already done'],
  VIC_PHONE_TEXT_REPLY: [409, 'A text reply cannot reach a caller: call back, or write on WhatsApp to the same number'],
  VIC_NO_WHATSAPP: [409, 'No WhatsApp channel is configured'],
  VIC_COURT_CODE_TAKEN: [409, 'A court with this code exists'],
  VIC_LAST_ADMIN: [409, 'The centre needs at least one active admin'],
  VIC_SELF_LOCKOUT: [409, 'You cannot lock yourself out'],
  VIC_MESSAGE_NOT_WAITING: [409, 'The message is not waiting for delivery'],
  VIC_TICKET_RESOLVED: [409, 'The ticket is already resolved'],
  VIC_TICKET_NOT_RESOLVED: [409, 'Only a resolved ticket can be reopened'],
  VIC_TICKET_OUT_OF_SCOPE: [409, 'Overrule the scope verdict before claiming'],
  VIC_TICKET_NOT_OUT_OF_SCOPE: [409, 'The ticket is not out of scope'],
  VIC_TICKET_NOT_OPEN: [409, 'Only an open ticket can be escalated or marked as an appeal'],
  VIC_TICKET_WITH_SPECIALIST: [409, 'The ticket is with a specialist: take it back first'],
  VIC_SAME_SPECIALIST: [409, 'The ticket is already with this specialist'],
  VIC_TICKET_NOT_ESCALATED: [409, 'The ticket is not with a specialist'],
  // An admin's replacement announcement (src/announcement-uploads.ts): each reason its code, worded in the console.
  VIC_ANNOUNCEMENT_NOT_FOUND: [404, 'No such announcement: the message or the language is not in the catalogue'],
  VIC_ANNOUNCEMENT_TOO_LARGE: [413, 'The file is larger than 1 MB'],
  VIC_ANNOUNCEMENT_NOT_WAV: [400, 'The file is not a WAV file'],
  VIC_ANNOUNCEMENT_NOT_PCM: [400, 'The WAV file is compressed: it must be plain PCM'],
  VIC_ANNOUNCEMENT_NOT_MONO: [400, 'The WAV file must be mono'],
  VIC_ANNOUNCEMENT_SAMPLE_RATE: [400, 'The WAV file must be sampled at 8000 Hz'],
  VIC_ANNOUNCEMENT_SAMPLE_BITS: [400, 'The WAV file must have 16-bit samples'],
  VIC_ANNOUNCEMENT_TOO_SHORT: [400, 'The recording is shorter than 0.1 s'],
  VIC_ANNOUNCEMENT_TOO_LONG: [400, 'The recording is longer than 60 s'],
  VIC_ANNOUNCEMENT_SILENT: [400, 'The recording is silent'],
  VIC_ANNOUNCEMENT_INVALID: [400, 'The file cannot be played to callers'],
  VIC_ANNOUNCEMENT_MUSIC_TOO_LARGE: [413, 'The music file is larger than 10 MB'],
  VIC_ANNOUNCEMENT_MUSIC_TOO_LONG: [400, 'The music is longer than 10 minutes'],
  VIC_TOO_MANY_LOGINS: [429, 'Too many sign-in attempts, try again later'],
  VIC_PAYLOAD_TOO_LARGE: [413, 'The request is too large'],
  VIC_NOT_AN_IMAGE: [415, 'Only PNG, JPEG, GIF and WebP images are shown inline'],
  VIC_UNSUPPORTED_MEDIA_TYPE: [415, 'Send the request as Content-Type: application/json'],
  VIC_INTERNAL: [500, 'Internal error'],
  VIC_QUERY_TIMEOUT: [503, 'This request takes longer than the server allows and was stopped: narrow it down and try again'],
} as const satisfies Record<string, readonly [number, string]>;

export type ErrorCode = keyof typeof ERRORS;

export class VicError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly details?: unknown,
  ) {
    super(message ?? ERRORS[code][1]);
    this.status = ERRORS[code][0];
  }
  toJSON() {
    return { error: { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) } };
  }
}
