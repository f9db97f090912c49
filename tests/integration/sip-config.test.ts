import { describe, expect, it } from 'vitest';
import { sipConfigFromEnv } from '../../channels/sip/config.ts';
import { cidrMatcher } from '../../channels/sip/cidr.ts';
import { callerIdentity, calledNumber, referTarget } from '../../channels/sip/identity.ts';

const base = {
  SIP_DRACHTIO_HOST: 'drachtio',
  SIP_DRACHTIO_SECRET: 'cymru',
  SIP_OPERATOR_URI_TEMPLATE: 'sip:{extension}@pbx.court.local',
  SIP_ALLOWED_SOURCES: '10.0.0.9',
};

describe('sipConfigFromEnv', () => {
  it('is null (channel off) without SIP_DRACHTIO_HOST', () => {
    expect(sipConfigFromEnv({})).toBeNull();
    expect(sipConfigFromEnv({ SIP_DRACHTIO_HOST: '' })).toBeNull();
  });

  it('applies the defaults', () => {
    expect(sipConfigFromEnv(base)).toEqual({
      host: 'drachtio',
      port: 9022,
      secret: 'cymru',
      operatorUriTemplate: 'sip:{extension}@pbx.court.local',
      ringTimeoutMs: 20_000,
      nobodyStatus: 486,
      allowedSources: ['10.0.0.9'],
      dialledNumbers: [],
      ronaLimit: 2,
    });
    expect(
      sipConfigFromEnv({
        ...base,
        SIP_DRACHTIO_PORT: '9023',
        SIP_RING_TIMEOUT_S: '15',
        SIP_NOBODY_STATUS: '480',
        SIP_COURT: 'sko-economic',
        SIP_OUTBOUND_URI_TEMPLATE: 'sip:{number}@trunk',
      }),
    ).toMatchObject({
      port: 9023,
      ringTimeoutMs: 15_000,
      nobodyStatus: 480,
      court: 'sko-economic',
      outboundUriTemplate: 'sip:{number}@trunk',
    });
  });

  it.each([
    [{ SIP_DRACHTIO_SECRET: '' }, /^config: SIP_DRACHTIO_SECRET /],
    [{ SIP_DRACHTIO_PORT: 'x' }, /^config: SIP_DRACHTIO_PORT /],
    [{ SIP_OPERATOR_URI_TEMPLATE: 'sip:201@pbx' }, /^config: SIP_OPERATOR_URI_TEMPLATE must contain \{extension\}$/],
    [{ SIP_OPERATOR_URI_TEMPLATE: '{extension}@pbx' }, /^config: SIP_OPERATOR_URI_TEMPLATE must be a sip: or sips: URI$/],
    [{ SIP_OUTBOUND_URI_TEMPLATE: 'sip:trunk' }, /^config: SIP_OUTBOUND_URI_TEMPLATE must contain \{number\}$/],
    [{ SIP_RING_TIMEOUT_S: '2' }, /^config: SIP_RING_TIMEOUT_S /],
    [{ SIP_NOBODY_STATUS: '404' }, /^config: SIP_NOBODY_STATUS /],
    [
      { SIP_ALLOWED_SOURCES: '10.0.0.0/8, pbx.court.local' },
      /^config: SIP_ALLOWED_SOURCES "pbx\.court\.local" is not an IP address or CIDR/,
    ],
    [{ SIP_ALLOWED_SOURCES: '10.0.0.0/33' }, /^config: SIP_ALLOWED_SOURCES "10\.0\.0\.0\/33"/],
    [{ SIP_ALLOWED_SOURCES: '' }, /^config: SIP_ALLOWED_SOURCES must be set: the PBX addresses/],
    [{ SIP_ALLOWED_SOURCES: ' , ' }, /^config: SIP_ALLOWED_SOURCES must be set: the PBX addresses/],
    [{ SIP_RONA_LIMIT: '0' }, /^config: SIP_RONA_LIMIT /],
  ])('a wrong value is one line naming the variable: %o', (over, message) => {
    expect(() => sipConfigFromEnv({ ...base, ...over })).toThrow(message);
  });

  it('reads the allowed sources (IPv4 and IPv6), the dialled numbers and the ring-no-answer limit', () => {
    expect(
      sipConfigFromEnv({
        ...base,
        SIP_ALLOWED_SOURCES: '10.1.2.0/24, 192.0.2.7 ,2001:db8::/32',
        SIP_DIALLED_NUMBERS: '1401, +77152401401',
        SIP_RONA_LIMIT: '3',
      }),
    ).toMatchObject({
      allowedSources: ['10.1.2.0/24', '192.0.2.7', '2001:db8::/32'],
      dialledNumbers: ['1401', '+77152401401'],
      ronaLimit: 3,
    });
  });
});

describe('caller identity', () => {
  const headers = (h: Record<string, string>) => (name: string) => h[name];

  it('takes P-Asserted-Identity over From, normalized to E.164', () => {
    expect(callerIdentity(headers({ 'P-Asserted-Identity': '<sip:+77012345678@pbx>', From: '"Ержан" <sip:1234@pbx>;tag=a' }))).toEqual({
      number: '+77012345678',
      name: 'Ержан',
    });
    expect(callerIdentity(headers({ 'P-Asserted-Identity': '"Асель" <sip:anonymous@pbx>, <tel:87152123456>' }))).toEqual({
      number: '+77152123456',
      name: 'Асель',
    });
  });

  it('falls back to From in national format', () => {
    expect(callerIdentity(headers({ From: '<sip:8%20701%20234%2056%2078@pbx>;tag=x' }))).toEqual({ number: '+77012345678' });
    expect(callerIdentity(headers({ From: 'Bob <sip:87012345678@pbx;user=phone>;tag=x' }))).toEqual({
      number: '+77012345678',
      name: 'Bob',
    });
  });

  it('has no number for withheld or non-numeric callers', () => {
    expect(callerIdentity(headers({ From: '"Anonymous" <sip:anonymous@anonymous.invalid>;tag=x' }))).toEqual({
      number: null,
      name: 'Anonymous',
    });
    expect(callerIdentity(headers({}))).toEqual({ number: null });
  });

  it('reads the dialled number and a Refer-To extension', () => {
    expect(calledNumber('sip:1401@vic.court.local;transport=udp')).toBe('1401');
    expect(referTarget('<sip:301@127.0.0.1:5060>')).toBe('301');
    expect(referTarget('sip:302@pbx;user=phone')).toBe('302');
    expect(referTarget('<tel:301>')).toBeNull();
  });
});

describe('source addresses (SIP_ALLOWED_SOURCES)', () => {
  it('match IPv4 and IPv6 subnets and single addresses; an IPv4-mapped address matches its IPv4 subnet; none: any', () => {
    const ok = cidrMatcher(['10.1.2.0/24', '192.0.2.7', '2001:db8::/32']);
    expect(['10.1.2.1', '10.1.2.254', '192.0.2.7', '::ffff:10.1.2.9', '2001:db8::1'].map(ok)).toEqual([true, true, true, true, true]);
    expect(['10.1.3.1', '192.0.2.8', '2001:db9::1', '', 'pbx'].map(ok)).toEqual([false, false, false, false, false]);
    expect(cidrMatcher([])('203.0.113.5')).toBe(true);
  });
});
