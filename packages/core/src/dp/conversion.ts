/** How RDP is converted to (ε, δ)-DP. */
export type RdpConversion = 'improved' | 'classic';

/**
 * ε at order α from an RDP value, minimised over orders by the caller.
 * - `classic` (Mironov 2017, Prop. 3): ε = rdp + log(1/δ)/(α − 1).
 * - `improved` (Canonne, Kamath & Steinke 2020, arXiv:2004.00010 Prop. 12;
 *   also Asoodeh et al. 2020, arXiv:2001.05990 eq. 20):
 *   ε = rdp + log((α−1)/α) − (log δ + log α)/(α − 1), never larger than
 *   classic; the formula TF Privacy uses.
 */
export function epsilonAtOrder(rdp: number, alpha: number, delta: number, conversion: RdpConversion): number {
  if (conversion === 'classic') return rdp - Math.log(delta) / (alpha - 1);
  return rdp + Math.log1p(-1 / alpha) - (Math.log(delta) + Math.log(alpha)) / (alpha - 1);
}

/** Smallest ε over `orders` (and the order achieving it), clamped at 0. */
export function epsilonFromRdp(
  orders: readonly number[],
  rdp: readonly number[],
  delta: number,
  conversion: RdpConversion = 'improved',
): { epsilon: number; order: number } {
  let best = { epsilon: Number.POSITIVE_INFINITY, order: Number.NaN };
  orders.forEach((alpha, i) => {
    const eps = epsilonAtOrder(rdp[i]!, alpha, delta, conversion);
    if (eps < best.epsilon) best = { epsilon: eps, order: alpha };
  });
  return { epsilon: Math.max(0, best.epsilon), order: best.order };
}
