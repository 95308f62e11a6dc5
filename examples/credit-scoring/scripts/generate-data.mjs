// Generates the example's data, deterministically: customers, their invoices (sales), and the
// modelling table credit.csv with the label bad_payer (did not pay within 90 days).
//
// The bias is deliberate and realistic: young customers (18-25) have shorter credit histories
// and, historically, were chased harder, so more of them are labelled bad payers for the same
// behaviour. The model never sees age, yet tenure carries it: the fairness report shows it.
//
//   node scripts/generate-data.mjs [--out data] [--customers 12000] [--seed 20261125]
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { writeCsv } from '../lib/csv.mjs';
import { createRandom } from '../lib/random.mjs';

const { values } = parseArgs({
  options: {
    out: { type: 'string', default: 'data' },
    customers: { type: 'string', default: '12000' },
    seed: { type: 'string', default: '20261125' },
  },
});
const out = values.out;
const count = Number(values.customers);
const random = createRandom(Number(values.seed));
mkdirSync(out, { recursive: true });

const clamp = (x, lo, hi) => Math.min(hi, Math.max(lo, x));
const round = (x, digits = 2) => Number(x.toFixed(digits));
const AGE_BANDS = ['18-25', '26-40', '41-60', '60+'];

const customers = [];
const invoices = [];
const table = [];
for (let id = 1; id <= count; id++) {
  const customerId = `C${String(id).padStart(6, '0')}`;
  const gender = random.pick(['F', 'M'], [0.48, 0.52]);
  const ageBand = random.pick(AGE_BANDS, [0.18, 0.36, 0.32, 0.14]);
  const region = random.pick(['north', 'south', 'east', 'west'], [0.3, 0.25, 0.25, 0.2]);
  const employment = random.pick(
    ['employed', 'self-employed', 'unemployed', 'retired'],
    ageBand === '60+' ? [0.35, 0.15, 0.05, 0.45] : [0.68, 0.2, 0.1, 0.02],
  );
  // Latent payment risk: behaviour, not demographics, drives it, with a shift for the young.
  const risk =
    random.normal() +
    (ageBand === '18-25' ? 0.15 : 0) +
    (employment === 'unemployed' ? 0.6 : 0) +
    (region === 'south' ? 0.15 : 0);
  const maxTenure = { '18-25': 60, '26-40': 180, '41-60': 300, '60+': 360 }[ageBand];
  const tenure = Math.round(clamp(maxTenure * random.next() * (1 - 0.15 * clamp(risk, -2, 2)), 1, maxTenure));
  const creditLimit =
    Math.round(clamp(Math.exp(8.3 + 0.5 * random.normal() - 0.15 * risk), 300, 60000) / 50) * 50;
  const invoicesPerYear = Math.round(clamp(12 + 6 * random.normal(), 1, 52));
  const avgInvoice = round(clamp(creditLimit * (0.08 + 0.04 * random.next()), 20, 20000));
  const lateRatio = round(clamp(0.12 + 0.11 * risk + 0.035 * random.normal(), 0, 1), 3);
  const maxDaysLate = Math.round(clamp(18 + 22 * risk + 7 * random.normal(), 0, 180));
  // The historical label: behaviour, plus harsher chasing of the young (the bias).
  const logit = -2.0 + 3.2 * risk + (ageBand === '18-25' ? 0.4 : 0);
  const badPayer = random.next() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;

  customers.push({
    customer_id: customerId,
    gender,
    age_band: ageBand,
    region,
    employment,
    tenure_months: tenure,
    credit_limit: creditLimit,
  });
  for (let n = 0; n < 3; n++) {
    const daysLate = Math.max(0, Math.round(maxDaysLate * random.next()));
    invoices.push({
      invoice_id: `${customerId}-${n + 1}`,
      customer_id: customerId,
      amount: round(avgInvoice * (0.5 + random.next())),
      days_late: daysLate,
    });
  }
  table.push({
    customer_id: customerId,
    gender,
    age_band: ageBand,
    region,
    employment,
    tenure_months: tenure,
    credit_limit: creditLimit,
    invoices_per_year: invoicesPerYear,
    avg_invoice: avgInvoice,
    late_ratio: lateRatio,
    max_days_late: maxDaysLate,
    bad_payer: badPayer,
  });
}

const FEATURES = [
  'customer_id',
  'gender',
  'age_band',
  'region',
  'employment',
  'tenure_months',
  'credit_limit',
  'invoices_per_year',
  'avg_invoice',
  'late_ratio',
  'max_days_late',
];
writeCsv(path.join(out, 'customers.csv'), Object.keys(customers[0]), customers);
writeCsv(path.join(out, 'sales.csv'), Object.keys(invoices[0]), invoices);
// The last 1,000 customers are held out for deploy-test's replay; the rest is for training.
const holdout = table.slice(-1000);
writeCsv(path.join(out, 'credit.csv'), [...FEATURES, 'bad_payer'], table.slice(0, -1000));
writeCsv(path.join(out, 'holdout.csv'), [...FEATURES, 'bad_payer'], holdout);
writeCsv(path.join(out, 'sample.csv'), FEATURES, holdout.slice(0, 200));
console.error(`wrote ${table.length} customers, ${invoices.length} invoices to ${out}/`);
