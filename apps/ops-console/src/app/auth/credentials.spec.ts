import { randomBytes } from 'node:crypto';

import { SessionCodec, TokenRegistry, readCookie, sha256Hex } from './credentials';

describe('tokens and sessions', () => {
  const token = 'a-long-random-token';
  const registry = new TokenRegistry([{ subject: 'olga', role: 'operator', sha256: sha256Hex(token) }]);
  const codec = new SessionCodec(randomBytes(32), 3600);

  it('knows a configured token by its hash, and nothing else', () => {
    expect(registry.verify(token)).toMatchObject({ subject: 'olga', role: 'operator', via: 'token' });
    expect(registry.verify(`${token}x`)).toBeUndefined();
  });

  it('reads back the sessions it issued, until they expire', () => {
    const principal = registry.verify(token);
    if (!principal) throw new Error('token not accepted');
    const issuedAt = new Date('2026-12-01T08:00:00Z');
    const { cookie } = codec.issue(principal, issuedAt);
    expect(codec.read(cookie, new Date('2026-12-01T08:59:59Z'))).toMatchObject({ sub: 'olga', role: 'operator', issuer: 'token' });
    expect(codec.read(cookie, new Date('2026-12-01T09:00:00Z'))).toBeUndefined();
  });

  it('refuses a session whose claims were changed or that another key signed', () => {
    const principal = registry.verify(token);
    if (!principal) throw new Error('token not accepted');
    const { cookie } = codec.issue(principal);
    const [body, signature] = cookie.split('.');
    const promoted = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body ?? '', 'base64url').toString()), role: 'admin' })).toString('base64url');
    expect(codec.read(`${promoted}.${signature ?? ''}`)).toBeUndefined();
    expect(new SessionCodec(randomBytes(32), 3600).read(cookie)).toBeUndefined();
  });

  it('ends the sessions of a token that is no longer configured', () => {
    const principal = registry.verify(token);
    if (!principal) throw new Error('token not accepted');
    expect(registry.stillValid(principal.tokenId, 'olga', 'operator')).toBe(true);
    expect(new TokenRegistry([]).stillValid(principal.tokenId, 'olga', 'operator')).toBe(false);
    expect(registry.stillValid(principal.tokenId, 'olga', 'admin')).toBe(false);
  });

  it('finds one cookie among several', () => {
    expect(readCookie('a=1; seedship_session=x.y; b=2', 'seedship_session')).toBe('x.y');
    expect(readCookie(undefined, 'seedship_session')).toBeUndefined();
  });
});
