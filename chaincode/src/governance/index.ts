/** EA-DPoS (MATH.md G.1–G.4) and improved-PBFT points (G.5): pure, deterministic modules. */
export * from './evaluation';
export * from './pow-agent';
export * from './voting';
export * from './reward-score';
export * from './supervisor-draw';
export * from './slot-schedule';
export * from './pbft-points';
