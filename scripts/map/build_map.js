#!/usr/bin/env node
// Builds assets/map/countries.txt, the country shapes the map chart draws (src/charts/map/), from
// Natural Earth 1:50m admin-0 countries as redistributed by the npm package world-atlas.
//
// Rerun from the repository root (no other network access than the npm registry):
//
//   tmp=$(mktemp -d) && npm install --prefix "$tmp" --no-save --no-audit --no-fund \
//       world-atlas@2.0.2 topojson-client@3.1.0 && \
//   NODE_PATH="$tmp/node_modules" node scripts/map/build_map.js > assets/map/countries.txt
//
// The file goes to stdout, a report of what was done to stderr. The output is deterministic for the pinned
// inputs; the script refuses other versions because the shapes would change without anyone noticing.
//
// Steps, and why:
//  1. Arcs are simplified before rings are built (Visvalingam-Whyatt, effective area measured in Equal
//     Earth, the projection the chart uses, so the tolerance means the same number of km² everywhere).
//     TopoJSON stores a border shared by two countries once, so both neighbours get the same simplified
//     border and no gaps or overlaps open between them.
//  2. Geometries are keyed by ISO 3166-1 alpha-3 through their numeric code (= UN M49) and
//     assets/reference/countries.csv. Natural Earth's oddities are handled by name (ODDITIES below).
//  3. Overseas parts that ISO 3166 and M49 list apart (French Guiana, Guadeloupe, Martinique, Réunion,
//     Mayotte, Svalbard and Jan Mayen, Caribbean Netherlands, Tokelau) are moved out of France, Norway, the
//     Netherlands and New Zealand by where they lie (SPLITS below).
//  3b. Where Natural Earth's de facto line differs from the United Nations' position and the part is a
//     polygon of its own (Crimea), the part goes back to its country (REASSIGN below).
//  4. Rings that cross the antimeridian (Russia's Chukotka, Fiji, Antarctica) are cut at ±180°, so a ring
//     never spans the map from one edge to the other.
//  5. Holes are all enclaves (Lesotho in South Africa, San Marino and the Vatican in Italy, ...): each is
//     checked to be exactly another country's outline and dropped, and that outline is written as an
//     enclave ring, which the renderer draws after every other ring, on top of its host. (Drawing
//     smaller countries last is not enough: Armenia and Azerbaijan each hold an enclave of the other.)
//  6. Tiny rings are dropped (MIN_RING_KM2) except a country's largest, so every country keeps a shape.
//  7. Countries missing from the 1:50m file (Tuvalu, Gibraltar, U.S. Minor Outlying Islands, and Bouvet
//     Island, a part of Norway there) are taken from the 1:10m file of the same Natural Earth release,
//     simplified the same way.
//  8. Coordinates are quantized to 1/100 degree (about 1 km, a tenth of a pixel on the largest map the
//     service draws) and delta-encoded.

"use strict";

const fs = require("fs");
const path = require("path");
const topojson = require("topojson-client");

const EXPECTED = { "world-atlas": "2.0.2", "topojson-client": "3.1.0" };
for (const [name, version] of Object.entries(EXPECTED)) {
  const found = require(`${name}/package.json`).version;
  if (found !== version) {
    throw new Error(`${name} ${found} found, ${version} expected (see the header of this script)`);
  }
}
// The input files, by SHA-256, as assets/map/SOURCE.md records them.
const INPUTS = {
  "countries-50m.json": "04342cdc1e3016bcd7db1630de95684d67b79fe3c8c460321e87aef469502394",
  "countries-10m.json": "3bc6f1d367a9bcec479841bae0e76092f512838411d0cef124e92eec4db45f79",
};
const atlasDir = path.dirname(require.resolve("world-atlas/package.json"));
function readInput(name) {
  const bytes = fs.readFileSync(path.join(atlasDir, name));
  const digest = require("crypto").createHash("sha256").update(bytes).digest("hex");
  if (digest !== INPUTS[name]) throw new Error(`${name}: SHA-256 ${digest}, ${INPUTS[name]} expected`);
  return JSON.parse(bytes.toString("utf8"));
}
const world50 = readInput("countries-50m.json");
const world10 = readInput("countries-10m.json");

