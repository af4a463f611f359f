import type { Graph, GraphNode } from './types';

export const NODE_W = 176;
export const NODE_H = 46;
const GAP_X = 44;
const GAP_Y = 18;
const BASE_COLUMN: Record<GraphNode['kind'], number> = { application: 0, resource: 1, provider: 2, workflow: 3, step: 4 };

/** Where a node is drawn. */
export interface Placed {
  node: GraphNode;
  x: number;
  y: number;
}

/**
 * A layered layout, left to right: applications, resources, providers,
 * workflows, then one column per step position; each column stacks its nodes
 * in the order the graph lists them.
 */
export function layout(graph: Graph): { placed: Map<string, Placed>; width: number; height: number } {
  const column = new Map<string, number>();
  for (const n of graph.nodes) column.set(n.id, BASE_COLUMN[n.kind]);
  // A step's column follows the chain: one further right than the node before it.
  for (const e of graph.edges) if (e.kind === 'step' || e.kind === 'next') column.set(e.to, (column.get(e.from) ?? 3) + 1);
  const rows = new Map<number, number>();
  const placed = new Map<string, Placed>();
  for (const n of graph.nodes) {
    const c = column.get(n.id)!;
    const r = rows.get(c) ?? 0;
    rows.set(c, r + 1);
    placed.set(n.id, { node: n, x: 8 + c * (NODE_W + GAP_X), y: 8 + r * (NODE_H + GAP_Y) });
  }
  const columns = Math.max(0, ...column.values()) + 1;
  const height = Math.max(1, ...rows.values());
  return { placed, width: 16 + columns * NODE_W + (columns - 1) * GAP_X, height: 16 + height * NODE_H + (height - 1) * GAP_Y };
}
