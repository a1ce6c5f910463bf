/**
 * Draws Rewind's Teams app icons and writes them to appPackage/ (`npx ts-node --transpile-only scripts/make-icons.ts`).
 *
 * The glyph is a counter-clockwise circular arrow (going back in time) around a "⏪" double triangle. It is defined
 * once, as shapes in a unit square, and rasterised here with 8×8 supersampling per pixel, so the output depends only
 * on this file (no browser, no fonts):
 * - color.png: 192×192, 8-bit RGB, the glyph in white on a full-bleed ICON_BACKGROUND square (= the manifest's
 *   accentColor), the glyph box 120×120 centred.
 * - outline.png: 32×32, 8-bit RGBA, the glyph box 30×30 centred; every pixel white (255,255,255) and alpha carries
 *   the glyph's coverage, so the background is fully transparent and only the glyph's anti-aliased edges are partly
 *   transparent.
 *
 * appPackage/test/icons.test.ts checks that the committed PNGs decode to exactly the pixels this file draws.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodePng } from './png';

/** The colour icon's background; appPackage/manifest.json's accentColor is the same colour. */
export const ICON_BACKGROUND = '#0B6E75';

export const COLOR_ICON_SIZE = 192;
export const OUTLINE_ICON_SIZE = 32;
/** Side of the square the glyph is drawn into on the colour icon (centred; the rest is background). */
const COLOR_GLYPH_BOX = 120;
/** The same for the outline icon: a 1-pixel transparent margin all round. */
const OUTLINE_GLYPH_BOX = 30;
const SUPERSAMPLING = 8;

type Point = readonly [number, number];

// The glyph, in a unit square with y pointing down. Angles are in degrees, counter-clockwise from 3 o'clock.
const CENTRE: Point = [0.5, 0.5];
const RING_OUTER = 0.44;
const RING_INNER = 0.33;
/** The ring covers angles in [-RING_END, RING_END]; the gap on the left is where the arrow head points. */
const RING_END = 150;
const ARROW_HALF_WIDTH = 0.17;
const ARROW_LENGTH = 0.2;

function polar(angleInDegrees: number, radius: number): Point {
  const a = (angleInDegrees * Math.PI) / 180;
  return [CENTRE[0] + radius * Math.cos(a), CENTRE[1] - radius * Math.sin(a)];
}

/** The arrow head sits on the ring's end at RING_END and points along the counter-clockwise tangent. */
const ARROW_HEAD: readonly Point[] = (() => {
  const a = (RING_END * Math.PI) / 180;
  const [ex, ey] = polar(RING_END, (RING_OUTER + RING_INNER) / 2);
  const radial: Point = [Math.cos(a), -Math.sin(a)];
  const tangent: Point = [-Math.sin(a), -Math.cos(a)];
  return [
    [ex + radial[0] * ARROW_HALF_WIDTH, ey + radial[1] * ARROW_HALF_WIDTH],
    [ex - radial[0] * ARROW_HALF_WIDTH, ey - radial[1] * ARROW_HALF_WIDTH],
    [ex + tangent[0] * ARROW_LENGTH, ey + tangent[1] * ARROW_LENGTH],
  ];
})();

/** "⏪": two left-pointing triangles side by side, centred. */
const REWIND_TRIANGLES: readonly (readonly Point[])[] = [
  [[0.34, 0.5], [0.5, 0.37], [0.5, 0.63]],
  [[0.5, 0.5], [0.66, 0.37], [0.66, 0.63]],
];

function inTriangle([px, py]: Point, [a, b, c]: readonly Point[]): boolean {
  const side = (p: Point, q: Point): number => (q[0] - p[0]) * (py - p[1]) - (q[1] - p[1]) * (px - p[0]);
  const d1 = side(a, b);
  const d2 = side(b, c);
  const d3 = side(c, a);
  return (d1 >= 0 && d2 >= 0 && d3 >= 0) || (d1 <= 0 && d2 <= 0 && d3 <= 0);
}

