import { notAvailable } from './not-available.js';

notAvailable('canary-promote');
