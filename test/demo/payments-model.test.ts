import { describe, expect, it } from 'vitest';
import { expectedPerMinute, transactionsOfMinute, type Outage } from '../../src/core/demo/payments-model.ts';

const MINUTE = 60_000;
const WEEK = 7 * 86_400_000;
const tuesday1400 = Date.parse('2026-03-03T14:00:00Z');
const sunday0400 = Date.parse('2026-03-08T04:00:00Z');

const count = (from: number, minutes: number, type: 'deposit' | 'withdrawal', outages: Outage[] = []) => {
  let n = 0;
  for (let m = 0; m < minutes; m++) n += transactionsOfMinute(from + m * MINUTE, outages).filter((t) => t.type === type).length;
  return n;
};

describe('the demo payment traffic', () => {
  it('gives the same minute the same transactions every time', () => {
    expect(transactionsOfMinute(tuesday1400)).toEqual(transactionsOfMinute(tuesday1400));
    expect(transactionsOfMinute(tuesday1400)).not.toEqual(transactionsOfMinute(tuesday1400 + MINUTE));
  });

  it('keeps every transaction inside its minute, in time order', () => {
    const txs = transactionsOfMinute(tuesday1400);
    expect(txs.length).toBeGreaterThan(10);
    expect(txs.every((t) => t.at >= tuesday1400 && t.at < tuesday1400 + MINUTE)).toBe(true);
    expect(txs.map((t) => t.at)).toEqual([...txs.map((t) => t.at)].sort((a, b) => a - b));
  });

  it('is busier on a weekday afternoon than at night on Sunday, as the model expects', () => {
    const afternoon = count(tuesday1400, 60, 'deposit');
    const night = count(sunday0400, 60, 'deposit');
    expect(afternoon / 60).toBeCloseTo(expectedPerMinute('deposit', tuesday1400 + 30 * MINUTE), -1);
    expect(night).toBeLessThan(afternoon / 3);
  });

  it('repeats its weekly rhythm closely enough for a four-week baseline, and an outage breaks it by far', () => {
    const window = (start: number, outages: Outage[] = []) => count(start, 5, 'deposit', outages);
    const baseline = [1, 2, 3, 4].map((w) => window(tuesday1400 - w * WEEK)).reduce((a, b) => a + b) / 4;
    const normal = window(tuesday1400);
    expect(Math.abs((normal - baseline) / baseline)).toBeLessThan(0.25);
    const outage: Outage = { from: tuesday1400 + 2 * MINUTE, until: tuesday1400 + 10 * MINUTE };
    expect((window(tuesday1400, [outage]) - baseline) / baseline).toBeLessThan(-0.5);
  });

  it('during an outage deposits trickle and mostly fail, withdrawals carry on', () => {
    const outage: Outage = { from: tuesday1400, until: tuesday1400 + 30 * MINUTE };
    const txs = Array.from({ length: 30 }, (_, m) => transactionsOfMinute(tuesday1400 + m * MINUTE, [outage])).flat();
    const deposits = txs.filter((t) => t.type === 'deposit');
    expect(deposits.length).toBeLessThan(count(tuesday1400, 30, 'deposit') / 10);
    expect(deposits.filter((t) => t.done).length).toBeLessThan(deposits.length / 2 + 1);
    expect(txs.filter((t) => t.type === 'withdrawal').length).toBe(count(tuesday1400, 30, 'withdrawal'));
  });
});
