import type { FastifyInstance } from 'fastify';
import { BodyError } from '../errors';

/**
 * Parses `application/json` bodies with fastify's own parser (which refuses
 * `__proto__` and `constructor.prototype` keys), but answers a body that is
 * not JSON with a {@link BodyError} saying what is wrong and, when the JSON
 * parser says, at which line and column.
 */
export function installJsonBodyParser(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = String(body);
    void parse(request, text, (err, value) => {
      if ((err as { code?: string } | null)?.code === 'FST_ERR_CTP_INVALID_JSON_BODY') done(invalidJson(text));
      else if (err) done(err);
      else done(null, value);
    });
  });
}

/** Why `text` is not JSON, from the parser's own message, without quoting the body. */
function invalidJson(text: string): BodyError {
  let reason: string;
  try {
    JSON.parse(text);
    // It is JSON, so fastify's parser refused a key that would change object prototypes.
    return new BodyError('BODY_INVALID', 400, "request body is refused: it holds a '__proto__' or 'constructor.prototype' key", [
      { field: '(body)', message: "holds a '__proto__' or 'constructor.prototype' key" },
    ]);
  } catch (err) {
    reason = (err as Error).message;
  }
  const stated = /at position (\d+)/.exec(reason);
  const offset = stated ? Number(stated[1]) : /^Unexpected end of JSON input/.test(reason) ? text.length : undefined;
  // V8 quotes the body in some messages (`Unexpected token 'x', "..." is not valid JSON`,
  // `..., ..."...x..."... is not valid JSON`): keep only the reason.
  reason = reason
    .replace(/, (?:\.\.\.)?".*$/s, '')
    .replace(/ in JSON at position \d+.*$/s, '')
    .replace(/ of JSON input$/, ' of input');
  reason = reason.charAt(0).toLowerCase() + reason.slice(1);
  const pos = offset === undefined ? undefined : lineAndColumn(text, offset);
  const where = pos ? ` at line ${pos.line}, column ${pos.col}` : '';
  return new BodyError('BODY_INVALID', 400, `request body is not valid JSON (content-type is application/json): ${reason}${where}`, [
    { field: '(body)', message: `is not valid JSON: ${reason}`, ...(pos ?? {}) },
  ]);
}

function lineAndColumn(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, col: offset - start + 1 };
}
