import { describe, expect, it } from 'vitest';
import { incidentStep, NO_INCIDENT, type IncidentPolicy, type IncidentState, type IncidentTransition } from '../../src/core/detection/incident.ts';

const AUTO: IncidentPolicy = { pendingExecutions: null, resolveAfterExecutions: null };
const MIN = 60_000;

/** Feeds runs 5 minutes apart: [breach?, band units]; returns the transitions and the anomalous flags. */
function play(runs: readonly [boolean, number | null][], policy = AUTO, start: IncidentState = NO_INCIDENT) {
  let state = start;
  const transitions: IncidentTransition[] = [];
  const anomalous: boolean[] = [];
  runs.forEach(([breach, u], i) => {
    const step = incidentStep(state, { at: i * 5 * MIN, breach, bandUnits: u, periodMinutes: 5 }, policy);
    state = step.state;
    transitions.push(step.transition);
    anomalous.push(step.anomalous);
  });
  return { transitions, anomalous, state };
}
const opened = (t: IncidentTransition[]) => t.filter((x) => x === 'opened').length;
const normal = (n: number): [boolean, number][] => Array.from({ length: n }, () => [false, 0.1]);

describe('when an incident opens (automatic rules)', () => {
  it('given one breach of a little over the band, then nothing; given two in a row, then it opens on the second', () => {
    expect(play([[true, -1.2], [false, 0.1]]).transitions).toEqual([null, null]);
    expect(play([[true, -1.2], [true, -1.3]]).transitions).toEqual([null, 'opened']);
  });

  it('given one value three band widths out, then it opens at once', () => {
    expect(play([[true, -3.5]]).transitions).toEqual(['opened']);
  });

  it('given a smaller deviation that persists inside the band, then it opens when the evidence adds up', () => {
    const { transitions } = play(Array.from({ length: 10 }, () => [false, -0.9] as [boolean, number]));
    expect(transitions.indexOf('opened')).toBe(5);
    expect(opened(play(Array.from({ length: 40 }, (_, i) => [false, i % 2 ? 0.6 : -0.6] as [boolean, number])).transitions)).toBe(0);
  });

  it('given runs of overlapping windows (every minute, 5 minutes each), then evidence counts per window, not per run', () => {
    const overlapping = (runs: readonly [boolean, number][]) => {
      let state: IncidentState = NO_INCIDENT;
      return runs.map(([breach, u], i) => {
        const step = incidentStep(state, { at: i * MIN, breach, bandUnits: u, periodMinutes: 1, windowMinutes: 5 }, AUTO);
        state = step.state;
        return step.transition;
      });
    };
    // Two breaching runs a minute apart share four fifths of their data: not yet two observations.
    expect(overlapping([[true, -1.3], [true, -1.3]])).toEqual([null, null]);
    // Breaching for a window and a run more: two observations that share nothing.
    expect(overlapping(Array.from({ length: 6 }, () => [true, -1.3] as [boolean, number])).indexOf('opened')).toBe(5);
    // A value three band widths out still opens at once.
    expect(overlapping([[true, -3.5]])).toEqual(['opened']);
  });

  it('given pendingExecutions = 3, then exactly three breaches in a row open it, however large', () => {
    const p = { pendingExecutions: 3, resolveAfterExecutions: null };
    expect(play([[true, -9], [true, -9]], p).transitions).toEqual([null, null]);
    expect(play([[true, -9], [true, -9], [true, -9]], p).transitions).toEqual([null, null, 'opened']);
    expect(play([[true, -9], [false, 0], [true, -9], [true, -9]], p).transitions).toEqual([null, null, null, null]);
  });
});

describe('inside an incident', () => {
  it('given a series that flaps, then it opens nothing new, and every run is kept out of the baseline', () => {
    const runs: [boolean, number][] = [[true, -4], ...Array.from({ length: 12 }, (_, i) => [i % 2 === 0, i % 2 ? -0.5 : -1.5] as [boolean, number])];
    const r = play(runs);
    expect(opened(r.transitions)).toBe(1);
    expect(r.transitions).not.toContain('ended');
    expect(r.anomalous.every(Boolean)).toBe(true);
  });

  it('ends after normality that lasted as long as the incident did: at least three runs, at most three hours', () => {
    const short = play([[true, -4], ...normal(5)]);
    expect(short.transitions.indexOf('ended')).toBe(3);
    const hour: [boolean, number][] = [[true, -4], ...Array.from({ length: 12 }, () => [true, -2] as [boolean, number]), ...normal(20)];
    expect(play(hour).transitions.indexOf('ended')).toBe(13 + 12); // 65 minutes of incident, then 65 minutes (13 runs) of normality
    const day: [boolean, number][] = [[true, -4], ...Array.from({ length: 100 }, () => [true, -2] as [boolean, number]), ...normal(60)];
    expect(play(day).transitions.indexOf('ended')).toBe(101 + 35); // three hours: 36 runs
  });

  it('given resolveAfterExecutions = 2, then two normal runs in a row end it', () => {
    const p = { pendingExecutions: null, resolveAfterExecutions: 2 };
    expect(play([[true, -4], [true, -2], [false, -0.9], [false, -0.8]], p).transitions).toEqual(['opened', null, null, 'ended']);
  });

  it('after a day a lasting change is the new normal: its runs teach the baseline again', () => {
    const day = 24 * 12;
    const r = play([[true, -4], ...Array.from({ length: day + 2 }, () => [true, -2] as [boolean, number])]);
    expect(r.anomalous.slice(0, day)).toEqual(new Array(day).fill(true));
    expect(r.anomalous.slice(day + 1)).toEqual([false, false]);
    expect(r.state.open).toBe(true);
  });
});
