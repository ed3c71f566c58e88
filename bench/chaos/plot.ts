// Time series as pictures without a plotting library: a PNG (lines on a grid, one panel per
// measure, encoded with node:zlib) and an SVG of the same panels with axes, labels and legend.
import { crc32, deflateSync } from 'node:zlib';

export interface Series {
  name: string;
  points: { t: number; value: number }[];
}

export interface Panel {
  title: string;
  unit: string;
  series: Series[];
}

const palette: [number, number, number][] = [
  [31, 119, 180], [255, 127, 14], [44, 160, 44], [214, 39, 40], [148, 103, 189], [140, 86, 75], [227, 119, 194], [127, 127, 127], [188, 189, 34], [23, 190, 207],
  [0, 0, 0], [174, 199, 232], [255, 187, 120], [152, 223, 138], [255, 152, 150], [197, 176, 213],
];

export function colorOf(index: number): string {
  const [r, g, b] = palette[index % palette.length];
  return `rgb(${r},${g},${b})`;
}

function bounds(panel: Panel) {
  const points = panel.series.flatMap((series) => series.points);
  const tMax = Math.max(1, ...points.map((p) => p.t));
  const vMax = Math.max(1, ...points.map((p) => p.value)) * 1.1;
  return { tMax, vMax };
}

/**
 * A 5×7 pixel font for the PNG's text: upper case, digits and a few signs (lower case is drawn
 * upper case, anything else as a space). Each glyph is 35 bits in hex, row by row from the top,
 * the highest bit the top left pixel.
 */
const font: Record<string, number> = Object.fromEntries(
  (
    'A3a31fc631 B7a31f463e C3a308422e D72518c65c E7e10f421f F7e10f4210 G3a30bc62f H4631fc631 I38842108e J1c4210a4c ' +
    'K4654c5251 L42108421f M4775ac631 N4639ace31 O3a318c62e P7a31f4210 Q3a318d64d R7a31f5251 S3e107043e T7c8421084 ' +
    'U46318c62e V46318c544 W4631ad6aa X462a22a31 Y462a21084 Z7c222221f 03a33ae62e 111842108e 23a211111f 37c441062e ' +
    '408ca97c42 57e1e0862e 61910f462e 77c2222108 83a317462e 93a317844c (088842082 )208210888 ,000003088 .00000018c ' +
    '-0000f8000 /002222200 :018c03180 %632222263 _00000001f'
  )
    .split(' ')
    .map((glyph) => [glyph[0], parseInt(glyph.slice(1), 16)]),
);

