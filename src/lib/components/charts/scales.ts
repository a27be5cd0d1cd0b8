/** The scales the bar charts share (d3): categories across, amounts up from zero. */
import { scaleBand, scaleLinear } from 'd3-scale';

/** A chart's drawing size and the margins its axes take. */
export interface Box {
  W: number;
  H: number;
  M: { top: number; right: number; bottom: number; left: number };
}

/** One band per key across the plot, and amounts from 0 to `max` (rounded to nice ticks) up it. */
export function barScales<K extends string | number>(box: Box, keys: K[], max: number) {
  const { W, H, M } = box;
  return {
    x: scaleBand<K>()
      .domain(keys)
      .range([M.left, W - M.right])
      .padding(0.15),
    y: scaleLinear()
      .domain([0, Math.max(1, max)])
      .range([H - M.bottom, M.top])
      .nice(),
  };
}
