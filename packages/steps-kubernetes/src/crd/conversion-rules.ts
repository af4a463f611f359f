import { forbidden, notSupported, required } from './causes';
import { isObject } from './json-type';
import type { FieldCause } from './types';

const STRATEGIES = ['None', 'Webhook'];

/**
 * What the API server checks in a CRD's `spec.conversion`: the strategy is
 * `None` (the default) or `Webhook`; a webhook is given exactly when the
 * strategy is `Webhook`, with a `clientConfig` naming a `url` or a
 * `service` (not both) and the ConversionReview versions it understands.
 */
export function conversionProblems(conversion: unknown): FieldCause[] {
  if (conversion === undefined) return [];
  const at = ['spec', 'conversion'];
  if (!isObject(conversion)) return [required(at)];
  const strategy = conversion.strategy ?? 'None';
  if (!STRATEGIES.includes(strategy as string)) return [notSupported([...at, 'strategy'], strategy, STRATEGIES)];
  const webhook = conversion.webhook;
  if (strategy !== 'Webhook') return webhook === undefined ? [] : [forbidden([...at, 'webhook'], 'should not be set when strategy is not set to Webhook')];
  if (!isObject(webhook)) return [required([...at, 'webhook'], 'required when strategy is set to Webhook')];
  const causes: FieldCause[] = [];
  const client = isObject(webhook.clientConfig) ? webhook.clientConfig : {};
  if ((client.url === undefined) === (client.service === undefined))
    causes.push(required([...at, 'webhook', 'clientConfig'], 'exactly one of url or service is required'));
  const reviews = webhook.conversionReviewVersions;
  if (!Array.isArray(reviews) || !reviews.some((v) => v === 'v1' || v === 'v1beta1'))
    causes.push(required([...at, 'webhook', 'conversionReviewVersions'], 'must include at least one of v1, v1beta1'));
  return causes;
}
