const texts = new WeakMap<object, string>();

/**
 * The JSON text the journal keeps of a run's workflow, made once per
 * workflow object: every run of one workflow gets the same object (the
 * engine compiles it once, by that object), and the document is not
 * mutated once it runs, so thousands of runs in flight do not each
 * serialise the whole document again.
 */
export function workflowText(workflow: unknown): string {
  if (typeof workflow !== 'object' || workflow === null) return JSON.stringify(workflow ?? null);
  let text = texts.get(workflow);
  if (text === undefined) {
    text = JSON.stringify(workflow);
    texts.set(workflow, text);
  }
  return text;
}
