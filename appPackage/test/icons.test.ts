import './support/strip-bom-for-jest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { ICON_BACKGROUND, crc32, encodePng, parseHexColor, renderIcons } from '../../scripts/make-icons';
import { colorIconProblems, outlineIconProblems, readPng } from '../../scripts/package-app';
import { APP_PACKAGE_DIR } from './support/sample';

const colorBytes = readFileSync(join(APP_PACKAGE_DIR, 'color.png'));
const outlineBytes = readFileSync(join(APP_PACKAGE_DIR, 'outline.png'));

/** PNG header fields straight from the bytes (independent of readPng). */
function ihdr(bytes: Buffer): { width: number; height: number; bitDepth: number; colorType: number; interlace: number } {
  expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  expect(bytes.toString('ascii', 12, 16)).toBe('IHDR');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20), bitDepth: bytes[24], colorType: bytes[25], interlace: bytes[28] };
}

describe('appPackage/color.png', () => {
  test('is a 192×192 PNG', () => {
    expect(ihdr(colorBytes)).toMatchObject({ width: 192, height: 192 });
    expect(colorIconProblems('color.png', colorBytes)).toEqual([]);
  });

  test('has a full-bleed background in the accent colour and a white glyph in the middle', () => {
    const { rgba } = readPng(colorBytes);
    const pixel = (x: number, y: number): number[] => [...rgba!.subarray((y * 192 + x) * 4, (y * 192 + x) * 4 + 4)];
    const background = [...parseHexColor(ICON_BACKGROUND), 255];
    for (const [x, y] of [[0, 0], [191, 0], [0, 191], [191, 191], [96, 0], [0, 96]]) expect(pixel(x, y)).toEqual(background);
    let white = 0;
    for (let i = 0; i < rgba!.length; i += 4) if (rgba![i] === 255 && rgba![i + 1] === 255 && rgba![i + 2] === 255) white++;
    expect(white).toBeGreaterThan(192 * 192 * 0.1);
  });
});

describe('appPackage/outline.png', () => {
  test('is a 32×32 PNG with an alpha channel', () => {
    expect(ihdr(outlineBytes)).toMatchObject({ width: 32, height: 32, colorType: 6 });
  });

  test('every pixel is white or fully transparent, some are opaque, and the border is transparent', () => {
    const { rgba } = readPng(outlineBytes);
    let opaque = 0;
    for (let i = 0; i < rgba!.length; i += 4) {
      const [r, g, b, a] = rgba!.subarray(i, i + 4);
      if (a !== 0) expect([r, g, b]).toEqual([255, 255, 255]);
      if (a === 255) opaque++;
    }
    expect(opaque).toBeGreaterThan(32 * 32 * 0.1);
    for (let k = 0; k < 32; k++) {
      for (const [x, y] of [[k, 0], [k, 31], [0, k], [31, k]]) expect(rgba![(y * 32 + x) * 4 + 3]).toBe(0);
    }
    expect(outlineIconProblems('outline.png', outlineBytes)).toEqual([]);
  });
});

describe('scripts/make-icons.ts', () => {
  test('the committed icons are exactly what it draws (pixel for pixel)', () => {
    const drawn = renderIcons();
    expect(readPng(drawn.color)).toEqual(readPng(colorBytes));
    expect(readPng(drawn.outline)).toEqual(readPng(outlineBytes));
  });

  test('crc32 matches the PNG specification check value', () => {
    expect(crc32(Buffer.from('123456789', 'ascii'))).toBe(0xcbf43926);
    expect(crc32(Buffer.from('IEND', 'ascii'))).toBe(0xae426082);
  });
});

