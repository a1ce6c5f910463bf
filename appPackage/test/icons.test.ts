import './support/strip-bom-for-jest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ICON_BACKGROUND, parseHexColor, renderIcons } from '../../scripts/make-icons';
import { colorIconProblems, outlineIconProblems } from '../../scripts/package-app';
import { decodePng, encodeIndexedPng, encodePng, readPng } from '../../scripts/png';
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

  test('an indexed outline icon is checked like an RGBA one; a 16-bit one cannot be checked', () => {
    expect(outlineIconProblems('o.png', encodeIndexedPng(decodePng(outlineBytes)))).toEqual([]);
    const sixteenBit = Buffer.from(outlineBytes);
    sixteenBit[24] = 16; // IHDR bit depth; readPng does not check CRCs
    expect(outlineIconProblems('o.png', sixteenBit)).toEqual(['o.png is not an 8-bit non-interlaced PNG, so its pixels cannot be checked']);
  });

  test('a half-transparent white pixel is fine (anti-aliasing)', () => {
    const edge = new Uint8Array(32 * 32 * 4);
    edge.set([255, 255, 255, 128], 0);
    expect(outlineIconProblems('o.png', encodePng(32, 32, 6, edge))).toEqual([]);
  });
});
