// The bench's SVG chart: per figure, each contender's cost relative to the floor (raw fetch = 1×),
// on a log scale so that 1.1× and 700× both read. Lower is better everywhere.
interface TypeCheck {
  instantiations: number;
  checkMs: { median: number };
}
interface Results {
  perCall: Record<string, { cpuRatio: number; rpsRatio: number }>;
  retrieve: Record<string, { cpuRatio: number }>;
  listAll: { pages: number; pageSize: number; contenders: Record<string, { cpuRatio: number }> };
  bundle: Record<string, { gzippedRatio: number }>;
  bundleJourney: Record<string, { gzippedRatio: number }>;
  typecheck: Record<string, TypeCheck>;
  typecheckJourney: Record<string, TypeCheck>;
}

const COLORS = ["#9aa0a6", "#5f6368", "#1a73e8", "#0b8043", "#e8710a"];

export function renderChart(results: Results): string {
  const contenders = Object.keys(results.perCall);
  // A figure a contender has not (the Node build's bundle and types are the fetch build's) is left out.
  const each = (ratio: (contender: string) => number | undefined) =>
    Object.fromEntries(contenders.flatMap((c) => (ratio(c) === undefined ? [] : [[c, ratio(c)!]])));
  const types = (checks: Record<string, TypeCheck>, key: (t: TypeCheck) => number) =>
    each((c) => (checks[c] ? key(checks[c]) / key(checks["raw fetch"]!) : undefined));
  const { pages, pageSize } = results.listAll;
  const figures: [string, Record<string, number>][] = [
    ["CPU per create call", each((c) => results.perCall[c]!.cpuRatio)],
    ["Time per call at concurrency 32 (1 / req/s)", each((c) => 1 / results.perCall[c]!.rpsRatio)],
    ["CPU per retrieve call", each((c) => results.retrieve[c]!.cpuRatio)],
    [
      `CPU per walk over every account (${pages} pages × ${pageSize})`,
      each((c) => results.listAll.contenders[c]!.cpuRatio),
    ],
    ["Bundle, min+gz: an app that creates", each((c) => results.bundle[c]?.gzippedRatio)],
    [
      "Bundle, min+gz: an app that links, waits and lists",
      each((c) => results.bundleJourney[c]?.gzippedRatio),
    ],
    ["Type-check instantiations: an app that creates", types(results.typecheck, (t) => t.instantiations)],
    ["Type-check time: an app that creates", types(results.typecheck, (t) => t.checkMs.median)],
    [
      "Type-check instantiations: the whole journey",
      types(results.typecheckJourney, (t) => t.instantiations),
    ],
    ["Type-check time: the whole journey", types(results.typecheckJourney, (t) => t.checkMs.median)],
  ];
  const max = Math.max(...figures.flatMap(([, v]) => Object.values(v)));
  const width = 760;
  const labelWidth = 230;
  const barSpace = width - labelWidth - 70;
  const scale = (ratio: number) =>
    4 + (Math.log10(Math.max(ratio, 1)) / Math.log10(Math.max(max, 10))) * barSpace;
  const rowHeight = 18;
  let y = 46;
  const parts: string[] = [];
  for (const [title, values] of figures) {
    parts.push(`<text x="10" y="${y}" font-weight="bold">${title}</text>`);
    y += 8;
    contenders.forEach((contender, i) => {
      const ratio = values[contender];
      if (ratio === undefined) return;
      parts.push(
        `<text x="${labelWidth - 8}" y="${y + 13}" text-anchor="end">${contender}</text>`,
        `<rect x="${labelWidth}" y="${y + 2}" width="${scale(ratio).toFixed(1)}" height="${rowHeight - 5}" fill="${COLORS[i % COLORS.length]}"/>`,
        `<text x="${(labelWidth + scale(ratio) + 6).toFixed(1)}" y="${y + 13}">${ratio < 10 ? ratio.toFixed(2) : ratio.toFixed(0)}×</text>`,
      );
      y += rowHeight;
    });
    y += 14;
  }
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y}" font-family="system-ui, sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="10" y="22" font-size="15" font-weight="bold">Cost relative to raw fetch (1×), log scale: lower is better</text>`,
    ...parts,
    "</svg>",
    "",
  ].join("\n");
}