function inRing([px, py]: Point): boolean {
  const dx = px - CENTRE[0];
  const dy = CENTRE[1] - py;
  const r = Math.hypot(dx, dy);
  if (r < RING_INNER || r > RING_OUTER) return false;
  return Math.abs((Math.atan2(dy, dx) * 180) / Math.PI) <= RING_END;
}

/** Whether a point of the unit square is inside the glyph. */
export function inGlyph(p: Point): boolean {
  return inRing(p) || inTriangle(p, ARROW_HEAD) || REWIND_TRIANGLES.some((t) => inTriangle(p, t));
}

/** Coverage (0–255) of each pixel of a size×size image whose glyph box is [offset, offset + box) on both axes. */
function coverage(size: number, offset: number, box: number): Uint8Array {
  const out = new Uint8Array(size * size);
  const samples = SUPERSAMPLING * SUPERSAMPLING;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let hits = 0;
      for (let sy = 0; sy < SUPERSAMPLING; sy++) {
        for (let sx = 0; sx < SUPERSAMPLING; sx++) {
          const u = (x + (sx + 0.5) / SUPERSAMPLING - offset) / box;
          const v = (y + (sy + 0.5) / SUPERSAMPLING - offset) / box;
          if (u >= 0 && u < 1 && v >= 0 && v < 1 && inGlyph([u, v])) hits++;
        }
      }
      out[y * size + x] = Math.round((hits * 255) / samples);
    }
  }
  return out;
}

export function parseHexColor(hex: string): [number, number, number] {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) throw new Error(`not a #rrggbb colour: ${hex}`);
  return [parseInt(m[1], 16), parseInt(m[2], 16), parseInt(m[3], 16)];
}

export interface Icons {
  color: Buffer;
  outline: Buffer;
}

export function renderIcons(): Icons {
  const [br, bg, bb] = parseHexColor(ICON_BACKGROUND);
  const offset = (COLOR_ICON_SIZE - COLOR_GLYPH_BOX) / 2;
  const colorCoverage = coverage(COLOR_ICON_SIZE, offset, COLOR_GLYPH_BOX);
  const rgb = new Uint8Array(COLOR_ICON_SIZE * COLOR_ICON_SIZE * 3);
  colorCoverage.forEach((a, i) => {
    rgb[i * 3] = Math.round((255 * a + br * (255 - a)) / 255);
    rgb[i * 3 + 1] = Math.round((255 * a + bg * (255 - a)) / 255);
    rgb[i * 3 + 2] = Math.round((255 * a + bb * (255 - a)) / 255);
  });

  const outlineCoverage = coverage(OUTLINE_ICON_SIZE, (OUTLINE_ICON_SIZE - OUTLINE_GLYPH_BOX) / 2, OUTLINE_GLYPH_BOX);
  const rgba = new Uint8Array(OUTLINE_ICON_SIZE * OUTLINE_ICON_SIZE * 4).fill(255);
  outlineCoverage.forEach((a, i) => {
    rgba[i * 4 + 3] = a;
  });

  return {
    color: encodePng(COLOR_ICON_SIZE, COLOR_ICON_SIZE, 2, rgb),
    outline: encodePng(OUTLINE_ICON_SIZE, OUTLINE_ICON_SIZE, 6, rgba),
  };
}

if (require.main === module) {
  const dir = join(__dirname, '..', 'appPackage');
  const icons = renderIcons();
  writeFileSync(join(dir, 'color.png'), icons.color);
  writeFileSync(join(dir, 'outline.png'), icons.outline);
  console.log(`rewind: wrote ${join(dir, 'color.png')} (${COLOR_ICON_SIZE}×${COLOR_ICON_SIZE}) and ${join(dir, 'outline.png')} (${OUTLINE_ICON_SIZE}×${OUTLINE_ICON_SIZE})`);
}
