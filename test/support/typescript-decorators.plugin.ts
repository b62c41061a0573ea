import ts from 'typescript';
import type { Plugin } from 'vite';

const COMPILER_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2023,
  module: ts.ModuleKind.ESNext,
  experimentalDecorators: true,
  emitDecoratorMetadata: true,
  useDefineForClassFields: false,
  isolatedModules: true,
  sourceMap: true,
  inlineSources: true,
};

/**
 * Compiles our TypeScript for Vitest with TypeScript itself. Nest's dependency injection
 * reads the `design:paramtypes` metadata that only tsc emits (Vite's Oxc and esbuild do
 * not); per-file transpilation is what ts-jest's isolated mode does, and it keeps the test
 * toolchain free of native packages the offline registry cannot supply for every platform.
 */
export function typescriptDecorators(): Plugin {
  return {
    name: 'netmortem:typescript-decorators',
    enforce: 'pre',
    transform(code, id) {
      const file = id.split('?')[0] ?? id;
      if (!file.endsWith('.ts') || file.includes('/node_modules/')) return null;
      const output = ts.transpileModule(code, {
        fileName: file,
        compilerOptions: COMPILER_OPTIONS,
      });
      return {
        code: output.outputText,
        ...(output.sourceMapText ? { map: output.sourceMapText } : {}),
      };
    },
  };
}