// Visvalingam tolerance: a vertex goes when the triangle it forms with its neighbours covers less than
// this. The most detailed map the service draws is Latin America and the Caribbean about 1000 px wide,
// about 10 km a pixel (100 km² a square pixel); 30 km² is a third of a pixel there, so no visible
// detail is lost, and it keeps the file near 0.4 MB.
const TOLERANCE_KM2 = 30;
// Rings smaller than this (a quarter of a pixel on that map) are dropped unless they are a country's
// largest; small island states are drawn as points on top of their shape anyway.
const MIN_RING_KM2 = 25;
// 1/100 degree.
const QUANTUM = 100;
const EARTH_RADIUS_KM = 6371.0088;

// ---------------------------------------------------------------------------------------------------
// Equal Earth (Šavrič, Patterson and Jenny 2018), on the unit sphere; the same formulas as the renderer.
const A1 = 1.340264, A2 = -0.081106, A3 = 0.000893, A4 = 0.003796;
const M = Math.sqrt(3) / 2;
function equalEarth(lon, lat) {
  const lambda = (lon * Math.PI) / 180;
  const theta = Math.asin(M * Math.sin((lat * Math.PI) / 180));
  const t2 = theta * theta, t6 = t2 * t2 * t2;
  const x = (lambda * Math.cos(theta)) / (M * (A1 + 3 * A2 * t2 + t6 * (7 * A3 + 9 * A4 * t2)));
  const y = theta * (A1 + A2 * t2 + t6 * (A3 + A4 * t2));
  return [x, y];
}
const KM2_PER_UNIT2 = EARTH_RADIUS_KM * EARTH_RADIUS_KM;

// Signed shoelace area of a closed ring of [x, y] (first point repeated last or not: both work).
function planarArea(points) {
  let sum = 0;
  for (let i = 0, n = points.length; i < n; i++) {
    const [x0, y0] = points[i];
    const [x1, y1] = points[(i + 1) % n];
    sum += x0 * y1 - x1 * y0;
  }
  return sum / 2;
}
function areaKm2(ring) {
  return Math.abs(planarArea(ring.map(([lon, lat]) => equalEarth(lon, lat)))) * KM2_PER_UNIT2;
}

// ---------------------------------------------------------------------------------------------------
// Arcs with absolute coordinates, simplified.

function absoluteArcs(topology) {
  const [sx, sy] = topology.transform.scale;
  const [tx, ty] = topology.transform.translate;
  return topology.arcs.map((arc) => {
    let x = 0, y = 0;
    return arc.map(([dx, dy]) => {
      x += dx;
      y += dy;
      return [x * sx + tx, y * sy + ty];
    });
  });
}

// Visvalingam-Whyatt on one arc: repeatedly removes the vertex of least effective area; endpoints stay
// (they are where arcs meet, so neighbouring arcs still join). A closed arc (an island) keeps at least
// three distinct points.
function simplifyArc(arc) {
  const n = arc.length;
  if (n <= 3) return arc;
  const closed = arc[0][0] === arc[n - 1][0] && arc[0][1] === arc[n - 1][1];
  const minPoints = closed ? 4 : 2;
  const xy = arc.map(([lon, lat]) => equalEarth(lon, lat));
  const prev = new Int32Array(n), next = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    prev[i] = i - 1;
    next[i] = i + 1;
  }
  const weight = new Float64Array(n).fill(Infinity);
  const triangle = (i) => {
    const [ax, ay] = xy[prev[i]], [bx, by] = xy[i], [cx, cy] = xy[next[i]];
    return Math.abs((bx - ax) * (cy - ay) - (cx - ax) * (by - ay)) / 2;
  };
  // A binary heap of [weight, index]; stale entries are skipped when popped.
  const heap = [];
  const push = (w, i) => {
    heap.push([w, i]);
    let c = heap.length - 1;
    while (c > 0) {
      const p = (c - 1) >> 1;
      if (heap[p][0] <= heap[c][0]) break;
      [heap[p], heap[c]] = [heap[c], heap[p]];
      c = p;
    }
  };
  const pop = () => {
    const top = heap[0];
    const last = heap.pop();
    if (heap.length > 0) {
      heap[0] = last;
      let p = 0;
      for (;;) {
        const l = 2 * p + 1, r = l + 1;
        let m = p;
        if (l < heap.length && heap[l][0] < heap[m][0]) m = l;
        if (r < heap.length && heap[r][0] < heap[m][0]) m = r;
        if (m === p) break;
        [heap[p], heap[m]] = [heap[m], heap[p]];
        p = m;
      }
    }
    return top;
  };
  for (let i = 1; i < n - 1; i++) {
    weight[i] = triangle(i);
    push(weight[i], i);
  }
  const limit = TOLERANCE_KM2 / KM2_PER_UNIT2;
  const removed = new Uint8Array(n);
  let remaining = n;
  let floor = 0; // effective area never decreases, as Visvalingam and Whyatt prescribe
  while (heap.length > 0 && remaining > minPoints) {
    const [w, i] = pop();
    if (removed[i] || w !== weight[i]) continue;
    if (w >= limit) break;
    floor = Math.max(floor, w);
    removed[i] = 1;
    remaining--;
    const p = prev[i], q = next[i];
    next[p] = q;
    prev[q] = p;
    for (const j of [p, q]) {
      if (j > 0 && j < n - 1) {
        weight[j] = Math.max(triangle(j), floor);
        push(weight[j], j);
      }
    }
  }
  return arc.filter((_, i) => !removed[i]);
}

