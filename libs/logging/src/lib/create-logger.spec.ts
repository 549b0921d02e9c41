import { Writable } from 'node:stream';

import { createLogger } from './create-logger';

describe('createLogger', () => {
  it('never writes BitLocker keys or recovery passwords', () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const logger = createLogger('test', { destination });
    const recoveryPassword = '111111-222222-333333-444444-555555-666666-777777-888888';
    logger.info({ drive: { serial: 'S1', recoveryPassword, bitLockerKey: recoveryPassword } }, 'drive ready');
    const record = JSON.parse(lines.join('')) as { drive: Record<string, string>; service: string };
    expect(record.service).toBe('test');
    expect(record.drive).toEqual({ serial: 'S1', recoveryPassword: '[redacted]', bitLockerKey: '[redacted]' });
    expect(lines.join('')).not.toContain('111111');
  });
});
