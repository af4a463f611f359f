import type { TemplateExpression } from '../expressions/template';
import { CelTypeBuilder, jsonTypeOf, literalType, type CelType, type MessageType } from './cel-types';
import { FAILURE_FIELD_TYPES, RESOURCE_FIELD_TYPES, RUN_FIELD_TYPES } from './context-types';
import { forEachOutputSchema, type Declarations } from './declarations';
import type { IssueList } from './issues';
import { ExpressionTypeChecker } from './type-checker';

/**
 * The CEL types of a workflow's roots: `parameters` from the declarations,
 * `steps["x"].outputs` from each step type's output schema, `resource` and
 * `run` from their field tables, and `vars` as inferred (in dependency order).
 */
export class WorkflowTypes {
  readonly #base: BaseTypes;
  readonly #vars = new Map<string, CelType>();
  readonly #types = new WeakMap<TemplateExpression, CelType>();

  constructor(declared: Declarations) {
    this.#base = baseTypes(declared);
  }

  /** Records the inferred type of a var (its whole value's type). */
  setVar(name: string, type: CelType): void {
    this.#vars.set(name, type);
  }

  /**
   * A checker for expressions over `variables`; `vars` holds the vars inferred
   * so far (or only `readVars`); `roots` types variables of a place (a forEach
   * step's `item` and `index`).
   */
  checker(variables: readonly string[], readVars?: readonly string[], roots: Readonly<Record<string, CelType>> = {}): ExpressionTypeChecker {
    const vars: Record<string, CelType> = {};
    for (const [name, type] of this.#vars) if (!readVars || readVars.includes(name)) vars[name] = type;
    const declared: Record<string, CelType> = {};
    for (const v of variables) declared[v] = v === 'vars' ? 'Vars' : (roots[v] ?? this.#base.roots[v] ?? 'dyn');
    // Stands for the declarations' JSON: the shared messages' text by its short id.
    const key = `${this.#base.key}\u0000${JSON.stringify(vars)}\u0000${JSON.stringify(declared)}`;
    const shared = { messages: this.#base.messages, key: this.#base.key };
    return new ExpressionTypeChecker({ shared, messages: [{ name: 'Vars', fields: vars }], variables: declared }, key);
  }

  /**
   * Type-checks every expression of a template, reporting each type error at
   * the offending operator; remembers each expression's type.
   */
  checkAll(sites: readonly TemplateExpression[], checker: ExpressionTypeChecker, issues: IssueList): boolean {
    let ok = true;
    for (const site of sites) {
      const outcome = checker.check(site.expression.source);
      if (outcome.ok) {
        this.#types.set(site, outcome.type);
        continue;
      }
      ok = false;
      const hint = outcome.hint ? `; ${outcome.hint}` : '';
      issues.error(
        'EXPRESSION_TYPE',
        `expression '${clip(site.expression.source)}' does not type-check at character ${outcome.offset + 1}: ${outcome.message}${hint}`,
        site.pointer,
        { offset: site.offset + outcome.offset },
      );
    }
    return ok;
  }

  /** The CEL type found for an expression by {@link checkAll}, when it checked. */
  typeOf(site: TemplateExpression): CelType | undefined {
    return this.#types.get(site);
  }

  /** The JSON type of an expression's value, when known. */
  jsonTypeOf(site: TemplateExpression): string | undefined {
    return jsonTypeOf(this.#types.get(site));
  }

  /** The CEL type of a whole template value: an expression's type, a string, a literal's type. */
  valueType(value: unknown, sites: readonly TemplateExpression[]): CelType {
    if (sites.length === 0) return literalType(value);
    if (typeof value !== 'string') return Array.isArray(value) ? 'list<dyn>' : 'map<string, dyn>';
    const site = sites[0]!;
    return site.whole ? (this.#types.get(site) ?? 'dyn') : 'string';
  }
}

function clip(source: string): string {
  return source.length > 60 ? `${source.slice(0, 57)}...` : source;
}

/** The types a workflow's declarations give its roots, and the message types they need. */
interface BaseTypes {
  messages: readonly MessageType[];
  roots: Readonly<Record<string, CelType>>;
  /** Stands for the messages' and roots' JSON in the checker's cache key: equal text, equal key. */
  key: string;
}

const MAX_BASE_TYPES = 500;
const baseCache = new Map<string, BaseTypes>();
const definitionIds = new WeakMap<object, number>();
let nextDefinitionId = 1;

/**
 * The root types of a workflow's declarations, cached by what they are made
 * of (the parameters' specs, each step's name and type definition): many
 * workflows declaring the same parameters and steps share one set.
 */
function baseTypes(declared: Declarations): BaseTypes {
  const stepKey = [...declared.steps].map(([name, step]) => [name, step.definition ? definitionId(step.definition) : 0, step.forEach === true]);
  const cacheKey = JSON.stringify([[...declared.parameters], stepKey]);
  let base = baseCache.get(cacheKey);
  if (!base) {
    base = buildBaseTypes(declared);
    if (baseCache.size >= MAX_BASE_TYPES) baseCache.delete(baseCache.keys().next().value!);
    baseCache.set(cacheKey, base);
  }
  return base;
}

function buildBaseTypes(declared: Declarations): BaseTypes {
  const b = new CelTypeBuilder();
  const params: Record<string, CelType> = {};
  for (const [name, spec] of declared.parameters) params[name] = b.fromSchema(spec, `Parameters.${name}`, { number: 'double', closedObjects: false });
  const steps: Record<string, CelType> = {};
  for (const [name, step] of declared.steps) {
    const schema = step.definition && (step.forEach ? forEachOutputSchema(step.definition.output) : step.definition.output);
    const outputs = schema ? b.fromSchema(schema, `Steps.${name}.outputs`, { number: 'dyn', closedObjects: true }) : 'dyn';
    steps[name] = b.message(`Steps.${name}`, { outputs, skipped: 'bool' });
  }
  const roots = {
    parameters: b.message('Parameters', params),
    steps: b.message('Steps', steps),
    resource: b.message('Resource', { ...RESOURCE_FIELD_TYPES }),
    run: b.message('Run', { ...RUN_FIELD_TYPES }),
    failure: b.message('Failure', { ...FAILURE_FIELD_TYPES }),
  };
  return { messages: b.messages, roots, key: textId(JSON.stringify([b.messages, roots])) };
}

const MAX_TEXT_IDS = 2000;
const textIds = new Map<string, string>();
let nextTextId = 1;

/**
 * A short id for a text (the same id for the same text while it is kept):
 * a checker's cache key holds it instead of the messages' JSON, which is
 * kilobytes long and was hashed again for every checker made.
 */
function textId(text: string): string {
  let id = textIds.get(text);
  if (id === undefined) {
    // Ids are never reused: a text forgotten here gets a new one, and only misses the checkers' cache.
    if (textIds.size >= MAX_TEXT_IDS) textIds.clear();
    id = `#${nextTextId++}`;
    textIds.set(text, id);
  }
  return id;
}

function definitionId(definition: object): number {
  let id = definitionIds.get(definition);
  if (id === undefined) {
    id = nextDefinitionId++;
    definitionIds.set(definition, id);
  }
  return id;
}
