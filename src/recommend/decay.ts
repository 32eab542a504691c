// Forward decay (Cormode et al.): an event at time t adds w * 2^((t - L) / H) for a fixed
// landmark L, so older contributions shrink relative to newer ones without ever rewriting
// stored scores. Ranking by these sums equals ranking by exponentially decayed sums.

const MAX_EXPONENT = 1000; // 2^1000 is still a finite double; beyond, the landmark must move

export function forwardDecay(at: number, landmark: number, halfLifeHours: number): number {
  const exponent = (at - landmark) / (halfLifeHours * 3_600_000);
  return 2 ** Math.min(exponent, MAX_EXPONENT);
}
