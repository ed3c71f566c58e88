import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { derivedEventId, newTimeOrderedId } from './event-ids';

const v5 = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const v7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const v8 = /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The 48-bit time at the head of a UUID, in milliseconds. */
const timeOf = (id: string) => Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16);

/** Milliseconds an id can carry: 1970 to the year 10889. */
const milliseconds = fc.integer({ min: 0, max: 2 ** 48 - 1 });

/** The ids minted before time-ordered ids existed, and names. */
const untimedSource = fc.oneof(fc.uuid({ version: [1, 2, 3, 4, 5] }), fc.string());

function mintedAt(epochMilliseconds: number): string {
  const now = jest.spyOn(Date, 'now').mockReturnValue(epochMilliseconds);
  try {
    return newTimeOrderedId();
  } finally {
    now.mockRestore();
  }
}

describe('event ids', () => {
  describe('a new event id', () => {
    it('is a UUID v7 that carries the millisecond it was minted', () => {
      fc.assert(
        fc.property(milliseconds, (at) => {
          const id = mintedAt(at);
          expect(id).toMatch(v7);
          expect(timeOf(id)).toBe(at);
        }),
      );
    });

    it('sorts after the ids minted in an earlier millisecond, as text and as PostgreSQL compares uuids (bytewise)', () => {
      fc.assert(
        fc.property(milliseconds, milliseconds, (a, b) => {
          fc.pre(a !== b);
          const [earlier, later] = a < b ? [mintedAt(a), mintedAt(b)] : [mintedAt(b), mintedAt(a)];
          expect(earlier < later).toBe(true);
        }),
      );
    });

    it('is not repeated within a millisecond', () => {
      const now = jest.spyOn(Date, 'now').mockReturnValue(1_767_225_600_000);
      try {
        const ids = Array.from({ length: 10_000 }, newTimeOrderedId);
        expect(new Set(ids).size).toBe(ids.length);
      } finally {
        now.mockRestore();
      }
    });
  });

  describe('a derived id', () => {
    it('is the same for the same source and discriminator, whatever the case of the source, and differs otherwise', () => {
      fc.assert(
        fc.property(fc.oneof(untimedSource, milliseconds.map(mintedAt)), fc.string(), fc.string(), (source, discriminator, other) => {
          fc.pre(discriminator !== other);
          const id = derivedEventId(source, discriminator);
          expect(derivedEventId(source.toUpperCase(), discriminator)).toBe(derivedEventId(source.toLowerCase(), discriminator));
          expect(derivedEventId(source, discriminator)).toBe(id);
          expect(derivedEventId(source, other)).not.toBe(id);
        }),
      );
    });

    it('keeps the ids it has always derived from sources that are not time-ordered (they are stored, and repeats are recognised by them)', () => {
      expect(derivedEventId('0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6', 'InvoiceIssued.v1')).toBe('11ede53d-57e7-53b8-9865-01f9af60d8c5');
      // the UUID v5 layout over SHA-1, written out byte by byte
      const reference = (source: string, discriminator: string) => {
        const digest = createHash('sha1').update(`${source.toLowerCase()}/${discriminator}`).digest();
        digest[6] = (digest[6] & 0x0f) | 0x50;
        digest[8] = (digest[8] & 0x3f) | 0x80;
        const hex = digest.subarray(0, 16).toString('hex');
        return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join('-');
      };
      fc.assert(
        fc.property(untimedSource, fc.string(), (source, discriminator) => {
          fc.pre(!/^[0-9a-f]{8}-[0-9a-f]{4}-[78]/i.test(source));
          const id = derivedEventId(source, discriminator);
          expect(id).toMatch(v5);
          expect(id).toBe(reference(source, discriminator));
        }),
        { numRuns: 2_000 },
      );
    });

    it('passes on the time of a time-ordered source, through every generation and through a source that only starts with one', () => {
      fc.assert(
        fc.property(milliseconds, fc.array(fc.string(), { minLength: 1, maxLength: 5 }), (at, discriminators) => {
          let id = mintedAt(at);
          for (const discriminator of discriminators) {
            id = derivedEventId(id, discriminator);
            expect(id).toMatch(v8);
            expect(timeOf(id)).toBe(at);
          }
          const attempt = derivedEventId(`${id.toUpperCase()}:2`, 'outcome:PaymentSucceeded');
          expect(attempt).toMatch(v8);
          expect(timeOf(attempt)).toBe(at);
        }),
      );
    });

    it('takes the time it is given, so that a root derived on several replicas sorts by its own inputs', () => {
      fc.assert(
        fc.property(untimedSource, fc.string(), milliseconds, milliseconds, (source, discriminator, a, b) => {
          const id = derivedEventId(source, discriminator, a);
          expect(id).toMatch(v8);
          expect(timeOf(id)).toBe(a);
          expect(derivedEventId(source, discriminator, a)).toBe(id);
          if (a < b) expect(id < derivedEventId(source, discriminator, b)).toBe(true);
        }),
      );
      // a term starting on 2027-02-28 sorts at that day's first millisecond (UTC)
      expect(timeOf(derivedEventId('any-service', 'renewal-term/2027-02-28', Date.parse('2027-02-28')))).toBe(Date.UTC(2027, 1, 28));
    });

    it('refuses a time an id cannot carry', () => {
      for (const at of [-1, 1.5, 2 ** 48, Number.NaN]) {
        expect(() => derivedEventId('source', 'discriminator', at)).toThrow(RangeError);
      }
    });
  });
});
