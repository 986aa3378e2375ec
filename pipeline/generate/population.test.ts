/**
 * How cardinalities scale: users and sessions are proportional to --events (a smaller run is a smaller
 * audience with the same behaviour), so per-user and per-session rates hold at any size.
 */
import { describe, expect, it } from 'vitest';
import { BUYER_SHARE, FULL_EVENTS, FULL_SESSIONS, FULL_USERS, PURCHASE_SESSION_SHARE, expectedCardinalities, isBuyer, planPopulation, sampleUser, userId } from './population';
import { Rng } from './prng';

describe('population', () => {
  it('scales users and sessions linearly with the number of events', () => {
    expect(expectedCardinalities(FULL_EVENTS)).toEqual({ sessions: FULL_SESSIONS, users: FULL_USERS });
    const small = expectedCardinalities(1_000_000);
    expect(small.users).toBeCloseTo((FULL_USERS * 1_000_000) / FULL_EVENTS, 6);
    expect(small.sessions / small.users).toBeCloseTo(FULL_SESSIONS / FULL_USERS, 10);
  });

  it.each([200_000, 1_000_000, 5_000_000])('sampling sessions for %i events yields the expected users, purchase sessions and buyers', (events) => {
    const population = planPopulation(events, 7);
    const { sessions, users } = expectedCardinalities(events);
    const rng = new Rng(1);
    const perUser = new Map<number, number>();
    for (let s = 0; s < Math.round(sessions); s++) {
      const user = sampleUser(population, rng);
      perUser.set(user, (perUser.get(user) ?? 0) + 1);
    }
    let purchaseSessions = 0;
    let buyers = 0;
    for (const [user, count] of perUser) {
      if (!isBuyer(population, user)) continue;
      let bought = 0;
      for (let k = 0; k < count; k++) if (rng.float() < population.purchaseProbability) bought++;
      purchaseSessions += bought;
      if (bought > 0) buyers++;
    }
    expect(Math.abs(perUser.size / users - 1)).toBeLessThan(0.02);
    expect(Math.abs(purchaseSessions / sessions / PURCHASE_SESSION_SHARE - 1)).toBeLessThan(0.05);
    expect(Math.abs(buyers / perUser.size / BUYER_SHARE - 1)).toBeLessThan(0.05);
  });

  it('gives distinct users distinct 9-digit ids', () => {
    const population = planPopulation(1_000_000, 3);
    const ids = new Set<number>();
    for (let user = 0; user < population.poolSize; user++) ids.add(userId(population, user));
    expect(ids.size).toBe(population.poolSize);
    for (const id of ids) expect(String(id)).toMatch(/^\d{9}$/);
  });
});
