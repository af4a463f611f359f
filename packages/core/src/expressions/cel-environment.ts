import { Environment } from '@marcbachmann/cel-js';
import { MAX_LIST_LENGTH } from './limits';
import { RE2_MATCHES, re2Matches } from './regex';

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
    env = newLanguageEnvironment();
    for (const v of variables) env.registerVariable(v, 'dyn');
    environments.set(key, env);
  }
  return env;
}

let checkingBase: Environment | undefined;

/**
 * The language's functions and operators with no variables, frozen: the type
 * checker clones it and declares typed variables on the copy.
 */
export function celCheckingBase(): Environment {
  checkingBase ??= newLanguageEnvironment();
  return checkingBase;
}

function newLanguageEnvironment(): Environment {
  const env = new Environment({
    homogeneousAggregateLiterals: false,
    enableOptionalTypes: true,
    limits: { maxAstNodes: 10_000, maxDepth: 100, maxListElements: MAX_LIST_LENGTH, maxMapEntries: MAX_LIST_LENGTH, maxCallArguments: 32 },
  });
  registerMixedArithmetic(env);
  registerBytesOrdering(env);
  registerFunctions(env);
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
    env.registerOperator(`int ${op} double: double`, (a: bigint, b: number) => fn(Number(a), b));
    env.registerOperator(`double ${op} int: double`, (a: number, b: bigint) => fn(a, Number(b)));
  }
}

/** CEL orders bytes lexicographically by unsigned byte value; cel-js has no such operators. */
function registerBytesOrdering(env: Environment): void {
  const ops: Array<[string, (order: number) => boolean]> = [
    ['<', (o) => o < 0],
    ['<=', (o) => o <= 0],
    ['>', (o) => o > 0],
    ['>=', (o) => o >= 0],
  ];
  for (const [op, holds] of ops) env.registerOperator(`bytes ${op} bytes: bool`, (a: Uint8Array, b: Uint8Array) => holds(Buffer.compare(a, b)));
}

/** Functions beyond the CEL standard library that workflows need. */
function registerFunctions(env: Environment): void {
  env.registerFunction('urlEncode(string): string', (s: string) => encodeURIComponent(s), {
    description: 'Percent-encodes a string for use in a URL (user, password, path segment, query value).',
  });
  env.registerFunction('base64Encode(string): string', (s: string) => Buffer.from(s, 'utf8').toString('base64'), {
    description: 'Encodes a UTF-8 string as base64.',
  });
  env.registerFunction('base64Decode(string): string', (s: string) => Buffer.from(s, 'base64').toString('utf8'), {
    description: 'Decodes base64 into a UTF-8 string.',
  });
  env.registerFunction(`string.${RE2_MATCHES}(string): bool`, re2Matches, {
    description: 'What `matches` is evaluated as: true when the RE2 pattern matches somewhere in the string (linear time).',
  });
}
