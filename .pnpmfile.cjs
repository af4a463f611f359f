// pnpm hooks for this workspace.
//
// Inside the workspace, packages resolve each other to TypeScript source via
// the `source` export condition (vitest, tsc and tsx are configured with it).
// `src/` is not published, so `pnpm pack` / `pnpm publish` drop that condition
// from every exports map of the published package.json.

/** The exports map without any `source` condition, at any depth. */
function withoutSource(target) {
  if (Array.isArray(target)) return target.map(withoutSource);
  if (target === null || typeof target !== 'object') return target;
  const out = {};
  for (const [key, value] of Object.entries(target)) if (key !== 'source') out[key] = withoutSource(value);
  return out;
}

module.exports = {
  hooks: {
    beforePacking(pkg) {
      if (pkg.exports) pkg.exports = withoutSource(pkg.exports);
      return pkg;
    },
  },
};