// A topology whose arcs are absolute, simplified coordinates (no transform), for topojson-client.
function simplifiedTopology(topology) {
  return {
    type: "Topology",
    objects: topology.objects,
    arcs: absoluteArcs(topology).map(simplifyArc),
  };
}

// ---------------------------------------------------------------------------------------------------
// Reference: M49 -> ISO3, from the project's own country list.

const csvText = fs.readFileSync(path.join(__dirname, "../../assets/reference/countries.csv"), "utf8");
function parseCsvLine(line) {
  const cells = [];
  let cell = "", quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      cells.push(cell);
      cell = "";
    } else cell += c;
  }
  cells.push(cell);
  return cells;
}
const csvLines = csvText.split("\n").filter((l) => l.trim() !== "");
const header = parseCsvLine(csvLines[0]);
const countries = csvLines.slice(1).map((line) => {
  const cells = parseCsvLine(line);
  return Object.fromEntries(header.map((h, i) => [h, cells[i]]));
});
const iso3ByM49 = new Map(countries.map((c) => [c.m49, c.iso3]));

// ---------------------------------------------------------------------------------------------------
// Natural Earth's oddities. Geometries without a numeric code carry a name only.
const ODDITIES = {
  // Not a UN member; the UN treats it under Security Council resolution 1244 (1999), and M49 has no
  // code for it: drawn as part of Serbia, with no border between them.
  Kosovo: { merge: "SRB" },
  // Recognised only by Türkiye; M49 and ISO 3166 count the whole island as Cyprus.
  "N. Cyprus": { merge: "CYP" },
  // Declared independence in 1991, recognised by no UN member; M49 counts it in Somalia.
  Somaliland: { merge: "SOM" },
  // Christmas Island and the Cocos (Keeling) Islands, which M49 and ISO list apart: split by longitude.
  "Indian Ocean Ter.": { splitByLongitude: { below: "CCK", above: "CXR", at: 100 } },
  // Disputed between India and Pakistan; credited to neither: drawn as a neutral area.
  "Siachen Glacier": { disputed: "SIACHEN" },
};
// Ashmore and Cartier Islands carry Australia's code (036) in Natural Earth: they join Australia, which
// is what ISO 3166 says too.

