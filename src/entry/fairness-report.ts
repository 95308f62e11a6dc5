import { notAvailable } from './not-available.js';

notAvailable('fairness-report');
