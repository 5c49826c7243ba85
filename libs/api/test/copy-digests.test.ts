// Unit tests of the copy digests: values checked against node's own crypto and zlib, chunking made irrelevant, and
// the announced-digest headers parsed the way CRBs send them.
import { createHash, randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { announcedDigests, Crc32Digest, isHexDigest, Sha256Digest, streamDigest } from '../src/copy-digests';

describe('copy digests', () => {
  it('computes CRC-32 and SHA-256 over any chunking exactly as zlib and crypto do over the whole', () => {
    const data = randomBytes(1_000_003);
    for (const cut of [1, 7, 4096, 65_536, 999_999]) {
      const c = new Crc32Digest();
      const s = new Sha256Digest();
      for (let i = 0; i < data.length; i += cut) { c.update(data.subarray(i, i + cut)); s.update(data.subarray(i, i + cut)); }
      expect(c.digest()).toBe(crc32(data).toString(16).padStart(8, '0'));
      expect(s.digest()).toBe(createHash('sha256').update(data).digest('hex'));
    }
    expect(new Crc32Digest().digest()).toBe('00000000');
    const check = new Crc32Digest(); // the catalogue check value of CRC-32/ISO-HDLC
    for (const part of ['1234', '56789']) check.update(Buffer.from(part));
    expect(check.digest()).toBe('cbf43926');
    expect(streamDigest('crc32').algorithm).toBe('crc32');
    expect(streamDigest('sha256').algorithm).toBe('sha256');
  });

  it('pads CRC-32 values with leading zeros', () => {
    // find an input whose CRC-32 is below 0x10000000 (one in 16 is)
    let i = 0;
    while (crc32(String(i)) >= 0x10000000) i++;
    const c = new Crc32Digest();
    c.update(Buffer.from(String(i)));
    expect(c.digest()).toMatch(/^0[0-9a-f]{7}$/);
  });

  it('reads announced digests from X-Ocopea-* and Repr-Digest, ignoring malformed ones', () => {
    const hex = 'ab'.repeat(32);
    expect(announcedDigests({ 'x-ocopea-sha256': hex.toUpperCase(), 'x-ocopea-crc32': 'DEADBEEF' })).toEqual({ sha256: hex, crc32: 'deadbeef' });
    expect(announcedDigests({ 'repr-digest': `sha-256=:${Buffer.from(hex, 'hex').toString('base64')}:` })).toEqual({ sha256: hex });
    expect(announcedDigests({ 'x-ocopea-sha256': 'nothex', 'x-ocopea-crc32': '123' })).toEqual({});
    expect(announcedDigests({})).toEqual({});
    expect(isHexDigest('crc32', '0d4a1185')).toBe(true);
    expect(isHexDigest('crc32', '0d4a118')).toBe(false);
    expect(isHexDigest('sha256', hex)).toBe(true);
  });
});