// Parts that ISO 3166 and M49 list apart from the state Natural Earth draws them in: [from, to, box].
// A polygon moves when its first ring's centroid lies in the box [west, south, east, north].
const SPLITS = [
  ["FRA", "GUF", [-55, 1, -50, 7]],
  ["FRA", "GLP", [-62, 15.8, -60.9, 16.6]],
  ["FRA", "MTQ", [-61.3, 14.3, -60.7, 15]],
  ["FRA", "REU", [55, -21.5, 56, -20.8]],
  ["FRA", "MYT", [44.8, -13.1, 45.4, -12.5]],
  ["NOR", "SJM", [-10, 70, 35, 82]], // Svalbard and Jan Mayen; mainland Norway ends south of 71.2°N
  ["NLD", "BES", [-69, 12, -62.8, 18]], // Bonaire, Sint Eustatius and Saba
  ["NZL", "TKL", [-173, -10, -171, -8]], // Tokelau
];
// Countries missing from the 1:50m file, taken from the 1:10m file.
const FROM_10M = ["798", "292", "581"]; // Tuvalu, Gibraltar, U.S. Minor Outlying Islands
// Parts of a 1:10m state that ISO lists apart and the 1:50m file lacks: [code of the state, to, box].
const PARTS_FROM_10M = [["578", "BVT", [3, -55, 4, -54]]]; // Bouvet Island, in Norway's 1:10m shape
// Left out: Antarctica (no reporting state; it would take a sixth of the map's height).
const LEFT_OUT = ["ATA"];

const report = [];
const note = (text) => report.push(text);

// ---------------------------------------------------------------------------------------------------
// Polygons per key.

// Polygons (arrays of rings of [lon, lat], first ring outer) of a merged or plain geometry.
function polygonsOf(topology, geometries) {
  const merged = geometries.length === 1 ? geometries[0] : topojson.mergeArcs(topology, geometries);
  const feature = topojson.feature(topology, merged);
  const g = feature.geometry;
  if (!g) return [];
  return g.type === "Polygon" ? [g.coordinates] : g.coordinates;
}

// Which arcs a geometry's rings use (absolute indices), ring by ring, for the enclave check.
function arcRings(geometry) {
  const polygons = geometry.type === "Polygon" ? [geometry.arcs] : geometry.arcs;
  return polygons.map((rings) => rings.map((ring) => ring.map((i) => (i < 0 ? ~i : i))));
}

function centroid(ring) {
  let a = 0, x = 0, y = 0;
  for (let i = 0, n = ring.length; i < n; i++) {
    const [x0, y0] = ring[i];
    const [x1, y1] = ring[(i + 1) % n];
    const c = x0 * y1 - x1 * y0;
    a += c;
    x += (x0 + x1) * c;
    y += (y0 + y1) * c;
  }
  if (a === 0) return ring[0];
  return [x / (3 * a), y / (3 * a)];
}

const inBox = ([lon, lat], [w, s, e, n]) => lon >= w && lon <= e && lat >= s && lat <= n;

function collect(topology, ids) {
  const byKey = new Map(); // key -> { geometries, disputed }
  const add = (key, geometry, disputed = false) => {
    if (!byKey.has(key)) byKey.set(key, { geometries: [], disputed });
    byKey.get(key).geometries.push(geometry);
  };
  const splitByLongitude = new Map();
  for (const geometry of topology.objects.countries.geometries) {
    const name = geometry.properties.name;
    if (ids && !ids.includes(geometry.id)) continue;
    if (geometry.id !== undefined) {
      const iso3 = iso3ByM49.get(geometry.id);
      if (!iso3) throw new Error(`code ${geometry.id} (${name}) is not in countries.csv`);
      if (geometry.id === "036" && name !== "Australia") note(`${name} (code 036) joins AUS`);
      add(iso3, geometry);
      continue;
    }
    const oddity = ODDITIES[name];
    if (!oddity) throw new Error(`${name} has no code and no rule in ODDITIES`);
    if (oddity.merge) {
      add(oddity.merge, geometry);
      note(`${name} joins ${oddity.merge}`);
    } else if (oddity.disputed) {
      add(`~${oddity.disputed}`, geometry, true);
      note(`${name} is drawn as a disputed area (~${oddity.disputed}), credited to no country`);
    } else if (oddity.splitByLongitude) {
      splitByLongitude.set(name, { geometry, rule: oddity.splitByLongitude });
    }
  }
  const result = new Map();
  for (const [key, { geometries, disputed }] of byKey) {
    result.set(key, { polygons: polygonsOf(topology, geometries), disputed, geometries, topology });
  }
  for (const [name, { geometry, rule }] of splitByLongitude) {
    for (const polygon of polygonsOf(topology, [geometry])) {
      const key = centroid(polygon[0])[0] < rule.at ? rule.below : rule.above;
      if (!result.has(key)) result.set(key, { polygons: [], disputed: false, geometries: [], topology });
      result.get(key).polygons.push(polygon);
      note(`a part of ${name} goes to ${key}`);
    }
  }
  return result;
}

