// ESLint with typescript-eslint's type-checked rules over the server, channels, routing, console, tests and
// benchmarks. Prettier owns formatting (.prettierrc.json); `.ci/run` runs both before the tests.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'operator-ui/dist/', 'data/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: globals.node,
      parserOptions: {
        projectService: {
          allowDefaultProject: ['*.js', '.puppeteerrc.cjs', 'scripts/*.mjs', 'channels/email/*.mjs', 'src/readpool/*.mjs'],
        },
        tsconfigRootDir: import.meta.dirname,
      },
    },
  },
  { files: ['**/*.cjs'], languageOptions: { sourceType: 'commonjs' } },
);
