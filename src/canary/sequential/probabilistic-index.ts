/**
 * A confidence sequence for p = P(canary > baseline), the probabilistic index that Mann-Whitney's
 * test estimates, valid however often it is looked at. Each look pairs canary values with
 * baseline values from the same window, each pair one Bernoulli draw; a tie is settled by a fair
 * coin (seeded, so runs repeat), which keeps the draw Bernoulli(½) when nothing changed and lets
 * two variants that both measure 0 errors show they do not differ. p = ½ means neither is worse
 * (p is then P(canary > baseline) + ½ P(tie)). The mixture is conjugate: a
 * Beta(a, a) prior centred on ½ gives
 *
 *   log M_t(p₀) = log B(a + S, a + F) − log B(a, a) − S log p₀ − F log(1 − p₀)
 *
 * after S canary wins and F losses. Nothing about the metric's distribution is assumed (heavy
 * tails, stalls and bimodal latencies all keep the guarantee).
 */
import { logGamma } from '../../drift/gamma.js';
import { mixtureInterval, type SequenceInterval } from './confidence-sequence.js';

function logBeta(a: number, b: number): number {
  return logGamma(a) + logGamma(b) - logGamma(a + b);
}

export class ProbabilisticIndexSequence {
  wins = 0;
  losses = 0;
  ties = 0;

  /** The fair coin for ties: mulberry32, seeded so the same data gives the same decisions. */
  private coin = 0x9e3779b9;

  /** @param priorStrength a in Beta(a, a): larger tunes the sequence to smaller effects. */
  constructor(private readonly priorStrength = 20) {}

  private flip(): boolean {
    this.coin = (this.coin + 0x6d2b79f5) >>> 0;
    let t = this.coin;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0 < 0x80000000;
  }

  /** Adds pairs: canary[i] against baseline[i], for as many as both have. */
  addPairs(canary: readonly number[], baseline: readonly number[]): void {
    const pairs = Math.min(canary.length, baseline.length);
    for (let i = 0; i < pairs; i++) {
      const difference = (canary[i] as number) - (baseline[i] as number);
      if (difference > 0) this.wins++;
      else if (difference < 0) this.losses++;
      else {
        this.ties++;
        if (this.flip()) this.wins++;
        else this.losses++;
      }
    }
  }

  get pairs(): number {
    return this.wins + this.losses;
  }

  interval(alpha: number): SequenceInterval {
    const a = this.priorStrength;
    const s = this.wins;
    const f = this.losses;
    const logEvidence = logBeta(a + s, a + f) - logBeta(a, a);
    const epsilon = 1e-12;
    return mixtureInterval(
      {
        logLikelihood: (p) => s * Math.log(p) + f * Math.log(1 - p),
        peak: () => Math.min(1 - epsilon, Math.max(epsilon, (s + 0.5) / (s + f + 1))),
        lower: epsilon,
        upper: 1 - epsilon,
      },
      logEvidence,
      alpha,
    );
  }
}