const topo50 = simplifiedTopology(world50);
const topo10 = simplifiedTopology(world10);

// Natural Earth draws de facto lines. Where the United Nations hold otherwise and the part is a polygon of
// its own, it goes back: [code it is drawn in, code it belongs to, box, why]. A polygon moves when its
// outer ring's centroid lies in the box; it is merged with its country, so no border is drawn between them.
const REASSIGN = [
  ["643", "804", [32, 44, 37, 46.5], "Crimea: part of Ukraine (UN General Assembly resolution 68/262; M49)"],
];
for (const [from, to, box, why] of REASSIGN) {
  const geometries = topo50.objects.countries.geometries;
  const source = geometries.find((g) => g.id === from);
  if (!source || source.type !== "MultiPolygon") throw new Error(`no multipolygon ${from} to take a part from`);
  const inside = source.arcs.filter((polygon) => {
    const ring = topojson.feature(topo50, { type: "Polygon", arcs: polygon }).geometry.coordinates[0];
    return inBox(centroid(ring), box);
  });
  if (inside.length !== 1) throw new Error(`${inside.length} parts of ${from} in the box of ${why}`);
  source.arcs = source.arcs.filter((polygon) => polygon !== inside[0]);
  geometries.push({ type: "Polygon", arcs: inside[0], id: to, properties: { name: why } });
  note(`a part of ${from} goes to ${to}: ${why}`);
}
const shapes = collect(topo50, null);
for (const [key, value] of collect(topo10, FROM_10M)) {
  shapes.set(key, value);
  note(`${key} is taken from the 1:10m file (missing from 1:50m)`);
}

for (const [code, to, box] of PARTS_FROM_10M) {
  const [[, state]] = collect(topo10, [code]);
  const parts = state.polygons.filter((p) => inBox(centroid(p[0]), box));
  if (parts.length === 0) throw new Error(`no part of ${code} (1:10m) lies in the box of ${to}`);
  shapes.set(to, { polygons: parts, disputed: false, geometries: [], topology: topo10 });
  note(`${parts.length} part(s) of ${code} in the 1:10m file become ${to}`);
}
for (const [from, to, box] of SPLITS) {
  const source = shapes.get(from);
  const moved = source.polygons.filter((p) => inBox(centroid(p[0]), box));
  if (moved.length === 0) throw new Error(`no part of ${from} lies in the box of ${to}`);
  source.polygons = source.polygons.filter((p) => !moved.includes(p));
  if (shapes.has(to)) throw new Error(`${to} has a shape of its own already`);
  shapes.set(to, { polygons: moved, disputed: false, geometries: [], topology: topo50 });
  note(`${moved.length} part(s) of ${from} become ${to}`);
}
for (const iso3 of LEFT_OUT) {
  shapes.delete(iso3);
  note(`${iso3} left out`);
}

