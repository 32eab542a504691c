export * from './types';
export * from './decay';
export * from './learn';
export * from './rank';
export * from './arms';
export * from './neighbourhood';
export * from './blend';
