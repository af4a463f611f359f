import type { GraphNode, ResourceGraph } from './graph-model';

const SHAPES: Record<GraphNode['kind'], [string, string]> = {
  application: ['([', '])'],
  resource: ['[(', ')]'],
  provider: ['{{', '}}'],
  workflow: ['[', ']'],
  step: ['(', ')'],
};
const STATE_CLASSES: Record<string, string> = {
  active: 'ok',
  succeeded: 'ok',
  failed: 'bad',
  provisioning: 'busy',
  updating: 'busy',
  terminating: 'busy',
  running: 'busy',
  started: 'busy',
  retrying: 'busy',
};

/** Mermaid text can hold neither quotes nor brackets unescaped inside a label. */
function label(text: string): string {
  return `"${text.replace(/["#<>]/g, (c) => `#${c.charCodeAt(0)};`)}"`;
}

/**
 * The graph as a Mermaid flowchart (left to right): node shapes by kind,
 * state in the label and as a class (`ok`, `bad`, `busy`).
 */
export function renderMermaid(graph: ResourceGraph): string {
  const ids = new Map(graph.nodes.map((n, i) => [n.id, `n${i}`]));
  const lines = ['flowchart LR'];
  for (const n of graph.nodes) {
    const [open, close] = SHAPES[n.kind];
    const text = [n.label, n.detail, n.state].filter(Boolean).join(' · ');
    lines.push(`  ${ids.get(n.id)}${open}${label(text)}${close}`);
  }
  for (const e of graph.edges) lines.push(`  ${ids.get(e.from)} -->|${e.kind}| ${ids.get(e.to)}`);
  lines.push(
    '  classDef ok stroke:#1a7f37,stroke-width:2px',
    '  classDef bad stroke:#cf222e,stroke-width:2px',
    '  classDef busy stroke:#0969da,stroke-dasharray:4',
  );
  for (const n of graph.nodes) {
    const cls = n.state ? STATE_CLASSES[n.state] : undefined;
    if (cls) lines.push(`  class ${ids.get(n.id)} ${cls}`);
  }
  return `${lines.join('\n')}\n`;
}
