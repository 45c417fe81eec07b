import { blockHeaderHash, encodeBlockHeader } from './block-header-hash';

/**
 * Expected values were produced independently with OpenSSL, not with this code:
 *   openssl asn1parse -genconf <file> -out header.der && xxd -p header.der && sha256sum header.der
 * where <file> holds `asn1=SEQUENCE:hdr` and `[hdr] number=INTEGER:<n>`,
 * `prev=FORMAT:HEX,OCTETSTRING:<hex>` (or `OCTETSTRING:` for empty), `data=FORMAT:HEX,OCTETSTRING:<hex>`.
 */
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const fromHex = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'hex'));

const ascending = fromHex('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f');
const descending = fromHex('ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100');
const sha256OfEmpty = fromHex('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');

describe('encodeBlockHeader', () => {
  it('encodes a genesis header: INTEGER 0 is one zero octet, empty previous hash', () => {
    expect(
      hex(encodeBlockHeader({ number: 0, previousHash: new Uint8Array(0), dataHash: sha256OfEmpty })),
    ).toBe('3027020100040004' + '20' + hex(sha256OfEmpty));
  });

  it('pads a number whose top bit is set with a leading zero octet (200 -> 00 c8)', () => {
    expect(hex(encodeBlockHeader({ number: 200, previousHash: ascending, dataHash: descending }))).toBe(
      '3048020200c80420' + hex(ascending) + '0420' + hex(descending),
    );
  });

  it('accepts bigint numbers above 2^32', () => {
    const der = encodeBlockHeader({
      number: 0x1_0000_0000n,
      previousHash: new Uint8Array(32).fill(0xab),
      dataHash: new Uint8Array(32).fill(0xcd),
    });
    expect(hex(der.subarray(0, 9))).toBe('304b02050100000000');
  });

  it('uses the long length form past 127 content octets', () => {
    const der = encodeBlockHeader({
      number: 1,
      previousHash: new Uint8Array(200),
      dataHash: new Uint8Array(0),
    });
    // SEQUENCE content = 3 (INTEGER) + 3 + 200 (OCTET STRING, length 81 c8) + 2 = 208 = 0xd0.
    expect(hex(der.subarray(0, 3))).toBe('3081d0');
    expect(hex(der.subarray(6, 9))).toBe('0481c8');
    expect(der.length).toBe(3 + 208);
  });

  it.each([-1, 1.5, Number.NaN])('refuses block number %p', (number) => {
    expect(() => encodeBlockHeader({ number, previousHash: ascending, dataHash: descending })).toThrow(
      RangeError,
    );
  });

  it('refuses a bigint above 2^64 - 1', () => {
    expect(() =>
      encodeBlockHeader({ number: 1n << 64n, previousHash: ascending, dataHash: descending }),
    ).toThrow(RangeError);
  });
});

describe('blockHeaderHash', () => {
  it.each([
    {
      name: 'genesis-like header',
      header: { number: 0, previousHash: new Uint8Array(0), dataHash: sha256OfEmpty },
      expected: '9cae6f5c10756febc407bba95fc23853774c1f65f10354895bfdab6443d66ed3',
    },
    {
      name: 'block 200',
      header: { number: 200, previousHash: ascending, dataHash: descending },
      expected: 'e6997c79999b1e336f55b3b0990bacf49ba58b8fb7777adb955d4728a15d4a6d',
    },
    {
      name: 'block 2^32',
      header: {
        number: 0x1_0000_0000n,
        previousHash: new Uint8Array(32).fill(0xab),
        dataHash: new Uint8Array(32).fill(0xcd),
      },
      expected: '7fd445fe3916841ff1d15779db3a657697c12d307626d88f2ce85d790b6da3ee',
    },
  ])('matches the OpenSSL-derived SHA-256 for a $name', ({ header, expected }) => {
    expect(hex(blockHeaderHash(header))).toBe(expected);
  });

  it('changes when any field changes', () => {
    const base = { number: 200, previousHash: ascending, dataHash: descending };
    const reference = hex(blockHeaderHash(base));
    expect(hex(blockHeaderHash({ ...base, number: 201 }))).not.toBe(reference);
    expect(hex(blockHeaderHash({ ...base, previousHash: descending }))).not.toBe(reference);
    expect(hex(blockHeaderHash({ ...base, dataHash: ascending }))).not.toBe(reference);
  });
});
