// A real PNG image made in memory (RGB, no external file): what a phone's photo is to the attachment
// checks, which read the first bytes. `pixel` paints it, so a screenshot shows a recognisable picture.
import { crc32, deflateSync } from 'node:zlib';

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typed = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
}

export function pngImage(
  width: number,
  height: number,
  pixel: (x: number, y: number) => readonly [number, number, number],
): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // RGB
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * 3);
    for (let x = 0; x < width; x++) row.set(pixel(x, y), 1 + x * 3);
    rows.push(row);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A brown parcel with a dark crease across it, on a light table: a "damaged box" photo. */
export function parcelPhoto(size = 96): Buffer {
  return pngImage(size, size, (x, y) => {
    const inBox = x > size * 0.15 && x < size * 0.85 && y > size * 0.25 && y < size * 0.8;
    if (!inBox) return [236, 232, 224];
    const crease = Math.abs(x - y * 1.1) < size * 0.04;
    if (crease) return [92, 60, 30];
    const tape = Math.abs(x - size / 2) < size * 0.05;
    return tape ? [214, 190, 140] : [176, 128, 78];
  });
}
