// A decay frame for tests that write fixed scores: values in it are stored as they are.
import type { DecayFrame } from '../../src/recommend';

export const FIXED_FRAME: DecayFrame = Object.freeze({ epoch: 0, halfLifeHours: 168 });
