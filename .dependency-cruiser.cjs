// The floors of the house (../shared/design/architecture.md, as this repository refines it): every import
// arrow points down or stays on its floor, and no files or folders import each other in a circle.
// `npm run check` runs it; test/unit/floors.test.ts proves it rejects a back-arrow and a circle.
//
// Floors, bottom to top. A folder may import its own floor and those below, never above.
const FLOORS = [
  { name: 'base', paths: ['^lib/', '^temporal\\.config\\.ts$'] },
  { name: 'models, rules, stack', paths: ['^models/', '^rules/', '^stack/'] },
  { name: 'analysers', paths: ['^media/', '^speech/'] },
  { name: 'evidence', paths: ['^evidence/'] },
  { name: 'domain', paths: ['^judge/', '^report/', '^catalogue/', '^signing/', '^decisions/'] },
  { name: 'activities', paths: ['^activities/'] },
  { name: 'workflows', paths: ['^workflows/'] },
  { name: 'intake', paths: ['^intake/'] },
  { name: 'processes', paths: ['^cli/', '^workers/', '^review/', '^eval/', '^bench/', '^fixtures/'] },
];

const alternation = (paths) => paths.map((p) => `(${p})`).join('|');

// A path belongs to the lowest floor whose pattern it matches (review's pure files before review/).
const floorRules = FLOORS.slice(0, -1).map((floor, i) => {
  const above = FLOORS.slice(i + 1).flatMap((f) => f.paths);
  const below = FLOORS.slice(0, i).flatMap((f) => f.paths);
  return {
    name: `no-up-from-${floor.name.replace(/[^a-z]+/g, '-')}`,
    comment: `${floor.name} may not import a floor above it`,
    severity: 'error',
    from: { path: alternation(floor.paths), pathNot: below.length ? alternation(below) : undefined },
    to: { path: alternation(above), pathNot: alternation(FLOORS.slice(0, i + 1).flatMap((f) => f.paths)) },
  };
});

module.exports = {
  forbidden: [
    ...floorRules,
    {
      name: 'lib-is-a-leaf',
      comment: 'lib/ imports nothing of the project but itself',
      severity: 'error',
      from: { path: '^lib/' },
      to: { path: '^(?!lib/)', dependencyTypesNot: ['core', 'npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-bundled', 'npm-no-pkg', 'npm-unknown'] },
    },
    {
      name: 'workflows-import-values-only-from-safe-modules',
      comment: 'workflow code runs in the deterministic sandbox: values only from temporal.config, workflows/ and the review messages and validator (decisions/); anything else as types',
      severity: 'error',
      from: { path: '^workflows/' },
      to: {
        path: '^(?!workflows/|temporal\\.config\\.ts$|decisions/(decision|definitions)\\.ts$)',
        dependencyTypesNot: ['type-only', 'npm', 'npm-dev', 'npm-no-pkg', 'npm-unknown'],
      },
    },
    {
      name: 'no-circular',
      comment: 'no files import each other in a circle (type-only imports included)',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist|\\.tools|\\.data|out|test/floors/bad)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    moduleSystems: ['cjs', 'es6'],
  },
};
