// The simulated customers: where each one buys (subsidiary), what (a plan of a universe sold
// there, telecom in France only), when (most at the start, some later), and how each behaves
// over the year — a seeded draw, so two runs of the same size tell the same story.
import { plansSoldIn, shippedCatalog, subsidiary, type SubsidiaryCode } from '@billing/billing-kernel';
import { Temporal } from 'temporal-polyfill';

export type Behaviour =
  | 'automatic'
  | 'manualPayer'
  | 'manualNonPayer'
  | 'deleteAtExpiration'
  | 'terminates'
  | 'cardFailsPaysOnRetry'
  | 'cardFailsPaysLate'
  | 'cardFailsNeverPays'
  | 'upgrades'
  | 'declinedAtOrder';

/** How many customers in a hundred behave so. */
const behaviourWeights: Record<Behaviour, number> = {
  automatic: 50,
  manualPayer: 7,
  manualNonPayer: 3,
  deleteAtExpiration: 5,
  terminates: 7,
  cardFailsPaysOnRetry: 6,
  cardFailsPaysLate: 6,
  cardFailsNeverPays: 5,
  upgrades: 6,
  declinedAtOrder: 5,
};

const subsidiaryWeights: Partial<Record<SubsidiaryCode, number>> = { FR: 35, DE: 14, ES: 10, IT: 7, NL: 5, GB: 12, PL: 10, CZ: 7 };

/** What customers of each universe order: monthly plans mostly, a few yearly ones. */
const universeWeights = { web: 45, dedicated: 20, cloud: 20, telecom: 15 } as const;
type Universe = keyof typeof universeWeights;
const offers: Record<Universe, { planCode: string; period: string }[]> = {
  web: [
    { planCode: 'web-hosting-starter', period: 'P1M' },
    { planCode: 'web-hosting-pro', period: 'P1M' },
    { planCode: 'web-hosting-pro', period: 'P1Y' },
    { planCode: 'domain-com', period: 'P1Y' },
  ],
  dedicated: [
    { planCode: 'dedicated-ks-1', period: 'P1M' },
    { planCode: 'dedicated-rise-1', period: 'P1M' },
  ],
  cloud: [
    { planCode: 'cloud-instance-b3-8', period: 'P1M' },
    { planCode: 'cloud-kubernetes-node-b3-16', period: 'P1M' },
  ],
  telecom: [
    { planCode: 'telecom-voip-line-solo', period: 'P1M' },
    { planCode: 'telecom-fibre-pro-1g', period: 'P1M' },
  ],
};

/** The plan an upgrading customer starts on, and the one he moves to. */
export const upgradePath = { from: 'web-hosting-starter', to: 'web-hosting-pro' } as const;

export interface SimulatedCustomer {
  index: number;
  subsidiary: SubsidiaryCode;
  country: string;
  universe: Universe;
  item: { planCode: string; period: string };
  behaviour: Behaviour;
  /** months after the start (0: the first day) when the customer orders */
  orderMonth: number;
  /** months after the start when the customer does what his behaviour says (cards fail, …) */
  actMonth: number;
}

/** mulberry32: a small seeded generator, enough for a reproducible story */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function pick<T extends string>(weights: Partial<Record<T, number>>, random: () => number): T {
  const entries = Object.entries(weights) as [T, number][];
  let draw = random() * entries.reduce((sum, [, weight]) => sum + weight, 0);
  for (const [value, weight] of entries) {
    draw -= weight;
    if (draw < 0) return value;
  }
  return entries[entries.length - 1][0];
}

export function drawPopulation(size: number, months: number, startDate: string, seed: number): SimulatedCustomer[] {
  const random = seededRandom(seed);
  const day = Temporal.PlainDate.from(startDate);
  return Array.from({ length: size }, (_, index) => {
    const code = pick(subsidiaryWeights, random);
    const soldThere = new Set(plansSoldIn(shippedCatalog, code, day).map((plan) => plan.planCode));
    const behaviour = pick(behaviourWeights, random);
    let universe: Universe = pick(universeWeights, random);
    let candidates = offers[universe].filter((offer) => soldThere.has(offer.planCode));
    // a customer whose story needs renewals within the run orders a monthly plan
    if (behaviour !== 'automatic') candidates = candidates.filter((offer) => offer.period === 'P1M');
    if (behaviour === 'upgrades' || candidates.length === 0) {
      universe = 'web';
      candidates = [{ planCode: upgradePath.from, period: 'P1M' }];
    }
    const item = candidates[Math.floor(random() * candidates.length)];
    // three in four order on the first day, the others during the first months
    const orderMonth = random() < 0.75 ? 0 : 1 + Math.floor(random() * Math.max(1, months - 4));
    const actMonth = Math.min(months - 3, orderMonth + 1 + Math.floor(random() * 5));
    return { index, subsidiary: code, country: subsidiary(code).vatCountry, universe, item, behaviour, orderMonth, actMonth };
  });
}
