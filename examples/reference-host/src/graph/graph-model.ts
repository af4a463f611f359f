/** What a node of an application's graph stands for. */
export type GraphNodeKind = 'application' | 'resource' | 'provider' | 'workflow' | 'step';

/** One node: an application, a resource, the provider serving it, the workflow run for it, or one step of that run. */
export interface GraphNode {
  id: string;
  kind: GraphNodeKind;
  label: string;
  /** A resource's lifecycle state, a run's or step's status. */
  state?: string | undefined;
  /** The resource type (resources), the step type (steps), the operation (workflows). */
  detail?: string | undefined;
}

/** How two nodes relate: `has` (application → resource), `served-by` (resource → provider), `runs` (provider → workflow), `step` (workflow → first step), `next` (step → step), `shares` (another application declaring the same shared resource). */
export type GraphEdgeKind = 'has' | 'served-by' | 'runs' | 'step' | 'next' | 'shares';

/** A directed edge between two node ids. */
export interface GraphEdge {
  from: string;
  to: string;
  kind: GraphEdgeKind;
}

/** An application's resource graph, as `GET /api/graph/{app}` returns it. */
export interface ResourceGraph {
  application: string;
  nodes: GraphNode[];
  edges: GraphEdge[];
}
