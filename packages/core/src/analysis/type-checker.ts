import type { Environment } from '@marcbachmann/cel-js';
import { celCheckingBase } from '../expressions/cel-environment';
import { anchorOf, type CelNode } from '../expressions/error-anchor';
import type { CelType, MessageType } from './cel-types';

/** The declared types of an expression's context: message types and the type of each variable. */
export interface TypeDeclarations {
  /**
   * Message types many checkers share (a workflow's roots), with a key
   * standing for their JSON: registered once, in an environment the checkers'
   * own are cloned from, instead of once per checker.
   */
  shared?: { messages: readonly MessageType[]; key: string };
  /** Message types of this checker alone (on top of the shared ones). */
  messages: readonly MessageType[];
  variables: Readonly<Record<string, CelType>>;
}

/** What the checker says of one expression: its type, or the first type error and where it is. */
export type TypeCheckOutcome = { ok: true; type: CelType } | { ok: false; message: string; offset: number; hint: string };

const MAX_ENVIRONMENTS = 200;
const MAX_OUTCOMES = 5_000;

/** One set of declarations: its environment (made on first use) and the outcome of each expression checked in it. */
interface CheckedEnvironment {
  env?: Environment;
  readonly outcomes: Map<string, TypeCheckOutcome>;
}

const environments = new Map<string, CheckedEnvironment>();

/**
 * Type-checks CEL expressions with cel-js's checker against typed variables.
 * Environments and outcomes are cached by the declarations' text, so many
 * workflows with the same parameters and steps cost one check per expression.
 */
export class ExpressionTypeChecker {
  readonly #declarations: TypeDeclarations;
  readonly #cached: CheckedEnvironment;

  /**
   * @param key the declarations' text when the caller has it (a cheaper way
   * to the same cache entry); by default their JSON.
   */
  constructor(declarations: TypeDeclarations, key = JSON.stringify([declarations.shared?.key, declarations.messages, declarations.variables])) {
    this.#declarations = declarations;
    let cached = environments.get(key);
    if (!cached) {
      if (environments.size >= MAX_ENVIRONMENTS) environments.delete(environments.keys().next().value!);
      cached = { outcomes: new Map() };
      environments.set(key, cached);
    }
    this.#cached = cached;
  }

  /** Checks one expression (which has already parsed in the evaluation environment). */
  check(source: string): TypeCheckOutcome {
    const outcomes = this.#cached.outcomes;
    let outcome = outcomes.get(source);
    if (!outcome) {
      outcome = checkIn(this.#environment(), source);
      if (outcomes.size >= MAX_OUTCOMES) outcomes.delete(outcomes.keys().next().value!);
      outcomes.set(source, outcome);
    }
    return outcome;
  }

  #environment(): Environment {
    if (!this.#cached.env) {
      const { shared } = this.#declarations;
      const env = withMessages((shared ? sharedEnvironment(shared) : celCheckingBase()).clone(), this.#declarations.messages);
      for (const [name, type] of Object.entries(this.#declarations.variables)) env.registerVariable(name, type);
      this.#cached.env = env;
    }
    return this.#cached.env;
  }
}

const sharedEnvironments = new Map<string, Environment>();

/**
 * The checking environment with the shared message types registered, made
 * once per key: registering a type in a fresh clone copies every function
 * and operator of the language first, which cost about 2 ms per checker.
 */
function sharedEnvironment(shared: NonNullable<TypeDeclarations['shared']>): Environment {
  let env = sharedEnvironments.get(shared.key);
  if (!env) {
    env = withMessages(celCheckingBase().clone(), shared.messages);
    if (sharedEnvironments.size >= MAX_ENVIRONMENTS) sharedEnvironments.delete(sharedEnvironments.keys().next().value!);
    sharedEnvironments.set(shared.key, env);
  }
  return env;
}

function withMessages(env: Environment, messages: readonly MessageType[]): Environment {
  for (const m of messages) env.registerType(m.name, { fields: m.fields });
  // Maps at run time: `"key" in parameters` is fine there, so it must be here.
  for (const m of messages) env.registerOperator(`string in ${m.name}`, () => false);
  return env;
}

function checkIn(env: Environment, source: string): TypeCheckOutcome {
  let result: ReturnType<Environment['check']>;
  try {
    result = env.check(source);
  } catch (err) {
    return { ok: false, message: firstLine(err), offset: 0, hint: '' };
  }
  if (result.valid) return { ok: true, type: result.type ?? 'dyn' };
  const node = (result.error as { node?: CelNode } | undefined)?.node;
  const message = firstLine(result.error);
  return { ok: false, message, offset: node ? anchorOf(node, source) : 0, hint: hintFor(message) };
}

const NUMERIC = '(int|uint|double|bool)';

/** A hint for the mistakes that have an obvious fix. */
function hintFor(message: string): string {
  if (new RegExp(`^no such overload: (string \\+ ${NUMERIC}|${NUMERIC} \\+ string)$`).test(message)) {
    return 'convert the number with string(...) to join it to text';
  }
  if (new RegExp(`^no such overload: (string (==|!=) ${NUMERIC}|${NUMERIC} (==|!=) string)$`).test(message)) {
    return 'compare values of one type: int(...) or string(...) converts';
  }
  const method = /^found no matching overload for '(int|uint|double|bool)\.(startsWith|endsWith|contains|matches|lowerAscii|upperAscii|split|size|trim)\(/.exec(
    message,
  );
  if (method) return `${method[2]}() works on strings: call it on string(...)`;
  if (/^Ternary branches must have the same type, got .*'null'/.test(message)) return 'to allow null in one branch, wrap the other in dyn(...)';
  if (/^Ternary branches must have the same type/.test(message)) return 'give both branches one type, or convert one with string(...)';
  return '';
}

function firstLine(err: unknown): string {
  const raw = err instanceof Error ? err.message : String(err);
  return raw.split('\n')[0]!.trim();
}
