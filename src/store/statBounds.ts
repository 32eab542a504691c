/** How many entries the shared statistics keep per list (the lowest-scored fall off). */
export const STAT_BOUNDS = { neighbours: 200, trending: 5000, sessions: 250 } as const;
