/**
 * A chart as an image of its own, for publication: its SVG with the title above and the view's
 * citation (filters in words, snapshot, date, permalink, source and licence) below, the page's
 * styles written onto each element so the file draws the same anywhere; and that SVG as a PNG.
 */
const STYLE_PROPS = [
  'fill',
  'stroke',
  'stroke-width',
  'opacity',
  'font-size',
  'font-weight',
  'font-family',
] as const;
import { FONT_FAMILY } from '../../fonts';

const NS = 'http://www.w3.org/2000/svg';
const PAD = 12;
const LINE = 16;
/** Characters a line of the citation holds at 11px across a 640-wide chart. */
const LINE_CHARS = 100;

/** The citation in lines short enough for the image, broken at spaces where it can be. */
export function wrapText(text: string, max = LINE_CHARS): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    for (let w = word; w;) {
      const room = max - (line ? line.length + 1 : 0);
      if (w.length <= room) {
        line = line ? `${line} ${w}` : w;
        w = '';
      } else if (line) {
        lines.push(line);
        line = '';
      } else {
        lines.push(w.slice(0, max));
        w = w.slice(max);
      }
    }
  }
  if (line) lines.push(line);
  return lines;
}

function el(name: string, attrs: Record<string, string | number>, content?: string): SVGElement {
  const e = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (content !== undefined) e.textContent = content;
  return e;
}

function text(x: number, y: number, content: string, size: number, weight = 'normal'): SVGElement {
  const font = `'${FONT_FAMILY}', sans-serif`;
  const at = { x, y, 'font-size': size, 'font-weight': weight, 'font-family': font, fill: '#222' };
  return el('text', at, content);
}

export interface LegendItem {
  label: string;
  color: string;
}

/** Legend items in rows across the image's width: each at its place (x, row). */
function legendRows(items: readonly LegendItem[], width: number) {
  const out: { item: LegendItem; x: number; row: number }[] = [];
  let [x, row] = [PAD, 0];
  for (const item of items) {
    const w = 18 + item.label.length * 6.5 + 12;
    if (x > PAD && x + w > width - PAD) [x, row] = [PAD, row + 1];
    out.push({ item, x, row });
    x += w;
  }
  return out;
}

/**
 * The standalone SVG text and its size: the chart's viewBox, the title above, the legend (the
 * colours the chart's HTML legend names) and the citation below. `fontCss` (the site's
 * `@font-face` rules, fonts inlined) makes the Thai text draw where no Thai font is installed.
 */
export function chartSvg(
  svg: SVGSVGElement,
  title: string,
  cite: string,
  legend: readonly LegendItem[] = [],
  fontCss = '',
): { svg: string; width: number; height: number } {
  const box = svg.viewBox.baseVal;
  const clone = svg.cloneNode(true) as SVGSVGElement;
  const from = [svg, ...svg.querySelectorAll('*')];
  const to = [clone, ...clone.querySelectorAll('*')];
  from.forEach((el, i) => {
    const style = getComputedStyle(el);
    const out = to[i] as SVGElement;
    for (const p of STYLE_PROPS) out.style.setProperty(p, style.getPropertyValue(p));
    out.removeAttribute('tabindex');
    out.removeAttribute('class');
  });
  const lines = wrapText(cite);
  const width = box.width + 2 * PAD;
  const top = PAD + 20;
  const keys = legendRows(legend, width);
  const keyRows = keys.length ? keys.at(-1)!.row + 1 : 0;
  const citeTop = top + box.height + PAD + keyRows * LINE;
  const height = citeTop + lines.length * LINE + PAD;
  const root = el('svg', { xmlns: NS, width, height, viewBox: `0 0 ${width} ${height}` });
  if (fontCss) root.append(el('style', {}, fontCss));
  root.append(el('rect', { width, height, fill: '#fff' }), text(PAD, PAD + 14, title, 16, 'bold'));
  for (const [k, v] of Object.entries({ x: PAD, y: top, width: box.width, height: box.height }))
    clone.setAttribute(k, String(v));
  clone.removeAttribute('style');
  root.append(clone);
  for (const k of keys) {
    const y = top + box.height + PAD + k.row * LINE;
    const swatch = el('rect', { x: k.x, y, width: 12, height: 12, fill: k.item.color });
    root.append(swatch, text(k.x + 18, y + 10, k.item.label, 11));
  }
  lines.forEach((l, i) => root.append(text(PAD, citeTop + (i + 1) * LINE - 4, l, 11)));
  return { svg: new XMLSerializer().serializeToString(root), width, height };
}

/** A bar of a bar list, as the image draws it. */
export interface ImageBar {
  label: string;
  value: number;
  display: string;
  color?: string;
}

/** Characters of a label the bar-list image keeps (the data table has the whole label). */
const LABEL_CHARS = 42;

/**
 * A bar list (an HTML chart on the page) drawn as an SVG for its image: each label (cut to
 * LABEL_CHARS), its bar to scale and its amount; each bar carries its exact value.
 */
export function barListSvg(bars: readonly ImageBar[], width = 640): SVGSVGElement {
  const ROW = 24;
  const [labelW, valueW] = [280, 110];
  const barW = width - labelW - valueW - 16;
  const max = Math.max(1, ...bars.map((b) => b.value));
  const svg = el('svg', { viewBox: `0 0 ${width} ${bars.length * ROW + 4}` }) as SVGSVGElement;
  const font = { 'font-family': `'${FONT_FAMILY}', sans-serif`, 'font-size': 12, fill: '#222' };
  bars.forEach((b, i) => {
    const y = i * ROW + 4;
    const label = b.label.length > LABEL_CHARS ? `${b.label.slice(0, LABEL_CHARS - 1)}…` : b.label;
    svg.append(
      el('text', { x: 0, y: y + 14, ...font }, label),
      el('rect', {
        x: labelW + 8,
        y: y + 3,
        width: Math.max(0, (b.value / max) * barW),
        height: ROW - 8,
        fill: b.color ?? '#0072B2',
        stroke: '#1b1f24',
        'stroke-width': 0.5,
        'data-value': b.value,
      }),
      el('text', { x: width, y: y + 14, 'text-anchor': 'end', ...font }, b.display),
    );
  });
  return svg;
}

/** The SVG drawn at `scale` times its size into a PNG. */
export async function svgToPng(
  image: { svg: string; width: number; height: number },
  scale = 2,
): Promise<Blob> {
  const url = URL.createObjectURL(new Blob([image.svg], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = image.width * scale;
    canvas.height = image.height * scale;
    const ctx = canvas.getContext('2d')!;
    ctx.scale(scale, scale);
    ctx.drawImage(img, 0, 0, image.width, image.height);
    return await new Promise<Blob>((ok, fail) =>
      canvas.toBlob(
        (b) => (b ? ok(b) : fail(new Error('the chart could not be drawn'))),
        'image/png',
      ),
    );
  } finally {
    URL.revokeObjectURL(url);
  }
}