// ---------------------------------------------------------------------------------------------------
// Holes: each must be an enclave, i.e. use exactly the arcs of another geometry's outer ring.
const outerArcSets = new Map();
for (const geometry of world50.objects.countries.geometries) {
  for (const polygon of arcRings(geometry)) {
    outerArcSets.set([...polygon[0]].sort((a, b) => a - b).join(","), geometry.properties.name);
  }
}
for (const geometry of world50.objects.countries.geometries) {
  for (const polygon of arcRings(geometry)) {
    for (const hole of polygon.slice(1)) {
      const key = [...hole].sort((a, b) => a - b).join(",");
      const enclave = outerArcSets.get(key);
      if (geometry.properties.name === "Antarctica") continue;
      if (!enclave) throw new Error(`${geometry.properties.name} has a hole that is no enclave`);
      note(`hole of ${geometry.properties.name} is the enclave ${enclave}: dropped`);
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Antimeridian: a ring with a jump of more than 180° between two points crosses it. Longitudes are
// unwrapped to be continuous, then the ring is clipped to each side of 180° (or -180°).

function unwrap(ring) {
  const out = [ring[0].slice()];
  for (let i = 1; i < ring.length; i++) {
    let lon = ring[i][0];
    const last = out[i - 1][0];
    while (lon - last > 180) lon -= 360;
    while (lon - last < -180) lon += 360;
    out.push([lon, ring[i][1]]);
  }
  return out;
}

// Sutherland-Hodgman against one vertical line: keeps the side where keep(lon) holds.
function clipAt(ring, at, keepBelow) {
  const keep = (p) => (keepBelow ? p[0] <= at : p[0] >= at);
  const out = [];
  for (let i = 0, n = ring.length; i < n; i++) {
    const a = ring[i], b = ring[(i + 1) % n];
    if (keep(a)) out.push(a);
    if (keep(a) !== keep(b)) {
      const t = (at - a[0]) / (b[0] - a[0]);
      out.push([at, a[1] + t * (b[1] - a[1])]);
    }
  }
  return out;
}

function cutAtAntimeridian(ring) {
  const crosses = ring.some((p, i) => i > 0 && Math.abs(p[0] - ring[i - 1][0]) > 180);
  if (!crosses) return [ring];
  const open = ring.slice(0, -1); // the closing point is implied from here on
  const u = unwrap(open);
  const lons = u.map((p) => p[0]);
  const min = Math.min(...lons), max = Math.max(...lons);
  const pieces = [];
  if (max > 180) {
    pieces.push(clipAt(u, 180, true));
    pieces.push(clipAt(u, 180, false).map(([lon, lat]) => [lon - 360, lat]));
  } else if (min < -180) {
    pieces.push(clipAt(u, -180, false));
    pieces.push(clipAt(u, -180, true).map(([lon, lat]) => [lon + 360, lat]));
  } else {
    return [ring];
  }
  return pieces.filter((p) => p.length >= 3).map((p) => [...p, p[0]]);
}

// ---------------------------------------------------------------------------------------------------
// Output.

const quantize = (v) => Math.round(v * QUANTUM);

// Quantized ring without its closing point and without consecutive duplicates; null if degenerate.
function quantizedRing(ring) {
  const out = [];
  for (const [lon, lat] of ring) {
    const q = [quantize(lon), quantize(lat)];
    const last = out[out.length - 1];
    if (!last || last[0] !== q[0] || last[1] !== q[1]) out.push(q);
  }
  while (out.length > 1 && out[0][0] === out[out.length - 1][0] && out[0][1] === out[out.length - 1][1]) {
    out.pop();
  }
  return out.length >= 3 ? out : null;
}

// A point inside the ring: the centroid when it is inside, else the middle of the widest horizontal
// chord at the centroid's latitude (a crescent-shaped island's centroid lies in the sea).
function inside(ring, [x, y]) {
  let c = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i], [xj, yj] = ring[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) c = !c;
  }
  return c;
}
function labelPoint(ring) {
  const c = centroid(ring);
  if (inside(ring, c)) return c;
  const y = c[1];
  const xs = [];
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i], [xj, yj] = ring[j];
    if (yi > y !== yj > y) xs.push(((xj - xi) * (y - yi)) / (yj - yi) + xi);
  }
  xs.sort((a, b) => a - b);
  let best = null;
  for (let k = 0; k + 1 < xs.length; k += 2) {
    if (!best || xs[k + 1] - xs[k] > best[1] - best[0]) best = [xs[k], xs[k + 1]];
  }
  return best ? [(best[0] + best[1]) / 2, y] : ring[0];
}

// Island-only: no arc of the country is shared with another geometry (no land border).
function arcUses(topology) {
  const uses = new Map();
  for (const geometry of topology.objects.countries.geometries) {
    for (const polygon of arcRings(geometry)) {
      for (const ring of polygon) for (const arc of ring) uses.set(arc, (uses.get(arc) || 0) + 1);
    }
  }
  return uses;
}
const arcUse = new Map([[topo50, arcUses(topo50)], [topo10, arcUses(topo10)]]);
// Parts split off a larger state have no geometry of their own; all are islands but French Guiana,
// which borders Brazil and Suriname. Gibraltar, from the 1:10m file, borders Spain.
const NOT_ISLANDS = ["GUF", "GIB"];
function islandOnly(key, entry) {
  if (NOT_ISLANDS.includes(key)) return false;
  const uses = arcUse.get(entry.topology);
  return entry.geometries.every((g) =>
    arcRings(g).every((polygon) => polygon.every((ring) => ring.every((arc) => uses.get(arc) === 1))),
  );
}

