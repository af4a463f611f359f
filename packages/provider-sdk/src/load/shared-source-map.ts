import type { DefinitionOrigin, SourceMap, SourcePosition } from '@innominatus/core';
import type { YamlSourceMap } from '../yaml/yaml-source-map';

/**
 * The source map of a workflow combined with its provider's shared
 * definitions: a field of the shared `parameters` or `vars` is found in
 * provider.yaml (its position names that file), every other in the workflow's file.
 */
export function sharedSourceMap(own: YamlSourceMap, provider: YamlSourceMap, origin: (pointer: string) => DefinitionOrigin): SourceMap {
  const pick = (pointer: string): [YamlSourceMap, string] => {
    const where = origin(pointer);
    return [where.in === 'provider' ? provider : own, where.pointer];
  };
  return {
    file: own.file,
    positionOf(pointer: string): SourcePosition {
      const [map, p] = pick(pointer);
      return { ...map.positionOf(p), file: map.file };
    },
    stringPositionOf(pointer: string, offset: number): SourcePosition {
      const [map, p] = pick(pointer);
      return { ...map.stringPositionOf(p, offset), file: map.file };
    },
  };
}
