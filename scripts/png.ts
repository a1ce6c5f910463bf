/**
 * PNG reading and writing on node:zlib alone, for the app icons (scripts/make-icons.ts, scripts/package-app.ts) and the
 * card previews (scripts/card-previews/).
 *
 * Reads any PNG's header, and the pixels of 8-bit non-interlaced grey, grey + alpha, RGB, RGBA and indexed images as
 * RGBA. Chunk CRCs are not checked, and the single transparent colour a tRNS chunk gives a grey or RGB image is not
 * applied (those pixels stay opaque). Writes 8-bit non-interlaced images with one IDAT chunk and filter type 0 on
 * every row, so the same input always gives the same bytes.
 */
import { deflateSync, inflateSync, ZlibOptions } from 'node:zlib';

/** The 8 bytes every PNG file starts with. */
export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const COLOR_TYPE_GREY = 0;
const COLOR_TYPE_RGB = 2;
const COLOR_TYPE_INDEXED = 3;
const COLOR_TYPE_GREY_ALPHA = 4;
const COLOR_TYPE_RGBA = 6;
/** Samples per pixel of each colour type; an indexed pixel is one palette index. */
const CHANNELS: Readonly<Record<number, number>> = { [COLOR_TYPE_GREY]: 1, [COLOR_TYPE_RGB]: 3, [COLOR_TYPE_INDEXED]: 1, [COLOR_TYPE_GREY_ALPHA]: 2, [COLOR_TYPE_RGBA]: 4 };
/** Length of an IHDR chunk's data. */
const IHDR_LENGTH = 13;

/** The IHDR fields this module uses. */
export interface PngHeader {
  width: number;
  height: number;
  /** Bits per sample (per palette index for indexed images): 1, 2, 4, 8 or 16. */
  bitDepth: number;
  /** 0 grey, 2 RGB, 3 indexed (palette), 4 grey + alpha, 6 RGBA. */
  colorType: number;
  /** 0 none, 1 Adam7. */
  interlace: number;
}

/** A PNG as `readPng` returns it. */
export interface DecodedPng extends PngHeader {
  /** Whether a pixel can be partly transparent: colour type 4 or 6, or a tRNS chunk. */
  hasAlpha: boolean;
  /** Row-major RGBA, 4 bytes a pixel, rows top to bottom; present exactly when the image is 8-bit and not interlaced. */
  rgba?: Buffer;
}

/** Pixels as `decodePng` returns them and the encoders and `inkStats` take them. */
export interface DecodedImage {
  width: number;
  height: number;
  /** Row-major RGBA, 4 bytes a pixel, rows top to bottom. */
  rgba: Buffer;
}

interface PngChunk {
  type: string;
  data: Buffer;
}

/** The IHDR fields; throws unless `png` starts with the signature and an IHDR chunk (which PNG requires to come first). */
function readHeader(png: Buffer): PngHeader {
  if (png.length < PNG_SIGNATURE.length + 12 + IHDR_LENGTH || !png.subarray(0, PNG_SIGNATURE.length).equals(PNG_SIGNATURE)) throw new Error('not a PNG file (bad signature)');
  if (png.readUInt32BE(8) !== IHDR_LENGTH || png.toString('latin1', 12, 16) !== 'IHDR') throw new Error('PNG does not start with an IHDR chunk');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20), bitDepth: png[24], colorType: png[25], interlace: png[28] };
}

/** Width and height from the IHDR chunk; throws if `png` is not a PNG. */
export function pngSize(png: Buffer): { width: number; height: number } {
  const { width, height } = readHeader(png);
  return { width, height };
}

/**
 * The chunks after the signature, up to and including IEND (anything after IEND is ignored). Each chunk is a 4-byte
 * big-endian data length, a 4-letter type, the data and a 4-byte CRC. Throws on a chunk that runs past the end.
 */
function readChunks(png: Buffer): PngChunk[] {
  const chunks: PngChunk[] = [];
  for (let at = PNG_SIGNATURE.length; at + 12 <= png.length;) {
    const length = png.readUInt32BE(at);
    const type = png.toString('latin1', at + 4, at + 8);
    if (at + 12 + length > png.length) throw new Error(`truncated PNG chunk ${type}`);
    chunks.push({ type, data: png.subarray(at + 8, at + 8 + length) });
    at += 12 + length;
    if (type === 'IEND') break;
  }
  return chunks;
}

/**
 * Undoes PNG filter method 0. Each of the `height` rows of `raw` is a filter type byte and `stride` filtered bytes;
 * types 0–4 (None, Sub, Up, Average, Paeth) predict a byte from the byte `bytesPerPixel` to its left, the byte above
 * and the byte above-left, each 0 outside the image. Throws on any other filter type.
 */