// Enclaves: the holes of every shape, by centroid and area; an outer ring with the same centroid and
// area is the enclave that fills it (both come from the same simplified arcs).
const holes = [];
for (const entry of shapes.values()) {
  for (const polygon of entry.polygons) {
    for (const hole of polygon.slice(1)) holes.push({ centroid: centroid(hole), area: areaKm2(hole) });
  }
}
const isEnclave = (ring) => {
  const [x, y] = centroid(ring);
  const area = areaKm2(ring);
  return holes.some(
    (h) => Math.abs(h.centroid[0] - x) < 1e-9 && Math.abs(h.centroid[1] - y) < 1e-9 && Math.abs(h.area - area) < 1e-6,
  );
};

const records = [];
let droppedRings = 0;
let enclaves = 0;
for (const [key, entry] of shapes) {
  const rings = [];
  for (const polygon of entry.polygons) {
    for (const ring of cutAtAntimeridian(polygon[0])) rings.push(ring);
  }
  const measured = rings.map((ring) => ({ ring, area: areaKm2(ring) }));
  measured.sort((a, b) => b.area - a.area);
  const kept = measured.filter((m, i) => i === 0 || m.area >= MIN_RING_KM2);
  droppedRings += measured.length - kept.length;
  const quantized = kept
    .map((m) => ({ ring: quantizedRing(m.ring), enclave: isEnclave(m.ring) }))
    .filter((r) => r.ring !== null);
  enclaves += quantized.filter((r) => r.enclave).length;
  const area = kept.reduce((s, m) => s + m.area, 0);
  const largest = measured[0] ? measured[0].ring : null;
  const point = largest ? labelPoint(largest.slice(0, -1)) : null;
  const island = islandOnly(key, entry);
  const flags = (entry.disputed ? "d" : "") + (island ? "i" : "") || "-";
  records.push({ key, flags, area, point, rings: quantized });
}
// Larger first: an enclave is drawn after (on top of) the country around it.
records.sort((a, b) => b.area - a.area || a.key.localeCompare(b.key));

const lines = [];
lines.push("gcm-map 1");
lines.push("# Country shapes for src/charts/map.rs. Natural Earth 1:50m admin-0 countries 4.1.0 (public domain)");
lines.push("# via the npm package world-atlas 2.0.2 (ISC); built by scripts/map/build_map.js, see assets/map/SOURCE.md.");
lines.push("# C ISO3 FLAGS AREA_KM2 LON LAT: a country (FLAGS: i = islands only, d = disputed area, - = none),");
lines.push("#   its area and a point inside its largest ring; R X Y DX DY ...: one outer ring, the first point");
lines.push("#   then the steps to the next ones, all in 1/100 degree; E: the same for an enclave ring, drawn after all");
lines.push("#   R rings, on top of the country around it. Larger countries first.");
let points = 0;
for (const r of records) {
  const [lon, lat] = r.point.map(quantize);
  lines.push(`C ${r.key} ${r.flags} ${Math.round(r.area)} ${lon} ${lat}`);
  for (const { ring, enclave } of r.rings) {
    const parts = [ring[0][0], ring[0][1]];
    for (let i = 1; i < ring.length; i++) {
      parts.push(ring[i][0] - ring[i - 1][0], ring[i][1] - ring[i - 1][1]);
    }
    points += ring.length;
    lines.push(`${enclave ? "E" : "R"} ${parts.join(" ")}`);
  }
}
const text = lines.join("\n") + "\n";
process.stdout.write(text);

note(`${records.length} shapes, ${records.reduce((s, r) => s + r.rings.length, 0)} rings, ${points} points,` +
  ` ${enclaves} enclave rings, ${droppedRings} rings under ${MIN_RING_KM2} km² dropped, ${text.length} bytes`);
const keys = new Set(records.map((r) => r.key));
const missing = countries.filter((c) => !keys.has(c.iso3)).map((c) => c.iso3);
note(`in countries.csv without a shape: ${missing.join(", ")}`);
process.stderr.write(report.join("\n") + "\n");
