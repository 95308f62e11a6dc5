import { notAvailable } from './not-available.js';

notAvailable('deploy-test');
