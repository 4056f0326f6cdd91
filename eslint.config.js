// Lint rules, including the layer boundaries of STYLE.md §2: a boundary break fails lint.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import importX from 'eslint-plugin-import-x'

const zone = (target, from, message) => ({ target, from, message })

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'web/dist/**',
      'assay-data/**',
      'coverage/**',
      'test-artifacts/**',
      'bench/.data/**',
      'scratch/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { 'import-x': importX },
    // Never parse dependencies for no-cycle: PGlite's bundled chunk overflows the parser's stack.
    settings: { 'import-x/ignore': ['node_modules'] },
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        performance: 'readonly',
        fetch: 'readonly',
        AbortController: 'readonly',
        structuredClone: 'readonly',
        TextEncoder: 'readonly',
        TextDecoder: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'import-x/no-cycle': ['error', { maxDepth: 8 }],
      'import-x/no-default-export': 'error',
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            zone(
              './src/stats',
              [
                './src/domain',
                './src/store',
                './src/engine',
                './src/server',
                './src/cli',
                './src/config.ts',
                './src/context.ts',
              ],
              'stats is pure: it imports nothing else in src/',
            ),
            zone(
              './src/domain',
              ['./src/store', './src/engine', './src/server', './src/cli', './src/context.ts'],
              'domain imports only stats',
            ),
            zone(
              './src/store',
              ['./src/engine', './src/server', './src/cli', './src/stats', './src/context.ts'],
              'store imports only domain',
            ),
            zone(
              './src/engine',
              ['./src/server', './src/cli', './src/context.ts'],
              'engine never imports server or cli',
            ),
            zone(
              './src/server',
              ['./src/cli', './src/store/migrations'],
              'server never imports cli or store internals',
            ),
          ],
        },
      ],
    },
  },
  {
    // The web app runs in the browser and shares only types with the server (STYLE.md §2).
    files: ['web/src/**/*.{ts,tsx}'],
    languageOptions: {
      globals: {
        window: 'readonly',
        document: 'readonly',
        navigator: 'readonly',
        sessionStorage: 'readonly',
        localStorage: 'readonly',
        HTMLElement: 'readonly',
        HTMLDivElement: 'readonly',
        KeyboardEvent: 'readonly',
        ResizeObserver: 'readonly',
        URLSearchParams: 'readonly',
        Response: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/src/**'],
              message: 'web/ imports only types from src/ (import type)',
              allowTypeImports: true,
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.config.{js,ts}', 'eslint.config.js', 'web/vite.config.ts'],
    rules: { 'import-x/no-default-export': 'off' },
  },
  {
    // import-x's legacy resolver cannot load for this file (vite's exports map); it has no local imports to cycle.
    files: ['web/vite.config.ts'],
    rules: { 'import-x/no-cycle': 'off' },
  },
)
