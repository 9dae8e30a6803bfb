import { PNG } from 'pngjs';

/**
 * The Teams app icons, drawn from geometry so they can be regenerated (`mailflow-doctor package --write-icons`) instead
 * of living as opaque binaries: an envelope with a "doctor's cross" badge. Teams wants a 192×192 full-colour icon and a
 * 32×32 outline icon that is white on a transparent background.
 */

type Rgb = readonly [number, number, number];

/** Mailflow Doctor's accent colour; manifest.json's accentColor says the same. */
export const ACCENT: Rgb = [0x1f, 0x6f, 0xb2];
const WHITE: Rgb = [255, 255, 255];

interface Point {
  readonly x: number;
  readonly y: number;
}

function distanceToSegment(px: number, py: number, a: Point, b: Point): number {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const t = Math.max(0, Math.min(1, ((px - a.x) * dx + (py - a.y) * dy) / (dx * dx + dy * dy)));
  const ex = px - (a.x + t * dx);
  const ey = py - (a.y + t * dy);
  // Math.sqrt, not Math.hypot: hypot is an order of magnitude slower in V8 and this runs ~600,000 times per icon.
  return Math.sqrt(ex * ex + ey * ey);
}

/** Coordinates are in the unit square; `stroke` is the line width as a fraction of the icon. */
const ENVELOPE = { left: 0.12, top: 0.24, right: 0.8, bottom: 0.7, fold: { x: 0.46, y: 0.5 } };
const BADGE = { x: 0.74, y: 0.7, radius: 0.2, arm: 0.11, armWidth: 0.055 };

/** The envelope's outline and its flap, as line segments. */
const EDGES: readonly (readonly [Point, Point])[] = (() => {
  const { left, top, right, bottom, fold } = ENVELOPE;
  const corners = [
    { x: left, y: top },
    { x: right, y: top },
    { x: right, y: bottom },
    { x: left, y: bottom },
  ];
  return [
    [corners[0], corners[1]],
    [corners[1], corners[2]],
    [corners[2], corners[3]],
    [corners[3], corners[0]],
    [corners[0], fold],
    [fold, corners[1]],
  ];
})();

/** What covers a point: the glyph (`ink`), a hole cut through it (`cut`), or nothing. */
function glyphAt(x: number, y: number, stroke: number): 'ink' | 'cut' | 'none' {
  const toBadge = Math.sqrt((x - BADGE.x) ** 2 + (y - BADGE.y) ** 2);
  if (toBadge <= BADGE.radius) {
    const inPlus =
      (Math.abs(x - BADGE.x) <= BADGE.armWidth && Math.abs(y - BADGE.y) <= BADGE.arm) ||
      (Math.abs(y - BADGE.y) <= BADGE.armWidth && Math.abs(x - BADGE.x) <= BADGE.arm);
    return inPlus ? 'cut' : 'ink';
  }
  // A gap around the badge keeps the envelope's lines from running into it at small sizes.
  if (toBadge <= BADGE.radius + stroke) return 'none';
  for (const [a, b] of EDGES) if (distanceToSegment(x, y, a, b) <= stroke / 2) return 'ink';
  return 'none';
}

export interface IconStyle {
  readonly size: number;
  /** Filled background (colour icon) or transparent (outline icon). */
  readonly background?: Rgb;
  readonly ink: Rgb;
  readonly stroke: number;
}

/** Renders the glyph with 4×4 supersampling, so edges are smooth at 192 px and still legible at 32 px. */
export function drawIcon(style: IconStyle): Buffer {
  const png = new PNG({ width: style.size, height: style.size, colorType: 6 });
  const samples = 4;
  for (let py = 0; py < style.size; py += 1) {
    for (let px = 0; px < style.size; px += 1) {
      let ink = 0;
      for (let sy = 0; sy < samples; sy += 1) {
        for (let sx = 0; sx < samples; sx += 1) {
          const x = (px + (sx + 0.5) / samples) / style.size;
          const y = (py + (sy + 0.5) / samples) / style.size;
          if (glyphAt(x, y, style.stroke) === 'ink') ink += 1;
        }
      }
      const coverage = ink / (samples * samples);
      const offset = (py * style.size + px) * 4;
      if (style.background) {
        for (let channel = 0; channel < 3; channel += 1) {
          png.data[offset + channel] = Math.round(style.background[channel] * (1 - coverage) + style.ink[channel] * coverage);
        }
        png.data[offset + 3] = 255;
      } else {
        png.data[offset] = style.ink[0];
        png.data[offset + 1] = style.ink[1];
        png.data[offset + 2] = style.ink[2];
        png.data[offset + 3] = Math.round(255 * coverage);
      }
    }
  }
  return PNG.sync.write(png);
}

export function colorIcon(): Buffer {
  return drawIcon({ size: 192, background: ACCENT, ink: WHITE, stroke: 0.05 });
}

export function outlineIcon(): Buffer {
  return drawIcon({ size: 32, ink: WHITE, stroke: 0.075 });
}

/** Width and height from the IHDR chunk, which the PNG format requires to come first (bytes 16–23). */
export function pngSize(buffer: Buffer): { width: number; height: number } | undefined {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  if (buffer.length < 24 || !buffer.subarray(0, 8).equals(signature) || buffer.toString('ascii', 12, 16) !== 'IHDR') return undefined;
  return { width: buffer.readUInt32BE(16), height: buffer.readUInt32BE(20) };
}
