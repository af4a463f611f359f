import { Environment } from '@marcbachmann/cel-js';

/** Variables every workflow expression may use. */
export const WORKFLOW_VARIABLES = ['parameters', 'vars', 'steps', 'resource', 'run'] as const;

const environments = new Map<string, Environment>();

/**
 * The CEL environment for a set of variable names: every variable is `dyn`,
 * list and map literals may mix types, and arithmetic and comparison accept
 * an int and a double together (the result is a double), so that a whole
 * number from YAML never trips `no such overload: int * double`.
 */
export function celEnvironment(variables: readonly string[] = WORKFLOW_VARIABLES): Environment {
  const key = variables.join(',');
  let env = environments.get(key);
  if (!env) {
    env = new Environment({
      homogeneousAggregateLiterals: false,
      enableOptionalTypes: true,
      limits: { maxAstNodes: 10_000, maxDepth: 100, maxListElements: 10_000, maxMapEntries: 10_000, maxCallArguments: 32 },
    });
    for (const v of variables) env.registerVariable(v, 'dyn');
    registerMixedArithmetic(env);
    environments.set(key, env);
  }
  return env;
}

function registerMixedArithmetic(env: Environment): void {
  const ops: Array<[string, (a: number, b: number) => number]> = [
    ['+', (a, b) => a + b],
    ['-', (a, b) => a - b],
    ['*', (a, b) => a * b],
    ['/', (a, b) => a / b],
  ];
  for (const [op, fn] of ops) {
    env.registerOperator(`int ${op} double`, (a: bigint, b: number) => fn(Number(a), b));
    env.registerOperator(`double ${op} int`, (a: number, b: bigint) => fn(a, Number(b)));
  }
}
