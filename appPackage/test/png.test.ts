import { deflateSync } from 'node:zlib';
import { PNG_SIGNATURE, crc32, decodePng, encodeIndexedPng, encodePng, inkStats, pngChunk, pngSize, readPng } from '../../scripts/png';

/** Samples per pixel of PNG colour types 0 (grey), 2 (RGB), 3 (indexed), 4 (grey + alpha), 6 (RGBA). */
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

interface TestPng {
  width: number;
  height: number;
  colorType: number;
  /** 8-bit samples, rows top to bottom (palette indices for colour type 3). */
  samples: Uint8Array;
  /** Filter type of row y: filters[y % filters.length]; default 0. */
  filters?: number[];
  /** Chunks between IHDR and IDAT (PLTE, tRNS). */
  beforeData?: Buffer[];
  bitDepth?: number;
  interlace?: number;
}

/**
 * A PNG built here, independently of the encoders under test (which write filter type 0 only): each row filtered
 * with its filter type as the PNG specification defines them.
 */
function buildPng({ width, height, colorType, samples, filters = [0], beforeData = [], bitDepth = 8, interlace = 0 }: TestPng): Buffer {
  const bpp = CHANNELS[colorType];
  const stride = width * bpp;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    const filter = filters[y % filters.length];
    raw[y * (stride + 1)] = filter;
    for (let x = 0; x < stride; x++) {
      const at = (dy: number, dx: number): number => (y + dy >= 0 && x + dx >= 0 ? samples[(y + dy) * stride + x + dx] : 0);
      const [left, up, upLeft] = [at(0, -bpp), at(-1, 0), at(-1, -bpp)];
      const p = left + up - upLeft;
      const paeth = Math.abs(p - left) <= Math.abs(p - up) && Math.abs(p - left) <= Math.abs(p - upLeft) ? left : Math.abs(p - up) <= Math.abs(p - upLeft) ? up : upLeft;
      const predictor = [0, left, up, (left + up) >> 1, paeth][filter] ?? 0;
      raw[y * (stride + 1) + 1 + x] = (samples[y * stride + x] - predictor) & 0xff;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = bitDepth;
  ihdr[9] = colorType;
  ihdr[12] = interlace;
  return Buffer.concat([PNG_SIGNATURE, pngChunk('IHDR', ihdr), ...beforeData, pngChunk('IDAT', deflateSync(raw)), pngChunk('IEND', Buffer.alloc(0))]);
}

const WIDTH = 7;
const HEIGHT = 10;
const pattern = (length: number): Uint8Array => Uint8Array.from({ length }, (_, i) => (i * 37 + (i >> 3) * 11) & 0xff);
/** A full 256-colour palette; tRNS gives entries 0–99 an alpha, entries 100–255 are opaque. */
const PALETTE = Buffer.from(pattern(256 * 3).map((v) => v ^ 0x5a));
const PALETTE_ALPHAS = Buffer.from(pattern(100).map((v) => v ^ 0xa5));

/** What a decoder must make of `samples`, written straight from the PNG specification's colour type table. */
function expectedRgba(colorType: number, samples: Uint8Array): Buffer {
  const out: number[] = [];
  for (let i = 0; i < samples.length; i += CHANNELS[colorType]) {
    const s = samples.subarray(i, i + CHANNELS[colorType]);
    if (colorType === 0) out.push(s[0], s[0], s[0], 255);
    if (colorType === 2) out.push(s[0], s[1], s[2], 255);
    if (colorType === 3) out.push(...PALETTE.subarray(s[0] * 3, s[0] * 3 + 3), s[0] < PALETTE_ALPHAS.length ? PALETTE_ALPHAS[s[0]] : 255);
    if (colorType === 4) out.push(s[0], s[0], s[0], s[1]);
    if (colorType === 6) out.push(...s);
  }
  return Buffer.from(out);
}

describe('readPng and decodePng', () => {
  const colorTypes: [string, number][] = [['grey', 0], ['RGB', 2], ['indexed', 3], ['grey + alpha', 4], ['RGBA', 6]];
  const filterSets = [[0], [1], [2], [3], [4], [4, 3, 2, 1, 0]];
  const cases = colorTypes.flatMap(([name, colorType]) => filterSets.map((filters) => [name, colorType, filters] as const));

  test.each(cases)('decode 8-bit %s with row filters %j to RGBA', (_name, colorType, filters) => {
    const samples = pattern(WIDTH * HEIGHT * CHANNELS[colorType]);
    const beforeData = colorType === 3 ? [pngChunk('PLTE', PALETTE), pngChunk('tRNS', PALETTE_ALPHAS)] : [];
    const png = buildPng({ width: WIDTH, height: HEIGHT, colorType, samples, filters, beforeData });
    const expected = expectedRgba(colorType, samples);
    expect(readPng(png)).toEqual({ width: WIDTH, height: HEIGHT, bitDepth: 8, colorType, interlace: 0, hasAlpha: colorType >= 3, rgba: expected });
    expect(decodePng(png).rgba).toEqual(expected);
  });

  test('Paeth breaks ties in favour of left, then up, then up-left', () => {
    // Scattered samples 0–3, so left, up and up-left often tie in distance. (A tie of left and up with up-left no
    // nearer is only possible when left = up, so that order cannot be seen in the output.)
    const samples = Uint8Array.from({ length: 16 * 16 }, (_, i) => Math.floor(Math.abs(Math.sin(i * 12.9898)) * 43758.5453) % 4);
    expect(readPng(buildPng({ width: 16, height: 16, colorType: 0, samples, filters: [4] })).rgba).toEqual(expectedRgba(0, samples));
  });

  test('hasAlpha: colour types 4 and 6, or any image with a tRNS chunk', () => {
    const rgb = { width: 1, height: 1, colorType: 2, samples: Uint8Array.from([1, 2, 3]) };
    expect(readPng(buildPng(rgb)).hasAlpha).toBe(false);
    // The colour key a tRNS chunk gives a grey or RGB image is not applied: the pixel stays opaque.
    const keyed = readPng(buildPng({ ...rgb, beforeData: [pngChunk('tRNS', Buffer.from([0, 1, 0, 2, 0, 3]))] }));
    expect(keyed).toMatchObject({ hasAlpha: true, rgba: Buffer.from([1, 2, 3, 255]) });
    const indexed = { width: 1, height: 1, colorType: 3, samples: Uint8Array.from([0]) };
    expect(readPng(buildPng({ ...indexed, beforeData: [pngChunk('PLTE', Buffer.from([9, 8, 7]))] }))).toMatchObject({ hasAlpha: false, rgba: Buffer.from([9, 8, 7, 255]) });
  });

  test('other bit depths and interlaced images: readPng gives the header only, decodePng refuses them', () => {
    const sixteenBit = buildPng({ width: 2, height: 1, colorType: 6, samples: new Uint8Array(8), bitDepth: 16 });
    expect(readPng(sixteenBit)).toEqual({ width: 2, height: 1, bitDepth: 16, colorType: 6, interlace: 0, hasAlpha: true });
    expect(() => decodePng(sixteenBit)).toThrow('unsupported PNG: bit depth 16, colour type 6, interlace 0 (only 8-bit grey, grey + alpha, RGB, RGBA or indexed, not interlaced)');
    const interlaced = buildPng({ width: 2, height: 1, colorType: 2, samples: new Uint8Array(6), interlace: 1 });
    expect(readPng(interlaced).rgba).toBeUndefined();
    expect(() => decodePng(interlaced)).toThrow('unsupported PNG: bit depth 8, colour type 2, interlace 1');
    const unknownColorType = buildPng({ width: 1, height: 1, colorType: 6, samples: new Uint8Array(4) });
    unknownColorType[25] = 5;
    expect(() => decodePng(unknownColorType)).toThrow('colour type 5');
  });

  test('refuse what is not a well-formed PNG, saying what is wrong', () => {
    const good = buildPng({ width: 2, height: 2, colorType: 6, samples: new Uint8Array(16) });
    expect(() => readPng(Buffer.from('GIF89a and then some more bytes to pass the length'))).toThrow('not a PNG file (bad signature)');
    expect(() => readPng(good.subarray(0, 30))).toThrow('not a PNG file (bad signature)');
    const ihdrLater = Buffer.concat([PNG_SIGNATURE, pngChunk('tEXt', Buffer.from('a\0b')), good.subarray(8)]);
    expect(() => readPng(ihdrLater)).toThrow('PNG does not start with an IHDR chunk');
    expect(() => readPng(good.subarray(0, good.length - 14))).toThrow('truncated PNG chunk IDAT');
    const noData = Buffer.concat([good.subarray(0, 33), pngChunk('IEND', Buffer.alloc(0))]);
    expect(() => readPng(noData)).toThrow('PNG has no IDAT chunk');
    const short = Buffer.concat([good.subarray(0, 33), pngChunk('IDAT', deflateSync(Buffer.alloc(9))), pngChunk('IEND', Buffer.alloc(0))]);
    expect(() => readPng(short)).toThrow('PNG image data is 9 bytes; 2×2 needs 18');
    expect(() => readPng(buildPng({ width: 2, height: 2, colorType: 6, samples: new Uint8Array(16), filters: [0, 5] }))).toThrow('PNG row 1 has unknown filter type 5');
    const indexed = { width: 2, height: 1, colorType: 3, samples: Uint8Array.from([1, 3]) };
    expect(() => readPng(buildPng(indexed))).toThrow('indexed PNG without a PLTE chunk');
    expect(() => readPng(buildPng({ ...indexed, beforeData: [pngChunk('PLTE', Buffer.alloc(6))] }))).toThrow('indexed PNG pixel 1 uses colour 3; the palette has 2');
  });
});

describe('pngSize', () => {
  test('reads width and height from IHDR, without decoding', () => {
    expect(pngSize(buildPng({ width: 3, height: 2, colorType: 0, samples: new Uint8Array(6), bitDepth: 16 }))).toEqual({ width: 3, height: 2 });
    expect(() => pngSize(Buffer.from('not a png at all, but long enough to have a header'))).toThrow('not a PNG file (bad signature)');
  });
});

describe('crc32 and pngChunk', () => {
  test('crc32 gives the CRC-32 check value and the CRC every IEND chunk carries', () => {
    expect(crc32(Buffer.from('123456789', 'ascii'))).toBe(0xcbf43926);
    expect(crc32(Buffer.from('IEND', 'ascii'))).toBe(0xae426082);
  });

  test('a chunk is length, type, data and the CRC of type and data', () => {
    expect(pngChunk('IEND', Buffer.alloc(0))).toEqual(Buffer.from('0000000049454e44ae426082', 'hex'));
    const chunk = pngChunk('tEXt', Buffer.from('k\0v'));
    expect(chunk.readUInt32BE(0)).toBe(3);
    expect(chunk.toString('latin1', 4, 11)).toBe('tEXtk\0v');
    expect(chunk.readUInt32BE(11)).toBe(crc32(Buffer.from('tEXtk\0v', 'latin1')));
  });
});

describe('encodePng', () => {
  test.each([[0], [2], [4], [6]] as const)('writes colour type %i that decodes to the same pixels', (colorType) => {
    const samples = pattern(WIDTH * HEIGHT * CHANNELS[colorType]);
    const png = encodePng(WIDTH, HEIGHT, colorType, samples);
    expect(png.subarray(0, 8)).toEqual(PNG_SIGNATURE);
    expect(decodePng(png)).toMatchObject({ width: WIDTH, height: HEIGHT, bitDepth: 8, colorType, interlace: 0, rgba: expectedRgba(colorType, samples) });
  });

  test('reads RGB as opaque RGBA', () => {
    const rgb = Uint8Array.from([10, 20, 30, 40, 50, 60]);
    expect(readPng(encodePng(2, 1, 2, rgb))).toMatchObject({ width: 2, height: 1, colorType: 2, hasAlpha: false, rgba: Buffer.from([10, 20, 30, 255, 40, 50, 60, 255]) });
  });

  test('refuses samples that do not fill the image', () => {
    expect(() => encodePng(2, 2, 6, new Uint8Array(15))).toThrow('expected 16 samples, got 15');
  });
});

describe('encodeIndexedPng', () => {
  const image = (rgba: Uint8Array, width: number) => ({ width, height: rgba.length / 4 / width, rgba: Buffer.from(rgba) });

  test('is lossless for up to 256 colours, and writes tRNS only when some colour is not opaque', () => {
    const translucent = image(Uint8Array.from({ length: 16 * 16 * 4 }, (_, i) => (i % 4 === 3 ? (i >> 2) & 0xff : (i >> 4) * 7)), 16);
    const png = encodeIndexedPng(translucent);
    expect(decodePng(png)).toMatchObject({ colorType: 3, hasAlpha: true, rgba: translucent.rgba });
    const opaque = image(Uint8Array.from({ length: 8 * 4 * 4 }, (_, i) => (i % 4 === 3 ? 255 : i)), 8);
    const opaquePng = encodeIndexedPng(opaque);
    expect(opaquePng.includes('tRNS')).toBe(false);
    expect(decodePng(opaquePng)).toMatchObject({ hasAlpha: false, rgba: opaque.rgba });
  });

  test('with more than 256 colours, keeps the 256 most frequent and maps the rest to the nearest, the same bytes every time', () => {
    // Greys 0–255 twice each, then 44 colours once each, each one blue step above grey k.
    const pixels = [...Array.from({ length: 512 }, (_, i) => [i >> 1, i >> 1, i >> 1]), ...Array.from({ length: 44 }, (_, k) => [k, k, k + 1])];
    const input = { width: pixels.length, height: 1, rgba: Buffer.from(pixels.flatMap((rgb) => [...rgb, 255])) };
    const png = encodeIndexedPng(input);
    expect(encodeIndexedPng(input)).toEqual(png);
    const expected = [...pixels.slice(0, 512), ...pixels.slice(512).map(([k]) => [k, k, k])];
    expect(decodePng(png).rgba).toEqual(Buffer.from(expected.flatMap((rgb) => [...rgb, 255])));
  });
});

describe('inkStats', () => {
  test('counts colours and the share of pixels that are not the most common colour', () => {
    const rgba = Buffer.alloc(4 * 4, 255);
    rgba.writeUInt32BE(0x000000ff, 4);
    expect(inkStats({ width: 4, height: 1, rgba })).toEqual({ colors: 2, inkShare: 0.25 });
    expect(inkStats({ width: 0, height: 0, rgba: Buffer.alloc(0) })).toEqual({ colors: 0, inkShare: 0 });
  });
});
