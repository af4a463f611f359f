import type { GraphNode, ResourceGraph } from './graph-model';

const SHAPES: Record<GraphNode['kind'], string> = {
  application: 'folder',
  resource: 'cylinder',
  provider: 'hexagon',
  workflow: 'box',
  step: 'box',
};
const STATE_COLORS: Record<string, string> = {
  active: '#1a7f37',
  succeeded: '#1a7f37',
  failed: '#cf222e',
  provisioning: '#0969da',
  updating: '#0969da',
  terminating: '#0969da',
  running: '#0969da',
};

/** A DOT string literal. */
function quote(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/** The graph in Graphviz DOT (`dot -Tsvg` draws it): shapes by kind, outline colour by state. */
export function renderDot(graph: ResourceGraph): string {
  const lines = [`digraph ${quote(graph.application)} {`, '  rankdir=LR;', '  node [fontname="Helvetica", fontsize=11];'];
  for (const n of graph.nodes) {
    const text = [n.label, n.detail, n.state].filter(Boolean).join('\n');
    const color = n.state ? STATE_COLORS[n.state] : undefined;
    const style = n.kind === 'step' ? ', style=rounded' : '';
    lines.push(`  ${quote(n.id)} [label=${quote(text)}, shape=${SHAPES[n.kind]}${style}${color ? `, color=${quote(color)}` : ''}];`);
  }
  for (const e of graph.edges) lines.push(`  ${quote(e.from)} -> ${quote(e.to)} [label=${quote(e.kind)}];`);
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
