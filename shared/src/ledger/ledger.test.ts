import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  allocatePayment,
  type ChainedEntry,
  chainEntry,
  type EntryDraft,
  GENESIS_HASH,
  openDebts,
  receivableAccount,
  reversalOf,
  validateEntry,
  verifyChain,
} from './index.js';

const base: EntryDraft = {
  id: 'e1',
  kind: 'payment',
  currency: 'KES',
  effectiveAtMs: 1_700_000_000_000,
  postings: [
    { account: 'cash:counter', amountMinor: 500n },
    { account: 'receivable:A-1:energy', amountMinor: -500n },
  ],
  actorId: 'u1',
};

const accounts = [
  'cash:counter',
  'cash:bank',
  'receivable:A-1:energy',
  'wallet:A-2',
  'suspense:unmatched',
];
/** Balanced postings: n-1 random amounts plus one closing line. */
const arbEntry = fc
  .tuple(
    fc.shuffledSubarray(accounts, { minLength: 2 }),
    fc.array(fc.bigInt(-(10n ** 12n), 10n ** 12n), { minLength: 5, maxLength: 5 }),
  )
  .filter(([accs, amts]) => {
    const head = amts.slice(0, accs.length - 1);
    const last = -head.reduce((a, b) => a + b, 0n);
    return head.every((a) => a !== 0n) && last !== 0n;
  })
  .map(([accs, amts]): EntryDraft => {
    const head = amts.slice(0, accs.length - 1);
    const last = -head.reduce((a, b) => a + b, 0n);
    const amounts = [...head, last];
    return { ...base, postings: accs.map((account, i) => ({ account, amountMinor: amounts[i]! })) };
  });

describe('entry validation', () => {
  it('accepts a balanced entry', () => expect(() => validateEntry(base)).not.toThrow());
  const bad: [string, Partial<EntryDraft>, RegExp][] = [
    [
      'unbalanced',
      { postings: [base.postings[0]!, { account: 'cash:bank', amountMinor: -400n }] },
      /sum is 100/,
    ],
    ['one line', { postings: [base.postings[0]!] }, /at least 2/],
    [
      'zero line',
      {
        postings: [
          { account: 'cash:a', amountMinor: 0n },
          { account: 'cash:b', amountMinor: 0n },
        ],
      },
      /non-zero/,
    ],
    [
      'unknown account',
      {
        postings: [
          { account: 'bank:x', amountMinor: 1n },
          { account: 'cash:b', amountMinor: -1n },
        ],
      },
      /chart of accounts/,
    ],
    [
      'repeated account',
      {
        postings: [
          { account: 'cash:a', amountMinor: 1n },
          { account: 'cash:a', amountMinor: -1n },
        ],
      },
      /repeated/,
    ],
    ['unknown kind', { kind: 'gift' }, /unknown kind/],
    ['bad currency', { currency: 'kes' }, /currency/],
    ['reversal without reason', { kind: 'reversal', reversesId: 'e0' }, /reasonCode/],
    ['reversal without target', { kind: 'reversal', reasonCode: 'bounced' }, /reversesId/],
  ];
  it.each(bad)('rejects %s', (_n, patch, re) =>
    expect(() => validateEntry({ ...base, ...patch })).toThrow(re),
  );
  it('every generated balanced entry validates and sums to zero', () => {
    fc.assert(
      fc.property(arbEntry, (e) => {
        validateEntry(e);
        expect(e.postings.reduce((s, p) => s + p.amountMinor, 0n)).toBe(0n);
      }),
    );
  });
  it('an entry plus its reversal nets every account to zero', () => {
    fc.assert(
      fc.property(arbEntry, (e) => {
        const r = reversalOf(e, {
          id: 'r',
          reasonCode: 'chargeback',
          effectiveAtMs: 1,
          actorId: 'u',
        });
        validateEntry(r);
        const net = new Map<string, bigint>();
        for (const p of [...e.postings, ...r.postings])
          net.set(p.account, (net.get(p.account) ?? 0n) + p.amountMinor);
        expect([...net.values()].every((v) => v === 0n)).toBe(true);
      }),
    );
  });
});

