// One catalogue of every error the API can return: code → HTTP status and default message.
export const ERRORS = {
  VIC_VALIDATION: [400, 'The request is invalid'],
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
  VIC_CONFLICT: [409, 'The request conflicts with the current state'],
  VIC_LOGIN_TAKEN: [409, 'This login is already taken'],
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