function unfilter(raw: Buffer, stride: number, height: number, bytesPerPixel: number): Buffer {
  const out = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = y * (stride + 1) + 1;
    const row = y * stride;
    for (let x = 0; x < stride; x++) {
      const left = x >= bytesPerPixel ? out[row + x - bytesPerPixel] : 0;
      const up = y > 0 ? out[row - stride + x] : 0;
      const upLeft = y > 0 && x >= bytesPerPixel ? out[row - stride + x - bytesPerPixel] : 0;
      let predictor: number;
      switch (filter) {
        case 0: predictor = 0; break;
        case 1: predictor = left; break;
        case 2: predictor = up; break;
        case 3: predictor = (left + up) >> 1; break;
        case 4: predictor = paeth(left, up, upLeft); break;
        default: throw new Error(`PNG row ${y} has unknown filter type ${filter}`);
      }
      out[row + x] = (raw[line + x] + predictor) & 0xff;
    }
  }
  return out;
}

/** The Paeth predictor: whichever of left, up and up-left is closest to left + up − up-left, ties in that order. */
function paeth(left: number, up: number, upLeft: number): number {
  const p = left + up - upLeft;
  const pa = Math.abs(p - left);
  const pb = Math.abs(p - up);
  const pc = Math.abs(p - upLeft);
  return pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft;
}

/** 8-bit samples of an 8-bit image (one per channel, or palette indices) as RGBA; `samples` is reused for RGBA input. */
function toRgba(samples: Buffer, colorType: number, chunks: readonly PngChunk[]): Buffer {
  if (colorType === COLOR_TYPE_RGBA) return samples;
  const channels = CHANNELS[colorType];
  const rgba = Buffer.alloc((samples.length / channels) * 4, 0xff);
  if (colorType === COLOR_TYPE_INDEXED) {
    const palette = chunks.find((c) => c.type === 'PLTE')?.data;
    if (!palette) throw new Error('indexed PNG without a PLTE chunk');
    // tRNS of an indexed image: the alpha of palette entries 0, 1, …; entries past its end are opaque.
    const alphas = chunks.find((c) => c.type === 'tRNS')?.data ?? Buffer.alloc(0);
    for (let i = 0; i < samples.length; i++) {
      const index = samples[i];
      if (index * 3 + 2 >= palette.length) throw new Error(`indexed PNG pixel ${i} uses colour ${index}; the palette has ${palette.length / 3}`);
      palette.copy(rgba, i * 4, index * 3, index * 3 + 3);
      if (index < alphas.length) rgba[i * 4 + 3] = alphas[index];
    }
    return rgba;
  }
  for (let s = 0, o = 0; s < samples.length; s += channels, o += 4) {
    if (colorType === COLOR_TYPE_RGB) {
      rgba[o] = samples[s];
      rgba[o + 1] = samples[s + 1];
      rgba[o + 2] = samples[s + 2];
    } else {
      rgba[o] = rgba[o + 1] = rgba[o + 2] = samples[s];
      if (colorType === COLOR_TYPE_GREY_ALPHA) rgba[o + 3] = samples[s + 1];
    }
  }
  return rgba;
}

/**
 * A PNG's header and, for 8-bit non-interlaced images of any colour type, its pixels (zlib inflate, row filters
 * undone, converted to RGBA). Other images come back without `rgba`. Throws on a bad signature, a missing or misplaced
 * IHDR, a truncated chunk, and, where it decodes the pixels: no IDAT, image data shorter than the header says, an
 * unknown filter type, or an indexed image without a PLTE chunk or with an index past the palette's end.
 */
export function readPng(png: Buffer): DecodedPng {
  const header = readHeader(png);
  const chunks = readChunks(png);
  const { width, height, bitDepth, colorType, interlace } = header;
  const decoded: DecodedPng = { ...header, hasAlpha: colorType === COLOR_TYPE_GREY_ALPHA || colorType === COLOR_TYPE_RGBA || chunks.some((c) => c.type === 'tRNS') };
  const channels = CHANNELS[colorType];
  if (bitDepth !== 8 || interlace !== 0 || channels === undefined) return decoded;
  const idat = chunks.filter((c) => c.type === 'IDAT').map((c) => c.data);
  if (idat.length === 0) throw new Error('PNG has no IDAT chunk');
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  if (raw.length < height * (stride + 1)) throw new Error(`PNG image data is ${raw.length} bytes; ${width}×${height} needs ${height * (stride + 1)}`);
  return { ...decoded, rgba: toRgba(unfilter(raw, stride, height, channels), colorType, chunks) };
}