/** A PNG whose rows use the given filter types (the encoder under test only writes filter 0). */
function filteredPng(width: number, height: number, rgba: Uint8Array, filters: number[]): Buffer {
  const stride = width * 4;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    const filter = filters[y % filters.length];
    raw[y * (stride + 1)] = filter;
    for (let x = 0; x < stride; x++) {
      const at = (dy: number, dx: number): number => (y + dy >= 0 && x + dx >= 0 ? rgba[(y + dy) * stride + x + dx] : 0);
      const [left, up, upLeft] = [at(0, -4), at(-1, 0), at(-1, -4)];
      const p = left + up - upLeft;
      const paeth = Math.abs(p - left) <= Math.abs(p - up) && Math.abs(p - left) <= Math.abs(p - upLeft) ? left : Math.abs(p - up) <= Math.abs(p - upLeft) ? up : upLeft;
      const predictor = [0, left, up, (left + up) >> 1, paeth][filter];
      raw[y * (stride + 1) + 1 + x] = (rgba[y * stride + x] - predictor) & 0xff;
    }
  }
  const reference = encodePng(width, height, 6, rgba);
  const idatStart = 8 + 25;
  const idatLength = reference.readUInt32BE(idatStart);
  const data = deflateSync(raw);
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write('IDAT', 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([reference.subarray(0, idatStart), head, data, crc, reference.subarray(idatStart + 12 + idatLength)]);
}

describe('readPng', () => {
  const width = 7;
  const height = 10;
  const pixels = Uint8Array.from({ length: width * height * 4 }, (_, i) => (i * 37 + (i >> 3) * 11) & 0xff);

  test.each([[[0]], [[1]], [[2]], [[3]], [[4]], [[4, 3, 2, 1, 0]]])('undoes row filters %j', (filters) => {
    expect(readPng(filteredPng(width, height, pixels, filters)).rgba).toEqual(pixels);
  });

  test('reads RGB as opaque RGBA', () => {
    const rgb = Uint8Array.from([10, 20, 30, 40, 50, 60]);
    expect(readPng(encodePng(2, 1, 2, rgb))).toMatchObject({ width: 2, height: 1, colorType: 2, hasAlpha: false, rgba: Uint8Array.from([10, 20, 30, 255, 40, 50, 60, 255]) });
  });

  test('refuses what is not a PNG', () => {
    expect(() => readPng(Buffer.from('GIF89a and then some more bytes to pass the length'))).toThrow('not a PNG file');
    expect(() => readPng(filteredPng(2, 2, new Uint8Array(16), [5]))).toThrow('unknown filter type 5');
  });
});

describe('icon checks refuse what Teams refuses', () => {
  const opaqueWhite = new Uint8Array(32 * 32 * 4).fill(255);

  test('wrong sizes', () => {
    expect(colorIconProblems('c.png', outlineBytes)).toEqual(['c.png is 32×32; the colour icon must be 192×192']);
    expect(outlineIconProblems('o.png', colorBytes)).toEqual(
      expect.arrayContaining(['o.png is 192×192; the outline icon must be 32×32', 'o.png has no alpha channel; the outline icon must have a transparent background']),
    );
  });

  test('a grey pixel, a fully transparent image, and bytes that are not a PNG', () => {
    const grey = Uint8Array.from(opaqueWhite);
    grey.set([128, 128, 128, 255], 40);
    expect(outlineIconProblems('o.png', encodePng(32, 32, 6, grey))).toEqual(['o.png has 1 pixel that is neither white nor fully transparent']);
    expect(outlineIconProblems('o.png', encodePng(32, 32, 6, new Uint8Array(32 * 32 * 4)))).toEqual(['o.png is fully transparent']);
    expect(colorIconProblems('c.png', Buffer.from('not a png'))).toEqual(['c.png: not a PNG file (bad signature)']);
  });

  test('a half-transparent white pixel is fine (anti-aliasing)', () => {
    const edge = new Uint8Array(32 * 32 * 4);
    edge.set([255, 255, 255, 128], 0);
    expect(outlineIconProblems('o.png', encodePng(32, 32, 6, edge))).toEqual([]);
  });
});
