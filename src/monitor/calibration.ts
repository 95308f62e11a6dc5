/**
 * Whether scores can be read as probabilities, which performance estimation rests on. Checked
 * on labelled rows: scores that take only the values 0 and 1 are hard predictions, not
 * probabilities; otherwise the rows are cut into ten bins of equal size by score and the
 * Hosmer-Lemeshow statistic Σ (O − E)² / (E(1 − E/n)) over the bins is compared with the
 * chi-square distribution on 8 degrees of freedom, beside the expected calibration error
 * (the mean |observed rate − mean score| weighted by bin size).
 */
import { chiSquareSurvival } from '../drift/gamma.js';

export interface Calibration {
  /** False when the estimate should not be trusted; `reason` says why. */
  calibrated: boolean;
  reason: string;
  rows: number;
  expected_calibration_error: number | null;
  hosmer_lemeshow_p_value: number | null;
}

/** Below this p-value, the scores are called miscalibrated. */
const CALIBRATION_ALPHA = 0.01;
const BINS = 10;

export function checkCalibration(scores: Float64Array, labels: Uint8Array): Calibration {
  const rows = scores.length;
  if (rows < BINS * 5) {
    return {
      calibrated: false,
      reason: `only ${rows} labelled rows: too few to check calibration (at least ${BINS * 5})`,
      rows,
      expected_calibration_error: null,
      hosmer_lemeshow_p_value: null,
    };
  }
  let hard = true;
  for (const score of scores) {
    if (score !== 0 && score !== 1) {
      hard = false;
      break;
    }
  }
  if (hard) {
    return {
      calibrated: false,
      reason:
        'the scores take only the values 0 and 1: they are hard predictions, not calibrated probabilities',
      rows,
      expected_calibration_error: null,
      hosmer_lemeshow_p_value: null,
    };
  }
  const order = Array.from(scores.keys()).sort((a, b) => (scores[a] as number) - (scores[b] as number));
  let statistic = 0;
  let weightedError = 0;
  for (let bin = 0; bin < BINS; bin++) {
    const start = Math.floor((bin * rows) / BINS);
    const end = Math.floor(((bin + 1) * rows) / BINS);
    let expected = 0;
    let observed = 0;
    for (let k = start; k < end; k++) {
      const row = order[k] as number;
      expected += scores[row] as number;
      observed += labels[row] as number;
    }
    const size = end - start;
    weightedError += Math.abs(observed - expected);
    const variance = expected * (1 - expected / size);
    if (variance > 0) statistic += (observed - expected) ** 2 / variance;
  }
  const pValue = chiSquareSurvival(statistic, BINS - 2);
  const ece = weightedError / rows;
  const calibrated = pValue >= CALIBRATION_ALPHA;
  return {
    calibrated,
    reason: calibrated
      ? `calibrated on ${rows} labelled rows (Hosmer-Lemeshow p = ${pValue.toPrecision(3)}, expected calibration error ${ece.toFixed(3)})`
      : `not calibrated on ${rows} labelled rows (Hosmer-Lemeshow p = ${pValue.toPrecision(3)} < ${CALIBRATION_ALPHA}, expected calibration error ${ece.toFixed(3)}): recalibrate the scores (e.g. isotonic or Platt) before trusting the estimate`,
    rows,
    expected_calibration_error: ece,
    hosmer_lemeshow_p_value: pValue,
  };
}
