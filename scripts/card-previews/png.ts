/**
 * The little PNG handling the previews need, on node:zlib alone: read the size, decode an 8-bit RGB, RGBA or indexed
 * non-interlaced PNG (Chromium's screenshots and our own output), and re-encode it with a palette of at most 256 colours, which
 * makes a text-heavy card about 2–3 times smaller than Chromium's RGB output.
 */
import { deflateSync, inflateSync } from 'node:zlib';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const COLOR_TYPE_RGB = 2;
const COLOR_TYPE_INDEXED = 3;
const COLOR_TYPE_RGBA = 6;

export interface DecodedImage {
  width: number;
  height: number;
  /** Row-major RGBA, 4 bytes a pixel (alpha 255 for RGB input). */
  rgba: Buffer;
}

/** Width and height from a PNG's IHDR chunk; throws if `png` is not a PNG. */
export function pngSize(png: Buffer): { width: number; height: number } {
  if (png.length < 24 || !png.subarray(0, 8).equals(SIGNATURE) || png.toString('latin1', 12, 16) !== 'IHDR') throw new Error('not a PNG (no signature and IHDR chunk)');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

interface Chunk {
  type: string;
  data: Buffer;
}

function chunksOf(png: Buffer): Chunk[] {
  pngSize(png);
  const chunks: Chunk[] = [];
  for (let at = 8; at + 12 <= png.length;) {
    const length = png.readUInt32BE(at);
    const type = png.toString('latin1', at + 4, at + 8);
    if (at + 12 + length > png.length) throw new Error(`PNG chunk ${type} runs past the end of the file`);
    chunks.push({ type, data: png.subarray(at + 8, at + 8 + length) });
    at += 12 + length;
    if (type === 'IEND') break;
  }
  return chunks;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Decodes an 8-bit RGB, RGBA or indexed, non-interlaced PNG; anything else throws, naming what it is. */
export function decodePng(png: Buffer): DecodedImage {
  const chunks = chunksOf(png);
  const header = chunks[0].data;
  const width = header.readUInt32BE(0);
  const height = header.readUInt32BE(4);
  const [bitDepth, colorType, , , interlace] = header.subarray(8, 13);
  if (bitDepth !== 8 || ![COLOR_TYPE_RGB, COLOR_TYPE_INDEXED, COLOR_TYPE_RGBA].includes(colorType) || interlace !== 0) {
    throw new Error(`unsupported PNG: bit depth ${bitDepth}, colour type ${colorType}, interlace ${interlace} (only 8-bit RGB, RGBA or indexed, not interlaced)`);
  }
  const channels = colorType === COLOR_TYPE_RGBA ? 4 : colorType === COLOR_TYPE_RGB ? 3 : 1;
  const stride = width * channels;
  const raw = inflateSync(Buffer.concat(chunks.filter((c) => c.type === 'IDAT').map((c) => c.data)));
  if (raw.length < height * (stride + 1)) throw new Error(`PNG image data is ${raw.length} bytes; ${width}×${height} needs ${height * (stride + 1)}`);
  const pixels = Buffer.alloc(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = y * (stride + 1) + 1;
    const row = y * stride;
    for (let x = 0; x < stride; x++) {
      const left = x >= channels ? pixels[row + x - channels] : 0;
      const up = y > 0 ? pixels[row - stride + x] : 0;
      const upLeft = x >= channels && y > 0 ? pixels[row - stride + x - channels] : 0;
      const predictor = filter === 0 ? 0 : filter === 1 ? left : filter === 2 ? up : filter === 3 ? (left + up) >> 1 : filter === 4 ? paeth(left, up, upLeft) : -1;
      if (predictor < 0) throw new Error(`PNG row ${y} has unknown filter ${filter}`);
      pixels[row + x] = (raw[line + x] + predictor) & 0xff;
    }
  }
  if (channels === 4) return { width, height, rgba: pixels };
  const rgba = Buffer.alloc(width * height * 4);
  if (channels === 3) {
    for (let i = 0, j = 0; i < pixels.length; i += 3, j += 4) {
      rgba[j] = pixels[i];
      rgba[j + 1] = pixels[i + 1];
      rgba[j + 2] = pixels[i + 2];
      rgba[j + 3] = 0xff;
    }
    return { width, height, rgba };
  }
  const plte = chunks.find((c) => c.type === 'PLTE')?.data;
  if (!plte) throw new Error('indexed PNG without a PLTE chunk');
  const alphas = chunks.find((c) => c.type === 'tRNS')?.data ?? Buffer.alloc(0);
  for (let i = 0; i < pixels.length; i++) {
    const index = pixels[i];
    if (index * 3 + 2 >= plte.length) throw new Error(`indexed PNG pixel ${i} uses colour ${index}; the palette has ${plte.length / 3}`);
    plte.copy(rgba, i * 4, index * 3, index * 3 + 3);
    rgba[i * 4 + 3] = index < alphas.length ? alphas[index] : 0xff;
  }
  return { width, height, rgba };
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/**
 * The image as an indexed PNG. With at most 256 distinct colours (alpha included) it is lossless; otherwise the
 * palette is the 256 most frequent colours and every other colour (anti-aliasing steps, mostly) becomes its nearest
 * palette colour. Ties are broken by colour value, so the same image always gives the same bytes.
 */
export function encodeIndexedPng(image: DecodedImage): Buffer {
  const { width, height, rgba } = image;
  const counts = new Map<number, number>();
  for (let i = 0; i < rgba.length; i += 4) {
    const key = rgba.readUInt32BE(i);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const palette = [...counts].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, 256).map(([key]) => key);
  const indexOf = new Map<number, number>(palette.map((key, index) => [key, index]));
  const nearest = (key: number): number => {
    const known = indexOf.get(key);
    if (known !== undefined) return known;
    let best = 0;
    let bestDistance = Number.POSITIVE_INFINITY;
    for (let i = 0; i < palette.length; i++) {
      const p = palette[i];
      let distance = 0;
      for (let shift = 24; shift >= 0; shift -= 8) distance += (((key >>> shift) & 0xff) - ((p >>> shift) & 0xff)) ** 2;
      if (distance < bestDistance) {
        bestDistance = distance;
        best = i;
      }
    }
    indexOf.set(key, best);
    return best;
  };

  const rows = Buffer.alloc(height * (width + 1));
  for (let y = 0; y < height; y++) {
    rows[y * (width + 1)] = 0;
    for (let x = 0; x < width; x++) rows[y * (width + 1) + 1 + x] = nearest(rgba.readUInt32BE((y * width + x) * 4));
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8;
  header[9] = COLOR_TYPE_INDEXED;
  const plte = Buffer.alloc(palette.length * 3);
  const alphas = Buffer.alloc(palette.length);
  palette.forEach((key, i) => {
    plte[i * 3] = key >>> 24;
    plte[i * 3 + 1] = (key >>> 16) & 0xff;
    plte[i * 3 + 2] = (key >>> 8) & 0xff;
    alphas[i] = key & 0xff;
  });
  const opaque = alphas.every((a) => a === 0xff);
  return Buffer.concat([
    SIGNATURE,
    chunk('IHDR', header),
    chunk('PLTE', plte),
    ...(opaque ? [] : [chunk('tRNS', alphas)]),
    chunk('IDAT', deflateSync(rows, { level: 9, memLevel: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** How many distinct colours the image has, and what share of its pixels differ from its most common colour. */
export function inkStats(image: DecodedImage): { colors: number; inkShare: number } {
  const counts = new Map<number, number>();
  for (let i = 0; i < image.rgba.length; i += 4) {
    const key = image.rgba.readUInt32BE(i);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const background = Math.max(...counts.values());
  const pixels = image.width * image.height;
  return { colors: counts.size, inkShare: pixels === 0 ? 0 : (pixels - background) / pixels };
}
