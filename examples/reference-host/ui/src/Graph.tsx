import { layout, NODE_H, NODE_W } from './graph-layout';
import type { Graph } from './types';

const clip = (text: string, n: number) => (text.length > n ? `${text.slice(0, n - 1)}…` : text);

/** The application's graph as an SVG: boxes by kind, outlined by state, edges as curves. */
export function GraphView({ graph }: { graph: Graph }) {
  const { placed, width, height } = layout(graph);
  return (
    <svg
      class="graph"
      data-testid="graph"
      viewBox={`0 0 ${width} ${height}`}
      width={width}
      height={height}
      role="img"
      aria-label={`graph of ${graph.application}`}
    >
      {graph.edges.map((e) => {
        const a = placed.get(e.from);
        const b = placed.get(e.to);
        if (!a || !b) return null;
        const x1 = a.x + NODE_W;
        const y1 = a.y + NODE_H / 2;
        const x2 = b.x;
        const y2 = b.y + NODE_H / 2;
        const mid = (x1 + x2) / 2;
        return <path key={`${e.from}>${e.to}`} class={`edge edge-${e.kind}`} d={`M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}`} />;
      })}
      {[...placed.values()].map(({ node, x, y }) => (
        <g key={node.id} class={`node node-${node.kind} state-${node.state ?? 'none'}`} data-node={node.id} transform={`translate(${x},${y})`}>
          <title>{[node.kind, node.label, node.detail, node.state].filter(Boolean).join(' · ')}</title>
          <rect width={NODE_W} height={NODE_H} rx={node.kind === 'step' ? 14 : 4} />
          <text x={10} y={19} class="label">
            {clip(node.label, 24)}
          </text>
          <text x={10} y={36} class="sub">
            {clip([node.kind === 'step' || node.kind === 'resource' ? node.detail : node.kind, node.state].filter(Boolean).join(' · '), 28)}
          </text>
        </g>
      ))}
    </svg>
  );
}
