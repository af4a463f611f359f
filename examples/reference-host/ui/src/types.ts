/** Shapes of the host's answers, as the UI reads them. */

export interface Whoami {
  name: string;
  role: 'user' | 'admin';
}

export interface ApplicationSummary {
  name: string;
  submittedAt?: string;
  resources: { id: string; name: string; type: string; state: string }[];
  states: Record<string, number>;
}

export interface Resource {
  id: string;
  application: string;
  name: string;
  type: string;
  state: string;
  generation?: number;
  outputs: Record<string, unknown>;
  pendingOperation?: string;
  error?: { code: string; message: string };
  attempts: number;
  createdAt: string;
  updatedAt: string;
  history?: { from?: string; to: string; at: string; reason: string }[];
}

export interface Step {
  index: number;
  name: string;
  type: string;
  status: string;
  attempt: number;
  startedAt: string;
  endedAt?: string;
  durationMs?: number;
  error?: { code: string; message: string };
  progress: { at: string; message: string }[];
}

export interface Run {
  id: string;
  operation: string;
  generation: number;
  workflow?: string;
  status: string;
  attempt: number;
  createdAt: string;
  updatedAt: string;
  error?: { code: string; message: string };
  steps: Step[];
}

export interface GraphNode {
  id: string;
  kind: 'application' | 'resource' | 'provider' | 'workflow' | 'step';
  label: string;
  state?: string;
  detail?: string;
}
export interface Graph {
  application: string;
  nodes: GraphNode[];
  edges: { from: string; to: string; kind: string }[];
}

export interface AppliedChange {
  action: string;
  name: string;
  type: string;
  id: string;
  state: string;
}