function chain(drafts: EntryDraft[]): ChainedEntry[] {
  const out: ChainedEntry[] = [];
  let prev = GENESIS_HASH;
  drafts.forEach((d, i) => {
    const c = chainEntry({ ...d, id: `e${i}` }, prev, BigInt(i + 1), 1000 + i);
    out.push(c);
    prev = c.hash;
  });
  return out;
}

describe('hash chain', () => {
  it('verifies an untouched chain and detects any edit, drop or reorder', () => {
    fc.assert(
      fc.property(fc.array(arbEntry, { minLength: 2, maxLength: 12 }), fc.nat(), (drafts, pick) => {
        const c = chain(drafts);
        expect(verifyChain(c).ok).toBe(true);
        const i = pick % c.length;
        const edited = c.map((e, j) => (j === i ? { ...e, memo: 'edited' } : e));
        expect(verifyChain(edited).ok).toBe(false);
        const amount = c.map((e, j) =>
          j === i
            ? { ...e, postings: e.postings.map((p) => ({ ...p, amountMinor: -p.amountMinor })) }
            : e,
        );
        expect(verifyChain(amount).ok).toBe(false);
        expect(verifyChain(c.filter((_e, j) => j !== i)).ok).toBe(i === c.length - 1);
      }),
      { numRuns: 100 },
    );
  });
  it('chains deterministically', () => {
    const a = chainEntry(base, GENESIS_HASH, 1n, 5);
    expect(chainEntry(base, GENESIS_HASH, 1n, 5).hash).toBe(a.hash);
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('allocation', () => {
  const debts = [
    { category: 'energy' as const, openMinor: 50n, sinceMs: 1 },
    { category: 'fees' as const, openMinor: 40n, sinceMs: 2 },
  ];
  it('fees first', () => {
    expect(allocatePayment(70n, debts, 'fees-first')).toEqual({
      byCategory: [
        { category: 'fees', amountMinor: 40n },
        { category: 'energy', amountMinor: 30n },
      ],
      unappliedMinor: 0n,
    });
  });
  it('oldest first keeps overpayment as unapplied', () => {
    expect(allocatePayment(100n, debts, 'oldest-first')).toEqual({
      byCategory: [
        { category: 'energy', amountMinor: 50n },
        { category: 'fees', amountMinor: 40n },
      ],
      unappliedMinor: 10n,
    });
  });
  it('open debts apply credits FIFO per category', () => {
    const moves = [
      { category: 'energy' as const, amountMinor: 100n, atMs: 1 },
      { category: 'energy' as const, amountMinor: 50n, atMs: 2 },
      { category: 'energy' as const, amountMinor: -120n, atMs: 3 },
    ];
    expect(openDebts(moves)).toEqual([{ category: 'energy', openMinor: 30n, sinceMs: 2 }]);
  });
  it('allocation always sums to the payment and never exceeds a debt', () => {
    const arbDebt = fc.record({
      category: fc.constantFrom('fees' as const, 'energy' as const, 'tax' as const),
      openMinor: fc.bigInt(1n, 10n ** 9n),
      sinceMs: fc.nat(1000),
    });
    fc.assert(
      fc.property(
        fc.bigInt(1n, 10n ** 10n),
        fc.array(arbDebt),
        fc.constantFrom('oldest-first' as const, 'fees-first' as const),
        (amount, ds, rule) => {
          const a = allocatePayment(amount, ds, rule);
          const applied = a.byCategory.reduce((s, c) => s + c.amountMinor, 0n);
          expect(applied + a.unappliedMinor).toBe(amount);
          for (const c of a.byCategory) {
            const owed = ds
              .filter((d) => d.category === c.category)
              .reduce((s, d) => s + d.openMinor, 0n);
            expect(c.amountMinor <= owed).toBe(true);
          }
          expect(a.unappliedMinor >= 0n).toBe(true);
        },
      ),
    );
  });
  it('builds chart codes', () =>
    expect(receivableAccount('A-1', 'energy')).toBe('receivable:A-1:energy'));
});
