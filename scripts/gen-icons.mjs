// Generates WakeDock's PNG icons (no image tooling needed): the same mark as the renderer's
// favicon, a white container stack on a boat hull over a blue rounded square, drawn on a 32-unit
// grid and rasterised with 8x8 supersampling. Run: node scripts/gen-icons.mjs (the PNGs are committed).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BLUE = [0x25, 0x63, 0xeb];

function inRoundedRect(x, y, x0, y0, w, h, r) {
  if (x < x0 || y < y0 || x > x0 + w || y > y0 + h) return false;
  const cx = Math.min(Math.max(x, x0 + r), x0 + w - r);
  const cy = Math.min(Math.max(y, y0 + r), y0 + h - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}
const inRect = (x, y, x0, y0, w, h) => x >= x0 && x <= x0 + w && y >= y0 && y <= y0 + h;
// Hull: M7 19 H25 L23 24 H9 Z (a trapezoid narrowing downwards).
function inHull(x, y) {
  if (y < 19 || y > 24) return false;
  const t = (y - 19) / 5;
  return x >= 7 + 2 * t && x <= 25 - 2 * t;
}
const boxes = [
  [9, 13],
  [14, 13],
  [19, 13],
  [14, 8],
];
const inMark = (x, y) => inHull(x, y) || boxes.some(([bx, by]) => inRect(x, y, bx, by, 4, 4));

function render(size, { padding = 0 } = {}) {
  const ss = 8;
  const px = new Uint8Array(size * size * 4);
  const scale = (32 + 2 * padding) / size;
  for (let j = 0; j < size; j++) {
    for (let i = 0; i < size; i++) {
      let bg = 0;
      let fg = 0;
      for (let sj = 0; sj < ss; sj++) {
        for (let si = 0; si < ss; si++) {
          const x = (i + (si + 0.5) / ss) * scale - padding;
          const y = (j + (sj + 0.5) / ss) * scale - padding;
          if (inRoundedRect(x, y, 0, 0, 32, 32, 7)) {
            bg++;
            if (inMark(x, y)) fg++;
          }
        }
      }
      const n = ss * ss;
      const a = bg / n;
      const w = bg ? fg / bg : 0; // share of white inside the covered area
      const o = (j * size + i) * 4;
      for (let c = 0; c < 3; c++) px[o + c] = Math.round(BLUE[c] * (1 - w) + 255 * w);
      px[o + 3] = Math.round(a * 255);
    }
  }
  return px;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}
function png(size, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    Buffer.from(rgba.buffer, y * size * 4, size * 4).copy(raw, y * (size * 4 + 1) + 1);
  }
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

const outputs = [
  // Tray: the full square reads well at 16 px; @2x for HiDPI.
  ['resources/tray.png', 16, {}],
  ['resources/tray@2x.png', 32, {}],
  // Window icon (Linux taskbar) and the packager's source icon (electron-builder derives .ico/.icns).
  ['resources/icon.png', 256, { padding: 1.5 }],
  ['build/icon.png', 512, { padding: 1.5 }],
];
for (const [file, size, opts] of outputs) {
  const path = resolve(root, file);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, png(size, render(size, opts)));
  console.log(`${file} ${size}x${size}`);
}