/** `readPng`, for images whose pixels it decodes; any other image throws, naming its bit depth, colour type and interlace method. */
export function decodePng(png: Buffer): DecodedPng & DecodedImage {
  const decoded = readPng(png);
  const { rgba, bitDepth, colorType, interlace } = decoded;
  if (!rgba) {
    throw new Error(`unsupported PNG: bit depth ${bitDepth}, colour type ${colorType}, interlace ${interlace} (only 8-bit grey, grey + alpha, RGB, RGBA or indexed, not interlaced)`);
  }
  return { ...decoded, rgba };
}

const CRC_TABLE: Uint32Array = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 as PNG chunks use it (ISO 3309, the same as zlib's). */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** One PNG chunk: data length, type, data, and the CRC-32 of type and data. */
export function pngChunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** Colour types `encodePng` writes, 8 bits a sample. */
export type EncodedColorType = 0 | 2 | 4 | 6;

/**
 * An 8-bit, non-interlaced PNG: the IHDR, then `beforeData` (chunks that must precede IDAT, such as PLTE and tRNS),
 * then one IDAT holding `samples` (`stride` bytes a row, rows top to bottom) with filter type 0 on every row,
 * compressed with `deflate`.
 */
function writePng(width: number, height: number, colorType: number, beforeData: readonly Buffer[], samples: Uint8Array, stride: number, deflate: ZlibOptions): Buffer {
  const ihdr = Buffer.alloc(IHDR_LENGTH); // compression method 0 (deflate), filter method 0, interlace 0 (none)
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = colorType;
  const raw = Buffer.alloc((stride + 1) * height); // each row's leading filter type byte stays 0
  for (let y = 0; y < height; y++) raw.set(samples.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  return Buffer.concat([PNG_SIGNATURE, pngChunk('IHDR', ihdr), ...beforeData, pngChunk('IDAT', deflateSync(raw, deflate)), pngChunk('IEND', Buffer.alloc(0))]);
}

/**
 * Encodes 8-bit samples of colour type 0 (grey), 2 (RGB), 4 (grey + alpha) or 6 (RGBA), rows top to bottom;
 * compressed at zlib level 9. Throws if `samples` does not hold exactly width × height pixels.
 */
export function encodePng(width: number, height: number, colorType: EncodedColorType, samples: Uint8Array): Buffer {
  const channels = CHANNELS[colorType];
  if (samples.length !== width * height * channels) throw new Error(`expected ${width * height * channels} samples, got ${samples.length}`);
  return writePng(width, height, colorType, [], samples, width * channels, { level: 9 });
}

/** How many pixels have each colour, keyed by the pixel's RGBA bytes read as a big-endian 32-bit number. */
function colorCounts({ rgba }: DecodedImage): Map<number, number> {
  const counts = new Map<number, number>();
  for (let i = 0; i < rgba.length; i += 4) {
    const key = rgba.readUInt32BE(i);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/**
 * The image as an indexed PNG. With at most 256 distinct colours (alpha included) it is lossless; otherwise the
 * palette is the 256 most frequent colours and every other colour (anti-aliasing steps, mostly) becomes its nearest
 * palette colour. Ties are broken by colour value, so the same image always gives the same bytes. A tRNS chunk is
 * written only when some palette colour is not opaque.
 */
export function encodeIndexedPng(image: DecodedImage): Buffer {
  const { width, height, rgba } = image;
  const palette = [...colorCounts(image)].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, 256).map(([key]) => key);
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

  const indices = Buffer.alloc(width * height);
  for (let i = 0; i < indices.length; i++) indices[i] = nearest(rgba.readUInt32BE(i * 4));
  const plte = Buffer.alloc(palette.length * 3);
  const alphas = Buffer.alloc(palette.length);
  palette.forEach((key, i) => {
    plte[i * 3] = key >>> 24;
    plte[i * 3 + 1] = (key >>> 16) & 0xff;
    plte[i * 3 + 2] = (key >>> 8) & 0xff;
    alphas[i] = key & 0xff;
  });
  const opaque = alphas.every((a) => a === 0xff);
  const beforeData = [pngChunk('PLTE', plte), ...(opaque ? [] : [pngChunk('tRNS', alphas)])];
  return writePng(width, height, COLOR_TYPE_INDEXED, beforeData, indices, width, { level: 9, memLevel: 9 });
}

/** How many distinct colours the image has, and what share of its pixels differ from its most common colour. */
export function inkStats(image: DecodedImage): { colors: number; inkShare: number } {
  const counts = colorCounts(image);
  const background = Math.max(...counts.values());
  const pixels = image.width * image.height;
  return { colors: counts.size, inkShare: pixels === 0 ? 0 : (pixels - background) / pixels };
}