/** A PNG of the panels stacked, `width` × 240 px each, laid out as the SVG: title, axis values, legend. */
export function renderPng(panels: Panel[], width = 900): Buffer {
  const panelHeight = 240;
  const height = panelHeight * panels.length + 10;
  const pixels = Buffer.alloc(width * height * 3, 255);
  const set = (x: number, y: number, [r, g, b]: [number, number, number]) => {
    if (x < 0 || y < 0 || x >= width || y >= height) return;
    const at = (Math.round(y) * width + Math.round(x)) * 3;
    pixels[at] = r;
    pixels[at + 1] = g;
    pixels[at + 2] = b;
  };
  const line = (x0: number, y0: number, x1: number, y1: number, color: [number, number, number]) => {
    const steps = Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0), 1);
    for (let step = 0; step <= steps; step++) {
      const x = x0 + ((x1 - x0) * step) / steps;
      const y = y0 + ((y1 - y0) * step) / steps;
      set(x, y, color);
      set(x, y + 1, color);
    }
  };
  /** Text whose baseline starts at (x, y), or ends at x when `anchor` is 'end', or is centred on x. */
  const text = (x: number, y: number, value: string, anchor: 'start' | 'middle' | 'end' = 'start', color: [number, number, number] = [0, 0, 0]) => {
    const chars = [...value.toUpperCase()];
    const advance = 6;
    const left = Math.round(anchor === 'start' ? x : anchor === 'end' ? x - chars.length * advance : x - (chars.length * advance) / 2);
    chars.forEach((char, index) => {
      const glyph = font[char] ?? 0;
      for (let bit = 0; bit < 35; bit++) {
        if (glyph & (2 ** (34 - bit))) set(left + index * advance + (bit % 5), y - 7 + Math.floor(bit / 5), color);
      }
    });
  };
  panels.forEach((panel, index) => {
    const top = index * panelHeight + 25;
    const left = 60;
    const plotWidth = width - 260;
    const plotHeight = panelHeight - 60;
    const { tMax, vMax } = bounds(panel);
    text(left, top - 8, `${panel.title} (${panel.unit})`);
    for (let grid = 0; grid <= 4; grid++) {
      const y = top + plotHeight - (plotHeight * grid) / 4;
      line(left, y, left + plotWidth, y, [225, 225, 225]);
      text(left - 5, y + 4, String(Math.round((vMax * grid) / 4)), 'end');
    }
    for (let grid = 0; grid <= 5; grid++) text(left + (plotWidth * grid) / 5, top + plotHeight + 16, `${Math.round((tMax * grid) / 5)} s`, 'middle');
    line(left, top, left, top + plotHeight, [0, 0, 0]);
    line(left, top + plotHeight, left + plotWidth, top + plotHeight, [0, 0, 0]);
    panel.series.forEach((series, seriesIndex) => {
      const color = palette[seriesIndex % palette.length];
      const xy = series.points.map((p) => [left + (p.t / tMax) * plotWidth, top + plotHeight - (p.value / vMax) * plotHeight] as const);
      for (let k = 1; k < xy.length; k++) line(xy[k - 1][0], xy[k - 1][1], xy[k][0], xy[k][1], color);
      const legendY = top + seriesIndex * 15;
      for (let row = 0; row < 10; row++) line(left + plotWidth + 15, legendY + row, left + plotWidth + 24, legendY + row, color);
      text(left + plotWidth + 30, legendY + 9, series.name.slice(0, 28));
    });
  });
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) pixels.copy(raw, y * (width * 3 + 1) + 1, y * width * 3, (y + 1) * width * 3);
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // truecolour RGB
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', header), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

/** The same panels as SVG, with titles, axis values and a legend. */
export function renderSvg(panels: Panel[], width = 900): string {
  const panelHeight = 240;
  const parts: string[] = [];
  panels.forEach((panel, index) => {
    const top = index * panelHeight + 25;
    const left = 60;
    const plotWidth = width - 260;
    const plotHeight = panelHeight - 60;
    const { tMax, vMax } = bounds(panel);
    parts.push(`<text x="${left}" y="${top - 8}" font-size="13" font-weight="bold">${panel.title} (${panel.unit})</text>`);
    for (let grid = 0; grid <= 4; grid++) {
      const y = top + plotHeight - (plotHeight * grid) / 4;
      parts.push(`<line x1="${left}" y1="${y}" x2="${left + plotWidth}" y2="${y}" stroke="#ddd"/>`);
      parts.push(`<text x="${left - 5}" y="${y + 4}" font-size="10" text-anchor="end">${Math.round((vMax * grid) / 4)}</text>`);
    }
    for (let grid = 0; grid <= 5; grid++) {
      const x = left + (plotWidth * grid) / 5;
      parts.push(`<text x="${x}" y="${top + plotHeight + 14}" font-size="10" text-anchor="middle">${Math.round((tMax * grid) / 5)} s</text>`);
    }
    panel.series.forEach((series, seriesIndex) => {
      const points = series.points.map((p) => `${(left + (p.t / tMax) * plotWidth).toFixed(1)},${(top + plotHeight - (p.value / vMax) * plotHeight).toFixed(1)}`).join(' ');
      parts.push(`<polyline fill="none" stroke="${colorOf(seriesIndex)}" stroke-width="1.5" points="${points}"/>`);
      parts.push(`<rect x="${left + plotWidth + 15}" y="${top + seriesIndex * 15}" width="10" height="10" fill="${colorOf(seriesIndex)}"/>`);
      parts.push(`<text x="${left + plotWidth + 30}" y="${top + seriesIndex * 15 + 9}" font-size="10">${series.name}</text>`);
    });
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${panelHeight * panels.length + 10}" font-family="sans-serif"><rect width="100%" height="100%" fill="white"/>${parts.join('')}</svg>\n`;
}
